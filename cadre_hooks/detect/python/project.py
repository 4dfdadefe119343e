"""The project's own modules, read on demand to resolve constants imported from them.

Resolution may read files that are not being scanned, so a result never depends on which
files pre-commit happened to pass together.
"""

from __future__ import annotations

import ast
import functools
import os
from pathlib import Path

from cadre_hooks.detect.python.source import decode
from cadre_hooks.detect.python.values import Evaluator, Scope, Unresolved, Value, module_scope
from cadre_hooks.memo import per_scan
from cadre_hooks.safeio import Refused, read_in_root

MAX_MODULE_BYTES = 1_000_000


class ProjectIndex:
    """Finds and parses modules of the repository rooted at `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.reads: set[str] = set()  # files located since the last reset: what a result depends on

    def locate(self, current: str, module: str, level: int) -> Path | None:
        """The file of `module` imported from the file `current` (repository-relative)."""
        parts = [p for p in module.split(".") if p]
        if level:
            base = (self.root / current).parent
            for _ in range(level - 1):
                base = base.parent
            candidates = [base]
        else:
            here = (self.root / current).parent
            candidates = [self.root, self.root / "src"]
            while here != self.root and self.root in here.parents:
                candidates.append(here)
                here = here.parent
        for base in candidates:
            target = base.joinpath(*parts)
            for path in (target.with_suffix(".py") if parts else None, target / "__init__.py"):
                if path is not None and path.is_file():
                    try:
                        rel = path.resolve().relative_to(self.root.resolve())
                    except ValueError:
                        continue
                    self.reads.add(rel.as_posix())
                    return path
        if parts:  # not there yet: a result computed without it changes when it appears
            try:
                self.reads.add(candidates[0].joinpath(*parts).with_suffix(".py").relative_to(self.root).as_posix())
            except ValueError:
                pass
        return None

    def parsed(self, path: Path) -> tuple[ast.Module, Scope] | None:
        """The module at `path` parsed, with its module-level scope (kept while the file is unchanged)."""
        try:
            st = path.stat()
        except OSError:
            return None
        return self._parsed_version(path, st.st_size, st.st_mtime_ns)

    @functools.lru_cache(maxsize=256)  # keyed on size and mtime too: an edited module is read again
    def _parsed_version(self, path: Path, size: int, mtime_ns: int) -> tuple[ast.Module, Scope] | None:
        try:
            data = read_in_root(self.root, os.path.relpath(path, self.root), MAX_MODULE_BYTES)
        except (Refused, ValueError):
            return None  # outside the repository, not a regular file, too large: never parsed
        text, _, _ = decode(data)
        try:
            module = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return module, module_scope(module)

    def constant(self, current: str, module: str, name: str, level: int, depth: int) -> Value:
        """The value of `name` defined at module level in `module` (or a submodule named `name`)."""
        path = self.locate(current, module, level)
        if path is None:
            return Unresolved()
        parsed = self.parsed(path)
        if parsed is None:
            return Unresolved()
        _, scope = parsed
        rel = path.relative_to(self.root).as_posix()
        evaluator = Evaluator(lambda m, n, lvl, d: self.constant(rel, m, n, lvl, d))
        if name in scope.module_names:
            return evaluator.evaluate(ast.Name(name), scope, depth)
        if name in scope.imports:
            mod, imported, lvl = scope.imports[name]
            return self.constant(rel, mod, imported, lvl, depth + 1) if depth < 6 else Unresolved()
        return Unresolved()


# The parsed modules are remembered per instance (the cache holds `self`): forgotten after each scan.
per_scan(ProjectIndex._parsed_version)
