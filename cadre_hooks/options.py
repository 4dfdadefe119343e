"""What a caller asks of one scan (the command line, an audit, a test): `ScanOptions`.

Its own module so that the stages after detection (cadre_hooks/checks/) can name it without
importing the pipeline (scan.py), which imports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cadre_hooks.config import Source


@dataclass(frozen=True)
class ScanOptions:
    targets: Sequence[str] = ()
    cwd: Path = field(default_factory=Path.cwd)
    config_file: Path | None = None
    cli: dict[str, object] = field(default_factory=dict)  # settings given on the command line
    honour_suppressions: bool = True
    repository_checks: bool | None = None  # default: only when the whole repository is scanned
    jobs: int = 0
    today: str | None = None
    use_cache: bool = True  # reuse what unchanged files gave last time (folder scans only)
    staged: bool = False  # read files from git's index, not the working tree (--staged)
    # The configuration layers to apply instead of the project's own files and organisation policy
    # (an estate audit decides them: the city's policy first, the repository's own settings filtered).
    settings: tuple[Source, ...] | None = None
    progress: bool = True  # the per-file counter on a terminal (off when an audit draws its own)
    # The checks to run, by name in cadre_hooks.checks.CHECKS (None: every one that applies);
    # `cadre ai-usage` runs the AI_USAGE.md check alone over the same pipeline.
    checks: tuple[str, ...] | None = None
