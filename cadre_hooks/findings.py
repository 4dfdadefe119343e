"""From usages to findings: apply the policy, the per-rule severity settings, the inline
suppressions, and give each finding a fingerprint that survives edits elsewhere in the file."""

from __future__ import annotations

import fnmatch
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence

from cadre_hooks.config import Config
from cadre_hooks.model import Finding, ModelRef, Suppression, Usage
from cadre_hooks.policy import judge
from cadre_hooks.registry import Registry
from cadre_hooks.rules import Rule


def _region_text(usage: Usage, lang: str) -> str:
    if not usage.region:
        return ""
    return f" (région {usage.region})" if lang == "fr" else f" (region {usage.region})"


def normalise(evidence: str) -> str:
    return " ".join(evidence.split()).lower()


def make_finding(rule: Rule, config: Config, path: str, line: int, column: int, provider: str | None,
                 message: str, evidence: str) -> Finding | None:
    severity = config.severity.get(rule.code, rule.severity)
    if severity == "off":
        return None
    return Finding(rule=rule.code, name=rule.name, severity=severity, path=path, line=line, column=column,
                   provider=provider, message=message, commitments=rule.commitments, evidence=evidence)


def usage_findings(usages: Iterable[Usage], registry: Registry, rules: dict[str, Rule], config: Config,
                   lang: str) -> list[tuple[Finding, int]]:
    """One finding per usage, with the most specific rule; paired with the statement line."""
    out = []
    for usage in usages:
        verdict = judge(usage, registry, config, lang)
        if verdict is None or verdict.rule not in rules:
            continue
        rule = rules[verdict.rule]
        provider = registry.providers.get(usage.provider) if usage.provider else None
        message = rule.format(lang, provider=usage.provider or "?", provider_name=provider.name if provider else "?",
                              jurisdiction=usage.jurisdiction, region=usage.region or "",
                              region_text=_region_text(usage, lang), host=usage.host or "", detail=verdict.detail,
                              model=usage.model or "", path=usage.path,
                              basis=rule.basis(lang, usage.named_by if usage.resolved_by == "name" else None))
        finding = make_finding(rule, config, usage.path, usage.line, usage.column, usage.provider, message,
                               usage.evidence)
        if finding is not None:
            out.append((finding, usage.statement_line))
    return out


def model_findings(models: Iterable[ModelRef], registry: Registry, rules: dict[str, Rule], config: Config,
                   lang: str) -> list[tuple[Finding, int]]:
    rule = rules.get("CDR106")
    if rule is None:
        return []
    out = []
    for ref in models:
        if any(fnmatch.fnmatchcase(ref.name, p) for p in rule.patterns):
            finding = make_finding(rule, config, ref.path, ref.line, ref.column, registry.model_provider(ref.name),
                                   rule.format(lang, model=ref.name), f"model {ref.name}")
            if finding is not None:
                out.append((finding, ref.statement_line))
    return out


def suppression_findings(suppressions: Iterable[Suppression], rules: dict[str, Rule], config: Config,
                         lang: str) -> list[tuple[Finding, int]]:
    rule = rules["CDR901"]
    out = []
    for sup in suppressions:
        if not sup.reason:
            codes = ",".join(sup.codes) or "?"
            finding = make_finding(rule, config, sup.path, sup.line, 1, None, rule.format(lang, codes=codes),
                                   f"cadre: ignore[{codes}]")
            if finding is not None:
                out.append((finding, sup.line))
    return out


def apply_suppressions(pairs: Sequence[tuple[Finding, int]], suppressions: Sequence[Suppression],
                       honour: bool = True) -> list[Finding]:
    """Mark findings covered by a reasoned suppression on their line or their statement's first line."""
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    for sup in suppressions:
        if sup.reason:
            by_line.setdefault((sup.path, sup.line), []).append(sup)
    out = []
    for finding, statement_line in pairs:
        reason = None
        if honour and finding.rule != "CDR901":
            for line in {finding.line, statement_line}:
                for sup in by_line.get((finding.path, line), ()):
                    if finding.rule in sup.codes or finding.name in sup.codes:
                        reason = sup.reason
        if reason is not None:
            finding = _replace(finding, suppressed=True, suppression_reason=reason)
        out.append(finding)
    return out


def _replace(finding: Finding, **changes: object) -> Finding:
    import dataclasses

    return dataclasses.replace(finding, **changes)  # type: ignore[arg-type]


def fingerprint(findings: Sequence[Finding]) -> list[Finding]:
    """Hash of rule, path, provider, normalised evidence and occurrence index: no line numbers."""
    seen: Counter[tuple[str, str, str, str]] = Counter()
    out = []
    for finding in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule)):
        key = (finding.rule, finding.path, finding.provider or "", normalise(finding.evidence))
        index = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(index))).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        out.append(_replace(finding, fingerprint=digest))
    return out
