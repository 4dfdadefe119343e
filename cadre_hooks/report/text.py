"""`path:line:col: CODE message`, one line per finding, sorted; then a one-line summary."""

from __future__ import annotations

from cadre_hooks.model import Report


def skipped_for_size(report: Report) -> int:
    """Files not scanned because they exceed max_file_size (their notices say which)."""
    from cadre_hooks.safeio import TOO_LARGE

    return len({n.path for n in report.notices if n.kind == TOO_LARGE})


def render(report: Report, lang: str) -> str:
    lines = []
    shown = [f for f in report.findings if not f.suppressed]
    for f in sorted(shown, key=lambda f: (f.path, f.line, f.column, f.rule)):
        level = "" if f.severity == "error" else f" [{'avertissement' if lang == 'fr' else 'warning'}]"
        lines.append(f"{f.path}:{f.line}:{f.column}: {f.rule}{level} {f.message}")
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
