"""The audit's cost against the scans it runs, on a generated estate served from local bare repositories.

    python benchmarks/audit_bench.py --repos 50 --files 150 --json /tmp/audit-bench.json

1. generates REPOS repositories (Python modules, a few with AI, a history of five commits), each pushed
   to a bare repository that plays the git server;
2. `sum of scans`: `cadre scan --no-cache --jobs 1` on a clone of each, one after the other;
3. `audit -j1`: `cadre audit` of the bare repositories' file:// URLs, one at a time, cold clone cache;
4. `audit -jN`: the same with every core (new output and clone cache);
5. `resume`: `cadre audit --resume` again with nothing changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import git

AI_SNIPPETS = [
    "from mistralai import Mistral\nclient = Mistral(api_key='k')\n"
    "client.chat.complete(model='mistral-small-2409', messages=[])\n",
    "import openai\nclient = openai.OpenAI()\nclient.chat.completions.create(model='gpt-4o-2024-08-06', messages=[])\n",
    "import anthropic\nanthropic.Anthropic().messages.create(model='claude-3-5-sonnet-20241022', max_tokens=1, "
    "messages=[])\n",
    "import ollama\nollama.chat(model='llama3.1:8b', messages=[])\n",
]


def module(rng: random.Random, index: int) -> str:
    """Ordinary code: classes, functions, imports of the standard library (what most files look like)."""
    lines = ["import os", "import json", "from dataclasses import dataclass", ""]
    for k in range(rng.randint(3, 8)):
        lines += [f"@dataclass", f"class Item{index}_{k}:", "    name: str", "    size: int = 0", "",
                  f"def load_{index}_{k}(path: str) -> list[Item{index}_{k}]:",
                  "    with open(path, encoding='utf-8') as fh:",
                  f"        return [Item{index}_{k}(**row) for row in json.load(fh)]", ""]
    return "\n".join(lines) + "\n"


def make_estate(base: Path, repos: int, files: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    urls = []
    actor = git.Actor("bench", "bench@example.org")
    for r in range(repos):
        work = base / "work" / f"repo{r:03d}"
        repo = git.Repo.init(work, initial_branch="main")
        for step in range(5):
            when = dt.datetime(2024, 1 + step * 2, 1, 12, tzinfo=dt.timezone.utc)
            chosen = range(files) if step == 0 else rng.sample(range(files), max(1, files // 10))
            paths = []
            for i in chosen:
                rel = f"pkg{i % 7}/mod{i}.py"
                (work / rel).parent.mkdir(parents=True, exist_ok=True)
                (work / rel).write_text(module(rng, i), encoding="utf-8")
                paths.append(rel)
            if step >= 2 and r % 3 == 0:
                rel = f"ai_{step}.py"
                (work / rel).write_text(AI_SNIPPETS[(r + step) % len(AI_SNIPPETS)], encoding="utf-8")
                paths.append(rel)
            repo.index.add(paths)
            repo.index.commit(f"step {step}", author=actor, committer=actor, author_date=when, commit_date=when)
        bare = base / "server" / f"repo{r:03d}.git"
        git.Repo.clone_from(str(work), bare, bare=True)
        urls.append(bare.as_uri())
    return urls


def timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=50)
    parser.add_argument("--files", type=int, default=150)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="cadre-audit-bench-"))
    cadre = [sys.executable, "-m", "cadre_hooks.cli"]
    env = {**os.environ, "CADRE_CACHE_DIR": str(base / "cache"), "CI": "1"}
    try:
        urls = make_estate(base, args.repos, args.files)
        listing = base / "repos.txt"
        listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
        clones = base / "clones"
        for url in urls:
            git.Repo.clone_from(url, clones / Path(url).name.removesuffix(".git"))
        scans = sum(timed([*cadre, "scan", "--no-cache", "--jobs", "1", "--format", "json", "."], env, clone)
                    for clone in sorted(clones.iterdir()))
        one = timed([*cadre, "audit", str(listing), "--jobs", "1", "--out", str(base / "out1"),
                     "--cache", str(base / "c1")], env, base)
        cores = os.cpu_count() or 1
        many = timed([*cadre, "audit", str(listing), "--jobs", str(cores), "--out", str(base / "outN"),
                      "--cache", str(base / "cN")], env, base)
        resume = timed([*cadre, "audit", str(listing), "--jobs", str(cores), "--out", str(base / "outN"),
                        "--cache", str(base / "cN"), "--resume"], env, base)
        figures = {"repositories": args.repos, "files_per_repository": args.files, "cores": cores,
                   "sum_of_scans_s": round(scans, 2), "audit_jobs1_s": round(one, 2),
                   "audit_jobs1_over_scans": round(one / scans, 2), f"audit_jobs{cores}_s": round(many, 2),
                   "speedup": round(one / many, 2), "resume_s": round(resume, 2),
                   "resume_over_first": round(resume / many, 3)}
        print(json.dumps(figures, indent=2))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
