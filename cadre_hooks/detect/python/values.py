"""Evaluate, statically, the string an expression stands for: the endpoint a client reaches.

Handles literals, f-strings and concatenations of constants, module, class and local
constants, `os.environ.get("X", default)` / `os.getenv`, and constants imported from the
project's own modules. Anything else is `Unresolved`, carrying the environment variable
when the value comes from one (the config can name the provider behind it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node

MAX_DEPTH = 6
_ENV_GETTERS = ("os.environ.get", "environ.get", "os.getenv", "getenv", "os.environ.setdefault")
_ENV_MAPPINGS = ("os.environ", "environ")


@dataclass(frozen=True, slots=True)
class Unresolved:
    env: str | None = None


Value = str | Unresolved

# Finds a constant imported from another module of the project: (module, name, level) -> value.
ImportResolver = Callable[[str, str, int, int], Value]


def _assign_targets(stmt: cst.BaseSmallStatement) -> list[tuple[str, cst.BaseExpression]]:
    out: list[tuple[str, cst.BaseExpression]] = []
    if isinstance(stmt, cst.Assign):
        for target in stmt.targets:
            if isinstance(target.target, cst.Name):
                out.append((target.target.value, stmt.value))
            elif isinstance(target.target, cst.Attribute) and isinstance(target.target.value, cst.Name) \
                    and target.target.value.value == "self":
                out.append(("self." + target.target.attr.value, stmt.value))
    elif isinstance(stmt, cst.AnnAssign) and stmt.value is not None:
        if isinstance(stmt.target, cst.Name):
            out.append((stmt.target.value, stmt.value))
        elif isinstance(stmt.target, cst.Attribute) and isinstance(stmt.target.value, cst.Name) \
                and stmt.target.value.value == "self":
            out.append(("self." + stmt.target.attr.value, stmt.value))
    return out


def assignments(body: cst.CSTNode, *, descend: bool = True) -> dict[str, list[cst.BaseExpression]]:
    """Names assigned in a block (not inside nested functions or classes), in source order."""
    found: dict[str, list[cst.BaseExpression]] = {}

    class _Collector(cst.CSTVisitor):
        def __init__(self) -> None:
            self.depth = 0

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is body

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return node is body

        def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
            for stmt in node.body:
                for name, value in _assign_targets(stmt):
                    found.setdefault(name, []).append(value)
            return False

    if descend:
        body.visit(_Collector())
    return found


@dataclass
class Scope:
    """Where a name is looked up: local function, then enclosing class, then module."""

    module_names: dict[str, list[cst.BaseExpression]]
    imports: dict[str, tuple[str, str, int]]  # local name -> (module, imported name, level)
    classes: dict[str, dict[str, list[cst.BaseExpression]]]
    function: dict[str, list[cst.BaseExpression]] | None = None
    klass: dict[str, list[cst.BaseExpression]] | None = None
    init: dict[str, list[cst.BaseExpression]] | None = None


class Evaluator:
    """Evaluates expressions of one module; records the literal nodes it consumed."""

    def __init__(self, resolve_import: ImportResolver | None = None) -> None:
        self.resolve_import = resolve_import
        self.consumed: set[int] = set()

    def evaluate(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> Value:
        if depth > MAX_DEPTH:
            return Unresolved()
        if isinstance(node, cst.SimpleString):
            self.consumed.add(id(node))
            value = node.evaluated_value
            return value if isinstance(value, str) else Unresolved()
        if isinstance(node, cst.ConcatenatedString):
            return self._join([node.left, node.right], scope, depth)
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, scope, depth)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self._join([node.left, node.right], scope, depth)
        if isinstance(node, cst.Name):
            return self._name(node.value, scope, depth)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, scope, depth)
        if isinstance(node, cst.Call):
            return self._call(node, scope, depth)
        if isinstance(node, cst.Subscript):
            dotted = get_full_name_for_node(node.value) or ""
            if dotted in _ENV_MAPPINGS and len(node.slice) == 1:
                element = node.slice[0].slice
                if isinstance(element, cst.Index):
                    key = self.evaluate(element.value, scope, depth + 1)
                    return Unresolved(env=key if isinstance(key, str) else None)
            return Unresolved()
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            # `os.environ.get("X") or "https://default"`: the literal fallback is what is reached by default.
            left = self.evaluate(node.left, scope, depth + 1)
            if isinstance(left, str):
                return left
            right = self.evaluate(node.right, scope, depth + 1)
            return right if isinstance(right, str) else Unresolved(env=left.env)
        return Unresolved()

    def _join(self, parts: list[cst.BaseExpression], scope: Scope, depth: int) -> Value:
        out = []
        for part in parts:
            value = self.evaluate(part, scope, depth + 1)
            if isinstance(value, Unresolved):
                return value
            out.append(value)
        return "".join(out)

    def _fstring(self, node: cst.FormattedString, scope: Scope, depth: int) -> Value:
        out = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                out.append(part.value)
            elif isinstance(part, cst.FormattedStringExpression):
                value = self.evaluate(part.expression, scope, depth + 1)
                if isinstance(value, Unresolved):
                    return value
                out.append(value)
        self.consumed.add(id(node))
        return "".join(out)

    def _last(self, values: list[cst.BaseExpression] | None, scope: Scope, depth: int) -> Value | None:
        if not values:
            return None
        # A name assigned several times is only known when every assignment agrees.
        results = {self.evaluate(v, scope, depth + 1) for v in values}
        return results.pop() if len(results) == 1 else Unresolved()

    def _name(self, name: str, scope: Scope, depth: int) -> Value:
        for table in (scope.function,):
            if table is not None and name in table:
                found = self._last(table[name], scope, depth)
                if found is not None:
                    return found
        if name in scope.module_names:
            module_scope = Scope(scope.module_names, scope.imports, scope.classes)
            found = self._last(scope.module_names[name], module_scope, depth)
            if found is not None:
                return found
        if name in scope.imports and self.resolve_import is not None:
            module, imported, level = scope.imports[name]
            return self.resolve_import(module, imported, level, depth + 1)
        return Unresolved()

    def _attribute(self, node: cst.Attribute, scope: Scope, depth: int) -> Value:
        owner = node.value
        attr = node.attr.value
        if isinstance(owner, cst.Name):
            if owner.value in ("self", "cls"):
                for table in (scope.init, scope.klass):
                    key = "self." + attr if table is scope.init else attr
                    if table is not None and key in table:
                        found = self._last(table[key], scope, depth)
                        if found is not None:
                            return found
                return Unresolved()
            if owner.value in scope.classes and attr in scope.classes[owner.value]:
                klass_scope = Scope(scope.module_names, scope.imports, scope.classes, klass=scope.classes[owner.value])
                found = self._last(scope.classes[owner.value][attr], klass_scope, depth)
                if found is not None:
                    return found
            if owner.value in scope.imports and self.resolve_import is not None:
                module, imported, level = scope.imports[owner.value]
                # `from . import settings` then `settings.URL`, or `import pkg.settings as settings`.
                target = f"{module}.{imported}" if imported else module
                return self.resolve_import(target, attr, level, depth + 1)
        return Unresolved()

    def _call(self, node: cst.Call, scope: Scope, depth: int) -> Value:
        dotted = get_full_name_for_node(node.func) or ""
        if dotted in _ENV_GETTERS and node.args:
            key = self.evaluate(node.args[0].value, scope, depth + 1)
            env = key if isinstance(key, str) else None
            default = node.args[1].value if len(node.args) > 1 else None
            for arg in node.args:
                if arg.keyword is not None and arg.keyword.value == "default":
                    default = arg.value
            if default is not None:
                value = self.evaluate(default, scope, depth + 1)
                if isinstance(value, str) and value:
                    return value
            return Unresolved(env=env)
        if dotted in ("str", "urljoin", "urllib.parse.urljoin") and node.args:
            if dotted == "str":
                return self.evaluate(node.args[0].value, scope, depth + 1)
            base = self.evaluate(node.args[0].value, scope, depth + 1)
            return base
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in ("rstrip", "strip", "format") \
                and not node.args:
            return self.evaluate(node.func.value, scope, depth + 1)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "rstrip":
            return self.evaluate(node.func.value, scope, depth + 1)
        return Unresolved()


def module_scope(module: cst.Module) -> Scope:
    """Module-level constants, imports and class attributes of a parsed module."""
    names: dict[str, list[cst.BaseExpression]] = {}
    imports: dict[str, tuple[str, str, int]] = {}
    classes: dict[str, dict[str, list[cst.BaseExpression]]] = {}
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                for name, value in _assign_targets(small):
                    names.setdefault(name, []).append(value)
                if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                    module_name = get_full_name_for_node(small.module) if small.module else ""
                    level = len(small.relative)
                    for alias in small.names:
                        imported = get_full_name_for_node(alias.name) or ""
                        local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) \
                            else imported
                        imports[local] = (module_name or "", imported, level)
        elif isinstance(stmt, cst.ClassDef):
            classes[stmt.name.value] = assignments(stmt)
        elif isinstance(stmt, cst.If):
            # `if TYPE_CHECKING:` / `if os.environ...:` blocks: constants defined there still count.
            for name, values in assignments(stmt).items():
                names.setdefault(name, []).extend(values)
    return Scope(names, imports, classes)
