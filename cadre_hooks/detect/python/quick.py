"""A cheap first look with the stdlib parser: does this module import anything AI, call an HTTP
library, import dynamically or hold an AI URL? Most files that merely mention a provider
(in a comment, a docstring, a name) are settled here, before the full analysis."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from cadre_hooks.detect.python.values import statements
from cadre_hooks.registry import Registry
from cadre_hooks.relevance import Relevance, relevance


def needs_analysis(tree: ast.Module, registry: Registry, is_ai_url: Callable[[str], bool]) -> bool:
    model = relevance(registry)
    triggers = model.import_triggers
    imported: set[str] = set()  # names imported from the project or a third party (not the standard library)
    for stmt in statements(tree):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if triggers(alias.name):
                    return True
                if not model.is_stdlib(alias.name):
                    imported.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(stmt, ast.ImportFrom):
            if stmt.level or not stmt.module:  # the project's own modules (`from .models import llm`)
                imported.update(a.asname or a.name for a in stmt.names)
                continue
            if triggers(stmt.module) or any(triggers(f"{stmt.module}.{a.name}") for a in stmt.names):
                return True
            if model.settings_import(stmt.module, (a.name for a in stmt.names)):
                return True  # settings fields may be named after a provider's variable
            if not model.is_stdlib(stmt.module):
                imported.update(a.asname or a.name for a in stmt.names)
    # No AI import: only a dynamic import, a hard-coded AI URL, a provider's variable, or a call site whose
    # client comes from another module: an operation (`client.chat.completions.create`, `self.llm.invoke`)
    # on a receiver that is imported, built by an imported factory or bound (a name, `self.x`) to one of
    # those, or an HTTP call on an imported session (`session.post(...)`); the analysis follows the
    # receiver to where it is built.
    if not imported:
        return _literals(tree, registry, is_ai_url)
    receivers: set[str] = set()  # receivers of operation-shaped calls
    bindings: list[tuple[str, str]] = []  # (bound name or `self.x`, the root name of its value)
    # dispatch on the exact node type: a third of the cost of isinstance chains on every node
    call, attribute, constant, name = ast.Call, ast.Attribute, ast.Constant, ast.Name
    for node in nodes(tree):
        kind = type(node)
        if kind is call:
            if type(node.func) is attribute:  # type: ignore[attr-defined]
                receiver = _call_site(node, imported, model)  # type: ignore[arg-type]
                if receiver is True:
                    return True
                if receiver:
                    receivers.add(receiver)
        elif kind is constant:
            value = node.value  # type: ignore[attr-defined]
            if type(value) is str and _literal(value, registry, is_ai_url):
                return True
        elif kind is name:
            if node.id == "__import__":  # type: ignore[attr-defined]
                return True
        elif kind in _BINDERS:
            _bindings(node, bindings)
    return bool(receivers) and bool(receivers & _fed(imported, bindings))


_BINDERS = frozenset({ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.withitem})


def _literals(tree: ast.Module, registry: Registry, is_ai_url: Callable[[str], bool]) -> bool:
    for node in nodes(tree):
        if isinstance(node, ast.Name) and node.id == "__import__":
            return True
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _literal(node.value, registry, is_ai_url):
            return True
    return False


def _literal(value: str, registry: Registry, is_ai_url: Callable[[str], bool]) -> bool:
    """A hard-coded AI URL, or a provider's variable (`os.environ["MISTRAL_API_KEY"]`)."""
    return (("." in value or "//" in value) and is_ai_url(value)) or registry.env_var(value) is not None


def _root(node: ast.expr) -> str | None:
    """The name a value comes from: `make_client()` -> make_client, `await factory.build(x)` -> factory."""
    while True:
        if isinstance(node, (ast.Await, ast.Starred)):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else None


def _key(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id in ("self", "cls"):
        return f"self.{target.attr}"
    return None


def _bindings(node: ast.AST, out: list[tuple[str, str]]) -> None:
    if isinstance(node, ast.withitem):
        targets, value = ([node.optional_vars] if node.optional_vars is not None else []), node.context_expr
    elif isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
        if node.value is None:
            return
        targets, value = [node.target], node.value
    else:
        return
    root = _root(value)
    if root is None:
        return
    for target in targets:
        key = _key(target)
        if key is not None:
            out.append((key, root))


def _fed(imported: set[str], bindings: list[tuple[str, str]]) -> set[str]:
    """Names and `self.x` bound, directly or through other such names, to a value of an imported name."""
    fed = set(imported)
    changed = True
    while changed:
        changed = False
        for key, root in bindings:
            if key not in fed and root in fed:
                fed.add(key)
                changed = True
    return fed


# Fields whose nodes say nothing here: an expression's context (Load, Store) and its operators.
_SILENT_FIELDS = frozenset({"ctx", "op", "ops", "type_ignores"})
_FIELDS: dict[type, tuple[str, ...]] = {}


def nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node but contexts and operators, depth first: `ast.walk` without its generator per node
    (`iter_child_nodes`, `iter_fields`) nor the `Load()` under every name, a third of the cost on a
    module the prefilter let through; the order is irrelevant to the yes/no questions asked of it."""
    stack: list[ast.AST] = [tree]
    pop, push, extend, AST = stack.pop, stack.append, stack.extend, ast.AST
    known = _FIELDS
    while stack:
        node = pop()
        yield node
        kind = type(node)
        fields = known.get(kind)
        if fields is None:
            fields = known[kind] = tuple(f for f in node._fields if f not in _SILENT_FIELDS)
        for field in fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                extend([item for item in value if isinstance(item, AST)])
            elif isinstance(value, AST):
                push(value)


def _call_site(call: ast.Call, imported: set[str], model: Relevance) -> bool | str | None:
    """True: a call site on an imported receiver; a string: the receiver (a name, `self.x`) of an
    operation-shaped call, to be followed through the module's bindings; None: no call site
    (callsites.py keeps the same shapes)."""
    assert isinstance(call.func, ast.Attribute)
    attrs: list[str] = []
    current: ast.expr = call.func
    while isinstance(current, ast.Attribute):
        attrs.append(current.attr)
        current = current.value
    operation = model.is_operation_chain(attrs[::-1])
    if not operation and (attrs[0] not in model.http_verbs or not (call.args or call.keywords)):
        return None
    root = _root(current)
    if root in imported:
        return True
    if not operation or root is None:
        return None  # an HTTP call is followed only on an imported session (analysis.py does the same)
    if root in ("self", "cls") and len(attrs) > 1:
        return f"self.{attrs[-1]}"
    return root
