"""SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).

GitHub keys alerts on `partialFingerprints`, so each result carries the finding's content
fingerprint (rule, path, provider, evidence; no line number) and alerts follow the code when
lines move. Paths are relative to `%SRCROOT%`, the repository root, so one file uploaded from
any runner maps onto the repository. GitHub rejects a run with more than 25,000 results or a
rule with more than 20 tags: we cap below those limits and say so in `run.properties` rather
than have the whole upload refused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cadre_hooks import __version__
from cadre_hooks.model import Finding, Notice, Report
from cadre_hooks.rules import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/cadre-hooks/cadre-hooks"
RULES_DOC_URI = "https://github.com/cadre-hooks/cadre-hooks/blob/main/docs/rules.md"
FINGERPRINT_KEY = "cadre/v1"
MAX_RESULTS = 25_000
MAX_TAGS = 20
MAX_NOTIFICATIONS = 1_000
SRCROOT = "%SRCROOT%"


def _text(value: object, lang: str) -> str:
    """Rule data is a plain string or a table of languages."""
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("en") or "")
    return str(value or "").strip()


def _artifact(path: str) -> dict[str, str]:
    # Paths are already POSIX; a backslash is part of a name (or of an escape such as `\xff`).
    return {"uri": quote(path.replace(os.sep, "/") if os.sep != "/" else path), "uriBaseId": SRCROOT}


def rule_descriptor(rule: Rule, lang: str) -> dict[str, Any]:
    doc = rule.doc
    summary = _text(rule.summary, lang)
    what, why = _text(doc.get("what"), lang), _text(doc.get("why"), lang)
    example, instead = _text(doc.get("example"), lang), _text(doc.get("use_instead"), lang)
    tags = ["security", *(f"charter-{c}" for c in rule.commitments)][:MAX_TAGS]
    labels = ("Pourquoi", "Exemple", "À la place") if lang == "fr" else ("Why", "Example", "Use instead")
    markdown = [what, "", f"**{labels[0]}**: {why}"]
    if example:
        markdown += ["", f"**{labels[1]}**", "", "```", example, "```"]
    if instead:
        markdown += ["", f"**{labels[2]}**", "", "```", instead, "```"]
    help_uri = f"{RULES_DOC_URI}#{rule.code.lower()}"
    markdown += ["", f"[{rule.code}]({help_uri})"]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": what or summary},
        "help": {"text": f"{what}\n\n{why}".strip(), "markdown": "\n".join(markdown).strip()},
        "helpUri": help_uri,
        "defaultConfiguration": {"level": "error" if rule.severity == "error" else "warning"},
        "properties": {"tags": tags, "security-severity": rule.security_severity, "precision": "high",
                       "commitments": list(rule.commitments)},
    }


def _result(finding: Finding, rule_index: Mapping[str, int], baseline_used: bool) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(finding.line, 1)}
    if finding.column >= 1:
        region["startColumn"] = finding.column
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": "error" if finding.severity == "error" else "warning",
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(finding.path), "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"commitments": list(finding.commitments),
                       **({"provider": finding.provider} if finding.provider else {})},
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    if finding.suppressed:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.suppression_reason or ""}]
    if baseline_used:
        result["baselineState"] = "new"
    return result


def _notification(notice: Notice) -> dict[str, Any]:
    path = Path(notice.path)
    where = {"uri": path.as_uri()} if path.is_absolute() else _artifact(notice.path)  # outside the repository
    return {"level": "note", "message": {"text": f"{notice.path}: {notice.reason}"},
            "locations": [{"physicalLocation": {"artifactLocation": where}}]}


def _priority(finding: Finding) -> tuple[int, int, str, int]:
    """Unsuppressed errors first when the run must be capped (GitHub also ranks by severity)."""
    return (finding.suppressed, finding.severity != "error", finding.path, finding.line)


def _root_uri(root: str) -> str:
    try:
        uri = Path(root).resolve().as_uri()
    except ValueError:  # not an absolute path (a report built by hand)
        return ""
    return uri if uri.endswith("/") else uri + "/"


def as_dict(report: Report, lang: str, rules: Mapping[str, Rule]) -> dict[str, Any]:
    ordered = list(rules.values())
    rule_index = {rule.code: i for i, rule in enumerate(ordered)}
    findings = sorted(report.findings, key=lambda f: (f.path, f.line, f.column, f.rule))
    properties: dict[str, Any] = {"files": report.files_scanned, "usages": len(report.usages)}
    if len(findings) > MAX_RESULTS:
        kept = {id(f) for f in sorted(findings, key=_priority)[:MAX_RESULTS]}
        properties.update({"truncated": True, "totalResults": len(findings), "reportedResults": MAX_RESULTS,
                           "truncationReason": f"GitHub accepts at most {MAX_RESULTS} results per run; "
                                               "unsuppressed errors were kept first"})
        findings = [f for f in findings if id(f) in kept]
    baseline = report.extra.get("baseline")
    if isinstance(baseline, Mapping):
        properties["baseline"] = dict(baseline)
    notices = list(report.notices)
    if len(notices) > MAX_NOTIFICATIONS:
        properties["notificationsTruncated"] = len(notices)
        notices = notices[:MAX_NOTIFICATIONS]
    root_uri = _root_uri(report.root)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "cadre-hooks", "version": __version__, "semanticVersion": __version__,
                            "informationUri": INFORMATION_URI, "rules": [rule_descriptor(r, lang) for r in ordered]}},
        "originalUriBaseIds": {SRCROOT: {**({"uri": root_uri} if root_uri else {}),
                                         "description": {"text": "The root of the scanned repository."}}},
        "invocations": [{"executionSuccessful": not report.extra.get("internal_error"),
                         "toolExecutionNotifications": [_notification(n) for n in notices]}],
        "results": [_result(f, rule_index, isinstance(baseline, Mapping)) for f in findings],
        "columnKind": "unicodeCodePoints",
        "properties": properties,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, lang: str) -> str:
    from cadre_hooks.registry import load_registry
    from cadre_hooks.rules import catalogue

    return json.dumps(as_dict(report, lang, catalogue(load_registry())), indent=2, ensure_ascii=False) + "\n"
