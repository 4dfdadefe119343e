"""The rule catalogue: codes, names, severities, commitments, messages and docs, read from
`rules/checks/*.toml`. Code (one module per rule or family in cadre_hooks/checks/) decides *when*
a rule applies; the data says what it is called and every word it tells the user, in French and
English: the message, and the named `details` a check fills into it."""

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
    # key -> {en, fr}: the variable parts of a message (why a provider is refused, which region...)
    details: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)

    def basis(self, lang: str, name: str | None) -> str:
        """`, inferred from the name settings.albert_api_url,` for a provider decided by a name."""
        if not name or not self.name_basis:
            return ""
        template = self.name_basis.get(lang) or self.name_basis.get("en", "")
        return template.replace("{name}", name)

    def format(self, lang: str, **fields: Any) -> str:
        template = self.message.get(lang) or self.message["en"]
        return string.Formatter().vformat(template, (), _Defaults(fields))

    def detail(self, lang: str, key: str, **fields: Any) -> str:
        """The text of `details.<key>` in `lang`: a key missing from the rule's data is a bug of
        the check that asks for it (KeyError), never a silently empty message."""
        texts = self.details[key]
        return string.Formatter().vformat(texts.get(lang) or texts["en"], (), _Defaults(fields))


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
            name_basis=data.get("name_basis", {}), details=data.get("details", {}),
        )
    return dict(sorted(rules.items()))
