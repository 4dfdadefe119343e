"""Baselines: adopt cadre on a legacy repository without fixing everything first.

`cadre baseline` records today's findings in `.cadre-baseline.json`; `cadre scan --baseline
FILE` then reports only the findings that are not in it. Entries are keyed on the findings'
content fingerprints (rule, path, provider, normalised evidence, occurrence index), never on
line numbers, so inserting lines above a known finding does not make it new. The file holds
no line numbers, no timestamps and no evidence in clear (the evidence can name internal
hosts), and is sorted, so it only changes in review when the findings change.

Entries that no longer match any finding are "stale": the finding was fixed or moved to
another file, and the baseline should be refreshed so it cannot hide a later regression.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from cadre_hooks.errors import UsageError
from cadre_hooks.model import Finding, Report

BASELINE_FILE = ".cadre-baseline.json"
VERSION = 1
MAX_BYTES = 256_000_000  # a baseline of a million findings is ~150 MB; a larger file is not a baseline


@dataclass(frozen=True, order=True)
class Entry:
    path: str
    rule: str
    fingerprint: str

    def as_dict(self) -> dict[str, str]:
        return {"fingerprint": self.fingerprint, "rule": self.rule, "path": self.path}


def entries_of(findings: Iterable[Finding]) -> list[Entry]:
    """What a baseline records: every finding not already suppressed inline, sorted (paths escaped
    as in the reports: a file name that is not UTF-8 cannot go into a JSON file as it is)."""
    from cadre_hooks.report.escape import escape

    return sorted({Entry(escape(f.path), f.rule, f.fingerprint) for f in findings if not f.suppressed})


def dumps(entries: Iterable[Entry]) -> str:
    data = {"version": VERSION, "entries": [e.as_dict() for e in sorted(entries)]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write(path: Path, findings: Iterable[Finding]) -> int:
    entries = entries_of(findings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_text(dumps(entries), encoding="utf-8")
        os.replace(partial, path)  # replaces a symlink rather than writing through it
    except OSError as err:
        raise UsageError(f"cannot write the baseline {path}: {err.strerror or err}") from None
    return len(entries)


def _bad(path: Path, why: str) -> UsageError:
    return UsageError(f"baseline {path} is not a valid cadre baseline: {why} "
                      f"(recreate it with `cadre baseline`)")


def parse(path: Path, text: str) -> list[Entry]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as err:
        raise _bad(path, f"invalid JSON at line {err.lineno}, column {err.colno}") from None
    except RecursionError:
        raise _bad(path, "nested too deep") from None
    if not isinstance(data, dict) or "version" not in data or "entries" not in data:
        raise _bad(path, "expected an object with \"version\" and \"entries\"")
    if data["version"] != VERSION:
        raise _bad(path, f"version {data['version']!r} is not supported (this cadre reads version {VERSION})")
    if not isinstance(data["entries"], list):
        raise _bad(path, "\"entries\" must be a list")
    entries = []
    for number, item in enumerate(data["entries"], start=1):
        if not (isinstance(item, dict) and all(isinstance(item.get(k), str) and item.get(k)
                                               for k in ("fingerprint", "rule", "path"))):
            raise _bad(path, f"entry {number} needs the strings \"fingerprint\", \"rule\" and \"path\"")
        entries.append(Entry(item["path"], item["rule"], item["fingerprint"]))
    return entries


def load(path: Path) -> list[Entry]:
    """The entries of a baseline file; a missing or damaged file is a usage error (exit 2)."""
    from cadre_hooks.safeio import Refused, read_capped

    if not path.exists():
        raise UsageError(f"baseline file {path} does not exist: create it with `cadre baseline`") from None
    try:
        text = read_capped(path, MAX_BYTES, "baseline").decode("utf-8")
    except Refused as refused:
        raise UsageError(f"cannot read the baseline {path}: {refused.reason}") from None
    except UnicodeDecodeError as err:
        raise UsageError(f"cannot read the baseline {path}: not UTF-8 ({err.reason})") from None
    return parse(path, text)


@dataclass(frozen=True)
class Baseline:
    path: Path
    entries: tuple[Entry, ...]

    def apply(self, report: Report, full: Sequence[Finding] | None = None,
              scope: Collection[str] | None = None) -> Report:
        """Drop the findings the baseline knows; record new/known/stale counts in `report.extra`.

        `full` is every finding of the scan before other filters (a diff-aware scan keeps only
        changed lines, but an entry is stale only if its finding is gone from the whole scan);
        `scope` limits staleness to the files that were scanned (None: the whole repository).
        """
        known_fps = {e.fingerprint for e in self.entries}
        kept, known = [], 0
        for finding in report.findings:
            if not finding.suppressed and finding.fingerprint in known_fps:
                known += 1
            else:
                kept.append(finding)
        current = {f.fingerprint for f in (report.findings if full is None else full) if not f.suppressed}
        from cadre_hooks.report.escape import escape

        shown_scope = None if scope is None else {escape(p) for p in scope}
        stale = [e for e in self.entries
                 if e.fingerprint not in current and (shown_scope is None or e.path in shown_scope)]
        new = sum(1 for f in kept if not f.suppressed)
        extra = {**report.extra, "baseline": {"file": str(self.path), "new": new, "known": known,
                                              "stale": [e.as_dict() for e in sorted(stale)]}}
        return dataclasses.replace(report, findings=tuple(kept), extra=extra)


def from_args(args: argparse.Namespace) -> Baseline | None:
    """The baseline named by `--baseline`, loaded before the scan so a bad file fails fast."""
    name = getattr(args, "baseline", None)
    if not name:
        return None
    path = Path(name)
    return Baseline(path, tuple(load(path)))


def print_summary(report: Report, lang: str, stream: TextIO | None = None) -> None:
    """The baseline counts and the stale entries, for people (stderr, text mode)."""
    info = report.extra.get("baseline")
    if not isinstance(info, dict):
        return
    out = stream or sys.stderr
    stale = info.get("stale", [])
    if lang == "fr":
        out.write(f"cadre : référence {info['file']} : {info['known']} problème(s) connu(s) masqué(s), "
                  f"{info['new']} nouveau(x), {len(stale)} entrée(s) périmée(s)\n")
    else:
        out.write(f"cadre: baseline {info['file']}: {info['known']} known finding(s) hidden, {info['new']} new, "
                  f"{len(stale)} stale entr{'y' if len(stale) == 1 else 'ies'}\n")
    for entry in stale:
        label = "entrée périmée (plus aucun problème)" if lang == "fr" else "stale entry (no longer found)"
        out.write(f"{entry['path']}: {entry['rule']} {label} {entry['fingerprint']}\n")
    if stale:
        out.write("cadre : rafraîchir avec `cadre baseline`\n" if lang == "fr"
                  else "cadre: refresh it with `cadre baseline`\n")
