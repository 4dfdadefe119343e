"""The AI_USAGE.md rules, run once per scan of a whole repository:

CDR201 AI is used and the file is missing; CDR202 the file is incomplete or malformed; CDR203 a
provider used in the code is not declared; CDR204 a declared provider is no longer found;
CDR205 the last review is too old; CDR206 a model named in the code is not listed under `models`,
or a listed one is no longer named; CDR302 the file declares AI facing the public.
Every finding is reported on the file (or where it should be), at the line of the problem.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cadre_hooks.checks.context import CheckContext
from cadre_hooks.config import ConfigError
from cadre_hooks.findings import make_finding
from cadre_hooks.model import Finding, Usage
from cadre_hooks.transparency import dates, document, models
from cadre_hooks.transparency.spec import Spec, load_spec


@dataclasses.dataclass
class _Emit:
    """Builds findings of one scan (rule lookup, severity settings, language)."""

    sc: CheckContext
    path: str
    out: list[Finding] = dataclasses.field(default_factory=list)

    def __call__(self, code: str, line: int, evidence: str, provider: str | None = None, message: str = "",
                 **fields: Any) -> None:
        rule = self.sc.rules.get(code)
        if rule is None:  # a rule file missing from an installation never breaks the scan
            return
        message = message or rule.format(self.sc.lang, path=self.path, provider=provider or "", **fields)
        finding = make_finding(rule, self.sc.config, self.path, max(line, 1), 1, provider, message, evidence)
        if finding is not None:
            self.out.append(finding)


def declaration_path(sc: CheckContext) -> str:
    """`ai_usage` relative to the repository root, in POSIX form; outside the root is a config error."""
    setting = sc.config.ai_usage
    full = os.path.normpath(os.path.join(sc.root, setting))
    rel = os.path.relpath(full, sc.root)
    if rel == "." or rel.startswith(".." + os.sep) or rel == ".." or os.path.isabs(rel):
        raise ConfigError(f"ai_usage must name a file inside the repository, got {setting!r}")
    return Path(rel).as_posix()


def run(sc: CheckContext, usages: Sequence[Usage]) -> list[Finding]:
    spec = load_spec()
    today = dates.today(sc.options.today)
    path = declaration_path(sc)
    emit = _Emit(sc, path)
    full = sc.root / path
    inventory = usages
    usages = [u for u in usages if u.kind != "lockfile"]  # a lock file alone asks for no declaration
    if not (full.exists() or full.is_symlink()):
        if usages:
            _missing(emit, spec, usages, full)
        return emit.out
    text, problem = read_text(full, sc.root, sc.config.max_file_size)
    if text is None:
        assert problem is not None
        emit("CDR202", 1, f"file:{problem[0]}", detail=spec.message(problem[0], sc.lang, **problem[1]))
        return emit.out
    declaration = document.read(text, spec, today)
    for item in declaration.problems:
        emit("CDR202", item.line, item.key, detail=document.describe(item, spec, sc.lang, declaration.lang))
    if declaration.providers is not None:
        _compare(emit, spec, declaration, usages, {u.provider for u in inventory if u.provider})
    if declaration.models is not None:
        _compare_models(emit, spec, declaration, usages)
    if declaration.last_review is not None:
        _review(emit, declaration.last_review, today)
    if declaration.user_facing is not None and declaration.user_facing[0]:
        # CDR302's own message describes a web route; the declaration gets its message from ai_usage.toml
        emit("CDR302", declaration.user_facing[1], "user_facing: true",
             message=spec.message("user_facing", sc.lang, path=path))
    return emit.out


def read_text(full: Path, root: Path, max_size: int) -> tuple[str | None, tuple[str, dict[str, str]] | None]:
    """The file's text, or the reason it cannot be read (never an exception)."""
    from cadre_hooks.safeio import OUTSIDE, TOO_LARGE, Refused, read_in_root, transcode_bom

    try:
        data = transcode_bom(read_in_root(root, os.path.relpath(full, root), max_size))
    except Refused as refused:
        reasons = {OUTSIDE: "symbolic link pointing outside the repository",
                   TOO_LARGE: f"more than max_file_size ({max_size}) bytes"}
        reason = reasons.get(refused.kind, refused.reason.split(";")[0])
        return None, ("unreadable", {"reason": reason})
    if b"\0" in data:
        return None, ("not_text", {})
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return None, ("not_text", {})


