"""AI_USAGE.md, the transparency file of charter commitment 6: a declaration (YAML front matter
and Markdown sections) of what AI the project uses, kept true by comparing it with the scan.

Registered as a repository check, so it runs when a whole repository is scanned and never on a
pre-commit call for a few files; its modules (and PyYAML) load only then.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cadre_hooks.model import Finding, Usage

if TYPE_CHECKING:
    from cadre_hooks.scan import ScanContext


def check_ai_usage(sc: ScanContext, usages: Sequence[Usage]) -> list[Finding]:
    """CDR201-CDR205 and the declared side of CDR302 (see transparency.checks)."""
    from cadre_hooks.transparency import checks

    return checks.run(sc, usages)
