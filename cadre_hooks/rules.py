"""The rule catalogue: codes, names, severities, commitments, messages and docs, read from
`rules/checks/*.toml`. Code decides *when* a rule applies (policy, repository checks); the data
says what it is called and what it tells the user, in French and English."""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cadre_hooks.registry import Registry


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str
    commitments: tuple[int, ...]
    security_severity: str
    summary: Mapping[str, str]
    message: Mapping[str, str]
    doc: Mapping[str, Any]
    patterns: tuple[str, ...]
    name_basis: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def basis(self, lang: str, name: str | None) -> str:
        """`, inferred from the name settings.albert_api_url,` for a provider decided by a name."""
        if not name or not self.name_basis:
            return ""
        template = self.name_basis.get(lang) or self.name_basis.get("en", "")
        return template.replace("{name}", name)

    def format(self, lang: str, **fields: Any) -> str:
        template = self.message.get(lang) or self.message["en"]
        return string.Formatter().vformat(template, (), _Defaults(fields))


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def catalogue(registry: Registry) -> dict[str, Rule]:
    rules = {}
    for data in registry.raw_checks:
        rules[data["code"]] = Rule(
            code=data["code"], name=data["name"], severity=data["severity"],
            commitments=tuple(data.get("commitments", ())), security_severity=data.get("security_severity", "5.0"),
            summary=data["summary"], message=data["message"], doc=data["doc"], patterns=tuple(data.get("patterns", ())),
            name_basis=data.get("name_basis", {}),
        )
    return dict(sorted(rules.items()))
