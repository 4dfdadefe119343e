"""The repository-wide read behind the SDK resolution (sdkscope) when a scan covers only some
files (the pre-commit hook): every Python file of the repository, analysed or taken from the scan
cache, and the resolution they give kept in a small cache of its own, keyed on the size and
modification time of every Python file, so that an unchanged repository costs one walk.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cadre_hooks import sdkscope
from cadre_hooks.cache import ScanCache, cache_key
from cadre_hooks.model import FileScan
from cadre_hooks.registry.load import cache_dir
from cadre_hooks.resolve import resolve
from cadre_hooks.safeio import Refused, read_capped, read_in_root
from cadre_hooks.select import select

if TYPE_CHECKING:
    from cadre_hooks.checks.context import CheckContext

FORMAT = "cadre-sdk-resolution"
MAX_BYTES = 1_000_000
MAX_SCAN_BYTES = 50_000_000  # more than any max_file_size worth scanning
# detect_files(files, root, ctx, prefilter, max_size, jobs, track, cache, index, prune=...) from scan.py
Detect = Callable[..., list[FileScan]]
Reached = dict[str, set[str | None]]


def destinations(sc: CheckContext, detect: Detect, ctx: object, prefilter: object, cache: ScanCache | None,
                 index: object | None, salt: str, sdks: set[str]) -> Reached:
    """SDK provider -> the providers its clients reach, over every Python file of the repository
    (`sdks`: the SDKs the scan waits for; files that name none of their modules are not analysed)."""
    whole = select((str(sc.root),), sc.root, sc.config.exclude, sc.config.submodules)
    files = [f for f in whole.files if f.endswith(sdkscope.PYTHON_FILES)]
    cached = index is None and sc.options.use_cache and not os.environ.get("CADRE_NO_CACHE")
    path = cache_dir() / "sdk" / f"{cache_key(whole.root, salt + '|' + ','.join(sorted(sdks)))}.json"
    stamp = _fingerprint(whole.root, files) if cached else ""
    if cached:
        found = _load(path, stamp)
        if found is not None:
            return found
        cache = cache or ScanCache(whole.root, salt)
    if index is None:
        words = [w.encode() for sdk in sdks for w in sc.registry.sdk_words(sdk)]
        known = cache.entries if cache is not None else {}
        files = [f for f in files if f in known or _names_any(whole.root, f, words)]
    scans = detect(files, whole.root, ctx, prefilter, sc.config.max_file_size, sc.options.jobs, None, cache, index,
                   prune=False)
    reached = sdkscope.destinations(
        scans, lambda d: resolve(d, sc.registry, sc.config.hosts, sc.config.endpoints), sc.registry)
    if cached:
        _save(path, stamp, reached)
    return reached


def _names_any(root: Path, rel: str, words: Sequence[bytes]) -> bool:
    """The file's bytes hold one of `words` (a file that names no module of an SDK builds no client of it;
    an unreadable file is left to the detector, which says why)."""
    try:
        data = read_in_root(root, rel, 1 << 62, head=MAX_SCAN_BYTES)  # never a FIFO, a device or a link out
    except Refused:
        return True
    return any(w in data for w in words)


def _fingerprint(root: Path, files: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for rel in files:
        try:
            st = os.stat(root / rel)
            digest.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
        except OSError:
            digest.update(f"{rel}\0-\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _load(path: Path, stamp: str) -> Reached | None:
    try:
        data: Any = json.loads(read_capped(path, MAX_BYTES, "cache file"))
    except (Refused, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("stamp") != stamp:
        return None
    reached = data.get("reached")
    if not isinstance(reached, dict):
        return None
    out: Reached = {}
    for sdk, targets in reached.items():
        if not isinstance(sdk, str) or not isinstance(targets, list) \
                or not all(t is None or isinstance(t, str) for t in targets):
            return None
        out[sdk] = set(targets)
    return out


def _save(path: Path, stamp: str, reached: Reached) -> None:
    data = {"format": FORMAT, "stamp": stamp,
            "reached": {sdk: sorted(targets, key=lambda t: t or "") for sdk, targets in sorted(reached.items())}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache directory only costs speed
