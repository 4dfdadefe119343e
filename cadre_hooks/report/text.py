"""`path:line:col: CODE message`, one line per finding, sorted; then a one-line summary.

Findings of one file that say the same thing (same rule, provider and message: every call of one
client, say) are one line at their first place, followed by the other lines: a pre-commit run on
a file with twenty calls to a US provider stays readable. The JSON and SARIF reports keep one
entry per place.
"""

from __future__ import annotations

from cadre_hooks.model import Finding, Report


def skipped_for_size(report: Report) -> int:
    """Files not scanned because they exceed max_file_size (their notices say which)."""
    from cadre_hooks.safeio import TOO_LARGE

    return len({n.path for n in report.notices if n.kind == TOO_LARGE})


def grouped(findings: list[Finding]) -> list[tuple[Finding, list[int]]]:
    """Findings in order of place, those of one file with the same rule, provider and message
    folded into the first one, with the lines of the others."""
    groups: dict[tuple[str, str, str | None, str, str], tuple[Finding, list[int]]] = {}
    for f in sorted(findings, key=lambda f: (f.path, f.line, f.column, f.rule)):
        key = (f.path, f.rule, f.provider, f.severity, f.message)
        if key in groups:
            if f.line != groups[key][0].line and f.line not in groups[key][1]:
                groups[key][1].append(f.line)
        else:
            groups[key] = (f, [])
    return sorted(groups.values(), key=lambda g: (g[0].path, g[0].line, g[0].column, g[0].rule))


def render(report: Report, lang: str) -> str:
    lines = []
    shown = [f for f in report.findings if not f.suppressed]
    for f, others in grouped(shown):
        level = "" if f.severity == "error" else f" [{'avertissement' if lang == 'fr' else 'warning'}]"
        also = ""
        if others:
            where = ", ".join(str(line) for line in others)
            also = f" (aussi lignes {where})" if lang == "fr" else f" (also lines {where})"
        lines.append(f"{f.path}:{f.line}:{f.column}: {f.rule}{level} {f.message}{also}")
    for n in report.notices:
        lines.append(f"{n.path}: {'note' if lang != 'fr' else 'remarque'}: {n.reason}")
    errors = sum(1 for f in shown if f.severity == "error")
    warnings = len(shown) - errors
    suppressed = len(report.findings) - len(shown)
    providers = sorted({u.provider or "?" for u in report.usages})
    too_large = skipped_for_size(report)
    if lang == "fr":
        summary = (f"cadre : {len(report.usages)} usage(s) d'IA ({', '.join(providers) or 'aucun'}), "
                   f"{errors} erreur(s), {warnings} avertissement(s), {suppressed} exception(s) justifiée(s), "
                   f"{report.files_scanned} fichier(s)"
                   + (f", {too_large} ignoré(s) car plus grand(s) que max_file_size" if too_large else ""))
    else:
        summary = (f"cadre: {len(report.usages)} AI usage(s) ({', '.join(providers) or 'none'}), "
                   f"{errors} error(s), {warnings} warning(s), {suppressed} suppressed, "
                   f"{report.files_scanned} file(s)"
                   + (f", {too_large} skipped as larger than max_file_size" if too_large else ""))
    lines.append(summary)
    return "\n".join(lines) + "\n"
