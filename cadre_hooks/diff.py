"""Diff-aware scans: report only the findings on lines a change touches.

`--diff-base REF` compares the working tree with the merge base of REF and HEAD (what a pull
request adds, even when REF moved on since the branch was cut), and counts untracked files as
wholly new; `--staged` compares the index with HEAD (what a commit is about to record). The
whole scope is still scanned, so rules that look at several files see them all; only the
findings are narrowed. A finding is attributed to its reported line; a finding without a line
(line 0) counts as changed when its file changed at all.

CI clones are often shallow. When the base is missing, or its history with HEAD is cut, we
stop with a clear message (exit 2) instead of silently diffing against the wrong commit.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from cadre_hooks.errors import UsageError
from cadre_hooks.model import Report

HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13, b'"': 34, b"\\": 92}


def missing_history(ref: str) -> UsageError:
    return UsageError(f"base commit {ref} is not in this clone: fetch more history "
                      f"(git fetch --deepen / fetch-depth: 0)")


@dataclass(frozen=True)
class ChangedLines:
    lines: Mapping[str, frozenset[int]]  # repository-relative path -> changed lines (new side)
    whole: frozenset[str]  # untracked files: every line is new
    base: str | None  # the REF of --diff-base; None for --staged
    merge_base: str | None = None

    def covers(self, path: str, line: int) -> bool:
        if path in self.whole:
            return True
        changed = self.lines.get(path)
        if changed is None:
            return False
        return line <= 0 or line in changed


def unquote_path(raw: bytes) -> str:
    """A path as git prints it: C-quoted ("a\\303\\251.py") when it holds unusual bytes."""
    if not (raw.startswith(b'"') and raw.endswith(b'"')):
        return raw.decode("utf-8", "surrogateescape")
    body, out, i = raw[1:-1], bytearray(), 0
    while i < len(body):
        if body[i:i + 1] == b"\\" and i + 1 < len(body):
            nxt, octal = body[i + 1:i + 2], body[i + 1:i + 4]
            if len(octal) == 3 and all(48 <= c <= 55 for c in octal):
                out.append(int(octal, 8) & 0xFF)
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt[0]))
            i += 2
            continue
        out.append(body[i])
        i += 1
    return bytes(out).decode("utf-8", "surrogateescape")


def parse_unified(diff: bytes) -> dict[str, frozenset[int]]:
    """Changed lines on the new side of `git diff -U0` output, per path."""
    changed: dict[str, set[int]] = {}
    path: str | None = None
    in_header = False
    for line in diff.split(b"\n"):
        if line.startswith(b"diff --git "):
            in_header, path = True, None
        elif in_header and line.startswith(b"+++ "):
            target = line[4:].rstrip(b"\r")
            path = None if target == b"/dev/null" else unquote_path(target)
            if path is not None and path.startswith("b/"):
                path = path[2:]
            if path is not None:
                changed.setdefault(path, set())
        elif line.startswith(b"@@"):
            in_header = False
            m = HUNK.match(line)
            if m and path is not None:
                start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
                changed[path].update(range(start, start + count))
    return {p: frozenset(lines) for p, lines in changed.items()}


DIFF_OPTIONS = ("-U0", "--no-color", "--no-ext-diff", "-M", "--src-prefix=a/", "--dst-prefix=b/")


def _repo(start: Path) -> Any:
    try:
        import git
    except ImportError as err:  # gitpython refuses to import without a git executable
        raise UsageError(f"diff-aware scans need git: {err}") from None
    try:
        return git.Repo(start, search_parent_directories=True)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError):
        raise UsageError(f"--diff-base and --staged need a git repository, and {start} is not in one") from None


def _rev(repo: Any, spec: str) -> str | None:
    import git

    try:
        return str(repo.git.rev_parse("--verify", "--quiet", f"{spec}^{{commit}}")).strip() or None
    except git.exc.GitCommandError:
        return None


def _shallow(repo: Any) -> bool:
    return (Path(repo.git_dir) / "shallow").exists()


def since(start: Path, ref: str) -> ChangedLines:
    """Lines changed in the working tree since the merge base of `ref` and HEAD, plus untracked files."""
    import git

    if ref.startswith("-"):
        raise UsageError(f"--diff-base expects a git revision, not an option: {ref}")
    repo = _repo(start)
    base = _rev(repo, ref)
    if base is None and _shallow(repo):
        raise missing_history(ref)
    if base is None:
        raise UsageError(f"base commit {ref} is not in this clone: check its name, or fetch it "
                         f"(git fetch origin <branch>)")
    if _rev(repo, "HEAD") is None:
        raise UsageError("--diff-base needs at least one commit on the current branch")
    try:
        merge_base = str(repo.git.merge_base(base, "HEAD")).strip()
    except git.exc.GitCommandError:
        merge_base = ""
    if not merge_base:
        if _shallow(repo):
            raise missing_history(ref)
        raise UsageError(f"{ref} and HEAD have no common ancestor: choose a base on the same history")
    try:
        raw = repo.git.diff(merge_base, *DIFF_OPTIONS, stdout_as_string=False)
        untracked = repo.git.ls_files("--others", "--exclude-standard", "-z")
    except git.exc.GitCommandError as err:
        raise UsageError(f"git diff against {ref} failed: {str(err.stderr).strip() or err}") from None
    whole = frozenset(p for p in str(untracked).split("\0") if p)
    return ChangedLines(parse_unified(raw), whole, ref, merge_base)


def staged(start: Path) -> ChangedLines:
    """Lines changed in the index against HEAD (against nothing before the first commit)."""
    import git

    repo = _repo(start)
    try:
        raw = repo.git.diff("--cached", *DIFF_OPTIONS, stdout_as_string=False)
    except git.exc.GitCommandError as err:
        raise UsageError(f"git diff --cached failed: {str(err.stderr).strip() or err}") from None
    return ChangedLines(parse_unified(raw), frozenset(), None)


def from_args(args: argparse.Namespace, cwd: Path) -> ChangedLines | None:
    """The changed lines asked for on the command line, computed before the scan so a missing
    base fails at once rather than after minutes of scanning."""
    ref, index = getattr(args, "diff_base", None), getattr(args, "staged", False)
    if ref and index:
        raise UsageError("--diff-base and --staged cannot be combined: choose one")
    if not ref and not index:
        return None
    paths = getattr(args, "paths", None) or ["."]
    first = (cwd / paths[0]).resolve()
    start = first if first.is_dir() else first.parent
    return since(start, ref) if ref else staged(start)


def print_summary(report: Report, lang: str, stream: TextIO | None = None) -> None:
    """Say on stderr (text mode) that the findings were narrowed, so a short list is not misread."""
    info = report.extra.get("diff")
    if not isinstance(info, dict):
        return
    out = stream or sys.stderr
    base, merge_base, outside = info.get("base"), str(info.get("merge_base") or "")[:12], info["findings_outside"]
    if lang == "fr":
        where = f"depuis {base} (base de fusion {merge_base})" if base else "indexées (staged)"
        out.write(f"cadre : seuls les problèmes des lignes modifiées {where} sont affichés "
                  f"({outside} autre(s) non affiché(s))\n")
    else:
        where = f"since {base} (merge base {merge_base})" if base else "in the index (staged)"
        out.write(f"cadre: only findings on lines changed {where} are shown ({outside} other(s) not shown)\n")


def restrict(report: Report, changed: ChangedLines) -> Report:
    """Keep the findings on changed lines; the usage inventory stays whole."""
    kept = tuple(f for f in report.findings if changed.covers(f.path, f.line))
    files = sorted(set(changed.lines) | changed.whole)
    extra = {**report.extra, "diff": {"mode": "staged" if changed.base is None else "diff-base",
                                      "base": changed.base, "merge_base": changed.merge_base,
                                      "changed_files": len(files),
                                      "findings_outside": len(report.findings) - len(kept)}}
    return dataclasses.replace(report, findings=kept, extra=extra)
