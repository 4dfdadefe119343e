"""The pipeline, end to end: select files → detect → resolve → checks (cadre_hooks/checks/) → findings.

Reading and detection run in worker processes on large scans (every core); small scans, such
as a pre-commit call on a few files, stay in-process so they start instantly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cadre_hooks import checks, sdkscope
from cadre_hooks import findings as rules_engine
from cadre_hooks.checks.context import CheckContext, ScanFacts
from cadre_hooks.config import Config, ConfigError, Source, merge, project_sources
from cadre_hooks.detect import detector_for
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.files import is_lock_file
from cadre_hooks.model import FileScan, Notice, Report, Usage
from cadre_hooks.options import ScanOptions
from cadre_hooks.prefilter import Prefilter
from cadre_hooks.registry import Registry
from cadre_hooks.resolve import resolve
from cadre_hooks.rules import Rule
from cadre_hooks.safeio import Refused, read_in_root, real_folder, transcode_bom

if TYPE_CHECKING:  # the scan cache and the staged index are imported where they are used: a
    # pre-commit call on named files needs neither
    from cadre_hooks.cache import Entry, ScanCache
    from cadre_hooks.gitindex import IndexReader
    from cadre_hooks.workers import WorkerPool

PARALLEL_THRESHOLD = 48
BINARY_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".ico", ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".whl",
                   ".so", ".dll", ".dylib", ".exe", ".bin", ".pyc", ".woff", ".woff2", ".ttf", ".otf", ".jar",
                   ".class", ".mp3", ".mp4", ".webp", ".svgz", ".parquet", ".pt", ".onnx", ".safetensors", ".gguf")

MINIFIABLE_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx")
# Lock files are read in linear time and are often larger than source files: 16 times the limit
# (32 MB by default).
LOCK_FILE_SIZE_FACTOR = 16

def load_config(root: Path, options: ScanOptions, registry: Registry, rules: dict[str, Rule]) -> Config:
    sources = [Source("command line", options.cli)] if options.cli else []
    if options.settings is not None:
        return merge([*sources, *options.settings], set(registry.providers), set(rules))
    sources += project_sources(root, options.config_file)
    from cadre_hooks import orgpolicy

    sources += orgpolicy.sources(sources, root)
    return merge(sources, set(registry.providers), set(rules))


def language(config: Config, options: ScanOptions) -> str:
    explicit = options.cli.get("lang") or os.environ.get("CADRE_LANG")
    if isinstance(explicit, str) and explicit in ("fr", "en"):
        return explicit
    if config.lang is not None:
        return config.lang
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "fr" if locale.lower().startswith("fr") else "en"


# --- per-file work (runs in worker processes on large scans) ----------------------------
_STATE: dict[str, object] = {}


# (path, its cache entry when the file's size or time changed, its (size, mtime_ns) when caching)
Task = tuple[str, "Entry | None", "tuple[int, int] | None"]


def _scan_file(rel: str, entry: Entry | None = None, stat: tuple[int, int] | None = None) -> Outcome:
    """One file's result (None when there is nothing to say about it, the common case: keeping it
    out saves pickling tens of thousands of empty scans), and a new cache entry when one was made.
    `entry` is the file's cache entry when only its size or time changed (the same bytes still
    answer from it); whether a file is fresh was decided before, from its size and time."""
    if not _STATE.get("caching"):
        return _read_and_detect(rel, None, None), None
    from cadre_hooks.cache import Entry, dependencies, digest, fresh_dependencies

    root: str = _STATE["root_str"]  # type: ignore[assignment]
    if stat is None:
        try:
            st = os.stat(os.path.join(root, rel))
        except OSError:
            return _read_and_detect(rel, None, None), None
        stat = (st.st_size, st.st_mtime_ns)
    if entry is not None and not fresh_dependencies(root, entry):
        entry = None  # a module it imports from changed: compute again
    box: list[bytes] = []
    result = _read_and_detect(rel, entry, box)
    if not box:
        return result, None  # not read (symlink out of the tree, too big, unreadable): nothing to remember
    return result, Entry(stat[0], stat[1], digest(box[0]), dependencies(root, result), result)


def _read_and_detect(rel: str, entry: Entry | None, box: list[bytes] | None) -> FileScan | None:
    """Read one file and run its detector; `box` receives the bytes read, for the cache, and `entry`
    (a cache entry whose dependencies are fresh) answers when the bytes are the same as last time."""
    root: str = _STATE["root_str"]  # type: ignore[assignment]
    ctx: DetectContext = _STATE["ctx"]  # type: ignore[assignment]
    prefilter: Prefilter = _STATE["prefilter"]  # type: ignore[assignment]
    max_size: int = _STATE["max_size"]  # type: ignore[assignment]
    detector = detector_for(rel)
    if detector is None:
        return None
    index: IndexReader | None = _STATE.get("index")  # type: ignore[assignment]
    try:
        limit = max_size * LOCK_FILE_SIZE_FACTOR if is_lock_file(rel) else max_size
        if index is not None:
            staged = index.read(rel, limit)
            if staged is None:
                return None  # not in the index: not part of the commit
            data = staged
        else:
            data = read_in_root(root, rel, limit, _STATE["real_root"])  # type: ignore[arg-type]
    except Refused as refused:
        return FileScan(rel, notices=(Notice(rel, refused.reason, refused.kind),))
    if box is not None:  # a cached scan (the cache module is imported: _scan_file)
        from cadre_hooks.cache import digest

        box.append(data)
        if entry is not None and entry.digest == digest(data):
            return entry.result  # same bytes as last time (a checkout rewrote the file)
    data = transcode_bom(data)
    if b"\0" in data[:8192]:
        if rel.lower().endswith(BINARY_SUFFIXES):
            return None
        return FileScan(rel, notices=(Notice(rel, "binary file; not scanned"),))
    ai = prefilter.may_hold_ai(data)
    if ai and rel.endswith(MINIFIABLE_SUFFIXES) and len(data) > 20_000 and data.count(b"\n") * 1_000 < len(data):
        # Lines averaging over a thousand characters: a bundle a build tool wrote, not source code.
        return FileScan(rel, notices=(Notice(rel, "minified or bundled code; not scanned"),))
    from cadre_hooks.detect import letthrough

    try:
        if not ai:  # only what a repository rule needs: hub settings, the routes of a web module
            return letthrough.without_ai(rel, data, ctx)
        return letthrough.with_settings(rel, data, ctx, detector(rel, data, ctx))
    except (RecursionError, MemoryError) as err:
        return FileScan(rel, notices=(Notice(rel, f"too complex to analyse ({type(err).__name__}); not scanned"),))
    except Exception as err:  # a detector bug must not lose the rest of an audit; exit 3 says it happened
        return FileScan(rel, notices=(Notice(rel, f"internal error: {type(err).__name__}: {err}"),),
                        facts=("internal-error",))


def _init_worker(state: Mapping[str, object]) -> None:
    _STATE.clear()
    _STATE.update(state)


def clear_worker_state() -> None:
    """Forget the in-process scan's state (the repository, its cache entries) once it is done."""
    _STATE.clear()


