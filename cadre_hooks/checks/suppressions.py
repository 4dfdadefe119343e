"""CDR901: an inline suppression (`# cadre: ignore[CDR101]`) without a reason. An exception to the
charter is a decision someone took: the comment must say why, and who approved it."""

from __future__ import annotations

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts
from cadre_hooks.findings import make_finding

CODES = ("CDR901",)


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    rule = ctx.rules.get("CDR901")
    if rule is None:
        return []
    out = []
    for sup in facts.suppressions:
        if not sup.reason:
            codes = ",".join(sup.codes) or "?"
            finding = make_finding(rule, ctx.config, sup.path, sup.line, 1, None, rule.format(ctx.lang, codes=codes),
                                   f"cadre: ignore[{codes}]")
            if finding is not None:
                out.append((finding, sup.line))
    return out
