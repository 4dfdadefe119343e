"""A Markdown summary fit for a merge-request or pull-request comment.

Reviewers read it in a comment box, so it leads with one line of counts, then small tables:
findings by rule and by provider, the findings themselves (capped: a comment has a size limit
and a wall of rows helps nobody), and the AI usages by provider and jurisdiction. Text that
comes from the scanned code is escaped so it cannot inject links or HTML into the comment.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from cadre_hooks.model import Finding, Report
from cadre_hooks.report.sarif import RULES_DOC_URI

MAX_ROWS = 50
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!])")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "cadre-hooks: AI usage and charter checks",
        "clean": "No finding to fix.",
        "counts": "**{errors} error(s)**, {warnings} warning(s), {suppressed} suppressed (with a reason) · "
                  "{usages} AI usage(s) in {files} file(s)",
        "baseline": "Baseline: {known} known finding(s) not shown, {new} new, {stale} stale baseline entries.",
        "by_rule": "Findings by rule", "by_provider": "Findings by provider", "findings": "Findings",
        "usages": "AI usages by provider", "jurisdictions": "AI usages by jurisdiction",
        "rule": "Rule", "count": "Findings", "provider": "Provider", "errors": "Errors", "warnings": "Warnings",
        "severity": "Severity", "location": "Location", "message": "Message", "jurisdiction": "Jurisdiction",
        "usage_count": "Usages", "error": "error", "warning": "warning", "none": "(none)",
        "more": "… and {n} more (see the full report).",
        "notices": "{n} file(s) could not be fully scanned (see the notices in the full report).",
    },
    "fr": {
        "title": "cadre-hooks : usages d'IA et contrôles de la charte",
        "clean": "Aucun problème à corriger.",
        "counts": "**{errors} erreur(s)**, {warnings} avertissement(s), {suppressed} exception(s) justifiée(s) · "
                  "{usages} usage(s) d'IA dans {files} fichier(s)",
        "baseline": "Référence : {known} problème(s) connu(s) masqué(s), {new} nouveau(x), "
                    "{stale} entrée(s) périmée(s).",
        "by_rule": "Problèmes par règle", "by_provider": "Problèmes par fournisseur", "findings": "Problèmes",
        "usages": "Usages d'IA par fournisseur", "jurisdictions": "Usages d'IA par juridiction",
        "rule": "Règle", "count": "Problèmes", "provider": "Fournisseur", "errors": "Erreurs",
        "warnings": "Avertissements", "severity": "Gravité", "location": "Emplacement", "message": "Message",
        "jurisdiction": "Juridiction", "usage_count": "Usages", "error": "erreur", "warning": "avertissement",
        "none": "(aucun)", "more": "… et {n} de plus (voir le rapport complet).",
        "notices": "{n} fichier(s) n'ont pas pu être entièrement analysés (voir les remarques du rapport complet).",
    },
}


def escape(text: str) -> str:
    """Literal text in a table cell: no Markdown, no HTML, no line break."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _code(text: str) -> str:
    return f"`{text}`" if "`" not in text and "\n" not in text else escape(text)


def _table(header: list[str], rows: list[list[Any]], right: int = 0) -> list[str]:
    """A GFM table; the last `right` columns (counts) are right-aligned."""
    align = ["---"] * (len(header) - right) + ["---:"] * right
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def render(report: Report, lang: str) -> str:
    t = LABELS.get(lang, LABELS["en"])
    shown = sorted((f for f in report.findings if not f.suppressed), key=lambda f: (f.path, f.line, f.column, f.rule))
    errors = sum(1 for f in shown if f.severity == "error")
    out = [f"### {t['title']}", ""]
    out.append(t["counts"].format(errors=errors, warnings=len(shown) - errors,
                                  suppressed=len(report.findings) - len(shown), usages=len(report.usages),
                                  files=report.files_scanned))
    baseline = report.extra.get("baseline")
    if isinstance(baseline, dict):
        out += ["", t["baseline"].format(known=baseline.get("known", 0), new=baseline.get("new", 0),
                                         stale=len(baseline.get("stale", ())))]
    if report.notices:
        out += ["", t["notices"].format(n=len({n.path for n in report.notices}))]
    if not shown:
        out += ["", t["clean"]]
    else:
        out += _finding_sections(shown, t)
    out += _usage_sections(report, t)
    return "\n".join(out) + "\n"


def _finding_sections(shown: list[Finding], t: dict[str, str]) -> list[str]:
    out: list[str] = []
    by_rule = Counter((f.rule, f.name) for f in shown)
    rows: list[list[Any]] = [[f"[{code}]({RULES_DOC_URI}#{code.lower()}) {escape(name)}", n]
                             for (code, name), n in sorted(by_rule.items())]
    out += ["", f"#### {t['by_rule']}", "", *_table([t["rule"], t["count"]], rows, right=1)]
    by_provider: dict[str, Counter[str]] = {}
    for f in shown:
        by_provider.setdefault(f.provider or t["none"], Counter())[f.severity] += 1
    rows = [[escape(p), c["error"], c["warning"]] for p, c in sorted(by_provider.items())]
    out += ["", f"#### {t['by_provider']}", "", *_table([t["provider"], t["errors"], t["warnings"]], rows, right=2)]
    rows = [[t[f.severity] if f.severity in t else escape(f.severity), f.rule, _code(f"{f.path}:{f.line}"),
             escape(f.message)] for f in shown[:MAX_ROWS]]
    out += ["", f"#### {t['findings']}", "",
            *_table([t["severity"], t["rule"], t["location"], t["message"]], rows)]
    if len(shown) > MAX_ROWS:
        out += ["", t["more"].format(n=len(shown) - MAX_ROWS)]
    return out


def _usage_sections(report: Report, t: dict[str, str]) -> list[str]:
    if not report.usages:
        return []
    by_provider = Counter((u.provider or "?", u.jurisdiction) for u in report.usages)
    rows: list[list[Any]] = [[escape(p), escape(j), n] for (p, j), n in sorted(by_provider.items())]
    out = ["", f"#### {t['usages']}", "", *_table([t["provider"], t["jurisdiction"], t["usage_count"]], rows, 1)]
    by_jurisdiction = Counter(u.jurisdiction for u in report.usages)
    rows = [[escape(j), n] for j, n in sorted(by_jurisdiction.items())]
    out += ["", f"#### {t['jurisdictions']}", "", *_table([t["jurisdiction"], t["usage_count"]], rows, right=1)]
    return out
