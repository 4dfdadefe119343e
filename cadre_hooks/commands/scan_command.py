"""`cadre scan [PATH...]`: scan files or a repository and report usages and findings."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cadre_hooks.cli import add_scan_arguments, command
from cadre_hooks.errors import EXIT_CLEAN, UsageError
from cadre_hooks.report import formats, reporter
from cadre_hooks.model import Report
from cadre_hooks.scan import ScanOptions, exit_status, run


def options_from(args: argparse.Namespace, **overrides: object) -> ScanOptions:
    cli: dict[str, object] = {}
    if getattr(args, "lang", None):
        cli["lang"] = args.lang
    if getattr(args, "submodules", None):
        cli["submodules"] = True
    if getattr(args, "today", None):
        from cadre_hooks.transparency.dates import parse_day

        parse_day(args.today, "--today")  # a malformed date is a usage error on every scan
    return ScanOptions(targets=tuple(getattr(args, "paths", ()) or ()), cwd=Path(os.getcwd()),
                       config_file=args.config, cli=cli,
                       honour_suppressions=not getattr(args, "no_suppress", False),
                       jobs=getattr(args, "jobs", 0) or 0, today=getattr(args, "today", None),
                       use_cache=not getattr(args, "no_cache", False), staged=getattr(args, "staged", False),
                       **overrides)  # type: ignore[arg-type]


def check_outputs(args: argparse.Namespace) -> None:
    """Usage errors in --format/--output, found before the scan: two reports on standard output
    (one unreadable stream), two reports into one file (the first lost), or a report written over
    a file cadre scans as source or manifest (`-o app.py`), unless it is an earlier report."""
    from cadre_hooks.detect import detector_for

    wanted = args.formats or ["text"]
    outputs = list(args.outputs or [])
    if len(outputs) > len(wanted):
        raise UsageError("more --output than --format options: give one --format per --output")
    to_stdout = [name for i, name in enumerate(wanted) if i >= len(outputs) or outputs[i] == "-"]
    if len(to_stdout) > 1:
        raise UsageError(f"several formats ({', '.join(to_stdout)}) would go to standard output as one stream: "
                         "give an --output FILE for each format but one")
    seen: dict[str, str] = {}
    for target in outputs:
        if target == "-":
            continue
        key = os.path.realpath(target)
        if key in seen:
            raise UsageError(f"--output {target} is given twice (also as {seen[key]}): each report needs its own file")
        seen[key] = target
        path = Path(target)
        if path.is_file() and detector_for(path.name) is not None and not _earlier_report(path):
            raise UsageError(f"--output {target} would replace a file cadre scans (source code or a manifest) "
                             "with the report: choose another file")


def _earlier_report(path: Path) -> bool:
    """An empty file, or one whose beginning names cadre: a report written by an earlier run."""
    from cadre_hooks.safeio import Refused, read_capped

    try:
        head = read_capped(path, 1 << 62, "report", head=4096)
    except Refused:
        return False
    return not head.strip() or head.strip() == b"[]" or b"cadre-hooks" in head or b'"check_name": "CDR' in head


def write_outputs(args: argparse.Namespace, report: Report, lang: str) -> None:
    """Render and write each report; the caller has run `check_outputs` before its scan."""
    from cadre_hooks.report.escape import escape_report

    report = escape_report(report)
    wanted = args.formats or ["text"]
    outputs = args.outputs or []
    known = formats()
    for index, name in enumerate(wanted):
        if name not in known:
            raise UsageError(f"unknown format '{name}' (choose from {', '.join(known)})")
        text = reporter(name)(report, lang)
        target = outputs[index] if index < len(outputs) else None
        if target and target != "-":
            path = Path(target)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            except OSError as err:
                raise UsageError(f"cannot write {target}: {err.strerror}") from None
        else:
            to_stdout(text)
    to_stdout("")


def to_stdout(text: str) -> None:
    """Write to standard output; a full disk or a closed device there is an input error (exit 2)
    with a clear message, not an internal error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as err:
        raise UsageError(f"cannot write the report to standard output: {err.strerror or err}") from None


@command("scan", "scan files or a repository for AI usage and check the provider policy")(add_scan_arguments)
def scan(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not os.path.lexists(path):
            raise UsageError(f"no such file or folder: {path}")
    check_outputs(args)  # before the scan: a mistake in the options costs nothing
    # diff and baseline are imported only for the options that use them: keeps pre-commit calls light.
    narrowed = bool(getattr(args, "diff_base", None) or getattr(args, "staged", False))
    changed = None
    if narrowed:
        from cadre_hooks import diff

        changed = diff.from_args(args, Path(os.getcwd()))  # before the scan: a missing base fails at once
    known = None
    if getattr(args, "baseline", None):
        from cadre_hooks import baseline

        known = baseline.from_args(args)
    report, ctx = run(options_from(args))
    full = report.findings
    if changed is not None:
        report = diff.restrict(report, changed)
    if known is not None:
        report = known.apply(report, full, None if ctx.selection.whole_repository else set(ctx.selection.files))
    write_outputs(args, report, ctx.lang)
    if "text" in (args.formats or ["text"]):
        if changed is not None:
            diff.print_summary(report, ctx.lang)
        if known is not None:
            baseline.print_summary(report, ctx.lang)
    status = exit_status(report)
    return EXIT_CLEAN if args.exit_zero and status == 1 else status