Outcome = tuple[FileScan | None, "Entry | None"]


def detect_files(files: Sequence[str], root: Path, ctx: DetectContext, prefilter: Prefilter, max_size: int,
                 jobs: int, track: Callable[[Iterable[Outcome], int], Iterable[Outcome]] | None = None,
                 cache: ScanCache | None = None, index: IndexReader | None = None,
                 prune: bool = True, pool: Callable[[int], WorkerPool] | None = None) -> list[FileScan]:
    """`track(results, total)` may wrap the results as they arrive (progress display); `index`
    reads the staged content instead of the working tree (in-process: one git reader); `prune=False`
    keeps the cache entries of the files not given (a partial read of the repository); `pool(n)`
    gives the worker pool of n processes to use (the Scanner's; default: one for this call).

    Freshness is decided here, from each file's size and time against its cache entry: an
    unchanged file costs one `stat` and its cached answer, and only the others are analysed, in
    worker processes when there are enough of them."""
    # Every file is a candidate; which detector reads it is asked only of the files the cache
    # does not answer for (an unchanged tree asks it of none), so that files no detector reads
    # (images) never start a worker pool on a re-scan.
    candidates = list(files)
    real_folder.cache_clear()
    root_str = str(root)
    state = {"root": root, "root_str": root_str, "real_root": os.path.realpath(root), "ctx": ctx,
             "prefilter": prefilter, "max_size": max_size, "caching": cache is not None, "index": index}
    known: dict[int, Outcome] = {}
    todo: list[Task] = []
    nothing: Outcome = (None, None)
    prefix = root_str if root_str.endswith(os.sep) else root_str + os.sep  # os.path.join, without its cost
    for i, rel in enumerate(candidates):
        stat = None
        entry = None
        if cache is not None:
            try:
                st = os.stat(prefix + rel)
            except OSError:
                pass
            else:
                fresh, result = cache.fresh(root_str, rel, st.st_size, st.st_mtime_ns)
                if fresh:
                    known[i] = (result, None)
                    continue
                stat = (st.st_size, st.st_mtime_ns)
                entry = cache.entries.get(rel)
            if detector_for(rel) is None:  # (without a cache, the worker asks: once per file)
                known[i] = nothing
                continue
        todo.append((rel, entry, stat))
    workers = 1 if index is not None else jobs or (os.cpu_count() or 1)
    with contextlib.ExitStack() as stack:
        if len(todo) < PARALLEL_THRESHOLD or workers <= 1:
            _init_worker(state)
            computed: Iterator[Outcome] = (_scan_file(*task) for task in todo)
        else:
            from cadre_hooks.workers import WorkerPool

            if pool is None:
                pool_used = stack.enter_context(WorkerPool(ctx.registry, workers))
            else:
                pool_used = pool(workers)
            computed = pool_used.run(state, todo)
        results = _in_order(len(candidates), known, computed)
        return _collect(track(results, len(candidates)) if track else results, candidates, cache, prune)


