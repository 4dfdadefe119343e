"""Every read of a file that cadre did not ship goes through cadre_hooks.safeio (regular files
inside the root only, size-capped). This test finds direct reads in the package's code, so a new
module that opens a file of the repository itself fails here instead of hanging on a FIFO."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cadre_hooks"
# module -> why it may read directly: only cadre's own data, or the guarded reader itself
ALLOWED = {
    "safeio.py": "the guarded reader",
    "cli.py": "opens /dev/null to drop what a full standard output refused",
    "registry/load.py": "the rule data shipped with cadre",
    "checks/assistants.py": "rules/assistants.toml, shipped with cadre",
    "detect/plain_source.py": "rules/plain_sources.toml, shipped with cadre",
    "transparency/spec.py": "rules/ai_usage.toml, shipped with cadre",
    "transparency/template.py": "the AI_USAGE.md templates shipped with cadre",
    "detect/treesitter/language.py": "the grammar descriptions in rules/, shipped with cadre",
    "scanner.py": "the rule files, hashed for the registry's identity",
    "audit/publish.py": "the report templates shipped with cadre",
    "audit/gitrepo.py": "tarfile.open of an in-memory archive that git wrote (extracted with the data filter)",
}
READS = {"read_bytes", "read_text", "open"}


def direct_reads(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr in READS) or (isinstance(func, ast.Name) and func.id == "open"):
            found.append((node.lineno, ast.unparse(node)[:80]))
    return found


def test_every_file_read_goes_through_safeio() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in ALLOWED:
            continue
        offenders += [f"{rel}:{line}: {code}" for line, code in direct_reads(path.read_text(encoding="utf-8"))]
    assert not offenders, "read through cadre_hooks.safeio instead:\n" + "\n".join(offenders)


def test_the_finder_sees_direct_reads() -> None:
    code = "from pathlib import Path\nPath('a').read_bytes()\nopen('b')\nos.open('c', 0)\nread_text(x)\n"
    assert [line for line, _ in direct_reads(code)] == [2, 3, 4]
