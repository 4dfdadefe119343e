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
    from cadre_hooks.charter import assistants

    traces = [(f, f.line) for f in assistants.findings(sc, sc.selection.files)]  # CDR303
    out: list[tuple[Finding, int]] = []
    # The other rules' modules are imported only when there is something for them to look at.
    if any(u.kind == "model" for u in usages):
        from cadre_hooks.charter import downloads

        out += downloads.findings(sc, scans, usages)
    if any(scan.routes for scan in scans) or (sc.selection.whole_repository and any(scan.detections for scan in scans)):
        from cadre_hooks.charter import public

        out += public.findings(sc, scans, usages)
    return out + traces
