"""CDR201-CDR206, and the declared side of CDR302: AI_USAGE.md, the project's declaration of its
use of AI (charter commitments 6 and 13), compared with the usages of the whole repository.

Runs only on a scan of the whole repository (`repository=True` in checks.CHECKS) and on
`cadre ai-usage`: a pre-commit call on a few files cannot tell that a declared provider is no
longer used. The comparison lives in cadre_hooks/transparency/; it (and PyYAML) loads only here.
"""

from __future__ import annotations

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts

CODES = ("CDR201", "CDR202", "CDR203", "CDR204", "CDR205", "CDR206")
# Owned by checks.public (a web route calling AI); reported here when AI_USAGE.md declares
# `user_facing: true`, with the message of rules/ai_usage.toml.
ALSO_REPORTS = ("CDR302",)


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    from cadre_hooks.transparency import checks

    # Each finding is on AI_USAGE.md itself, at the line of the problem: that is its statement.
    return [(finding, finding.line) for finding in checks.run(ctx, facts.usages)]
