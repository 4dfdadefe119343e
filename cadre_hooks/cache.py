"""The scan cache: what each file gave last time, so that a re-run on an unchanged tree costs
little more than the walk.

One pickle per repository in the user's cache directory. An entry is reused when the file's
size and modification time are unchanged, or, when they changed, when its content hash is
(a checkout that rewrote the same bytes); and only while the other files its result depends on
(constants imported from the project's modules) keep their size and modification time. The
whole cache is keyed on the cadre version, the rule data and the settings that change what a
detector reports, so a new rule or provider never serves an old answer.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from cadre_hooks.model import FileScan
from cadre_hooks.registry.load import cache_dir

VERSION = "2"


@dataclass(frozen=True, slots=True)
class Entry:
    size: int
    mtime_ns: int
    digest: str  # sha256 of the content
    depends_on: tuple[tuple[str, int, int], ...]  # (path, size, mtime_ns) of the files the result read
    result: FileScan | None


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stat(root: str, rel: str) -> tuple[int, int]:
    """Size and modification time; (-1, -1) for a file that does not exist (it may appear)."""
    try:
        st = os.stat(os.path.join(root, rel))
    except OSError:
        return -1, -1
    return st.st_size, st.st_mtime_ns


def fresh_dependencies(root: str, entry: Entry) -> bool:
    return all(_stat(root, rel) == (size, mtime) for rel, size, mtime in entry.depends_on)


def dependencies(root: str, result: FileScan | None) -> tuple[tuple[str, int, int], ...]:
    return tuple((rel, *_stat(root, rel)) for rel in (result.depends_on if result is not None else ()))


class ScanCache:
    """Entries by repository-relative path, loaded once and saved once per scan."""

    def __init__(self, root: Path, salt: str) -> None:
        key = hashlib.sha256(f"{VERSION}\0{root.resolve()}\0{salt}".encode()).hexdigest()[:24]
        self.path = cache_dir() / "scans" / f"{key}.pickle"
        self.entries: dict[str, Entry] = {}
        try:
            with self.path.open("rb") as fh:
                loaded = pickle.load(fh)
            if isinstance(loaded, dict):
                self.entries = loaded
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError, ImportError):
            self.entries = {}
        self.changed = False

    def update(self, updates: dict[str, Entry], kept: set[str] | None) -> None:
        """Record new entries and forget the files that are no longer scanned (`kept` None: forget none)."""
        stale = set(self.entries) - kept if kept is not None else set()
        if updates or stale:
            for rel in stale:
                del self.entries[rel]
            self.entries.update(updates)
            self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(self.entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only cache directory only costs speed
