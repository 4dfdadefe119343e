"""`cadre debug ...`: developer tools for measuring the scanner (used by benchmarks/bench.py).

- `cadre debug prefilter-pattern [--flavour python|rg]`: the prefilter's compiled pattern, as
  Python sees it or rewritten for ripgrep's regex engine (same words, same ASCII word edges),
  so that `rg` can be timed on exactly the same question.
- `cadre debug prefilter-pass [PATH...]`: the cheap pass alone: select the files, read every one,
  run the prefilter on it; prints files, bytes, matches and seconds as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

from cadre_hooks.cli import command
from cadre_hooks.errors import EXIT_CLEAN, UsageError
from cadre_hooks.prefilter import Prefilter
from cadre_hooks.safeio import Refused, read_in_root

# What Rust's regex engine (ripgrep) accepts after a backslash, outside a character class.
_RG_META = set(b"\\.+*?()|[]{}^$#&-~")
_ESCAPE = rb"\\(.)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="tool", metavar="TOOL")
    pattern = sub.add_parser("prefilter-pattern", help="print the prefilter's regular expression")
    pattern.add_argument("--flavour", choices=("python", "rg"), default="python",
                         help="python (default): the compiled bytes pattern; rg: for `rg -e`")
    pattern.add_argument("--config", type=Path, metavar="FILE", help="settings file (extra hosts and endpoints)")
    passing = sub.add_parser("prefilter-pass", help="time the prefilter alone over files or folders (JSON)")
    passing.add_argument("paths", nargs="*", metavar="PATH")
    passing.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: every core)")
    passing.add_argument("--config", type=Path, metavar="FILE", help="settings file")


def prefilter_for(cwd: Path, paths: list[str], config_file: Path | None) -> tuple[Prefilter, list[str], Path, int]:
    from cadre_hooks.registry import load_registry
    from cadre_hooks.rules import catalogue
    from cadre_hooks.scan import ScanOptions, load_config
    from cadre_hooks.select import find_root, select

    registry = load_registry()
    options = ScanOptions(targets=tuple(paths), cwd=cwd, config_file=config_file)
    root, _ = find_root(options.targets, cwd)
    config = load_config(root, options, registry, catalogue(registry))
    selection = select(options.targets, cwd, config.exclude)
    prefilter = Prefilter.from_registry(registry, extra=[*config.hosts, *config.endpoints])
    return prefilter, list(selection.files), selection.root, config.max_file_size


def rg_pattern(prefilter: Prefilter) -> str:
    """The same pattern for ripgrep: ASCII word boundaries instead of look-arounds, and only the
    escapes Rust's regex syntax accepts (Python's re.escape also escapes `/`, `:` and spaces)."""
    text = re.sub(_ESCAPE, lambda m: m.group(0) if m.group(1)[0] in _RG_META else m.group(1), prefilter.pattern.pattern)
    text = text.replace(rb"(?<![A-Za-z0-9_])", rb"(?-u:\b)").replace(rb"(?![A-Za-z0-9_])", rb"(?-u:\b)")
    return text.decode("utf-8")


_STATE: dict[str, object] = {}


def _init(prefilter: Prefilter, root: Path, max_size: int) -> None:
    _STATE.update(prefilter=prefilter, root=root, max_size=max_size)


def _match(files: list[str]) -> tuple[int, int, int]:
    """(files read, bytes read, files that may hold AI) for a chunk of files."""
    prefilter: Prefilter = _STATE["prefilter"]  # type: ignore[assignment]
    root: Path = _STATE["root"]  # type: ignore[assignment]
    max_size: int = _STATE["max_size"]  # type: ignore[assignment]
    read = size = hits = 0
    for rel in files:
        try:
            data = read_in_root(root, rel, max_size)
        except Refused:
            continue
        read += 1
        size += len(data)
        if b"\0" not in data[:8192] and prefilter.may_hold_ai(data):
            hits += 1
    return read, size, hits


def prefilter_pass(prefilter: Prefilter, files: list[str], root: Path, max_size: int, jobs: int) -> dict[str, float]:
    start = time.perf_counter()
    workers = jobs or (os.cpu_count() or 1)
    chunks = [files[i:i + 256] for i in range(0, len(files), 256)]
    if workers <= 1 or len(chunks) <= 1:
        _init(prefilter, root, max_size)
        results = [_match(chunk) for chunk in chunks]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method), initializer=_init,
                                 initargs=(prefilter, root, max_size)) as pool:
            results = list(pool.map(_match, chunks))
    return {"files": sum(r[0] for r in results), "bytes": sum(r[1] for r in results),
            "matched": sum(r[2] for r in results), "seconds": round(time.perf_counter() - start, 4)}


@command("debug", "developer tools: the prefilter's pattern, the prefilter pass alone")(add_arguments)
def debug(args: argparse.Namespace) -> int:
    if args.tool is None:
        raise UsageError("cadre debug needs a tool: prefilter-pattern or prefilter-pass")
    cwd = Path(os.getcwd())
    if args.tool == "prefilter-pattern":
        prefilter, _, _, _ = prefilter_for(cwd, [], args.config)
        text = rg_pattern(prefilter) if args.flavour == "rg" else prefilter.pattern.pattern.decode("utf-8")
        sys.stdout.write(text + "\n")
        return EXIT_CLEAN
    for path in args.paths:
        if not os.path.lexists(path):
            raise UsageError(f"no such file or folder: {path}")
    started = time.perf_counter()
    prefilter, files, root, max_size = prefilter_for(cwd, args.paths, args.config)
    result = prefilter_pass(prefilter, files, root, max_size, args.jobs)
    result["seconds_with_selection"] = round(time.perf_counter() - started, 4)
    sys.stdout.write(json.dumps(result) + "\n")
    return EXIT_CLEAN
