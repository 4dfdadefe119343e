"""Property: whatever the repository holds, `cadre scan` ends with exit 0, 1 or 2, writes a valid
JSON report and no traceback. Hypothesis builds small repositories from random bytes, random file
names (non-UTF-8 bytes and control characters included), snippets of AI code, symlinks and
settings files, in plain folders and in git repositories."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadre_hooks.cli import main

SUFFIXES = [".py", ".js", ".ts", ".json", ".toml", ".yaml", ".yml", ".env", ".ipynb", ".cfg", ".ini", ".md", ""]
SPECIAL = ["requirements.txt", "package.json", "pyproject.toml", "Dockerfile", ".cadre.toml", "AI_USAGE.md",
           "environment.yml", "setup.py", "go.mod", "pom.xml", "views.py", "urls.py", ".env", "Pipfile"]
SNIPPETS = [
    b"import openai\n", b"from anthropic import Anthropic\nc = Anthropic()\n",
    b"from openai import OpenAI\nc = OpenAI(base_url='https://api.mistral.ai/v1')\n",
    b"c.chat.completions.create(model='gpt-4o-latest', messages=[])\n",
    b"@app.route('/x')\ndef x():\n    return c.chat.completions.create(model='m')\n",
    b"OPENAI_API_KEY=sk-x\n", b'{"dependencies": {"openai": "^4"}}', b"anthropic==0.30\n",
    b"[tool.cadre]\napprove = [\"openai\"]\n", b"lang = 'fr'\n", b"max_file_size = 40\n",
    b'{"cells": [{"cell_type": "code", "source": ["import openai"]}], "nbformat": 4}',
    b"# cadre: ignore[CDR101]\n", b"\xff\xfeo\x00p\x00e\x00n\x00a\x00i\x00\n\x00", b"\x00\x01\x02",
    b"a = " + b"[" * 3000 + b"]" * 3000 + b"\n", b"---\nowner: x\nproviders: [openai]\n---\n# Usage\n",
]

name_bytes = st.binary(min_size=1, max_size=10).filter(lambda b: b"/" not in b and b"\0" not in b
                                                      and b not in (b".", b"..", b".git"))
names = st.one_of(st.sampled_from(SPECIAL),
                  st.tuples(name_bytes, st.sampled_from(SUFFIXES)).map(lambda t: os.fsdecode(t[0]) + t[1]))
contents = st.one_of(st.binary(max_size=200), st.lists(st.sampled_from(SNIPPETS), max_size=4).map(b"".join),
                     st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
entries = st.lists(st.tuples(st.sampled_from(["", "src/", "src/pkg/", "conf/"]), names, contents), max_size=8)
links = st.lists(st.tuples(names, st.sampled_from(["/dev/zero", "..", "../..", "src", "loop", "/etc/hostname",
                                                  "missing.py"])), max_size=2)


def _build(root: Path, files: list[tuple[str, str, bytes]], symlinks: list[tuple[str, str]]) -> None:
    for folder, name, data in files:
        (root / folder).mkdir(parents=True, exist_ok=True)
        path = root / folder / name
        if path.is_dir():
            continue
        path.write_bytes(data)
    for name, target in symlinks:
        path = root / name
        if not os.path.lexists(path):
            os.symlink(name if target == "loop" else target, path)


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(files=entries, symlinks=links, use_git=st.booleans(), cached=st.booleans(),
       extra=st.sampled_from([[], ["--staged"], ["--submodules"], ["--no-suppress"]]))
def test_any_repository_scans_cleanly(files: list[tuple[str, str, bytes]], symlinks: list[tuple[str, str]],
                                      use_git: bool, cached: bool, extra: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        root.mkdir()
        _build(root, files, symlinks)
        if use_git:
            subprocess.run(["git", "init", "-q"], cwd=root, check=True)
            subprocess.run(["git", "add", "-A"], cwd=root, capture_output=True)
        out, err = io.StringIO(), io.StringIO()
        previous = os.getcwd()
        os.chdir(root)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main(["scan", "-f", "json", "--jobs", "1", *extra, ".", *([] if cached else ["--no-cache"])])
        finally:
            os.chdir(previous)
        assert status in (0, 1, 2), err.getvalue()
        assert "Traceback" not in err.getvalue()
        if status != 2:
            report = json.loads(out.getvalue())
            assert set(report) >= {"usages", "findings", "notices", "summary"}
            out.getvalue().encode("utf-8")
        else:
            assert err.getvalue().startswith("cadre: error: ")
