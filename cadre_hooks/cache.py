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

The format is positional and decoded lazily: each entry is a row `[size, mtime_ns, digest,
depends_on, result]` whose `result` (the FileScan, as `serial` writes it; null for the many
files with nothing to say) is checked and built only when the entry is used. A re-scan of an
unchanged tree decides freshness from the sizes and times alone, and decodes only the results it
returns; rows that did not change are written back as they were read.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cadre_hooks.model import FileScan
from cadre_hooks.registry.load import cache_dir
from cadre_hooks.safeio import Refused, read_capped
from cadre_hooks.serial import Invalid, decoder, encode, schema_stamp

VERSION = "4"
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

    parts = (VERSION, str(root.resolve()), __version__, registry_digest(), interpreter(), schema_stamp(Entry), salt)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _row_shape(row: Any) -> bool:
    """The cheap part of a row's check: five cells, the stat data as integers."""
    return isinstance(row, list) and len(row) == 5 and _int(row[0]) and _int(row[1])


def decode_row(row: Any) -> Entry:
    """The entry a row describes; `Invalid` when it does not fit."""
    if not _row_shape(row) or not isinstance(row[2], str):
        raise Invalid("expected [size, mtime_ns, digest, depends_on, result]")
    depends_on = decoder(tuple[tuple[str, int, int], ...])(row[3])
    result = None if row[4] is None else decoder(FileScan)(row[4])
    return Entry(row[0], row[1], row[2], depends_on, result)


def encode_row(entry: Entry) -> list[Any]:
    return [entry.size, entry.mtime_ns, entry.digest, encode(entry.depends_on), encode(entry.result)]


class Entries(Mapping[str, Entry]):
    """Cache entries by repository-relative path, each decoded on first use.

    `fresh(rel, size, mtime_ns)` answers from the row's stat data (and its dependencies' stat
    data) without building the result; `get` builds the entry, and a row that does not validate
    is forgotten (the file is analysed again, as with an empty cache)."""

    __slots__ = ("_rows", "_decoded")

    def __init__(self, rows: dict[str, Any] | None = None) -> None:
        self._rows: dict[str, Any] = rows if rows is not None else {}
        self._decoded: dict[str, Entry] = {}

    def __contains__(self, rel: object) -> bool:
        return rel in self._rows

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def fresh(self, root: str, rel: str, size: int, mtime_ns: int) -> tuple[bool, FileScan | None]:
        """(True, the cached result) when the file keeps `size` and `mtime_ns` and the files its
        result read keep theirs. The common row (nothing to say, no dependency) is answered
        without building anything."""
        row = self._rows.get(rel)
        if row is None:
            return False, None
        if isinstance(row, Entry):
            entry: Entry | None = row
        elif not (_row_shape(row) and row[0] == size and row[1] == mtime_ns):
            return False, None
        elif row[3] == [] and row[4] is None and isinstance(row[2], str):
            return True, None
        else:
            entry = self.get(rel)
        if entry is None or (entry.size, entry.mtime_ns) != (size, mtime_ns) or not fresh_dependencies(root, entry):
            return False, None
        return True, entry.result

    def get(self, rel: str, default: None = None) -> Entry | None:  # type: ignore[override]
        entry = self._decoded.get(rel)
        if entry is not None:
            return entry
        row = self._rows.get(rel)
        if row is None:
            return None
        if isinstance(row, Entry):
            return row
        try:
            entry = decode_row(row)
        except (Invalid, TypeError, ValueError, RecursionError):
            del self._rows[rel]
            return None
        self._decoded[rel] = entry
        return entry

    def __getitem__(self, rel: str) -> Entry:
        entry = self.get(rel)
        if entry is None:
            raise KeyError(rel)
        return entry

    def __setitem__(self, rel: str, entry: Entry) -> None:
        self._rows[rel] = entry
        self._decoded[rel] = entry

    def __delitem__(self, rel: str) -> None:
        del self._rows[rel]
        self._decoded.pop(rel, None)

    def rows(self) -> dict[str, Any]:
        """JSON-ready rows: those read are written back as they were, new entries encoded."""
        return {rel: encode_row(row) if isinstance(row, Entry) else row for rel, row in self._rows.items()}


def _load_rows(path: Path) -> dict[str, Any]:
    try:
        data: Any = json.loads(read_capped(path, MAX_BYTES, "cache file"))
    except (Refused, ValueError, TypeError, RecursionError, MemoryError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        return {}
    rows = data.get("entries")
    return rows if isinstance(rows, dict) else {}


def load_entries(path: Path) -> dict[str, Entry]:
    """Every entry of a cache file, decoded; empty when it is missing, too large, not JSON or not valid."""
    try:
        return {rel: decode_row(row) for rel, row in _load_rows(path).items()}
    except (Invalid, ValueError, TypeError, RecursionError, MemoryError):
        return {}


def dump_entries(entries: dict[str, Entry] | Entries) -> str:
    rows = entries.rows() if isinstance(entries, Entries) else {rel: encode_row(e) for rel, e in entries.items()}
    return json.dumps({"format": FORMAT, "version": VERSION, "entries": rows}, separators=(",", ":"),
                      ensure_ascii=True)  # ASCII: a file name that is not UTF-8 survives as an escape


class ScanCache:
    """Entries by repository-relative path, loaded once and saved once per scan."""

    def __init__(self, root: Path, salt: str) -> None:
        self.path = cache_dir() / "scans" / f"{cache_key(root, salt)}.json"
        self.entries = Entries(_load_rows(self.path))
        self.changed = False

    def fresh(self, root: str, rel: str, size: int, mtime_ns: int) -> tuple[bool, FileScan | None]:
        """(True, its cached result) when `rel` and the files its result read keep their size and time."""
        return self.entries.fresh(root, rel, size, mtime_ns)

    def update(self, updates: dict[str, Entry], kept: set[str] | None) -> None:
        """Record new entries and forget the files that are no longer scanned (`kept` None: forget none)."""
        stale = [rel for rel in self.entries if rel not in kept] if kept is not None else []
        if updates or stale:
            for rel in stale:
                del self.entries[rel]
            for rel, entry in updates.items():
                self.entries[rel] = entry
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
