"""The checks: one module per rule or family of rules, each a pure consumer of the scan's results.

A check module declares the codes it reports and exposes one function:

    CODES = ("CDR106",)                                   # one rules/checks/<code>.toml each
    def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]

`facts` holds every file's result and the resolved usages, `ctx` the configuration and the rule
catalogue; `run` returns (finding, statement line) pairs, the suppressions and fingerprints are
applied after every check has run (scan.build_report). Every word a finding says comes from the
rule's data (`message` and `details` in rules/checks/<code>.toml), never from the module.

To add a rule: write rules/checks/CDRnnn.toml (with its valid and invalid examples), one module
here that declares CDRnnn in CODES, and list it in CHECKS below. The modules are imported when
their turn comes, so a check that needs a heavy library (AI_USAGE.md: PyYAML) costs nothing on a
scan that does not run it.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, cast

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts


class CheckModule(Protocol):
    CODES: tuple[str, ...]

    def run(self, facts: ScanFacts, ctx: CheckContext) -> list[Pair]: ...


@dataclass(frozen=True)
class Check:
    name: str  # the module cadre_hooks.checks.<name>
    repository: bool = False  # only on a scan of the whole repository (or when asked: `cadre ai-usage`)

    def module(self) -> CheckModule:
        return cast(CheckModule, importlib.import_module(f"{__name__}.{self.name}"))


# In this order (the order of findings that share a place before they are sorted).
CHECKS: tuple[Check, ...] = (
    Check("models"),  # CDR106 moving model aliases
    Check("policy"),  # CDR101-CDR104, CDR301 the approved-provider policy, per usage
    Check("downloads"),  # CDR105 model weights from the Hugging Face hub
    Check("public"),  # CDR302 web routes that hand AI output to the public
    Check("assistants"),  # CDR303 AI coding assistants' files
    Check("suppressions"),  # CDR901 suppressions without a reason
    Check("ai_usage", repository=True),  # CDR201-CDR206 AI_USAGE.md
)


def selected(ctx: CheckContext) -> list[Check]:
    """The checks this scan runs: those named by `options.checks` (all by default), the
    repository-wide ones only when `ctx.repository_wide`."""
    names: Sequence[str] | None = ctx.options.checks
    return [check for check in CHECKS
            if (names is None or check.name in names) and (ctx.repository_wide or not check.repository)]


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    """Every selected check over the same facts, in the order of CHECKS."""
    out: list[Pair] = []
    for check in selected(ctx):
        out += check.module().run(facts, ctx)
    return out


__all__ = ["CHECKS", "Check", "CheckContext", "CheckModule", "Pair", "ScanFacts", "run", "selected"]
