"""Write a first AI_USAGE.md from a scan (`cadre init`): the providers, their endpoints and
hosting, and the models found in the code are filled in; everything only a person can know is
left as guidance ("À compléter : ...") that CDR202 reports until it is replaced.

The text is data (rules/templates/AI_USAGE.<lang>.md and init.toml); this module only fills it in.
"""

from __future__ import annotations

import datetime as dt
import json
import string
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from cadre_hooks.model import Usage
from cadre_hooks.registry import rules_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def templates_dir() -> Path:
    return rules_dir() / "templates"


def snippets(lang: str) -> Mapping[str, str]:
    with (templates_dir() / "init.toml").open("rb") as fh:
        data: dict[str, dict[str, str]] = tomllib.load(fh)
    return data.get(lang) or data["en"]


def scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when it reads back unchanged, else double-quoted (JSON is valid YAML)."""
    import yaml

    if text and "#" not in text and text == text.strip():
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def hosting(usages: Sequence[Usage]) -> str:
    """Where the data of these usages are processed, as the declaration says it: eu, non-eu or local."""
    places = set()
    for usage in usages:
        if usage.jurisdiction == "local":
            places.add("local")
        elif usage.region_in_eu or (usage.jurisdiction == "eu" and usage.region_in_eu is not False):
            places.add("eu")
        else:
            places.add("non-eu")
    return ", ".join(sorted(places))


def models(usages: Sequence[Usage]) -> list[str]:
    names = {name for u in usages for name in (*u.models, *((u.model,) if u.model else ()))}
    return sorted(names)


def render(project: str, usages: Sequence[Usage], today: dt.date, lang: str) -> str:
    text = snippets(lang)
    by_provider: dict[str, list[Usage]] = {}
    for usage in usages:
        if usage.provider:
            by_provider.setdefault(usage.provider, []).append(usage)
    entries = []
    for pid, places in sorted(by_provider.items()):
        entry = "\n" + string.Template(text["provider"].strip("\n")).substitute(
            id=scalar(pid), hosting=scalar(hosting(places)))
        hosts = sorted({u.host for u in places if u.host})
        if hosts:
            entry += "\n    endpoints:" + "".join(f"\n      - {scalar(h)}" for h in hosts)
        entries.append(entry)
    unknown = sorted((u for u in usages if not u.provider), key=lambda u: (u.path, u.line))
    if unknown:
        where = ", ".join(f"{u.path}:{u.line}" for u in unknown[:3]) + (", ..." if len(unknown) > 3 else "")
        entries.append("\n" + string.Template(text["unknown"].strip("\n")).substitute(count=len(unknown), where=where))
    names = models(usages)
    template = (templates_dir() / f"AI_USAGE.{lang if lang in ('fr', 'en') else 'en'}.md").read_text(encoding="utf-8")
    return string.Template(template).substitute(
        project=scalar(project), name=project, today=today.isoformat(),
        providers="".join(entries) if by_provider or unknown else text["no_provider"],
        models="".join(f"\n  - {scalar(m)}" for m in names) if names else text["no_model"])


def snippet(key: str, lang: str, **values: object) -> str:
    return string.Template(snippets(lang)[key]).substitute(values)


def summary(path: str, usages: Sequence[Usage], lang: str) -> str:
    providers = sorted({u.provider for u in usages if u.provider})
    return snippet("written", lang, path=path, providers=", ".join(providers) or snippets(lang)["none"])
