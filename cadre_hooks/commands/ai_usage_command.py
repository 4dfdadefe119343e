"""`cadre ai-usage [PATH]`: the repository-level checks alone (AI_USAGE.md present, complete, true
to the code, reviewed in time), over a scan of the whole repository, whatever files pre-commit
would pass. The pre-commit hook `cadre-ai-usage` runs it once per commit (pass_filenames: false)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cadre_hooks.cli import add_common, command
from cadre_hooks.commands.scan_command import check_outputs, options_from, write_outputs
from cadre_hooks.errors import EXIT_CLEAN, UsageError
from cadre_hooks.scan import exit_status, run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help="a folder of the repository (default: the current folder); "
                             "the whole repository is checked")
    parser.add_argument("--format", "-f", action="append", dest="formats", metavar="FORMAT",
                        help="text (default), json, sarif, gitlab, markdown; repeat with --output for several")
    parser.add_argument("--output", "-o", action="append", dest="outputs", metavar="FILE",
                        help="write the report of the matching --format to FILE (default: standard output)")
    parser.add_argument("--no-suppress", action="store_true", help="show findings as if no suppression existed")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: every core)")
    add_common(parser)


@command("ai-usage", "check AI_USAGE.md (charter commitments 6 and 13) against a scan of the whole repository")(
    add_arguments)
def ai_usage(args: argparse.Namespace) -> int:
    from cadre_hooks.select import find_root
    from cadre_hooks.transparency import dates

    start = Path(os.path.abspath(args.path))
    if not start.is_dir():
        raise UsageError(f"not a folder: {args.path}")
    dates.today(args.today)  # a malformed --today is a usage error even before the scan
    root, _ = find_root([str(start)], start)
    args.paths = [str(root)]
    check_outputs(args)  # before the scan, as `cadre scan` does
    # The scan's own pipeline with one check: AI_USAGE.md (whole-repository checks on, whatever is scanned).
    report, ctx = run(options_from(args, repository_checks=True, checks=("ai_usage",)))
    write_outputs(args, report, ctx.lang)
    status = exit_status(report)
    return EXIT_CLEAN if args.exit_zero and status == 1 else status
