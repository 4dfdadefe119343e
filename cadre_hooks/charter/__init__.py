"""Charter rules that need more than one usage and the policy: model downloads from the hub
(CDR105), AI answering the public from a web route (CDR302) and coding assistants' traces (CDR303). Called once per scan from
`scan.build_report`; each module returns (finding, statement line) pairs for the suppressions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from cadre_hooks.model import FileScan, Finding, Usage

if TYPE_CHECKING:
    from cadre_hooks.scan import ScanContext


def findings(sc: ScanContext, scans: Sequence[FileScan], usages: Sequence[Usage]) -> list[tuple[Finding, int]]:
    from cadre_hooks.charter import assistants, downloads, public

    traces = [(f, f.line) for f in assistants.findings(sc, sc.selection.files)]  # CDR303
    return downloads.findings(sc, usages) + public.findings(sc, scans, usages) + traces