def _in_order(total: int, known: Mapping[int, Outcome], computed: Iterator[Outcome]) -> Iterator[Outcome]:
    """The outcomes of the candidates in their order: the cached ones and, between them, the computed ones."""
    for i in range(total):
        found = known.get(i)
        yield found if found is not None else next(computed)


def _collect(outcomes: Iterable[Outcome], candidates: Sequence[str], cache: ScanCache | None,
             prune: bool = True) -> list[FileScan]:
    scans: list[FileScan] = []
    updates: dict[str, Entry] = {}
    for rel, (result, entry) in zip(candidates, outcomes):
        if result is not None:
            scans.append(result)
        if entry is not None:
            updates[rel] = entry
    if cache is not None:
        cache.update(updates, set(candidates) if prune else None)
        cache.save()
    return scans


# --- the whole scan ------------------------------------------------------------------------
def run(options: ScanOptions) -> tuple[Report, CheckContext]:
    """One scan in a fresh `Scanner` (the registry itself is loaded once per process)."""
    from cadre_hooks.scanner import Scanner

    with Scanner() as scanner:
        return scanner.scan(options)


def cache_salt(config: Config) -> str:
    """The settings that change what a detector reports (version, registry, Python: in cache_key)."""
    return "|".join([repr(sorted(config.hosts.items())), repr(sorted(config.endpoints)), str(config.max_file_size)])


def build_report(scans: Sequence[FileScan], sc: CheckContext,
                 reached: Mapping[str, set[str | None]] | None = None) -> Report:
    """Resolve the usages, run the checks over them (cadre_hooks.checks), then the suppressions and
    the fingerprints. `reached`: where each SDK's clients go in the whole repository (sdkscope),
    when `scans` do not cover it (default: computed from `scans`)."""
    facts = ScanFacts(scans, resolve_usages(scans, sc, reached))
    suppressions = facts.suppressions
    found = rules_engine.apply_suppressions(checks.run(facts, sc), suppressions, sc.options.honour_suppressions)
    found = rules_engine.fingerprint(found)
    notices = [n for scan in scans for n in scan.notices] + list(sc.selection.notices)
    internal = any("internal-error" in scan.facts for scan in scans)
    usages = sorted(facts.usages, key=lambda u: (u.path, u.line, u.column, u.provider or ""))
    return Report(root=str(sc.root), usages=tuple(usages), findings=tuple(found),
                  notices=tuple(sorted(set(notices), key=lambda n: (n.path, n.reason))),
                  files_scanned=len(sc.selection.files),
                  extra={"internal_error": internal, "suppressions": tuple(suppressions)})


