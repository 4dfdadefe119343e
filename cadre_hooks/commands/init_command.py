"""`cadre init [--lang fr|en] [--force] [PATH]`: write a first AI_USAGE.md from a scan of the
repository, with the providers, endpoints and models found, and guidance in every section."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cadre_hooks.cli import add_common, command
from cadre_hooks.errors import EXIT_CLEAN, UsageError
from cadre_hooks.scan import ScanOptions, run


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help="the repository (default: the current folder)")
    parser.add_argument("--force", action="store_true", help="replace an existing AI_USAGE.md")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: every core)")
    add_common(parser)


def _inside_repository(root: Path, target: Path, rel: str) -> None:
    """The folder AI_USAGE.md goes into must really be inside the repository: a folder of the
    repository linked elsewhere (`docs -> /home/user`) would make `cadre init` write there."""
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    real_root = os.path.realpath(root)
    real = os.path.realpath(folder)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise UsageError(f"cannot write {rel}: its folder is a link out of the repository")


@command("init", "write a first AI_USAGE.md (charter commitment 6) from what a scan finds")(add_arguments)
def init(args: argparse.Namespace) -> int:
    from cadre_hooks.select import find_root
    from cadre_hooks.transparency import checks, dates, template

    start = Path(os.path.abspath(args.path))
    if not start.is_dir():
        raise UsageError(f"not a folder: {args.path}")
    today = dates.today(args.today)
    root, _ = find_root([str(start)], start)
    cli: dict[str, object] = {"lang": args.lang} if args.lang else {}
    report, ctx = run(ScanOptions(targets=(str(root),), cwd=root, config_file=args.config, cli=cli,
                                  repository_checks=False, jobs=args.jobs or 0, today=args.today))
    rel = checks.declaration_path(ctx)
    target = ctx.root / rel
    if (target.exists() or target.is_symlink()) and not args.force:
        raise UsageError(template.snippet("exists", ctx.lang, path=rel))
    _inside_repository(ctx.root, target, rel)
    text = template.render(ctx.root.name, report.usages, today, ctx.lang)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
    except OSError as err:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only folder: nothing was written, nothing to remove
        raise UsageError(f"cannot write {rel}: {err.strerror or err}") from None
    print(template.summary(rel, report.usages, ctx.lang))
    return EXIT_CLEAN
