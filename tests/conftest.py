"""Shared test helpers: real git repositories in temporary folders, and the real CLI entry point."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cadre_hooks.cli import main
from cadre_hooks.model import Report

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def make_repo(root: Path, files: Mapping[str, str | bytes], *, commit: bool = True) -> Path:
    """A real git repository holding `files` (dedented), committed unless `commit` is false."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_files(root, files)
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial", "--no-verify")
    return root


def scan_tree(tmp_path: Path, files: Mapping[str, str | bytes]) -> Report:
    """Write `files` into a plain folder and scan it in-process (one worker): the detectors' end to end."""
    from cadre_hooks.scan import ScanOptions, run

    root = tmp_path / "repo"
    root.mkdir()
    write_files(root, files)
    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    return report


@dataclass
class Result:
    status: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    def usages(self) -> list[tuple[str, int, str | None, str]]:
        return [(u["path"], u["line"], u["provider"], u["jurisdiction"]) for u in self.json["usages"]]

    def rules(self) -> list[str]:
        return [f["rule"] for f in self.json["findings"] if not f["suppressed"]]


@pytest.fixture
def cadre(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `cadre ARGS...` in-process from a folder; returns status, stdout, stderr."""

    def run(*args: str, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        status = main(list(args))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No user cache, locale or CI variable leaks into a test."""
    monkeypatch.setenv("CADRE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    for var in ("CADRE_LANG", "LANG", "LC_ALL", "LC_MESSAGES", "SOURCE_DATE_EPOCH", "CI", "PRE_COMMIT", "CADRE_DEBUG"):
        monkeypatch.delenv(var, raising=False)
