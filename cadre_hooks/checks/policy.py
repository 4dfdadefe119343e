"""The approved-provider policy (CDR101-CDR104, CDR301): which rule, if any, each usage breaks.

By default EU and local providers are approved and non-EU ones are not; `approve`, `deny` and
`allowlist` adjust that, and a deny always wins. One finding per usage, with the most specific
rule. `judge` is pure and knows no language: it names the rule and the key of the detail in the
rule's data (`details` in rules/checks/CDR10x.toml) with the fields that text needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts
from cadre_hooks.config import Config
from cadre_hooks.findings import make_finding
from cadre_hooks.model import Usage
from cadre_hooks.registry import Registry

CODES = ("CDR101", "CDR102", "CDR103", "CDR104", "CDR301")


@dataclass(frozen=True, slots=True)
class Verdict:
    rule: str
    detail: str = ""  # a key of the rule's `details`, "" for none
    fields: Mapping[str, str] = field(default_factory=dict)  # what that text names


def is_approved(provider: str, jurisdiction: str, config: Config) -> bool:
    if provider in config.deny:
        return False
    if provider in config.approve:
        return True
    return not config.allowlist and jurisdiction in ("eu", "local")


def judge(usage: Usage, registry: Registry, config: Config) -> Verdict | None:
    if usage.kind == "lockfile":
        return None  # inventory: what is installed; the direct dependency or the code is what is judged
    if usage.provider is None:
        if usage.endpoint_env:
            return Verdict("CDR104", "endpoint_from_environment", {"variable": usage.endpoint_env})
        return Verdict("CDR104", "endpoint_unknown")
    provider = registry.providers[usage.provider]
    if provider.category == "crowd-labour":
        return Verdict("CDR301")
    if not is_approved(usage.provider, usage.jurisdiction, config):
        if usage.jurisdiction == "non-eu":
            return Verdict("CDR101")
        return Verdict("CDR102", "denied" if usage.provider in config.deny else "not_allowlisted")
    if usage.host and usage.host in config.deny_hosts:
        return Verdict("CDR103", "host_denied", {"host": usage.host})
    if usage.region and usage.region_in_eu is False:
        return Verdict("CDR103", "region_outside_eu", {"region": usage.region})
    if provider.multi_region and usage.region is None and usage.kind not in ("dependency", "config"):
        return Verdict("CDR104", "region_unread", {"provider_name": provider.name})
    return None


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    """One finding per usage that breaks the policy, paired with its statement's first line."""
    registry, rules, config, lang = ctx.registry, ctx.rules, ctx.config, ctx.lang
    out = []
    for usage in facts.usages:
        verdict = judge(usage, registry, config)
        if verdict is None or verdict.rule not in rules:
            continue
        rule = rules[verdict.rule]
        provider = registry.providers.get(usage.provider) if usage.provider else None
        detail = rule.detail(lang, verdict.detail, **verdict.fields) if verdict.detail else ""
        # CDR101 names the region its data goes to, when the usage says (`details.region`).
        region_text = rule.detail(lang, "region", region=usage.region) if usage.region and "region" in rule.details \
            else ""
        message = rule.format(lang, provider=usage.provider or "?", provider_name=provider.name if provider else "?",
                              jurisdiction=usage.jurisdiction, region=usage.region or "", region_text=region_text,
                              host=usage.host or "", detail=detail, model=usage.model or "", path=usage.path,
                              basis=rule.basis(lang, usage.named_by if usage.resolved_by == "name" else None))
        finding = make_finding(rule, config, usage.path, usage.line, usage.column, usage.provider, message,
                               usage.evidence)
        if finding is not None:
            out.append((finding, usage.statement_line))
    return out
