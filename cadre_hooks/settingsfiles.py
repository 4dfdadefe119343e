"""The repository's settings files for CDR105 (`.env*` at the root, Dockerfiles and compose files)
that the scan's selection left out, analysed by the same per-file function as the detection pass
(detect/hubenv.py `file_settings`) so the rule sees the whole repository's settings: a pre-commit
call on one file gives the same answer as a scan of the whole repository.

Listed without walking the repository when git is there: the root folder's `.env*` (often ignored
by git, still read by the application) and `git ls-files` limited to the names that can be settings
files. Only done when the scan found a model load (the rule's only question). These files are few
and small, and read only when they name a hub variable; they do not go through the scan cache:
loading the repository's cache on a pre-commit call would cost more than reading them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cadre_hooks.detect.hubnames import is_settings_file
from cadre_hooks.model import FileScan
from cadre_hooks.safeio import Refused, read_in_root, transcode_bom
from cadre_hooks.select import EXCLUDED_DIRS, Excluder, Selection

MAX_SETTINGS_BYTES = 1_000_000  # a .env, Dockerfile or compose file; anything larger is not one
# `git ls-files` pathspecs narrowing the listing to names is_settings_file may accept (it decides).
_PATHSPECS = (":(icase)*dockerfile*", ":(icase)*containerfile*", ":(icase)*compose*.yml", ":(icase)*compose*.yaml",
              ".env*")


def with_repository_settings(scans: list[FileScan], selection: Selection, exclude: Sequence[str]) -> list[FileScan]:
    """`scans` and, when one of them loads a model, a FileScan holding only the hub settings of each
    repository settings file the scans do not cover (no detections: nothing else of them is reported)."""
    if not any(d.kind == "model" for scan in scans for d in scan.detections):
        return scans
    from cadre_hooks.detect import detector_for

    # The files the detection pass read (it recorded their settings); not those it has no detector for.
    covered = {f for f in selection.files if detector_for(f) is not None} | {scan.path for scan in scans}
    extra = []
    for rel in settings_files(selection, exclude):
        if rel in covered:
            continue
        scan = settings_scan(selection.root, rel)
        if scan is not None:
            extra.append(scan)
    return [*scans, *extra]


def settings_scan(root: Path, rel: str) -> FileScan | None:
    from cadre_hooks.detect.hubenv import file_settings

    try:
        data = transcode_bom(read_in_root(root, rel, MAX_SETTINGS_BYTES))
    except Refused:
        return None
    if b"\0" in data[:8192]:
        return None
    settings, read = file_settings(rel, data, root)
    return FileScan(rel, hub_settings=settings, depends_on=read) if settings else None


def settings_files(selection: Selection, exclude: Sequence[str]) -> list[str]:
    """The settings files of the repository at `selection.root`: the root's `.env*` (even those git
    ignores), and the Dockerfiles and compose files of the selection (a whole-repository scan) or of
    git's listing (a partial scan; without git, a walk)."""
    root = selection.root
    excluder = Excluder(root, exclude)
    try:
        names = sorted(os.listdir(root))
    except OSError:
        names = []
    found = [n for n in names if n.startswith(".env") and is_settings_file(n) and os.path.isfile(root / n)]
    if selection.whole_repository:
        found += [f for f in selection.files if is_settings_file(f)]  # the caller skips those already read
    else:
        listed = _git_listing(root) if selection.git else None
        found += listed if listed is not None else _walk(root)
    return sorted({rel for rel in found if is_settings_file(rel) and not excluder.excluded(rel)})


def _git_listing(root: Path) -> list[str] | None:
    """Tracked and untracked (not ignored) files named like settings files; None when git fails."""
    import subprocess

    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
                              *_PATHSPECS], cwd=root, capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return None
    return [f for f in out.split("\0") if f]


def _walk(root: Path) -> list[str]:
    """Without git: every folder but installed and vendored code and virtual environments."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDED_DIRS
                             and not os.path.isfile(os.path.join(dirpath, d, "pyvenv.cfg")))
        found += [f"{rel_dir}/{name}" if rel_dir else name for name in filenames if is_settings_file(name)
                  or name.startswith(".env")]
    return found