def _where(spec: Spec, lang: str, usages: Sequence[Usage]) -> str:
    first = min(usages, key=lambda u: (u.path, u.line))
    if len(usages) == 1:
        return spec.message("where", lang, path=first.path, line=first.line)
    return spec.message("where_more", lang, path=first.path, line=first.line, count=len(usages) - 1)


def _missing(emit: _Emit, spec: Spec, usages: Sequence[Usage], full: Path) -> None:
    lang = emit.sc.lang
    names = sorted({u.provider or spec.message("unknown_ai", lang) for u in usages})
    rename = ""
    try:
        siblings = os.listdir(full.parent)
    except OSError:
        siblings = []
    near = [s for s in siblings if s.lower() == full.name.lower() and s != full.name]
    if near:
        rename = spec.message("rename", lang, found=near[0], path=full.name)
    emit("CDR201", 1, "missing", providers=", ".join(names), where=_where(spec, lang, usages), rename=rename)


def _compare(emit: _Emit, spec: Spec, declaration: document.Declaration, usages: Sequence[Usage],
             installed: set[str]) -> None:
    """CDR203 for a provider used and not declared; CDR204 for one declared and found nowhere, not
    even installed (`installed`: providers of every usage, lock files included)."""
    declared = {d.id: d for d in declaration.providers or ()}
    used: dict[str, list[Usage]] = {}
    for usage in usages:
        if usage.provider:
            used.setdefault(usage.provider, []).append(usage)
    registry = emit.sc.registry
    lang = emit.sc.lang
    for pid, places in sorted(used.items()):
        if pid not in declared:
            provider = registry.providers.get(pid)
            emit("CDR203", declaration.providers_line, f"undeclared:{pid}", provider=pid,
                 provider_name=provider.name if provider else pid, where=_where(spec, lang, places))
    if not emit.sc.selection.whole_repository:
        return  # part of the repository: a provider not seen here may be used elsewhere
    for pid, item in declared.items():
        if pid in used or pid in installed:
            continue
        detail = ""
        if pid not in registry.providers:
            close = difflib.get_close_matches(pid, sorted(registry.providers), n=1, cutoff=0.6)
            suggestion = spec.message("suggestion_inline", lang, name=close[0]) if close else ""
            detail = spec.message("unknown_provider", lang, suggestion=suggestion)
        emit("CDR204", item.line, f"stale:{pid}", provider=pid, detail=detail)


def _compare_models(emit: _Emit, spec: Spec, declaration: document.Declaration, usages: Sequence[Usage]) -> None:
    """CDR206: a model named in the code and missing from `models`, or listed there and no longer named."""
    assert declaration.models is not None
    lang = emit.sc.lang
    used = models.used_models(usages)
    undeclared, stale = models.compare(used, [d.id for d in declaration.models], emit.sc.registry)
    for name in undeclared:
        emit("CDR206", declaration.models_line, f"undeclared-model:{name}", model=name,
             detail=spec.message("model_undeclared", lang, path=emit.path, where=_where(spec, lang, used[name])))
    if not emit.sc.selection.whole_repository:
        return  # part of the repository: a model not seen here may be named elsewhere
    for index in stale:
        item = declaration.models[index]
        emit("CDR206", item.line, f"stale-model:{item.id}", model=item.id,
             detail=spec.message("model_stale", lang, path=emit.path))


def _review(emit: _Emit, last_review: tuple[dt.date, int], today: dt.date) -> None:
    config = emit.sc.config
    day, line = last_review
    due = dates.add_months(day, config.review_months)
    if today <= due:
        return
    before = len(emit.out)
    emit("CDR205", line, "review-overdue", date=day.isoformat(), due=due.isoformat(), months=config.review_months,
         elapsed=dates.months_between(day, today))
    late = today > dates.add_months(due, config.review_grace_months)
    if late and len(emit.out) > before and "CDR205" not in config.severity:
        emit.out[-1] = dataclasses.replace(emit.out[-1], severity="error")
