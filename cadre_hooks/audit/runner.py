"""The audit of many repositories: each in its own worker process, several at once, each under a
time limit; a repository that fails (clone error, corrupt repository, time-out, a scan error) is
recorded with its reason and never stops the others.

A worker process per repository is what makes the time limit real: a scan stuck in a pathological
file is killed with its whole process group, which a thread could never be. The parent loads the
registry once and forks, so a worker starts in milliseconds with everything already imported.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cadre_hooks.audit import inventory
from cadre_hooks.audit.audit_one import AuditSettings, audit, stamp
from cadre_hooks.audit.sources import Target
from cadre_hooks.scanner import Scanner

POLL = 0.05  # seconds between checks of the running workers (they also wake the loop when they end)


@dataclass
class Outcome:
    records: list[dict[str, Any]]
    resumed: int = 0


_SCANNER: Scanner | None = None  # built in the parent before forking: workers inherit the loaded registry


def _worker(target: Target, settings: AuditSettings, previous: Mapping[str, Any] | None, result: str) -> None:
    """Entry point of a worker process: audit one repository, write its record to `result`."""
    try:
        os.setpgrp()  # its own process group: a time-out kills the scan's git and worker processes too
    except (AttributeError, OSError):
        pass
    scanner = _SCANNER if _SCANNER is not None else Scanner()
    with scanner:  # the scans of this repository (its head, then its history) share one worker pool
        record = audit(target, settings, scanner, previous)
    inventory.write_json(Path(result), record)


def run_all(targets: Sequence[Target], settings: AuditSettings, work: Path, *, jobs: int, timeout: float,
            previous: Mapping[str, Mapping[str, Any]], progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Audit every target; the records come back in the order of `targets`."""
    global _SCANNER
    methods = multiprocessing.get_all_start_methods()
    context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    work.mkdir(parents=True, exist_ok=True)
    results = _unchanged(targets, settings, previous) if previous else {}
    done = len(results)
    if progress is not None and done:
        progress(done, len(targets))
    pending = deque((i, t) for i, t in enumerate(targets) if i not in results)
    if pending and _SCANNER is None:
        _SCANNER = Scanner()
        _prefork_imports()
    running: dict[int, tuple[Any, float, Target, Path]] = {}
    while pending or running:
        while pending and len(running) < max(1, jobs):
            index, target = pending.popleft()
            result = work / f"{target.key}.json"
            result.unlink(missing_ok=True)
            process = context.Process(target=_worker, args=(target, settings, previous.get(target.key), str(result)),
                                      name=f"cadre-audit {target.name}")
            process.start()
            running[index] = (process, time.monotonic(), target, result)
        from multiprocessing.connection import wait

        wait([p.sentinel for p, _, _, _ in running.values()], timeout=POLL)
        now = time.monotonic()
        for index, (process, started, target, result) in list(running.items()):
            if process.is_alive() and now - started <= timeout:
                continue
            if process.is_alive():
                _kill(process)
                record = inventory.failed(target, f"time limit of {timeout:g} s exceeded", stamp(settings))
            else:
                process.join()
                record = _read_result(result, target, settings, process.exitcode)
            result.unlink(missing_ok=True)
            results[index] = record
            del running[index]
            done += 1
            if progress is not None:
                progress(done, len(targets))
    records = [results[i] for i in range(len(targets))]
    return Outcome(records, sum(1 for r in records if r.get("resumed")))


def _unchanged(targets: Sequence[Target], settings: AuditSettings,
               previous: Mapping[str, Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
    """The records still valid (--resume), checked from threads in this process: asking a remote
    for its tip is waiting on git, and a worker process per unchanged repository would cost more."""
    from concurrent.futures import ThreadPoolExecutor

    from cadre_hooks.audit.audit_one import unchanged

    candidates = [(i, t) for i, t in enumerate(targets) if t.key in previous]
    with ThreadPoolExecutor(max_workers=max(1, min(16, len(candidates)))) as pool:
        found = pool.map(lambda pair: unchanged(pair[1], settings, previous[pair[1].key]), candidates)
        return {i: record for (i, _), record in zip(candidates, found) if record is not None}


def _prefork_imports() -> None:
    """Import, once in the parent, what every worker would otherwise import again after the fork
    (gitpython, the detectors loaded lazily for a pre-commit call, the repository checks): ~0.1 s
    saved per repository, which is most of what an unchanged repository costs with --resume."""
    import importlib
    import pkgutil

    import git  # noqa: F401

    from cadre_hooks import checks, detect, transparency
    from cadre_hooks.registry.load import registry_hash

    registry_hash()
    for package in (detect, checks, transparency):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            try:
                importlib.import_module(info.name)
            except ImportError:
                pass  # an optional language module without its parser: imported (and reported) when needed


def _read_result(result: Path, target: Target, settings: AuditSettings, exitcode: int | None) -> dict[str, Any]:
    try:
        data = inventory.read_json(result)
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass
    return inventory.failed(target, f"the scan process ended without a result (exit code {exitcode})",
                            stamp(settings))


def _kill(process: Any) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (AttributeError, OSError):
        process.kill()
    process.join(5)


class ProgressLine:
    """`cadre audit: 3/50 repositories` on stderr, only for a person at a terminal (never in CI)."""

    def __init__(self) -> None:
        from cadre_hooks import progress

        self.enabled = progress.wanted(progress.THRESHOLD)

    def __call__(self, done: int, total: int) -> None:
        if self.enabled:
            sys.stderr.write(f"\rcadre: audited {done}/{total} repositories\x1b[K")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
