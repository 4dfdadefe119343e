"""The worker pool of a scan: processes that read and analyse files, created on first need and
reused by the scans of one `Scanner` (an estate audit runs many), shut down by its owner.

A pool outlives a scan, so the scan's state (the repository, the detection context, the
prefilter) travels with the work: each chunk of files carries the scan's identity and its state,
pickled once per scan with the registry left out (the workers received it when the pool was
created: it is the largest object and the same for every scan). A worker that sees a new scan
forgets everything the previous one left (the per-scan memos, the resolved folders) before it
starts: nothing leaks from one repository into the next.

Pickle is used only between cadre's own processes, never for anything read from disk.
"""

from __future__ import annotations

import io
import itertools
import os
import pickle
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cadre_hooks.registry import Registry
    from cadre_hooks.scan import Outcome, Task

_REGISTRY_ID = "cadre-registry"
_SCANS = itertools.count(1)
_WORKER: dict[str, Any] = {}  # in a worker: the pool's registry, the scan it holds the state of
MAX_CHUNK = 512


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, registry: object) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.registry = registry

    def persistent_id(self, obj: object) -> str | None:
        return _REGISTRY_ID if obj is self.registry else None


class _Unpickler(pickle.Unpickler):
    def persistent_load(self, pid: Any) -> object:
        if pid != _REGISTRY_ID:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return _WORKER["registry"]


def pack(state: Mapping[str, object], registry: object) -> bytes:
    """`state` pickled, with `registry` as a reference to the worker's own copy."""
    buffer = io.BytesIO()
    _Pickler(buffer, registry).dump(dict(state))
    return buffer.getvalue()


def _init(registry: object) -> None:
    _WORKER.clear()
    _WORKER["registry"] = registry


def _begin(scan: str, blob: bytes) -> None:
    """Take up scan `scan`: forget the previous one's state and memos, load this one's."""
    from cadre_hooks import memo, scan as scan_module
    from cadre_hooks.safeio import real_folder

    memo.forget_all()
    real_folder.cache_clear()
    scan_module._init_worker(_Unpickler(io.BytesIO(blob)).load())
    _WORKER["scan"] = scan


def _run_chunk(scan: str, blob: bytes, tasks: Sequence[Task]) -> list[Outcome]:
    """In a worker: the outcomes of a chunk of files of scan `scan`."""
    from cadre_hooks import scan as scan_module

    if _WORKER.get("scan") != scan:
        _begin(scan, blob)
    return [scan_module._scan_file(*task) for task in tasks]


class WorkerPool:
    """`workers` processes holding `registry`; `run` sends them one scan's files."""

    def __init__(self, registry: Registry, workers: int) -> None:
        import multiprocessing  # ~20 ms of imports that a pre-commit call on a few files never needs

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.registry = registry
        self.workers = workers
        self.pid = os.getpid()  # a pool belongs to the process that made it (not to a forked child)
        self._executor: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context(method), initializer=_init,
            initargs=(registry,))

    def run(self, state: Mapping[str, object], tasks: Sequence[Task]) -> Iterator[Outcome]:
        """The outcomes of `tasks`, in their order, computed by the workers."""
        if self._executor is None:
            raise RuntimeError("the worker pool is closed")
        scan = f"{os.getpid()}-{next(_SCANS)}"
        blob = pack(state, self.registry)
        # About 32 chunks per worker: a tree whose files are nearly all analysed (litellm: ~7 ms
        # each) ends with the workers finishing together rather than one of them on a long last
        # chunk; each chunk costs its pickled state (~50 KB) and a round trip.
        size = max(1, min(MAX_CHUNK, len(tasks) // (self.workers * 32)))
        chunks = [tasks[i:i + size] for i in range(0, len(tasks), size)]
        for outcomes in self._executor.map(_run_chunk, itertools.repeat(scan), itertools.repeat(blob), chunks):
            yield from outcomes

    @property
    def usable(self) -> bool:
        """Open, in the process that made it, and not broken (a worker that died breaks the pool)."""
        return (self._executor is not None and os.getpid() == self.pid
                and not getattr(self._executor, "_broken", False))

    def close(self) -> None:
        """Stop the workers (when this process made them; a forked child leaves its parent's alone)."""
        if self._executor is not None and os.getpid() == self.pid:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
