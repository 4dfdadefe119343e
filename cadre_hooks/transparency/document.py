"""Read AI_USAGE.md into a Declaration: what it declares (providers, user_facing, last_review) and
every way it falls short of the format (CDR202), each with its line and what to write instead."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from cadre_hooks.transparency import frontmatter, markdown
from cadre_hooks.transparency.frontmatter import Value
from cadre_hooks.transparency.spec import Spec

REQUIRED = ("cadre", "project", "owner", "contact", "last_review", "user_facing", "providers", "models")
OPTIONAL = ("assistants",)
PROVIDER_REQUIRED = ("id", "purpose", "personal_data", "hosting")
PROVIDER_OPTIONAL = ("endpoints",)
_TEXT_FIELDS = ("project", "owner", "contact")


@dataclass(frozen=True, slots=True)
class Problem:
    """One shortcoming: `kind` names its message in rules/ai_usage.toml; `key` identifies it for
    the finding's fingerprint, so the fingerprint survives edits elsewhere in the file."""

    kind: str
    line: int
    key: str
    field: str | None = None
    provider: str | None = None
    values: Mapping[str, str] = default(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Declared:
    id: str
    line: int


@dataclass
class Declaration:
    problems: list[Problem] = default(default_factory=list)
    providers: list[Declared] | None = None  # None when the list cannot be read
    providers_line: int = 1
    user_facing: tuple[bool, int] | None = None
    last_review: tuple[dt.date, int] | None = None
    lang: str | None = None  # language the sections are written in
    models: list[Declared] | None = None  # the `models` list, None when it cannot be read
    models_line: int = 1


def read(text: str, spec: Spec, today: dt.date) -> Declaration:
    head = frontmatter.split(text)
    out = Declaration()
    if head.problem is not None:
        kind, line, values = head.problem
        out.problems.append(Problem(kind, line, f"front-matter:{kind}", values=values))
    else:
        _fields(head, spec, today, out)
    _sections(head, spec, out)
    return out


def _type(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (dt.date, dt.datetime)):
        return "date"
    if isinstance(value, list):
        return "list"
    return "mapping" if isinstance(value, dict) else "text"


def _check(value: Value, name: str, expected: str, spec: Spec, key: str, provider: str | None = None) -> Problem | None:
    """The problem with one scalar field, if any: empty, guidance left in, unreadable or wrong type."""
    v = value.value
    common: dict[str, Any] = {"field": name, "provider": provider}
    if value.error is not None:
        return Problem("bad_value", value.line, key, values={"error": value.error}, **common)
    if v is None or (isinstance(v, str) and not v.strip()):
        return Problem("empty_field", value.line, key, **common)
    if isinstance(v, str) and spec.is_guidance(v):
        return Problem("placeholder_field", value.line, key, **common)
    if _type(v) != expected:
        return Problem("wrong_type", value.line, key, values={"expected": expected, "got": _type(v)}, **common)
    return None


def _unknown(name: str, line: int, known: tuple[str, ...], key: str, provider: str | None = None) -> Problem:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return Problem("unknown_field", line, key, field=name, provider=provider,
                   values={"close": close[0] if close else ""})


def _fields(head: frontmatter.FrontMatter, spec: Spec, today: dt.date, out: Declaration) -> None:
    fields = head.fields
    add = out.problems.append
    for dup in head.duplicates:
        add(Problem("duplicate_field", dup.line, f"duplicate:{dup.key}", field=dup.key,
                    values={"first": str(dup.first)}))
    for name, value in fields.items():
        if name not in REQUIRED + OPTIONAL and not name.startswith("x-"):
            add(_unknown(name, value.line, REQUIRED + OPTIONAL, f"unknown:{name}"))
    for name in REQUIRED:
        if name not in fields:
            add(Problem("missing_field", 1, f"field:{name}", field=name))
    if "cadre" in fields:
        version = fields["cadre"]
        if version.error is None and (version.value != 1 or isinstance(version.value, bool)):
            add(Problem("bad_version", version.line, "field:cadre", values={"got": repr(version.value)}))
    for name in _TEXT_FIELDS:
        if name in fields and (problem := _check(fields[name], name, "text", spec, f"field:{name}")):
            add(problem)
    if "user_facing" in fields:
        problem = _check(fields["user_facing"], "user_facing", "boolean", spec, "field:user_facing")
        if problem:
            add(problem)
        else:
            out.user_facing = (fields["user_facing"].value, fields["user_facing"].line)
    if "last_review" in fields:
        _last_review(fields["last_review"], spec, today, out)
    if "models" in fields:
        out.models_line = fields["models"].line
        out.models = _text_list(fields["models"], "models", spec, out, allow_mappings=False, first_line=head.first_line)
    if "assistants" in fields:
        _text_list(fields["assistants"], "assistants", spec, out, allow_mappings=True)
    if "providers" in fields:
        _providers(fields["providers"], spec, out, head.first_line)


def _last_review(value: Value, spec: Spec, today: dt.date, out: Declaration) -> None:
    v = value.value
    if isinstance(v, str) and v.strip() and not spec.is_guidance(v):
        try:
            v = dt.date.fromisoformat(v.strip())
        except ValueError:
            out.problems.append(Problem("bad_date", value.line, "field:last_review", values={"got": repr(v)}))
            return
        value = Value(v, value.line)
    if isinstance(v, dt.datetime):
        value = Value(v.date(), value.line)
    if problem := _check(value, "last_review", "date", spec, "field:last_review"):
        if problem.kind == "wrong_type":
            problem = Problem("bad_date", value.line, "field:last_review", values={"got": repr(value.value)})
        out.problems.append(problem)
        return
    if value.value > today:
        out.problems.append(Problem("future_date", value.line, "field:last_review",
                                    values={"date": value.value.isoformat(), "today": today.isoformat()}))
        return
    out.last_review = (value.value, value.line)


def _text_list(value: Value, name: str, spec: Spec, out: Declaration, allow_mappings: bool,
               first_line: int = 2) -> list[Declared] | None:
    """The entries of a list of names (each with its line); None when the field is not a list."""
    v = value.value
    if v is None and value.error is None:
        out.problems.append(Problem("empty_field", value.line, f"field:{name}", field=name))
        return None
    if not isinstance(v, list):
        if problem := _check(value, name, "list", spec, f"field:{name}"):
            out.problems.append(problem)
        return None
    names: list[Declared] = []
    for index, entry in enumerate(frontmatter.entries(value, first_line)):
        item = entry.value
        if entry.fields is not None and allow_mappings and "name" in entry.fields:
            item = entry.fields["name"].value  # an assistant may be written {name: ..., usage: ...}
        if isinstance(item, str) and item.strip():
            if spec.is_guidance(item):
                out.problems.append(Problem("placeholder_field", entry.line, f"{name}:{index}", field=name))
            else:
                names.append(Declared(item.strip(), entry.line))
            continue
        if entry.fields is not None and not isinstance(item, str):
            got = "mapping"
        else:
            got = _type(None if isinstance(item, str) else item)  # a blank string is an empty value
        out.problems.append(Problem("wrong_entry", entry.line, f"{name}:{index}", field=name,
                                    values={"expected": "text", "got": got}))
    return names


def _providers(value: Value, spec: Spec, out: Declaration, first_line: int) -> None:
    out.providers_line = value.line
    if value.value is None and value.error is None:
        out.providers = []  # `providers:` with nothing under it: no provider declared
        return
    if not isinstance(value.value, list):
        if problem := _check(value, "providers", "list", spec, "field:providers"):
            out.problems.append(problem)
        return
    declared: list[Declared] = []
    first: dict[str, int] = {}
    for index, entry in enumerate(frontmatter.entries(value, first_line)):
        if entry.fields is None:
            out.problems.append(Problem("not_provider", entry.line, f"providers:{index}"))
            continue
        ident = entry.fields.get("id")
        pid = ident.value.strip() if ident is not None and isinstance(ident.value, str) else None
        label = pid or str(index + 1)
        for dup in entry.duplicates:
            out.problems.append(Problem("duplicate_field", dup.line, f"providers:{label}:duplicate:{dup.key}",
                                        field=dup.key, provider=label, values={"first": str(dup.first)}))
        for name, field_value in entry.fields.items():
            if name not in PROVIDER_REQUIRED + PROVIDER_OPTIONAL and not name.startswith("x-"):
                out.problems.append(_unknown(name, field_value.line, PROVIDER_REQUIRED + PROVIDER_OPTIONAL,
                                             f"providers:{label}:unknown:{name}", provider=label))
        for name, expected in (("id", "text"), ("purpose", "text"), ("personal_data", "boolean"), ("hosting", "text")):
            key = f"providers:{label}:{name}"
            if name not in entry.fields:
                out.problems.append(Problem("missing_field", entry.line, key, field=name, provider=label))
            elif problem := _check(entry.fields[name], name, expected, spec, key, provider=label):
                out.problems.append(problem)
        if "endpoints" in entry.fields:
            endpoints = entry.fields["endpoints"]
            if not isinstance(endpoints.value, list) or not all(isinstance(e, str) for e in endpoints.value):
                out.problems.append(Problem("wrong_type", endpoints.line, f"providers:{label}:endpoints",
                                            field="endpoints", provider=label,
                                            values={"expected": "list", "got": _type(endpoints.value)}))
        if pid is None or spec.is_guidance(pid):
            continue
        if pid in first:
            out.problems.append(Problem("duplicate_provider", entry.line, f"providers:{pid}:duplicate",
                                        provider=pid, values={"provider": pid, "first": str(first[pid])}))
            continue
        first[pid] = entry.line
        declared.append(Declared(pid, ident.line if ident is not None else entry.line))
    out.providers = declared


def _sections(head: frontmatter.FrontMatter, spec: Spec, out: Declaration) -> None:
    answers = markdown.answers(head.body, head.body_start, spec)
    langs = [a.lang for a in answers]
    if langs:
        out.lang = "fr" if langs.count("fr") > langs.count("en") else "en" if langs.count("en") > langs.count("fr") \
            else None
    headings = markdown.headings(markdown.hide_comments(head.body), head.body_start)
    where = headings[0].line if headings else head.body_start
    for section in spec.sections:
        mine = [a for a in answers if a.section.id == section.id]
        if not mine:
            out.problems.append(Problem("missing_section", where, f"section:{section.id}:missing",
                                        values={"section": section.id}))
        elif any(a.state == "guidance" for a in mine) or not any(a.state == "ok" for a in mine):
            answer = next((a for a in mine if a.state == "guidance"), mine[0])
            kind = "guidance_section" if answer.state == "guidance" else "empty_section"
            line = answer.guidance_line if answer.state == "guidance" else answer.heading.line
            out.problems.append(Problem(kind, line, f"section:{section.id}:{answer.state}",
                                        values={"section": section.id, "heading": answer.heading.text}))


def describe(problem: Problem, spec: Spec, lang: str, file_lang: str | None) -> str:
    """The problem in words, in `lang`, saying what to write; section titles in the file's language."""
    values: dict[str, Any] = dict(problem.values)
    if problem.field is not None:
        values["hint"] = spec.hint(problem.field, lang)
        values["field"] = (spec.message("provider_field", lang, field=problem.field, provider=problem.provider)
                           if problem.provider else problem.field)
    if "expected" in values:
        values["expected"] = spec.type_name(values["expected"], lang)
        values["got"] = spec.type_name(values["got"], lang)
    if "close" in values:
        values["suggestion"] = spec.message("suggestion", lang, name=values["close"]) if values["close"] else ""
    if "section" in values:
        section = next(s for s in spec.sections if s.id == values["section"])
        values["title"] = section.title.get(file_lang or lang) or section.title["en"]
        values["hint"] = section.hint.get(lang) or section.hint["en"]
    return spec.message(problem.kind, lang, **values)
