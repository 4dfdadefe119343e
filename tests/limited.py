"""Run the real `cadre` in a child process with a time and an address-space limit, so that an
input that would hang a scan or exhaust memory fails the test quickly instead of the machine."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

MEMORY_LIMIT = 1_500_000_000  # bytes of address space: cadre needs a few hundred MB
TIME_LIMIT = 180  # seconds (generous: a loaded CI machine; a hang is what it catches)


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cadre(args: list[str], cwd: Path, env: Mapping[str, str] | None = None,
              timeout: float = TIME_LIMIT) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("CADRE_DEBUG", None)
    return subprocess.run([sys.executable, "-c", "from cadre_hooks.cli import entry; entry()", *args], cwd=cwd,
                          env=full_env, capture_output=True, text=True, timeout=timeout, preexec_fn=_limit)
