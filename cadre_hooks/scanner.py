"""The `Scanner`: one object that owns what a scan needs besides the files (the registry, the rule
catalogue, the worker pool, the per-scan memos), so that one process can scan many repositories
in a row (an estate audit) without one scan's state leaking into the next.

`scan.run(options)` is a thin wrapper: `Scanner().scan(options)`.
"""

from __future__ import annotations

import os
import platform

from cadre_hooks import __version__, memo, sdkscope
from cadre_hooks.config import Config
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.model import Provenance, Report
from cadre_hooks.prefilter import Prefilter
from cadre_hooks.registry import Registry, load_registry
from cadre_hooks.registry.load import registry_hash as registry_hash  # its home; re-exported for callers of the Scanner API
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
        from cadre_hooks.settingsfiles import with_repository_settings

        scans = with_repository_settings(scans, selection, config.exclude)  # CDR105: settings the selection left out
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
