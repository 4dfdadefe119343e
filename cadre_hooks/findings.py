"""What every check shares, before and after it runs: a finding built with the rule's severity
setting (`make_finding`), then, over all checks' findings, the inline suppressions and a
fingerprint that survives edits elsewhere in the file. The checks themselves: cadre_hooks/checks/."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from cadre_hooks.config import Config
from cadre_hooks.model import Finding, Suppression
from cadre_hooks.rules import Rule


def normalise(evidence: str) -> str:
    return " ".join(evidence.split()).lower()


def make_finding(rule: Rule, config: Config, path: str, line: int, column: int, provider: str | None,
                 message: str, evidence: str) -> Finding | None:
    severity = config.severity.get(rule.code, rule.severity)
    if severity == "off":
        return None
    return Finding(rule=rule.code, name=rule.name, severity=severity, path=path, line=line, column=column,
                   provider=provider, message=message, commitments=rule.commitments, evidence=evidence)


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
