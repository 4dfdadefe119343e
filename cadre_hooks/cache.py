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

The format is columnar and decoded lazily: lists of paths, sizes, times and digests, and for the
few files with something to say or a dependency, their [depends_on, result] (the FileScan, as
`serial` writes it) by index, checked and built only when the entry is used. A re-scan of an
unchanged tree decides freshness from the sizes and times alone and decodes only the results it
returns; entries that did not change are written back as they were read.
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

from cadre_hooks.model import FACTS_VERSION, FileScan
from cadre_hooks.registry.load import cache_dir
from cadre_hooks.safeio import Refused, read_capped
from cadre_hooks.serial import Invalid, decoder, encode, schema_stamp

VERSION = "5"
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


def _decode(size: Any, mtime_ns: Any, content: Any, extra: Any) -> Entry:
    """The entry of one file's columns (`extra`: [depends_on, result] or None); `Invalid` when it does not fit."""
    if type(size) is not int or type(mtime_ns) is not int or type(content) is not str:
        raise Invalid("expected integer size and time, and a string digest")
    if extra is None:
        return Entry(size, mtime_ns, content, (), None)
    if not isinstance(extra, list) or len(extra) != 2:
        raise Invalid("expected [depends_on, result]")
    depends_on = decoder(tuple[tuple[str, int, int], ...])(extra[0])
    result = None if extra[1] is None else decoder(FileScan)(extra[1])
    return Entry(size, mtime_ns, content, depends_on, result)


class Entries(Mapping[str, Entry]):
    """Cache entries by repository-relative path, read from columns and decoded on first use.

    The file holds one column per field (paths, sizes, times, digests) and, for the few files
    with something to say or a dependency, their [depends_on, result] by index: parsing flat
    lists costs a third of parsing one small array per file (~15 ms for 36,000 files). `fresh`
    answers from the size and time columns without building the entry; `get` builds it, and
    one that does not validate is forgotten (the file is analysed again, as with an empty cache)."""

    __slots__ = ("_index", "_sizes", "_mtimes", "_digests", "_extra", "_new", "_gone")

    def __init__(self, columns: dict[str, Any] | None = None) -> None:
        columns = columns or {}
        paths: list[str] = columns.get("paths", [])
        self._index: dict[str, int] = {rel: i for i, rel in enumerate(paths)}
        self._sizes: list[Any] = columns.get("sizes", [])
        self._mtimes: list[Any] = columns.get("mtimes", [])
        self._digests: list[Any] = columns.get("digests", [])
        self._extra: dict[int, Any] = {int(k): v for k, v in columns.get("extra", {}).items()}
        self._new: dict[str, Entry] = {}  # decoded or recorded since the load
        self._gone: set[str] = set()  # loaded, then forgotten

    def __contains__(self, rel: object) -> bool:
        return rel in self._new or (rel in self._index and rel not in self._gone)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __iter__(self) -> Iterator[str]:
        for rel in self._index:
            if rel not in self._gone and rel not in self._new:
                yield rel
        yield from self._new

    def fresh(self, root: str, rel: str, size: int, mtime_ns: int) -> tuple[bool, FileScan | None]:
        """(True, the cached result) when the file keeps `size` and `mtime_ns` and the files its
        result read keep theirs. The common entry (nothing to say, no dependency) is answered
        without building anything."""
        entry = self._new.get(rel)
        if entry is None:
            i = self._index.get(rel)
            if i is None or rel in self._gone or self._sizes[i] != size or self._mtimes[i] != mtime_ns:
                return False, None
            if i not in self._extra and type(self._digests[i]) is str and type(self._sizes[i]) is int:
                return True, None
            entry = self.get(rel)
        if entry is None or (entry.size, entry.mtime_ns) != (size, mtime_ns) or not fresh_dependencies(root, entry):
            return False, None
        return True, entry.result

    def get(self, rel: str, default: None = None) -> Entry | None:  # type: ignore[override]
        entry = self._new.get(rel)
        if entry is not None:
            return entry
        i = self._index.get(rel)
        if i is None or rel in self._gone:
            return None
        try:
            entry = _decode(self._sizes[i], self._mtimes[i], self._digests[i], self._extra.get(i))
        except (Invalid, TypeError, ValueError, RecursionError):
            self._gone.add(rel)
            return None
        self._new[rel] = entry
        return entry

    def __getitem__(self, rel: str) -> Entry:
        entry = self.get(rel)
        if entry is None:
            raise KeyError(rel)
        return entry

    def __setitem__(self, rel: str, entry: Entry) -> None:
        self._new[rel] = entry

    def __delitem__(self, rel: str) -> None:
        if rel not in self:
            raise KeyError(rel)
        self._new.pop(rel, None)
        if rel in self._index:
            self._gone.add(rel)

    def columns(self) -> dict[str, Any]:
        """JSON-ready columns: entries read are written back as they were, new ones encoded."""
        paths: list[str] = []
        sizes: list[Any] = []
        mtimes: list[Any] = []
        digests: list[Any] = []
        extra: dict[str, Any] = {}
        for rel in self:
            entry = self._new.get(rel)
            if entry is not None:
                size, mtime, content = entry.size, entry.mtime_ns, entry.digest
                more: Any = ([encode(entry.depends_on), encode(entry.result)]
                             if entry.depends_on or entry.result is not None else None)
            else:
                i = self._index[rel]
                size, mtime, content, more = self._sizes[i], self._mtimes[i], self._digests[i], self._extra.get(i)
            if more is not None:
                extra[str(len(paths))] = more
            paths.append(rel)
            sizes.append(size)
            mtimes.append(mtime)
            digests.append(content)
        return {"paths": paths, "sizes": sizes, "mtimes": mtimes, "digests": digests, "extra": extra}


