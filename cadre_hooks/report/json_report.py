"""One JSON object: usages, findings, notices (the format the acceptance runner reads)."""

from __future__ import annotations

import json
from typing import Any

from cadre_hooks import __version__
from cadre_hooks.model import Report


def as_dict(report: Report) -> dict[str, Any]:
    from cadre_hooks.report.text import skipped_for_size

    too_large = skipped_for_size(report)
    return {
        "tool": {"name": "cadre-hooks", "version": __version__},
        "usages": [
            {"path": u.path, "line": u.line, "column": u.column, "kind": u.kind, "provider": u.provider,
             "jurisdiction": u.jurisdiction, "evidence": u.evidence,
             **({"region": u.region, "region_in_eu": u.region_in_eu} if u.region else {}),
             **({"host": u.host} if u.host else {}),
             **({"endpoint_env": u.endpoint_env} if u.endpoint_env else {}),
             **({"operation": u.operation} if u.operation else {}),
             **({"model": u.model} if u.model else {}),
             **({"resolved_by": u.resolved_by} if u.resolved_by else {}),
             **({"models": list(u.models)} if u.models else ({"models": [u.model]} if u.model else {}))}
            for u in report.usages
        ],
        "findings": [
            {"rule": f.rule, "name": f.name, "severity": f.severity, "path": f.path, "line": f.line,
             "column": f.column, "provider": f.provider, "message": f.message, "commitments": list(f.commitments),
             "fingerprint": f.fingerprint, "suppressed": f.suppressed, "suppression_reason": f.suppression_reason}
            for f in report.findings
        ],
        "notices": [{"path": n.path, "reason": n.reason} for n in report.notices],
        "summary": {
            "files": report.files_scanned,
            "usages": len(report.usages),
            "errors": sum(1 for f in report.findings if f.severity == "error" and not f.suppressed),
            "warnings": sum(1 for f in report.findings if f.severity == "warning" and not f.suppressed),
            "suppressed": sum(1 for f in report.findings if f.suppressed),
            **({"skipped_too_large": too_large} if too_large else {}),
        },
        **{key: report.extra[key] for key in ("baseline", "diff") if key in report.extra},  # narrowed scans
        "provenance": {"cadre_version": report.provenance.cadre_version,
                       "registry_hash": report.provenance.registry_hash,
                       "interpreter": report.provenance.interpreter,
                       "configuration": list(report.provenance.configuration)},
    }


def render(report: Report, lang: str) -> str:
    return json.dumps(as_dict(report), indent=2, ensure_ascii=False) + "\n"
