"""A pre-commit call (`cadre scan a.py b.py`) imports only what a per-file scan needs: the other
commands, the reporters it does not print, the worker pool, git, YAML, libcst and tree-sitter
stay out. Checked on the modules a fresh interpreter holds after the call, not on a timing."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

from cadre_hooks import cli
from conftest import write_files

# Never needed by a text scan of a few named Python files, with or without AI in them.
HEAVY = ("cadre_hooks.commands.audit_command", "cadre_hooks.commands.report_command",
         "cadre_hooks.commands.init_command", "cadre_hooks.commands.debug_command", "cadre_hooks.audit",
         "cadre_hooks.report.json_report", "cadre_hooks.report.sarif", "cadre_hooks.baseline", "cadre_hooks.diff",
         "cadre_hooks.workers", "cadre_hooks.detect.lockfiles", "cadre_hooks.transparency.template", "yaml", "libcst", "tree_sitter",
         "multiprocessing", "concurrent.futures", "shutil", "platform", "subprocess", "git", "lzma")
# Files without AI need no scan cache either (an AI client may send cadre to the whole repository
# for where its SDK's clients go, which the cache keeps).
NOT_WITHOUT_AI = ("cadre_hooks.cache", "cadre_hooks.serial", "cadre_hooks.sdkrepo",
                  # nor the Python analysis (the checks that read routes or hub loads import it only for them)
                  "cadre_hooks.detect.python.deep", "cadre_hooks.detect.python.analysis",
                  "cadre_hooks.detect.python.routes", "cadre_hooks.detect.hubenv")

SCRIPT = ("import json, sys\n"
          "from cadre_hooks.cli import main\n"
          "try:\n"
          "    status = main(sys.argv[1:])\n"
          "except SystemExit as done:  # --help\n"
          "    status = done.code\n"
          "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
          "sys.exit(status)\n")


def _modules_after(args: list[str], cwd: Path) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], capture_output=True, text=True, cwd=cwd, timeout=120)
    return done.returncode, set(json.loads(done.stderr.strip().splitlines()[-1]))


@functools.cache
def _at_startup() -> frozenset[str]:
    """What the interpreter holds before cadre runs (a `.pth` file of the environment may import
    certifi, and with it shutil): not cadre's doing."""
    done = subprocess.run([sys.executable, "-c", "import json, sys; print(json.dumps(sorted(sys.modules)))"],
                          capture_output=True, text=True, timeout=60)
    return frozenset(json.loads(done.stdout))


def _heavy(modules: set[str], heavy: tuple[str, ...] = HEAVY) -> list[str]:
    return sorted(m for m in modules - _at_startup() if any(m == h or m.startswith(h + ".") for h in heavy))


def test_precommit_call_imports_only_the_scan(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "plain.py": "import os\n\nprint(os.getcwd())\n",
        "other.py": "def add(a, b):\n    return a + b\n",
        "ai.py": "from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o')\n",
        "pyproject.toml": "[project]\nname = 'x'\ndependencies = ['openai']\n",
    })
    status, modules = _modules_after(["scan", "plain.py", "other.py"], tmp_path)
    assert status == 0
    assert "cadre_hooks.commands.scan_command" in modules  # the call really ran through the command line
    assert _heavy(modules, HEAVY + NOT_WITHOUT_AI) == []
    status, modules = _modules_after(["scan", "plain.py", "ai.py", "pyproject.toml"], tmp_path)
    assert status == 1  # OpenAI, outside the EU: a finding at error severity
    assert "cadre_hooks.detect.python.deep" in modules  # the detector did run
    assert _heavy(modules) == []


def test_a_format_or_option_loads_its_module_only_when_asked(tmp_path: Path) -> None:
    """The near-miss: the lazy imports still happen when the call needs them."""
    write_files(tmp_path, {"plain.py": "import os\n"})
    status, modules = _modules_after(["scan", "--format", "json", "plain.py"], tmp_path)
    assert status == 0 and "cadre_hooks.report.json_report" in modules
    status, modules = _modules_after(["--help"], tmp_path)
    assert status == 0 and {f"cadre_hooks.commands.{m}" for m in cli.COMMAND_MODULES} <= modules


def test_command_names_match_their_modules() -> None:
    """COMMAND_NAMES (which module to import for `cadre NAME`) agrees with what each module registers."""
    assert set(cli.COMMAND_NAMES.values()) == set(cli.COMMAND_MODULES)
    cli.build_parser()
    assert set(cli.COMMANDS) == set(cli.COMMAND_NAMES)
    for name, (run, _, _) in cli.COMMANDS.items():
        assert run.__module__ == f"cadre_hooks.commands.{cli.COMMAND_NAMES[name]}", name


def test_help_of_one_command_is_the_same_as_with_every_command(capsys: object) -> None:
    lean = cli.build_parser("scan")._subparsers._group_actions[0].choices["scan"].format_help()  # type: ignore[union-attr]
    full = cli.build_parser()._subparsers._group_actions[0].choices["scan"].format_help()  # type: ignore[union-attr]
    assert lean == full and "--no-cache" in lean


def test_lock_file_names_agree_with_their_readers() -> None:
    """The scan tells lock files (read with a larger size limit) by name without importing their
    readers: the list must be the readers' own."""
    from cadre_hooks.detect import files, lockfiles

    assert files._LOCKFILE_NAMES == set(lockfiles.READERS)
    for name in ("poetry.lock", "sub/Cargo.lock", "a/b/package-lock.json", "poetry.lock.bak", "lock.py"):
        assert files.is_lock_file(name) == lockfiles.is_lock_file(name), name
