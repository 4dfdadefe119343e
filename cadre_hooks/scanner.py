"""The `Scanner`: one object that owns what a scan needs besides the files (the registry, the rule
catalogue, the worker pool, the per-scan memos), so that one process can scan many repositories
in a row (an estate audit) without one scan's state leaking into the next.

`scan.run(options)` is a thin wrapper: `Scanner().scan(options)`.
"""

from __future__ import annotations

import functools
import os
import sys
from types import TracebackType
from typing import TYPE_CHECKING

from cadre_hooks import __version__, memo, sdkscope
from cadre_hooks.checks.context import CheckContext
from cadre_hooks.config import Config
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.model import Provenance, Report
from cadre_hooks.prefilter import Prefilter
from cadre_hooks.registry import Registry, load_registry
from cadre_hooks.registry.load import (
    registry_hash as registry_hash,  # its home; re-exported for callers of the Scanner API
)
from cadre_hooks.rules import Rule, catalogue
from cadre_hooks.scan import (
    ScanOptions,
    build_report,
    cache_salt,
    clear_worker_state,
    detect_files,
    language,
    load_config,
)
from cadre_hooks.select import find_root, select

if TYPE_CHECKING:
    from cadre_hooks.workers import WorkerPool


class Scanner:
    """Scans repositories one after the other with the same registry and rules.

    Each `scan` reads its repository's configuration afresh and forgets every per-scan memo
    before and after (in the worker processes too), so two scans of different repositories give
    the same reports as two separate processes would.

    The worker pool is created on the first scan that needs one. Used as a context manager
    (`with Scanner() as scanner:`), the Scanner keeps it for the scans that follow and shuts it
    down on leaving the block (or on `close()`); otherwise each scan shuts it down when it ends,
    so that a Scanner never leaves processes behind.
    """

    def __init__(self, registry: Registry | None = None, rules: dict[str, Rule] | None = None) -> None:
        self.registry = registry if registry is not None else load_registry()
        self.rules = rules if rules is not None else catalogue(self.registry)
        self._pool: WorkerPool | None = None
        self._keep_pool = False

    def __enter__(self) -> Scanner:
        self._keep_pool = True
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._keep_pool = False
        self.close()

    def close(self) -> None:
        """Shut the worker pool down (a later scan creates another when it needs one)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def pool(self, workers: int) -> WorkerPool:
        """The Scanner's pool of `workers` processes, created on first need."""
        if self._pool is not None and (self._pool.workers != workers or not self._pool.usable):
            self.close()  # another size, a pool of the process this one was forked from, or a broken one
        if self._pool is None:
            from cadre_hooks.workers import WorkerPool

            self._pool = WorkerPool(self.registry, workers)
        return self._pool

    def scan(self, options: ScanOptions) -> tuple[Report, CheckContext]:
        memo.forget_all()
        try:
            return self._scan(options)
        finally:
            memo.forget_all()
            clear_worker_state()
            if not self._keep_pool:
                self.close()

    def _scan(self, options: ScanOptions) -> tuple[Report, CheckContext]:
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
        detect = functools.partial(detect_files, pool=self.pool)
        scans = detect(selection.files, selection.root, ctx, prefilter, config.max_file_size, options.jobs,
                       track if options.progress else None, cache, index)
        from cadre_hooks.settingsfiles import with_repository_settings

        scans = with_repository_settings(scans, selection, config.exclude)  # CDR105: settings the selection left out
        scan_ctx = CheckContext(selection.root, config, self.registry, self.rules, lang, selection, options)
        reached = None
        waiting = sdkscope.undecided_sdks(scans, self.registry) if not selection.whole_repository else set()
        if waiting:
            # Some files wait for where their SDK's clients go in the whole repository (sdkscope).
            from cadre_hooks import sdkrepo

            reached = sdkrepo.destinations(scan_ctx, detect, ctx, prefilter, cache, index, cache_salt(config),
                                           waiting)
        report = build_report(scans, scan_ctx, reached)
        import dataclasses

        return dataclasses.replace(report, provenance=provenance(config)), scan_ctx


def provenance(config: Config) -> Provenance:
    return Provenance(cadre_version=__version__, registry_hash=registry_hash(), interpreter=interpreter(),
                      configuration=config.origins)


# `platform.python_implementation()`'s names, without importing platform (~3 ms and nine regular
# expressions on every pre-commit call).
_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy", "ironpython": "IronPython", "jython": "Jython"}


def interpreter() -> str:
    """`CPython 3.12.4`: results can differ across interpreters (the `ast` they parse with).
    Written as `platform.python_implementation()` and `platform.python_version()` would."""
    name = sys.implementation.name
    return f"{_IMPLEMENTATIONS.get(name, name)} {sys.version.split()[0]}"
