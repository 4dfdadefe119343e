"""Command line: `cadre scan [PATH...]` and friends.

Exit status: 0 clean, 1 findings at error severity, 2 usage or input error, 3 internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from cadre_hooks import __version__
from cadre_hooks.errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE, ConfigError, UsageError

# Every subcommand's module, by name in cadre_hooks.commands: listed, not discovered, so that a
# module that fails to import is an internal error (exit 3), never a command silently missing.
COMMAND_MODULES = ("scan_command", "ai_usage_command", "baseline_command", "debug_command", "init_command",
                   "suppressions_command", "audit_command", "report_command")
# Which module registers each command: `cadre scan a.py` (a pre-commit call) imports the scan
# command alone, not the audit's or the report's dependencies. A test checks it against the
# registrations; `cadre --help` and an unknown command still import every module.
COMMAND_NAMES = {"scan": "scan_command", "ai-usage": "ai_usage_command", "baseline": "baseline_command",
                 "debug": "debug_command", "init": "init_command", "suppressions": "suppressions_command",
                 "audit": "audit_command", "report": "report_command"}

Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[Command, Callable[[argparse.ArgumentParser], None], str]] = {}


def command(name: str, help_text: str) -> Callable[[Callable[[argparse.ArgumentParser], None]],
                                                   Callable[[Command], Command]]:
    """Register a subcommand: `@command(name, help)(add_arguments)(run)`."""

    def with_arguments(add_arguments: Callable[[argparse.ArgumentParser], None]) -> Callable[[Command], Command]:
        def register(run: Command) -> Command:
            COMMANDS[name] = (run, add_arguments, help_text)
            return run

        return register

    return with_arguments


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE", help="read settings from this TOML file first")
    parser.add_argument("--lang", choices=("fr", "en"), help="language of messages (default: CADRE_LANG, config, locale)")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="date the reviews are checked against "
                                                              "(default: SOURCE_DATE_EPOCH or today)")


def add_scan_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the current folder)")
    parser.add_argument("--format", "-f", action="append", dest="formats", metavar="FORMAT",
                        help="text (default), json, sarif, gitlab, markdown; repeat with --output for several")
    parser.add_argument("--output", "-o", action="append", dest="outputs", metavar="FILE",
                        help="write the report of the matching --format to FILE (default: standard output)")
    parser.add_argument("--no-suppress", action="store_true", help="show findings as if no suppression existed")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    parser.add_argument("--no-cache", action="store_true",
                        help="analyse every file again (default: reuse what unchanged files gave; also CADRE_NO_CACHE=1)")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: every core)")
    parser.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE "
                                                           "(written by `cadre baseline`)")
    parser.add_argument("--diff-base", metavar="REF", help="report only findings on lines changed since the merge "
                                                           "base of REF and HEAD (plus untracked files)")
    parser.add_argument("--staged", action="store_true", help="scan the content staged for commit (git's index) and "
                                                              "report only findings on staged lines")
    parser.add_argument("--submodules", action="store_true", default=None,
                        help="scan git submodules too (default: a notice names each one; also `submodules = true`)")
    add_common(parser)


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, measuring the terminal as `shutil.get_terminal_size` does without
    importing shutil (and with it lzma, bz2 and zlib: ~5 ms of every pre-commit call)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


def _columns() -> int:
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of command `only` alone (its module alone is imported)."""
    _load_commands(only)
    parser = argparse.ArgumentParser(prog="cadre", description="Find where a repository uses AI, who receives the "
                                     "data, and check it against the charter's approved-provider policy.",
                                     formatter_class=_Formatter)
    parser.add_argument("--version", action="version", version=f"cadre-hooks {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, add_arguments, help_text) in COMMANDS.items():
        if only is None or name == only:
            add_arguments(sub.add_parser(name, help=help_text, description=help_text, formatter_class=_Formatter))
    return parser


def _load_commands(only: str | None = None) -> None:
    """Import every command module, or the one of command `only` (each registers itself with
    `@command`); an import error propagates."""
    import importlib

    for name in (COMMAND_NAMES[only],) if only is not None else COMMAND_MODULES:
        importlib.import_module(f"cadre_hooks.commands.{name}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `cadre scan ...`: the first word names the command (cadre has no option before it but
    # --help and --version, which need every command), so only its module is imported.
    only = argv[0] if argv and argv[0] in COMMAND_NAMES else None
    try:
        parser = build_parser(only)
    except Exception as err:  # a command module that does not import: cadre is broken, not the call
        return _internal(err)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    run = COMMANDS[args.command][0]
    try:
        return run(args)
    except (ConfigError, UsageError) as err:
        print(f"cadre: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cadre: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as err:  # the last resort: a clear message, the traceback only on request
        return _internal(err)


def _internal(err: Exception) -> int:
    print(f"cadre: internal error: {type(err).__name__}: {err}\n"
          "Please report it with the command you ran (set CADRE_DEBUG=1 to see the traceback).", file=sys.stderr)
    if os.environ.get("CADRE_DEBUG"):
        import traceback  # ~4 ms of imports (linecache, tokenize) that a clean run never needs

        traceback.print_exc()
    return EXIT_INTERNAL


def entry() -> None:
    status = main()
    try:
        sys.stdout.flush()
    except OSError:  # what could not be written is lost: drop it rather than fail again at exit
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        status = status or EXIT_USAGE
    raise SystemExit(status)


__all__ = ["COMMANDS", "COMMAND_MODULES", "COMMAND_NAMES", "EXIT_CLEAN", "EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_USAGE", "ConfigError",
           "UsageError", "add_common", "add_scan_arguments", "build_parser", "command", "entry", "main"]


if __name__ == "__main__":
    # Run as `python -m cadre_hooks.cli`: commands register in the imported module, not in __main__.
    from cadre_hooks.cli import entry as imported_entry

    imported_entry()
