"""CDR105: model weights downloaded at run time from the Hugging Face hub.

A thin entry over cadre_hooks/charter/downloads.py, which holds the rule's logic until it moves
here (a pure function of the files' facts and the usages); imported only when the scan found a model load.
"""

from __future__ import annotations

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts

CODES = ("CDR105",)


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    if not any(u.kind == "model" for u in facts.usages):
        return []
    from cadre_hooks.charter import downloads

    return downloads.findings(ctx, facts.files, facts.usages)
