"""The checks: one module per rule or family of rules, each a pure consumer of the scan's results.

A check module declares the codes it reports and exposes one function:

    CODES = ("CDR106",)                                   # one rules/checks/<code>.toml each
    def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]

`facts` holds every file's result and the resolved usages, `ctx` the configuration and the rule
catalogue; `run` returns (finding, statement line) pairs, the suppressions and fingerprints are
applied after every check has run (scan.build_report). Every word a finding says comes from the
rule's data (`message` and `details` in rules/checks/<code>.toml), never from the module.

To add a rule: write rules/checks/CDRnnn.toml (with its valid and invalid examples), one module
here that declares CDRnnn in CODES, and list it in CHECKS below with the function that imports
it. The modules are imported when their turn comes, so a check that needs a heavy library
(AI_USAGE.md: PyYAML) costs nothing on a scan that does not run it; mypy checks every module
against `CheckModule` through those functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts


class CheckModule(Protocol):
    @property
    def CODES(self) -> tuple[str, ...]: ...  # a module constant, read-only here

    def run(self, facts: ScanFacts, ctx: CheckContext) -> list[Pair]: ...


@dataclass(frozen=True)
class Check:
    name: str  # the module cadre_hooks.checks.<name>
    load: Callable[[], CheckModule]  # imports it (when its turn comes); mypy checks it has CODES and run
    repository: bool = False  # only on a scan of the whole repository (or when asked: `cadre ai-usage`)

    def module(self) -> CheckModule:
        return self.load()


def _models() -> CheckModule:
    from cadre_hooks.checks import models
    return models


def _policy() -> CheckModule:
    from cadre_hooks.checks import policy
    return policy


def _downloads() -> CheckModule:
    from cadre_hooks.checks import downloads
    return downloads


def _public() -> CheckModule:
    from cadre_hooks.checks import public
    return public


def _assistants() -> CheckModule:
    from cadre_hooks.checks import assistants
    return assistants


def _suppressions() -> CheckModule:
    from cadre_hooks.checks import suppressions
    return suppressions


def _ai_usage() -> CheckModule:
    from cadre_hooks.checks import ai_usage
    return ai_usage


# In this order (the order of findings that share a place before they are sorted).
CHECKS: tuple[Check, ...] = (
    Check("models", _models),  # CDR106 moving model aliases
    Check("policy", _policy),  # CDR101-CDR104, CDR301 the approved-provider policy, per usage
    Check("downloads", _downloads),  # CDR105 model weights from the Hugging Face hub
    Check("public", _public),  # CDR302 web routes that hand AI output to the public
    Check("assistants", _assistants),  # CDR303 AI coding assistants' files
    Check("suppressions", _suppressions),  # CDR901 suppressions without a reason
    Check("ai_usage", _ai_usage, repository=True),  # CDR201-CDR206 AI_USAGE.md (and PyYAML) only here
)


def selected(ctx: CheckContext) -> list[Check]:
    """The checks this scan runs: those named by `options.checks` (all by default), the
    repository-wide ones only when `ctx.repository_wide`."""
    names: Sequence[str] | None = ctx.options.checks
    unknown = set(names or ()) - {check.name for check in CHECKS}
    if unknown:  # a caller's typo would silently run nothing
        raise ValueError(f"unknown checks: {', '.join(sorted(unknown))}")
    return [check for check in CHECKS
            if (names is None or check.name in names) and (ctx.repository_wide or not check.repository)]


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    """Every selected check over the same facts, in the order of CHECKS."""
    out: list[Pair] = []
    for check in selected(ctx):
        out += check.module().run(facts, ctx)
    return out


__all__ = ["CHECKS", "Check", "CheckContext", "CheckModule", "Pair", "ScanFacts", "run", "selected"]
