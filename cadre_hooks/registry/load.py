"""Find the rule data shipped with the package and load it, once per process.

Loading ~60 TOML files costs a few tens of milliseconds, too much for every pre-commit call,
so the parsed data is cached in the user's cache directory, keyed on the names, sizes and
modification times of the rule files (schema validation happens in the tests, not here). The
cache is JSON, read capped and checked for its shape: a crafted or damaged file can neither run
code nor exhaust memory, and any cache that does not load is ignored and rewritten.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from cadre_hooks.registry.index import Registry

_CACHE_VERSION = "4"
_MAX_CACHE_BYTES = 64_000_000  # the compiled registry is ~150 KB


def rules_dir() -> Path:
    """The `rules/` folder: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "providers").is_dir():
            return candidate
    raise FileNotFoundError("cadre-hooks rule data (rules/providers) is missing from the installation")


def _toml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.toml") if p.is_file())


def cache_dir() -> Path:
    """The per-user cache directory (XDG on Linux, honouring CADRE_CACHE_DIR)."""
    explicit = os.environ.get("CADRE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cadre-hooks"


def load_raw(root: Path) -> dict[str, Any]:
    """Parse the rule data files into plain dicts: providers, checks and regions."""
    if sys.version_info >= (3, 11):  # imported here: a call that reads no TOML (the registry's cache) skips it
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    providers = [tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "providers").glob("*.toml"))]
    checks = [tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "checks").glob("*.toml"))]
    regions_file = root / "regions.toml"
    regions = tomllib.loads(regions_file.read_text(encoding="utf-8")) if regions_file.is_file() else {}
    operations_file = root / "operations.toml"
    operations = tomllib.loads(operations_file.read_text(encoding="utf-8")) if operations_file.is_file() else {}
    assistants_file = root / "assistants.toml"
    assistants = tomllib.loads(assistants_file.read_text(encoding="utf-8")) if assistants_file.is_file() else {}
    return {"providers": providers, "checks": checks, "regions": regions, "operations": operations,
            "assistants": assistants.get("assistant", [])}


def _toml_stats(folder: str) -> list[tuple[str, int, int]]:
    """(path, size, mtime_ns) of every `*.toml` file under `folder`, through `os.scandir` (a
    pre-commit call pays this on every run: ~3x cheaper than `Path.rglob` and `Path.stat`)."""
    found: list[tuple[str, int, int]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=True):
                found += _toml_stats(entry.path)
            elif entry.name.endswith(".toml") and entry.is_file(follow_symlinks=True):
                st = entry.stat(follow_symlinks=True)
                found.append((entry.path, st.st_size, st.st_mtime_ns))
    return found


@functools.lru_cache(maxsize=4)
def registry_stamp(root: Path | None = None) -> str:
    """A digest of the rule files' names, sizes and modification times: changes with any rule edit."""
    stamp = hashlib.sha256(_CACHE_VERSION.encode())
    for path, size, mtime in sorted(_toml_stats(str(root or rules_dir()))):
        stamp.update(f"{path}\0{size}\0{mtime}\n".encode())
    return stamp.hexdigest()[:20]


@functools.cache
def registry_hash(root: Path | None = None) -> str:
    """sha256 of the rule data's content (file names and bytes), the same on every machine.

    Hashing some hundred files costs a few milliseconds; the digest is kept in the cache
    directory under the (cheap) stamp of names, sizes and times, so a pre-commit call reads one file.
    """
    base = root or rules_dir()
    stamp = registry_stamp(base)
    remembered = cache_dir() / f"registry-{stamp}.sha256.json"
    from cadre_hooks.safeio import Refused, read_capped

    try:
        text = json.loads(read_capped(remembered, 256, "cache file").decode("ascii")).get("sha256")
        if isinstance(text, str) and len(text) == 64 and all(c in "0123456789abcdef" for c in text):
            return text
    except (Refused, ValueError, AttributeError):
        pass  # missing, or not what cadre wrote: computed again
    digest = hashlib.sha256()
    for path in _toml_files(base):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    text = digest.hexdigest()
    try:
        remembered.parent.mkdir(parents=True, exist_ok=True)
        tmp = remembered.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"sha256": text}) + "\n", encoding="ascii")
        os.replace(tmp, remembered)
    except OSError:
        pass
    return text


def registry_digest(root: Path | None = None) -> str:
    """A short digest of the rule files' names and contents (`registry_hash`): the registry's
    identity, for cache keys that must not depend on modification times (a fresh checkout)."""
    return registry_hash(root)[:20]


def _valid_raw(data: Any) -> bool:
    """The shape `load_raw` gives: lists of tables for providers and checks, a table of regions."""
    return (isinstance(data, dict) and isinstance(data.get("providers"), list)
            and isinstance(data.get("checks"), list) and isinstance(data.get("regions"), dict)
            and all(isinstance(t, dict) for t in (*data["providers"], *data["checks"])))


def _read_cached(target: Path) -> dict[str, Any] | None:
    from cadre_hooks.safeio import Refused, read_capped

    try:
        data: Any = json.loads(read_capped(target, _MAX_CACHE_BYTES, "cache file"))
    except (Refused, ValueError, RecursionError, MemoryError):
        return None
    return data if _valid_raw(data) else None


def _cached_raw(root: Path) -> tuple[dict[str, Any], bool]:
    """The rule data, and whether it came from the cache."""
    target = cache_dir() / f"registry-{registry_stamp(root)}.json"
    cached = _read_cached(target)
    if cached is not None:
        return cached, True
    data = load_raw(root)
    try:
        text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="ascii")
        os.replace(tmp, target)
    except (OSError, TypeError, ValueError):
        pass  # a read-only home (or a value JSON cannot hold) only costs speed
    return data, False


@functools.lru_cache(maxsize=4)
def load_registry(root: Path | None = None) -> Registry:
    """The registry of the installed rule data (or of `root`), built once per process."""
    base = root or rules_dir()
    raw, from_cache = _cached_raw(base)
    if from_cache:
        try:
            return Registry(raw["providers"], raw["checks"], raw["regions"], raw.get("operations"),
                            raw.get("assistants", ()))
        except Exception:  # a cache of the right shape but wrong content: the rule files decide
            raw = load_raw(base)
    return Registry(raw["providers"], raw["checks"], raw["regions"], raw.get("operations"),
                            raw.get("assistants", ()))
