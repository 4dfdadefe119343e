"""`cadre suppressions [PATH...]`: every inline `cadre: ignore[...]` with its rule, place and reason.

Auditors (charter commitments 6 and 13, the yearly public report) need the list of exceptions
granted in the code without reading it: the same scan as `cadre scan` finds them, so a comment
the scanner would not honour (inside a string, say) is not listed either. A suppression without
a reason is listed too, flagged: it suppresses nothing and is itself a finding (CDR901).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from cadre_hooks.cli import add_common, command
from cadre_hooks.errors import EXIT_CLEAN, EXIT_INTERNAL, UsageError
from cadre_hooks.commands.scan_command import options_from
from cadre_hooks.model import Suppression
from cadre_hooks.report.escape import escape
from cadre_hooks.scan import run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the current folder)")
    parser.add_argument("--format", "-f", choices=("text", "json"), default="text", help="text (default) or json")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: every core)")
    add_common(parser)


def as_dict(suppressions: list[Suppression]) -> dict[str, Any]:
    items = [{"path": escape(s.path), "line": s.line, "rules": list(s.codes), "reason": escape(s.reason),
              "has_reason": bool(s.reason)} for s in suppressions]
    by_rule: dict[str, int] = {}
    for s in suppressions:
        for code in s.codes:
            by_rule[code] = by_rule.get(code, 0) + 1
    return {"suppressions": items,
            "summary": {"total": len(items), "files": len({s.path for s in suppressions}),
                        "without_reason": sum(1 for s in suppressions if not s.reason),
                        "by_rule": dict(sorted(by_rule.items()))}}


def render_text(suppressions: list[Suppression], lang: str) -> str:
    fr = lang == "fr"
    lines = []
    no_reason = "(SANS JUSTIFICATION : sans effet, CDR901)" if fr else "(NO REASON: has no effect, CDR901)"
    for s in suppressions:
        codes = ",".join(s.codes) or "?"
        reason = s.reason or no_reason
        lines.append(f"{escape(s.path)}:{s.line}: ignore[{codes}] {escape(reason)}")
    files = len({s.path for s in suppressions})
    missing = sum(1 for s in suppressions if not s.reason)
    if fr:
        lines.append(f"cadre : {len(suppressions)} exception(s) en ligne dans {files} fichier(s), "
                     f"{missing} sans justification")
    else:
        lines.append(f"cadre: {len(suppressions)} inline suppression(s) in {files} file(s), {missing} without a reason")
    return "\n".join(lines) + "\n"


@command("suppressions", "list every inline `cadre: ignore[...]` suppression with its rule, location and reason "
                         "(for audits)")(add_arguments)
def list_suppressions(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not os.path.lexists(path):
            raise UsageError(f"no such file or folder: {path}")
    report, ctx = run(options_from(args))
    found = report.extra.get("suppressions", ())
    unique = {s for s in found if isinstance(s, Suppression)} if isinstance(found, (tuple, list)) else set()
    suppressions = sorted(unique, key=lambda s: (s.path, s.line, s.codes))
    if args.format == "json":
        sys.stdout.write(json.dumps(as_dict(suppressions), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(suppressions, ctx.lang))
    for notice in report.notices:
        print(f"{escape(notice.path)}: {'remarque' if ctx.lang == 'fr' else 'note'}: {escape(notice.reason)}",
              file=sys.stderr)
    return EXIT_INTERNAL if report.extra.get("internal_error") else EXIT_CLEAN
