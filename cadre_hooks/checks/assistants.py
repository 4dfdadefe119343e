"""CDR303: traces of AI coding assistants (`.cursorrules`, `CLAUDE.md`, ...) in the files scanned,
unless AI_USAGE.md declares the assistant under `assistants`.

The assistants and their files are data (rules/assistants.toml). The check looks at file names
only, so it works on `cadre scan FILE` as well as on a whole repository.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts
from cadre_hooks.findings import make_finding
from cadre_hooks.registry import load_registry
from cadre_hooks.select import glob_source

CODES = ("CDR303",)
MAX_DECLARATION_BYTES = 2_000_000
FEW_FILES = 64  # up to this many paths, a substring test per literal beats compiling one expression



@dataclass(frozen=True)
class Assistant:
    id: str
    name: str
    vendor: str
    jurisdiction: str
    globs: tuple[str, ...]  # as written in the data
    sources: tuple[str, ...]  # regular expressions, compiled only for a path that matches one of them

    @functools.cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(s) for s in self.sources)


@functools.lru_cache(maxsize=2)
def assistants(root: Path | None = None) -> tuple[Assistant, ...]:
    """The assistants of rules/assistants.toml (of the registry at `root`), from the registry's
    cached data: a pre-commit call parses no TOML."""
    tables = load_registry(root).raw_assistants
    return tuple(Assistant(a["id"], a["name"], a["vendor"], a["jurisdiction"], tuple(a["paths"]),
                           tuple(_anchored(p) for p in a["paths"])) for a in tables)


def _anchored(pattern: str) -> str:
    # A bare file name ("CLAUDE.md") means the file at the repository root; "**/x" anywhere.
    return glob_source(pattern if "/" in pattern else "/" + pattern)


@functools.lru_cache(maxsize=2)
def _any_trace() -> re.Pattern[str]:
    """Every assistant's patterns in one expression: one match per file instead of fifty."""
    return re.compile("|".join(f"(?:{p})" for a in assistants() for p in a.sources))


@functools.lru_cache(maxsize=2)
def _literals() -> tuple[str, ...]:
    """The longest wildcard-free piece of every glob: a path that holds none of them matches no
    pattern, and the combined expression (~20 ms to compile) is never built on a pre-commit call
    or a tree without assistant files. `**/` may match nothing, so it splits like a wildcard."""
    pieces = (re.split(r"\*\*/|\*|\?", glob.strip().strip("/")) for a in assistants() for glob in a.globs)
    return tuple(sorted({max(p, key=len) for p in pieces}))


def match(path: str) -> Assistant | None:
    if not _any_trace().match(path):
        return None
    for assistant in assistants():
        if any(p.match(path) for p in assistant.patterns):
            return assistant
    return None


def declared(root: Path, ai_usage: str) -> set[str]:
    """Assistant ids (and names, lower-cased) listed under `assistants` in AI_USAGE.md."""
    from cadre_hooks.safeio import Refused, read_in_root

    try:
        text = read_in_root(root, ai_usage, MAX_DECLARATION_BYTES).decode("utf-8")
    except (Refused, UnicodeDecodeError):
        return set()
    from cadre_hooks.transparency import frontmatter

    value = frontmatter.split(text).fields.get("assistants")
    items: Any = value.value if value is not None else None
    out: set[str] = set()
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            out.add(item.strip().lower())
        elif isinstance(item, dict):
            out.update(str(item.get(k, "")).strip().lower() for k in ("id", "name") if item.get(k))
    return out


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    """The files of the selection, by name: the detectors never see most of them."""
    rule = ctx.rules.get("CDR303")
    if rule is None:
        return []
    files: Sequence[str] = ctx.selection.files
    if len(files) <= FEW_FILES:  # a pre-commit call: the literals spare compiling the expression
        files = [path for path in files if any(literal in path for literal in _literals())]
    traces = [(path, a) for path in files if (a := match(path)) is not None]
    if not traces:
        return []
    known = declared(ctx.root, ctx.config.ai_usage)
    out = []
    for path, assistant in traces:
        if assistant.id in known or assistant.name.lower() in known:
            continue
        finding = make_finding(rule, ctx.config, path, 1, 1, None,
                               rule.format(ctx.lang, detail=assistant.name, provider_name=assistant.vendor),
                               f"assistant {assistant.id}")
        if finding is not None:
            out.append((finding, finding.line))
    return out
