"""The `Scanner`: one object that owns what a scan needs besides the files (the registry, the rule
catalogue, the worker pool, the per-scan memos), so that one process can scan many repositories
in a row (an estate audit) without one scan's state leaking into the next.

`scan.run(options)` is a thin wrapper: `Scanner().scan(options)`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
from pathlib import Path

from cadre_hooks import __version__, memo, sdkscope
from cadre_hooks.config import Config
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.model import Provenance, Report
from cadre_hooks.prefilter import Prefilter
from cadre_hooks.registry import Registry, load_registry
from cadre_hooks.registry.load import cache_dir, registry_stamp, rules_dir
from cadre_hooks.rules import Rule, catalogue
from cadre_hooks.scan import (ScanContext, ScanOptions, build_report, cache_salt, clear_worker_state, detect_files,
                              language, load_config)
from cadre_hooks.select import find_root, select


class Scanner:
    """Scans repositories one after the other with the same registry and rules.

    Each `scan` reads its repository's configuration afresh, creates (and shuts down) its own
    worker pool, and forgets every per-scan memo before and after, so two scans of different
    repositories give the same reports as two separate processes would.
    """

    def __init__(self, registry: Registry | None = None, rules: dict[str, Rule] | None = None) -> None:
        self.registry = registry if registry is not None else load_registry()
        self.rules = rules if rules is not None else catalogue(self.registry)

    def scan(self, options: ScanOptions) -> tuple[Report, ScanContext]:
        memo.forget_all()
        try:
            return self._scan(options)
        finally:
            memo.forget_all()
            clear_worker_state()

    def _scan(self, options: ScanOptions) -> tuple[Report, ScanContext]:
        root, _ = find_root(options.targets, options.cwd)
        config = load_config(root, options, self.registry, self.rules)
        lang = language(config, options)
        selection = select(options.targets, options.cwd, config.exclude, config.submodules)
        ctx = DetectContext(self.registry, selection.root, frozenset(config.hosts))
        prefilter = Prefilter.from_registry(self.registry, extra=[*config.hosts, *config.endpoints])
        from cadre_hooks.progress import track

        cache = None
        index = None
        if options.staged and selection.git:
            from cadre_hooks.gitindex import IndexReader

            index = IndexReader(selection.root)
        if options.use_cache and index is None and selection.directories and not os.environ.get("CADRE_NO_CACHE"):
            from cadre_hooks.cache import ScanCache

            cache = ScanCache(selection.root, cache_salt(config))
        scans = detect_files(selection.files, selection.root, ctx, prefilter, config.max_file_size, options.jobs,
                             track if options.progress else None, cache, index)
        scan_ctx = ScanContext(selection.root, config, self.registry, self.rules, lang, selection, options)
        reached = None
        waiting = sdkscope.undecided_sdks(scans, self.registry) if not selection.whole_repository else set()
        if waiting:
            # Some files wait for where their SDK's clients go in the whole repository (sdkscope).
            from cadre_hooks import sdkrepo

            reached = sdkrepo.destinations(scan_ctx, detect_files, ctx, prefilter, cache, index, cache_salt(config),
                                           waiting)
        report = build_report(scans, scan_ctx, reached)
        import dataclasses

        return dataclasses.replace(report, provenance=provenance(config)), scan_ctx


def provenance(config: Config) -> Provenance:
    return Provenance(cadre_version=__version__, registry_hash=registry_hash(), interpreter=interpreter(),
                      configuration=config.origins)


def interpreter() -> str:
    """`CPython 3.12.4`: results can differ across interpreters (the `ast` they parse with)."""
    return f"{platform.python_implementation()} {platform.python_version()}"


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
    for path in sorted(p for p in base.rglob("*.toml") if p.is_file()):
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
