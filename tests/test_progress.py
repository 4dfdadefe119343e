"""Progress on stderr: drawn for a person at a terminal, never in CI, pre-commit or small scans.

The end-to-end tests run the real command with its stderr on a pseudo-terminal (what a shell
gives it), and read what was drawn there.
"""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_repo

from cadre_hooks import progress


def run_on_a_terminal(repo: Path, env: dict[str, str]) -> tuple[int, str, str]:
    """`cadre scan` with stderr on a pty; returns (status, stdout, what the terminal received)."""
    master, slave = pty.openpty()
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "PRE_COMMIT", "TERM")}
    command = [sys.executable, "-c", "from cadre_hooks.cli import entry; entry()", "scan", "--jobs", "1", "."]
    proc = subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, stderr=slave,
                            env={**base, "TERM": "xterm", **env})
    os.close(slave)
    out, _ = proc.communicate(timeout=300)
    received = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    return proc.returncode, out.decode(), received.decode(errors="replace")


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files = {f"pkg/m{i:03}.py": f"VALUE = {i}\n" for i in range(progress.THRESHOLD + 20)}
    files["pkg/llm.py"] = "import anthropic\n"
    return make_repo(tmp_path_factory.mktemp("big") / "repo", files)


def test_progress_is_drawn_on_a_terminal(big_repo: Path) -> None:
    status, out, terminal = run_on_a_terminal(big_repo, {})
    assert status == 1
    total = progress.THRESHOLD + 21
    assert f"cadre: scanning {total}/{total} files (100%)" in terminal
    assert terminal.endswith("\r\x1b[K")  # the line is cleared when the scan ends
    assert "scanning" not in out and "\x1b" not in out  # reports never carry progress text


@pytest.mark.parametrize("env", [{"CI": "true"}, {"PRE_COMMIT": "1"}, {"TERM": "dumb"}], ids=["ci", "pre-commit",
                                                                                             "dumb"])
def test_no_progress_in_ci_pre_commit_or_dumb_terminals(big_repo: Path, env: dict[str, str]) -> None:
    status, out, terminal = run_on_a_terminal(big_repo, env)
    assert status == 1 and "CDR101" in out
    assert "scanning" not in terminal


def test_no_progress_for_small_scans(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "small", {"a.py": "import anthropic\n", "b.py": "x = 1\n"})
    status, _, terminal = run_on_a_terminal(repo, {})
    assert status == 1 and "scanning" not in terminal


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_decisions() -> None:
    tty, pipe = Terminal(), io.StringIO()
    big = progress.THRESHOLD
    assert progress.wanted(big, tty, {})
    assert not progress.wanted(big - 1, tty, {})
    assert not progress.wanted(big, pipe, {})
    assert not progress.wanted(big, tty, {"CI": "true"})
    assert progress.wanted(big, tty, {"CI": "false"})  # some tools export CI=false outside CI
    assert not progress.wanted(big, tty, {"PRE_COMMIT": "1"})
    assert not progress.wanted(big, tty, {"TERM": "dumb"})
    assert list(progress.track(range(5), 5, pipe)) == [0, 1, 2, 3, 4] and pipe.getvalue() == ""
