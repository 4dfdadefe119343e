"""CDR106: a model named by a moving alias (`*-latest`, `:latest`): its behaviour changes when the
provider moves the alias, not when the project decides. The alias patterns are the rule's data
(`patterns` in rules/checks/CDR106.toml)."""

from __future__ import annotations

import fnmatch

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts
from cadre_hooks.findings import make_finding

CODES = ("CDR106",)


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    rule = ctx.rules.get("CDR106")
    if rule is None:
        return []
    out = []
    # A model name counts in a file that uses AI: a `model=` argument elsewhere names anything.
    for ref in (ref for scan in facts.files if scan.models and scan.detections for ref in scan.models):
        if any(fnmatch.fnmatchcase(ref.name, p) for p in rule.patterns):
            finding = make_finding(rule, ctx.config, ref.path, ref.line, ref.column,
                                   ctx.registry.model_provider(ref.name), rule.format(ctx.lang, model=ref.name),
                                   f"model {ref.name}")
            if finding is not None:
                out.append((finding, ref.statement_line))
    return out
