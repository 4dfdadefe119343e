"""Names imported from the repository's own modules, turned into `path.py:name`: how the route
analysis links a handler to the function of another file it calls (`from app.llm import answer`,
`from . import llm` then `llm.answer()`)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from pathlib import Path

from cadre_hooks.detect.python.values import statements
from cadre_hooks.memo import per_scan

# (current file, module, relative level) -> the file of that module in the repository
Locate = Callable[[str, str, int], "Path | None"]
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))
_FILES: dict[tuple[str, str, str, int], str | None] = per_scan({})  # shared by the files of one scan


class ProjectNames:
    def __init__(self, path: str, root: Path, locate: Locate | None, skip: Callable[[str], bool]) -> None:
        self.path = path
        self.root = root.resolve()
        self.locate = locate
        self.skip = skip  # top-level packages that are never the project's (frameworks, AI libraries)

    def resolve(self, qname: str) -> str | None:
        """`path.py:name` for `qname` (`pkg.mod.func`, `.mod.Class.method`), None outside the repository."""
        if self.locate is None:
            return None
        level = len(qname) - len(qname.lstrip("."))
        parts = qname[level:].split(".")
        if not level and (parts[0] in _STDLIB or self.skip(parts[0])):
            return None
        for cut in range(len(parts) - 1, -1, -1):
            module = ".".join(parts[:cut])
            if not module and not level:
                continue
            rel = self._file(module, level)
            if rel is not None:
                return f"{rel}:{'.'.join(parts[cut:])}"
        return None

    def _file(self, module: str, level: int) -> str | None:
        # Where a module is found depends on the root, the folder of the importing file and the module.
        key = (str(self.root), self.path.rsplit("/", 1)[0] if "/" in self.path else "", module, level)
        if key not in _FILES:
            found = self.locate(self.path, module, level) if self.locate else None
            rel = None
            if found is not None:
                try:
                    rel = found.resolve().relative_to(self.root).as_posix()
                except ValueError:
                    rel = None
            _FILES[key] = rel
        rel = _FILES[key]
        return rel if rel != self.path else None


def import_bindings(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """Local name -> qualified name for every import of the module (function-level ones too; a
    relative import gives a name starting with "."), and the top-level packages imported absolutely."""
    bound: dict[str, str] = {}
    roots: set[str] = set()
    for node in statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                head = alias.name.split(".")[0]
                roots.add(head)
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    bound.setdefault(head, head)
        elif isinstance(node, ast.ImportFrom):
            if not node.level:
                roots.add((node.module or "").split(".")[0])
            prefix = "." * node.level + (node.module or "")
            joiner = "." if prefix and not prefix.endswith(".") else ""
            for alias in node.names:
                if alias.name != "*":
                    bound[alias.asname or alias.name] = f"{prefix}{joiner}{alias.name}"
    return bound, roots

