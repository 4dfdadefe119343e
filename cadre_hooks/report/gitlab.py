"""GitLab Code Quality: a JSON array of Code Climate issues for `artifacts:reports:codequality`.

GitLab shows these in the merge-request widget and diff, and compares the report of the
branch with the one of the target branch by `fingerprint`: our content fingerprint (no line
numbers) keeps an issue "unchanged" when code above it moves. Suppressed findings are left
out: Code Quality has no notion of an accepted exception.

Severity: a warning is `minor`; an error is `major`, raised by the rule's security severity
(the same 0-10 score GitHub reads from SARIF): `critical` from 7.0, `blocker` from 9.0.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cadre_hooks.model import Finding, Report
from cadre_hooks.rules import Rule

CRITICAL_FROM = 7.0
BLOCKER_FROM = 9.0


def severity(finding: Finding, rules: Mapping[str, Rule]) -> str:
    if finding.severity != "error":
        return "minor"
    rule = rules.get(finding.rule)
    try:
        score = float(rule.security_severity) if rule else 0.0
    except ValueError:
        score = 0.0
    if score >= BLOCKER_FROM:
        return "blocker"
    return "critical" if score >= CRITICAL_FROM else "major"


def as_list(report: Report, rules: Mapping[str, Rule]) -> list[dict[str, Any]]:
    issues = []
    for f in sorted(report.findings, key=lambda f: (f.path, f.line, f.column, f.rule)):
        if f.suppressed:
            continue
        issues.append({
            "type": "issue",
            "description": f"{f.rule} {f.message}",
            "check_name": f.rule,
            "fingerprint": f.fingerprint,
            "severity": severity(f, rules),
            "categories": ["Security"],
            "location": {"path": f.path, "lines": {"begin": max(f.line, 1)}},
        })
    return issues


def render(report: Report, lang: str) -> str:
    from cadre_hooks.registry import load_registry
    from cadre_hooks.rules import catalogue

    return json.dumps(as_list(report, catalogue(load_registry())), indent=2, ensure_ascii=False) + "\n"
