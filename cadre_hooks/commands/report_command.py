"""`cadre report INVENTORY [--previous INVENTORY] --out DIR --lang fr|en`: the yearly public report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cadre_hooks.cli import EXIT_CLEAN, UsageError, command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inventory", type=Path, metavar="INVENTORY", help="inventory.json written by `cadre audit`")
    parser.add_argument("--previous", type=Path, metavar="INVENTORY", help="last year's inventory, for the trend")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="where report.md and report.html go")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the report (default: fr)")


def _load(path: Path) -> Any:
    from cadre_hooks.audit.inventory import read_json
    from cadre_hooks.audit.publish import InventoryError, check

    try:
        return check(read_json(path), str(path))
    except ValueError as err:  # unreadable, not UTF-8, not JSON
        raise UsageError(f"cannot read {path} as an inventory: {err}") from None
    except InventoryError as err:
        raise UsageError(str(err)) from None


@command("report", "render the yearly public report (Markdown and HTML) from an audit inventory")(add_arguments)
def report(args: argparse.Namespace) -> int:
    try:
        from cadre_hooks.audit import publish
    except ImportError as err:  # the optional extra is missing
        raise UsageError(f"`cadre report` needs the audit extra: pip install \"cadre-hooks[audit]\" ({err})") from None
    inventory = _load(args.inventory)
    previous = _load(args.previous) if args.previous else None
    markdown, html = publish.render(inventory, previous, args.lang)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "report.md").write_text(markdown, encoding="utf-8")
        (args.out / "report.html").write_text(html, encoding="utf-8")
    except OSError as err:
        raise UsageError(f"cannot write to {args.out}: {err.strerror or err}") from None
    print(f"cadre: {args.out / 'report.md'}, {args.out / 'report.html'}", file=sys.stderr)
    return EXIT_CLEAN
