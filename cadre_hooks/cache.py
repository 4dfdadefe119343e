"""The scan cache: what each file gave last time, so that a re-run on an unchanged tree costs
little more than the walk.

One JSON file per repository in the user's cache directory (never a pickle: a cache restored
from shared CI storage must not be able to run code; see cadre_hooks.serial), read capped and
validated, and any cache that cannot be read or does not validate is treated as empty. An entry
is reused when the file's size and modification time are unchanged, or, when they changed, when
its content hash is (a checkout that rewrote the same bytes); and only while the other files its result depends on
(constants imported from the project's modules) keep their size and modification time. The
whole cache is keyed on the cadre version, the registry's hash, the interpreter (version and
implementation: `ast` differs between them), the model's schema and the settings that change what
a detector reports, so a new rule, provider or Python never serves an old answer.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cadre_hooks.model import FACTS_VERSION, FileScan
from cadre_hooks.registry.load import cache_dir
from cadre_hooks.safeio import Refused, read_capped
from cadre_hooks.serial import Invalid, decoder, encode, schema_stamp

VERSION = "3"
FORMAT = "cadre-scan-cache"
MAX_BYTES = 2_000_000_000  # ~10 million entries; a larger file is not ours


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


def interpreter() -> str:
    """The Python that computed a result: `ast` and the standard library differ between them."""
    return f"{sys.implementation.name}-{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"


def cache_key(root: Path, salt: str) -> str:
    """Everything a cached result depends on besides the file itself."""
    from cadre_hooks import __version__
    from cadre_hooks.registry.load import registry_digest

    parts = (VERSION, str(root.resolve()), __version__, registry_digest(), interpreter(), schema_stamp(Entry), salt,
             FACTS_VERSION)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def load_entries(path: Path) -> dict[str, Entry]:
    """The entries of a cache file; empty when it is missing, too large, not JSON or not valid."""
    try:
        data: Any = json.loads(read_capped(path, MAX_BYTES, "cache file"))
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
            return {}
        entries: dict[str, Entry] = decoder(dict[str, Entry])(data.get("entries"))
        return entries
    except (Refused, Invalid, ValueError, TypeError, RecursionError, MemoryError):
        return {}


def dump_entries(entries: dict[str, Entry]) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, "entries": encode(entries)}, separators=(",", ":"),
                      ensure_ascii=True)  # ASCII: a file name that is not UTF-8 survives as an escape


class ScanCache:
    """Entries by repository-relative path, loaded once and saved once per scan."""

    def __init__(self, root: Path, salt: str) -> None:
        self.path = cache_dir() / "scans" / f"{cache_key(root, salt)}.json"
        self.entries = load_entries(self.path)
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
            tmp.write_text(dump_entries(self.entries), encoding="ascii")
            os.replace(tmp, self.path)
        except (OSError, TypeError, ValueError):
            pass  # a read-only cache directory only costs speed
