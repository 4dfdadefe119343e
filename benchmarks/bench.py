#!/usr/bin/env python3
"""Time `cadre scan` against ripgrep on real trees, and a pre-commit-like call on five files.

Usage: python benchmarks/bench.py TREE [TREE...] [--runs N] [--modes prefilter,full,rescan,precommit] [--json FILE]

For each tree:
  prefilter  `cadre debug prefilter-pass TREE`: select the files, read every one, run the prefilter;
             against `rg -l -f PATTERN TREE` with the prefilter's own pattern (`cadre debug
             prefilter-pattern --flavour rg`): the same question asked of the same files.
  full       `cadre scan --no-cache TREE` (every file analysed), against the same ripgrep run.
  rescan     the full scan again with the scan cache warm (an unchanged tree: little more than the walk).
  precommit  `cadre scan F1..F5` from the tree's root, on five Python files without AI and on five
             with AI, minus the start of a bare interpreter (what a pre-commit hook adds to a commit).

cadre runs through the `cadre` script beside this interpreter (the venv's), as pre-commit runs it.

Each figure is the median of --runs runs (wall clock), with files per second, the ratio to
ripgrep, and the peak memory of the largest process (resource.getrusage of the children: cadre
and its workers). Commands run with bytecode caching on (PYTHONDONTWRITEBYTECODE unset, the
cache under a temporary PYTHONPYCACHEPREFIX), as on a user's machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

def _cadre() -> list[str]:
    """The `cadre` script installed beside this interpreter (what a user and pre-commit run),
    else the module through the interpreter."""
    script = Path(sys.executable).with_name("cadre")
    return [str(script)] if script.is_file() else [sys.executable, "-c", "from cadre_hooks.cli import entry; entry()"]


CADRE = _cadre()
# Runs a command; prints its wall time (s, the wrapper's own start left out), the peak RSS (KiB)
# of its largest descendant process (cadre or one of its workers) and their CPU time (user + sys, s).
PEAK = ("import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - start\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)\n")
TARGETS = {"prefilter": 3.0, "full": 5.0, "rescan": 1.5}


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "cadre-bench-pycache")
    env.pop("CI", None)
    return env


def timed(cmd: list[str], cwd: Path, runs: int) -> dict[str, float]:
    """Median wall time (s), median CPU time (s, workers included) and peak memory (MiB) of `cmd`
    over `runs` runs. On a shared machine the CPU time is the steadier figure."""
    times, peaks, cpus = [], [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PEAK, *cmd], cwd=cwd, env=environment(), capture_output=True,
                             text=True, check=True).stdout.split()
        times.append(float(out[0]))
        peaks.append(int(out[1]) / 1024)
        cpus.append(float(out[2]))
    return {"seconds": round(statistics.median(times), 3), "cpu_seconds": round(statistics.median(cpus), 3),
            "peak_mib": round(max(peaks), 1)}


def output(cmd: list[str], cwd: Path) -> str:
    return subprocess.run(cmd, cwd=cwd, env=environment(), capture_output=True, text=True).stdout


def ripgrep(tree: Path, runs: int) -> dict[str, Any]:
    rg = shutil.which("rg")
    if rg is None:
        raise SystemExit("ripgrep (rg) is not installed: apt-get install -y ripgrep")
    pattern = output([*CADRE, "debug", "prefilter-pattern", "--flavour", "rg"], tree)
    with tempfile.NamedTemporaryFile("w", suffix=".rg", delete=False) as fh:
        fh.write(pattern)
    cmd = [rg, "-l", "--no-ignore", "--hidden", "-f", fh.name, "."]
    result = timed(cmd, tree, runs)
    result["files"] = len(output([rg, "--files", "--no-ignore", "--hidden", "."], tree).splitlines())
    result["matched"] = len(output(cmd, tree).splitlines())
    os.unlink(fh.name)
    return result


def prefilter(tree: Path, runs: int) -> dict[str, Any]:
    cmd = [*CADRE, "debug", "prefilter-pass", "."]
    result = timed(cmd, tree, runs)
    detail = json.loads(output(cmd, tree))
    result.update(files=detail["files"], matched=detail["matched"], in_process=detail["seconds"])
    return result


def full(tree: Path, runs: int, cached: bool) -> dict[str, Any]:
    """A full scan; without the scan cache (every file analysed), or with it, warmed by one run first."""
    report = Path(tempfile.gettempdir()) / "cadre-bench-report.json"
    cmd = [*CADRE, "scan", "--exit-zero", "--format", "json", "--output", str(report), "."]
    if cached:
        timed(cmd, tree, 1)  # fills the cache
    else:
        cmd.insert(cmd.index("scan") + 1, "--no-cache")
    result = timed(cmd, tree, runs)
    data = json.loads(report.read_text(encoding="utf-8"))
    result.update(files=data["summary"]["files"], usages=data["summary"]["usages"],
                  findings=len(data["findings"]))
    return result


def five_files(tree: Path) -> tuple[list[str], list[str]]:
    """Five Python files the prefilter turns down, and five it lets through to the detectors."""
    from cadre_hooks.prefilter import Prefilter
    from cadre_hooks.registry import load_registry

    pf = Prefilter.from_registry(load_registry())
    plain: list[str] = []
    ai: list[str] = []
    for path in sorted(tree.rglob("*.py")):
        if len(plain) >= 5 and len(ai) >= 5:
            break
        data = path.read_bytes()
        if not 2_000 < len(data) < 60_000:
            continue
        target = ai if pf.may_hold_ai(data) else plain
        if len(target) < 5:
            target.append(path.relative_to(tree).as_posix())
    return plain, ai


def precommit(tree: Path, runs: int) -> dict[str, Any]:
    plain, ai = five_files(tree)
    start = timed([sys.executable, "-c", "pass"], tree, runs * 3)
    result: dict[str, Any] = {"interpreter_seconds": start["seconds"]}
    for name, files in (("without_ai", plain), ("with_ai", ai)):
        if len(files) < 5:
            continue
        run = timed([*CADRE, "scan", "--exit-zero", *files], tree, runs * 3)
        result[name] = {"files": files, "seconds": run["seconds"], "peak_mib": run["peak_mib"],
                        "above_interpreter_ms": round((run["seconds"] - start["seconds"]) * 1000),
                        "cpu_above_interpreter_ms": round((run["cpu_seconds"] - start["cpu_seconds"]) * 1000)}
    return result


def report(name: str, results: dict[str, Any]) -> None:
    rg = results.get("ripgrep", {})
    print(f"\n== {name}  (load average {results.get('load', '?')})")
    if rg:
        print(f"  ripgrep         {rg['seconds']:7.2f} s  {rg['files'] / rg['seconds']:9.0f} files/s  "
              f"{rg['peak_mib']:6.1f} MiB  ({rg['matched']} files match)")
    for mode in ("prefilter", "full", "rescan"):
        if mode not in results:
            continue
        r = results[mode]
        ratio = r["seconds"] / rg["seconds"] if rg else float("nan")
        target = TARGETS.get(mode)
        verdict = "" if target is None else ("  ok" if ratio <= target else f"  MISSED (target {target:g}x)")
        print(f"  {mode:<15} {r['seconds']:7.2f} s  {r['files'] / r['seconds']:9.0f} files/s  {r['peak_mib']:6.1f} MiB"
              f"  {ratio:5.1f}x ripgrep  CPU {r['cpu_seconds']:.2f} s{verdict}")
    pc = results.get("precommit")
    if pc:
        print(f"  interpreter     {pc['interpreter_seconds'] * 1000:7.0f} ms")
        for key, limit in (("without_ai", 60), ("with_ai", 450)):
            if key in pc:
                r = pc[key]
                verdict = "ok" if r["above_interpreter_ms"] <= limit else f"MISSED (target {limit} ms)"
                print(f"  5 files {key:<10} {r['seconds'] * 1000:5.0f} ms  +{r['above_interpreter_ms']} ms above the "
                      f"interpreter (CPU +{r['cpu_above_interpreter_ms']} ms)  {r['peak_mib']:6.1f} MiB  {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default="prefilter,full,rescan,precommit")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    modes = set(args.modes.split(","))
    everything: dict[str, Any] = {}
    for tree in args.trees:
        tree = tree.resolve()
        results: dict[str, Any] = {"load": " ".join(f"{x:.1f}" for x in os.getloadavg())}
        if modes & {"prefilter", "full", "rescan"}:
            results["ripgrep"] = ripgrep(tree, args.runs)
        if "prefilter" in modes:
            results["prefilter"] = prefilter(tree, args.runs)
        if "full" in modes:
            results["full"] = full(tree, args.runs, cached=False)
        if "rescan" in modes:
            results["rescan"] = full(tree, args.runs, cached=True)
        if "precommit" in modes:
            results["precommit"] = precommit(tree, args.runs)
        everything[str(tree)] = results
        report(tree.name, results)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
