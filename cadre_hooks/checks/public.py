"""CDR302: model output that can reach the public directly from a web route (charter commitment 2).

A thin entry over cadre_hooks/charter/public.py, which holds the rule's logic (the call graph
from route handlers to AI calls) until it moves here; that module is imported only when the scan
found a route, or AI on a scan of the whole repository (a route module may reach it).
"""

from __future__ import annotations

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts

CODES = ("CDR302",)


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    scans = facts.files
    if not (any(scan.routes for scan in scans)
            or (ctx.selection.whole_repository and any(scan.detections for scan in scans))):
        return []
    from cadre_hooks.charter import public

    return public.findings(ctx, scans, facts.usages)
