"""What AI_USAGE.md must hold, read from `rules/ai_usage.toml`: the sections the charter asks for
and the headings that count as each, what to write in each field, and CDR202's messages.

Kept as data so that a new synonym or a better hint is a one-line change, reviewed like any rule.
Also the text helpers the checks share: comparing headings without case, accents or punctuation,
and telling the template's guidance from an answer.
"""

from __future__ import annotations

import functools
import re
import string
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cadre_hooks.registry import rules_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True, slots=True)
class Section:
    """One required section of AI_USAGE.md and the charter commitments it answers."""

    id: str
    commitments: tuple[int, ...]
    title: Mapping[str, str]
    synonyms: Mapping[str, tuple[str, ...]]  # lang -> normalised phrases
    hint: Mapping[str, str]


@dataclass(frozen=True)
class Spec:
    sections: tuple[Section, ...]
    guidance: tuple[str, ...]
    placeholders: tuple[str, ...]
    fields: Mapping[str, Mapping[str, str]]
    messages: Mapping[str, Mapping[str, str]]
    types: Mapping[str, Mapping[str, str]]

    def message(self, kind: str, lang: str, **values: Any) -> str:
        texts = self.messages[kind]
        template = texts.get(lang) or texts["en"]
        return string.Formatter().vformat(template, (), _Blank(values))

    def hint(self, field: str, lang: str) -> str:
        texts = self.fields.get(field, {})
        return texts.get(lang) or texts.get("en", field)

    def type_name(self, kind: str, lang: str) -> str:
        return (self.types.get(lang) or self.types["en"]).get(kind, kind)

    @functools.cached_property
    def _guidance_re(self) -> re.Pattern[str]:
        guided = "|".join(re.escape(g) for g in self.guidance)
        bare = "|".join(re.escape(p) for p in self.placeholders)
        return re.compile(rf"(?:(?:{guided})[\s*_]*(?:[:.…]|$)|(?:{bare})(?![^\W\d_]))")

    def is_guidance(self, text: str) -> bool:
        """True for a line or a value that is the template's guidance (`À compléter : ...`, `TODO`)."""
        plain = strip_accents(text).lower().lstrip(" \t>*_-+`#[](){}").strip()
        return bool(self._guidance_re.match(plain))


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by one space: 'Finalité & plus-value' -> 'finalite plus value'."""
    plain = strip_accents(text).lower().replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.findall(r"[^\W_]+", plain))


@functools.lru_cache(maxsize=2)
def load_spec(path: str | None = None) -> Spec:
    """The format description shipped in `rules/ai_usage.toml` (or `path`), parsed once per process."""
    source = path or str(rules_dir() / "ai_usage.toml")
    with open(source, "rb") as fh:
        data = tomllib.load(fh)
    sections = tuple(
        Section(id=s["id"], commitments=tuple(s["commitments"]), title=s["title"],
                synonyms={lang: tuple(normalise(w) for w in (s["title"].get(lang, ""), *words) if w)
                          for lang, words in s["synonyms"].items()},
                hint=s["hint"])
        for s in data["sections"])
    return Spec(sections=sections, guidance=tuple(normalise(g) for g in data["guidance"]),
                placeholders=tuple(normalise(p) for p in data["placeholders"]), fields=data["fields"],
                messages=data["messages"], types=data["types"])