def _valid_columns(data: Any) -> bool:
    """The shape `Entries.columns` writes: equal lists, string paths, an index-keyed table."""
    if not isinstance(data, dict):
        return False
    paths, extra = data.get("paths"), data.get("extra")
    columns = [data.get(key) for key in ("sizes", "mtimes", "digests")]
    return (isinstance(paths, list) and all(isinstance(c, list) and len(c) == len(paths) for c in columns)
            and all(type(p) is str for p in paths) and isinstance(extra, dict)
            and all(isinstance(k, str) and k.isascii() and k.isdigit() and int(k) < len(paths) for k in extra))


def _load_columns(path: Path) -> dict[str, Any]:
    try:
        data: Any = json.loads(read_capped(path, MAX_BYTES, "cache file"))
    except (Refused, ValueError, TypeError, RecursionError, MemoryError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        return {}
    return data if _valid_columns(data) else {}


def load_entries(path: Path) -> dict[str, Entry]:
    """Every entry of a cache file, decoded; empty when it is missing, too large, not JSON or not valid."""
    entries = Entries(_load_columns(path))
    decoded = {rel: entries.get(rel) for rel in list(entries)}
    if any(entry is None for entry in decoded.values()):
        return {}
    return {rel: entry for rel, entry in decoded.items() if entry is not None}


def dump_entries(entries: dict[str, Entry] | Entries) -> str:
    if not isinstance(entries, Entries):
        table = Entries()
        for rel, entry in entries.items():
            table[rel] = entry
        entries = table
    return json.dumps({"format": FORMAT, "version": VERSION, **entries.columns()}, separators=(",", ":"),
                      ensure_ascii=True)  # ASCII: a file name that is not UTF-8 survives as an escape


class ScanCache:
    """Entries by repository-relative path, loaded once and saved once per scan."""

    def __init__(self, root: Path, salt: str) -> None:
        self.path = cache_dir() / "scans" / f"{cache_key(root, salt)}.json"
        self.entries = Entries(_load_columns(self.path))
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
