"""The two inputs of every check: what the scan found (`ScanFacts`) and what it was asked to do
(`CheckContext`). Neither imports the pipeline (scan.py), which builds them: the checks depend on
the scan's results, never on how they were computed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cadre_hooks.config import Config
from cadre_hooks.model import FileScan, Finding, Suppression, Usage
from cadre_hooks.options import ScanOptions
from cadre_hooks.registry import Registry
from cadre_hooks.rules import Rule
from cadre_hooks.select import Selection

# A finding and the first line of the statement it was found in: a suppression comment on either
# line covers it (a call spread over several lines is suppressed where the statement starts).
Pair = tuple[Finding, int]


@dataclass(frozen=True)
class CheckContext:
    """The repository, its configuration and the rule catalogue: the same for every check of a scan."""

    root: Path
    config: Config
    registry: Registry
    rules: dict[str, Rule]
    lang: str  # "en" or "fr": the language of the messages
    selection: Selection  # the files scanned; `whole_repository` says whether it is all of them
    options: ScanOptions

    @property
    def repository_wide(self) -> bool:
        """Whether the checks of the whole repository run (AI_USAGE.md): asked for, or by default
        when the whole repository is scanned, never on a pre-commit call for a few files."""
        asked = self.options.repository_checks
        return self.selection.whole_repository if asked is None else asked


@dataclass(frozen=True)
class ScanFacts:
    """Every file's result (detections, models, routes, suppressions...) and the usages resolved
    from them for the whole scan (SDK destinations and repointed dependencies already applied)."""

    files: Sequence[FileScan]
    usages: Sequence[Usage]

    @property
    def suppressions(self) -> list[Suppression]:
        return [s for scan in self.files for s in scan.suppressions]
