"""The command list is explicit, and a command module that cannot be imported is an internal
error (exit 3), never a command that silently disappears from `cadre --help`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cadre_hooks import cli

COMMANDS_DIR = Path(cli.__file__).parent / "commands"


def test_every_command_module_is_listed() -> None:
    present = {p.stem for p in COMMANDS_DIR.glob("*.py") if p.stem != "__init__"}
    assert present == set(cli.COMMAND_MODULES), \
        f"list every module of cadre_hooks/commands/ in cadre_hooks.cli.COMMAND_MODULES: {sorted(present)}"


def test_every_listed_module_registers_its_command() -> None:
    cli.build_parser()
    assert {"scan", "ai-usage", "baseline", "init", "suppressions", "debug"} <= set(cli.COMMANDS)


def test_a_command_module_that_fails_to_import_is_an_internal_error(tmp_path: Path) -> None:
    # A fresh interpreter where one command module raises ImportError on import: the command
    # itself and `cadre --help` (which lists every command) are internal errors; `cadre scan`,
    # which imports its own module alone (the lean pre-commit path), does not depend on it.
    script = (
        "import sys, importlib.abc\n"
        "class Broken(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'cadre_hooks.commands.init_command':\n"
        "            raise ImportError('simulated broken dependency')\n"
        "sys.meta_path.insert(0, Broken())\n"
        "from cadre_hooks.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n")
    for args in (["init", "--help"], ["--help"], ["no-such-command"]):
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=tmp_path,
                              timeout=60)
        assert done.returncode == 3, (args, done.stderr)
        assert "internal error" in done.stderr and "simulated broken dependency" in done.stderr
        assert "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-c", script, "scan", "--help"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0 and "--no-cache" in done.stdout


def test_errors_module_holds_the_exit_codes() -> None:
    from cadre_hooks import errors

    assert (errors.EXIT_CLEAN, errors.EXIT_FINDINGS, errors.EXIT_USAGE, errors.EXIT_INTERNAL) == (0, 1, 2, 3)
    assert cli.UsageError is errors.UsageError
