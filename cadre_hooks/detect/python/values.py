"""Evaluate, statically, the string an expression stands for: the endpoint a client reaches.

Handles literals, f-strings and concatenations of constants, module, class and local
constants, `os.environ.get("X", default)` / `os.getenv`, and constants imported from the
project's own modules. Anything else is `Unresolved`, carrying the environment variable
when the value comes from one (the config can name the provider behind it).

Works on the stdlib `ast` tree (see analysis.py for why).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

MAX_DEPTH = 6
_ENV_GETTERS = frozenset({"os.environ.get", "environ.get", "os.getenv", "getenv", "os.environ.setdefault"})
_ENV_MAPPINGS = frozenset({"os.environ", "environ"})


@dataclass(frozen=True, slots=True)
class Unresolved:
    env: str | None = None


Value = str | Unresolved

# Finds a constant imported from another module of the project: (module, name, level, depth) -> value.
ImportResolver = Callable[[str, str, int, int], Value]
Table = dict[str, list[ast.expr]]


def dotted(node: ast.AST) -> str | None:
    """`a.b.c` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _targets(stmt: ast.stmt) -> list[tuple[str, ast.expr]]:
    out: list[tuple[str, ast.expr]] = []
    if isinstance(stmt, ast.Assign):
        targets, value = stmt.targets, stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        targets, value = [stmt.target], stmt.value
    elif isinstance(stmt, (ast.With, ast.AsyncWith)):
        # `with httpx.Client(base_url=...) as http:` binds `http` to what the item builds.
        for item in stmt.items:
            if item.optional_vars is not None:
                out.extend((name, item.context_expr) for name, _ in _named([item.optional_vars]))
        return out
    else:
        return out
    out.extend((name, value) for name, _ in _named(targets))
    return out


def _named(targets: list[ast.expr]) -> Iterator[tuple[str, ast.expr]]:
    for target in targets:
        if isinstance(target, ast.Name):
            yield target.id, target
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
            yield "self." + target.attr, target


# Statements that hold other statements; every other kind (most of them) is a leaf, passed over
# without looking for bodies.
_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While,
             ast.With, ast.AsyncWith, ast.Try, ast.Match, ast.ExceptHandler,
             *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_TARGETS = (ast.Assign, ast.AnnAssign, ast.With, ast.AsyncWith)


def statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Every statement of a module at any depth (function and class bodies included), without
    descending into expressions: imports are statements, so this finds them at a fraction of
    the cost of `ast.walk`."""
    stack: list[ast.stmt] = list(reversed(tree.body))
    while stack:
        stmt = stack.pop()
        yield stmt
        if not isinstance(stmt, _COMPOUND):
            continue
        children: list[ast.stmt] = []
        for field in ("body", "orelse", "finalbody"):
            children.extend(getattr(stmt, field, None) or [])
        for handler in getattr(stmt, "handlers", None) or []:
            children.extend(handler.body)
        if isinstance(stmt, ast.Match):
            for case in stmt.cases:
                children.extend(case.body)
        stack.extend(reversed(children))


def assignments(body: ast.AST) -> Table:
    """Names assigned in a block (statements only, not inside nested functions or classes), in source order."""
    found: Table = {}
    stack: list[ast.stmt] = list(reversed(getattr(body, "body", [])))
    for field in ("orelse", "finalbody", "handlers"):
        stack[:0] = list(reversed(getattr(body, field, [])))
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, _SCOPES):
            continue
        if isinstance(stmt, _TARGETS):
            for name, value in _targets(stmt):
                found.setdefault(name, []).append(value)
        if not isinstance(stmt, _COMPOUND):
            continue
        children: list[ast.stmt] = []
        for field in ("body", "orelse", "finalbody", "handlers"):
            children.extend(getattr(stmt, field, []) or [])
        if isinstance(stmt, ast.Match):
            for case in stmt.cases:
                children.extend(case.body)
        stack.extend(reversed(children))
    return found


@dataclass
class Scope:
    """Where a name is looked up: local function, then enclosing class, then module."""

    module_names: Table
    imports: dict[str, tuple[str, str, int]]  # local name -> (module, imported name, level)
    classes: dict[str, Table]
    function: Table | None = None
    klass: Table | None = None
    init: Table | None = None


class Evaluator:
    """Evaluates expressions of one module; records the literal nodes it consumed."""

    def __init__(self, resolve_import: ImportResolver | None = None) -> None:
        self.resolve_import = resolve_import
        self.consumed: set[int] = set()

    def evaluate(self, node: ast.expr, scope: Scope, depth: int = 0) -> Value:
        if depth > MAX_DEPTH:
            return Unresolved()
        if isinstance(node, ast.Constant):
            self.consumed.add(id(node))
            return node.value if isinstance(node.value, str) else Unresolved()
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, scope, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._join([node.left, node.right], scope, depth)
        if isinstance(node, ast.Name):
            return self._name(node.id, scope, depth)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, scope, depth)
        if isinstance(node, ast.Call):
            return self._call(node, scope, depth)
        if isinstance(node, ast.Subscript):
            if dotted(node.value) in _ENV_MAPPINGS:
                key = self.evaluate(node.slice, scope, depth + 1)
                return Unresolved(env=key if isinstance(key, str) else None)
            return Unresolved()
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) >= 2:
            # `os.environ.get("X") or "https://default"`: the literal fallback is what is reached by default.
            first = self.evaluate(node.values[0], scope, depth + 1)
            if isinstance(first, str):
                return first
            last = self.evaluate(node.values[-1], scope, depth + 1)
            return last if isinstance(last, str) else Unresolved(env=first.env)
        return Unresolved()

    def _join(self, parts: list[ast.expr], scope: Scope, depth: int) -> Value:
        out = []
        for part in parts:
            value = self.evaluate(part, scope, depth + 1)
            if isinstance(value, Unresolved):
                return value
            out.append(value)
        return "".join(out)

    def _fstring(self, node: ast.JoinedStr, scope: Scope, depth: int) -> Value:
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                out.append(part.value)
            elif isinstance(part, ast.FormattedValue):
                value = self.evaluate(part.value, scope, depth + 1)
                if isinstance(value, Unresolved):
                    return value
                out.append(value)
        self.consumed.add(id(node))
        return "".join(out)

    def _last(self, values: list[ast.expr] | None, scope: Scope, depth: int) -> Value | None:
        if not values:
            return None
        # A name assigned several times is only known when every assignment agrees.
        results = {self.evaluate(v, scope, depth + 1) for v in values}
        return results.pop() if len(results) == 1 else Unresolved()

    def _name(self, name: str, scope: Scope, depth: int) -> Value:
        if scope.function is not None and name in scope.function:
            found = self._last(scope.function[name], scope, depth)
            if found is not None:
                return found
        if name in scope.module_names:
            module_scope_ = Scope(scope.module_names, scope.imports, scope.classes)
            found = self._last(scope.module_names[name], module_scope_, depth)
            if found is not None:
                return found
        if name in scope.imports and self.resolve_import is not None:
            module, imported, level = scope.imports[name]
            return self.resolve_import(module, imported, level, depth + 1)
        return Unresolved()

    def _attribute(self, node: ast.Attribute, scope: Scope, depth: int) -> Value:
        owner = node.value
        attr = node.attr
        if isinstance(owner, ast.Name):
            if owner.id in ("self", "cls"):
                for table, key in ((scope.init, "self." + attr), (scope.klass, attr)):
                    if table is not None and key in table:
                        found = self._last(table[key], scope, depth)
                        if found is not None:
                            return found
                return Unresolved()
            if owner.id in scope.classes and attr in scope.classes[owner.id]:
                klass_scope = Scope(scope.module_names, scope.imports, scope.classes, klass=scope.classes[owner.id])
                found = self._last(scope.classes[owner.id][attr], klass_scope, depth)
                if found is not None:
                    return found
            if owner.id in scope.imports and self.resolve_import is not None:
                module, imported, level = scope.imports[owner.id]
                # `from . import settings` then `settings.URL`, or `import pkg.settings as settings`.
                target = f"{module}.{imported}" if module and imported else (module or imported)
                return self.resolve_import(target, attr, level, depth + 1)
        return Unresolved()

    def _call(self, node: ast.Call, scope: Scope, depth: int) -> Value:
        name = dotted(node.func) or ""
        if name in _ENV_GETTERS and node.args:
            key = self.evaluate(node.args[0], scope, depth + 1)
            env = key if isinstance(key, str) else None
            default: ast.expr | None = node.args[1] if len(node.args) > 1 else None
            for kw in node.keywords:
                if kw.arg == "default":
                    default = kw.value
            if default is not None:
                value = self.evaluate(default, scope, depth + 1)
                if isinstance(value, str) and value:
                    return value
            return Unresolved(env=env)
        if name in ("str", "urljoin", "urllib.parse.urljoin") and node.args:
            return self.evaluate(node.args[0], scope, depth + 1)
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("rstrip", "strip", "removesuffix"):
            return self.evaluate(node.func.value, scope, depth + 1)
        return Unresolved()


def module_scope(module: ast.Module) -> Scope:
    """Module-level constants, imports and class attributes of a parsed module."""
    names: Table = {}
    imports: dict[str, tuple[str, str, int]] = {}
    classes: dict[str, Table] = {}
    for stmt in module.body:
        if isinstance(stmt, ast.ClassDef):
            classes[stmt.name] = assignments(stmt)
        elif isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                if alias.name != "*":
                    imports[alias.asname or alias.name] = (stmt.module or "", alias.name, stmt.level)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    imports[alias.asname] = (alias.name, "", 0)
    for name, values in assignments(module).items():
        names.setdefault(name, []).extend(values)
    return Scope(names, imports, classes)
