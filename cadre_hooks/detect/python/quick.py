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
    # client comes from another module: an operation on any receiver (`client.chat.completions.create`,
    # `self.llm.invoke`, the client imported, or built by an imported factory) or an HTTP call on an
    # imported session (`session.post(...)`), the analysis following the receiver to where it is built.
    for node in _nodes(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and imported:
            if _call_site(node, imported, model):
                return True
        if isinstance(node, ast.Name) and node.id == "__import__":
            return True
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if ("." in node.value or "//" in node.value) and is_ai_url(node.value):
                return True
            if registry.env_var(node.value) is not None:  # os.environ["MISTRAL_API_KEY"]
                return True
    return False


def _nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, depth first: `ast.walk` without its generator per node (`iter_child_nodes`,
    `iter_fields`), half the cost on a module the prefilter let through; the order is irrelevant
    to the yes/no question asked here."""
    stack: list[ast.AST] = [tree]
    pop, push, extend, AST = stack.pop, stack.append, stack.extend, ast.AST
    while stack:
        node = pop()
        yield node
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                extend([item for item in value if isinstance(item, AST)])
            elif isinstance(value, AST):
                push(value)


def _call_site(call: ast.Call, imported: set[str], model: Relevance) -> bool:
    """`call` may be a call site on a client built elsewhere (callsites.py keeps the same shapes)."""
    assert isinstance(call.func, ast.Attribute)
    attrs: list[str] = []
    current: ast.expr = call.func
    while isinstance(current, ast.Attribute):
        attrs.append(current.attr)
        current = current.value
    if model.is_operation_chain(attrs[::-1]):
        return True
    if attrs[0] not in model.http_verbs or not (call.args or call.keywords):
        return False
    if isinstance(current, ast.Call):  # `get_session().post(...)`
        current = current.func
        while isinstance(current, ast.Attribute):
            current = current.value
    return isinstance(current, ast.Name) and current.id in imported