def resolve_usages(scans: Sequence[FileScan], sc: CheckContext,
                   reached: Mapping[str, set[str | None]] | None = None) -> list[Usage]:
    """Every detection resolved to its provider, with the models of its file, the SDKs' real
    destinations (sdkscope) and without the dependencies that their clients repoint."""
    usages: list[Usage] = []
    for scan in scans:
        file_usages = [resolve(d, sc.registry, sc.config.hosts, sc.config.endpoints) for d in scan.detections]
        if scan.models and file_usages:
            file_usages = _annotate_models(file_usages, scan, sc.registry)
        usages += file_usages
    if reached is None:
        reached = sdkscope.destinations(
            scans, lambda d: resolve(d, sc.registry, sc.config.hosts, sc.config.endpoints), sc.registry)
    usages = sdkscope.apply(usages, reached, sc.registry)
    return drop_repointed_dependencies(usages, sc.selection.directories)


def drop_repointed_dependencies(usages: list[Usage], folder_scanned: bool) -> list[Usage]:
    """A declared SDK follows the rule of its import: when every client built from it in the
    repository names another provider's endpoint, the dependency is not a usage of the SDK's
    own provider (the openai package used only to reach Mistral is not OpenAI)."""
    if not folder_scanned:
        return usages  # a manifest passed alone (pre-commit): its clients are not in view
    # Only the SDK reaching its own provider keeps its dependency: a raw HTTP call or a hard-coded
    # endpoint to that provider (sdk None) does not use the package.
    # An import alone sends nothing either: a type, an error class or a test double.
    direct = {u.provider for u in usages
              if u.kind not in ("dependency", "config", "lockfile", "import") and u.sdk == u.provider}
    repointed = {u.sdk for u in usages if u.kind == "client" and u.sdk and u.provider != u.sdk}
    # Settings that give an SDK another endpoint (Spring AI's `spring.ai.openai.base-url`, an
    # OPENAI_BASE_URL variable) repoint it too, when the endpoint is read.
    repointed |= {u.sdk for u in usages if u.kind == "config" and u.sdk and (u.host or u.endpoint_env)
                  and u.provider != u.sdk}
    # A file that only imports the SDK (types, errors, a `Mock(spec=OpenAI)`, a Go or Java file
    # naming its types) follows the same rule; a file that builds or calls clients is decided by them.
    # A client whose endpoint cannot be read may be the SDK's own provider: its imports stay.
    # Per language: openai-go's clients decide openai-go's imports, never the Python package's.
    key = sdkscope.sdk_key
    building = {(u.path, u.sdk) for u in usages if u.kind in ("client", "call") and u.sdk}
    unresolved = {key(u.path, u.sdk) for u in usages if u.kind in ("client", "call") and u.sdk and u.provider is None}
    clients = {key(u.path, u.sdk) for u in usages if u.kind == "client" and u.sdk and u.provider != u.sdk}
    configured = repointed - {u.sdk for u in usages if u.kind == "client" and u.sdk and u.provider != u.sdk}
    own = {key(u.path, u.provider) for u in usages if u.provider
           and u.kind not in ("dependency", "config", "lockfile", "import") and u.sdk == u.provider}
    return [u for u in usages if not (u.kind in ("dependency", "lockfile") and u.provider in repointed
                                      and u.provider not in direct)
            and not (u.kind == "import" and u.provider is not None
                     and (key(u.path, u.provider) in clients or u.provider in configured)
                     and key(u.path, u.provider) not in own and key(u.path, u.provider) not in unresolved
                     and (u.path, u.provider) not in building)]


def _annotate_models(usages: list[Usage], scan: FileScan, registry: Registry) -> list[Usage]:
    names_by_provider: dict[str | None, list[str]] = {}
    for ref in scan.models:
        names_by_provider.setdefault(registry.model_provider(ref.name), []).append(ref.name)
    out = []
    for usage in usages:
        names = names_by_provider.get(usage.provider, [])
        if usage.model:
            names = [usage.model, *names]
        out.append(dataclasses.replace(usage, models=tuple(dict.fromkeys(names))) if names else usage)
    return out


def exit_status(report: Report) -> int:
    if report.extra.get("internal_error"):
        return 3
    return 1 if any(f.severity == "error" and not f.suppressed for f in report.findings) else 0


__all__ = ["CheckContext", "ConfigError", "ScanOptions", "exit_status", "run"]
