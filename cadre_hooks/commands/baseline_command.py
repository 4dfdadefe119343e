"""`cadre baseline [PATH...]`: record today's findings so later scans report only new ones."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cadre_hooks import baseline
from cadre_hooks.cli import add_common, command
from cadre_hooks.errors import EXIT_CLEAN, EXIT_INTERNAL, UsageError
from cadre_hooks.commands.scan_command import options_from
from cadre_hooks.report.escape import escape
from cadre_hooks.scan import run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the current folder)")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help=f"where to write the baseline (default: {baseline.BASELINE_FILE} at the repository root)")
    parser.add_argument("--force", action="store_true",
                        help="write the baseline even over an existing file that is not a cadre baseline")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: every core)")
    add_common(parser)


def _refuse_overwrite(target: Path) -> None:
    """An existing file other than a baseline is never replaced without --force (`-o app.py`)."""
    if not (target.exists() or target.is_symlink()):
        return
    try:
        baseline.load(target)
    except UsageError:
        raise UsageError(f"{target} exists and is not a cadre baseline: choose another file, or give --force to "
                         "replace it") from None


@command("baseline", "record the current findings in a baseline file; `cadre scan --baseline FILE` then reports "
                     "only new findings")(add_arguments)
def make_baseline(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not os.path.lexists(path):
            raise UsageError(f"no such file or folder: {path}")
    if args.output and not args.force:
        _refuse_overwrite(Path(args.output))
    report, ctx = run(options_from(args))
    if report.extra.get("internal_error"):
        for notice in report.notices:
            print(f"{escape(notice.path)}: {escape(notice.reason)}", file=sys.stderr)
        print("cadre: error: some files could not be analysed (internal error); the baseline was not written, "
              "so that their findings are not hidden later", file=sys.stderr)
        return EXIT_INTERNAL
    target = Path(args.output) if args.output else ctx.root / baseline.BASELINE_FILE
    if not args.output and not args.force:
        _refuse_overwrite(target)
    count = baseline.write(target, report.findings)
    suppressed = sum(1 for f in report.findings if f.suppressed)
    shown = os.path.relpath(target) if target.is_absolute() else str(target)
    if ctx.lang == "fr":
        print(f"cadre : {count} problème(s) enregistré(s) dans {shown} "
              f"({suppressed} exception(s) en ligne non reprise(s))")
    else:
        print(f"cadre: wrote {count} finding(s) to {shown} ({suppressed} suppressed inline, not recorded)")
    if args.paths and not ctx.selection.whole_repository:
        print("cadre: note: only the given paths were scanned; the baseline holds their findings only",
              file=sys.stderr)
    return EXIT_CLEAN
