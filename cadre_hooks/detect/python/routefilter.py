"""Which modules the route analysis (routes.py, for CDR302) reads, decided cheaply, and its entry point.

Most modules define no web handler: a module that imports no web framework is never read for
routes by the main pass, and one that imports a framework only for its types (`HTTPException`,
`Request`) is turned down by a look at its statements, not its expressions. Such a module is
read later only if a handler calls into it (on whole-repository scans: checks/public.py).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from pathlib import Path

from cadre_hooks.detect.python import webroutes as web
from cadre_hooks.detect.python.crossfile import Locate, import_bindings
from cadre_hooks.detect.python.quick import nodes
from cadre_hooks.detect.python.values import dotted, statements
from cadre_hooks.model import Detection, RouteFunction
from cadre_hooks.registry import Registry
from cadre_hooks.relevance import filters_enabled
from cadre_hooks.relevance import has_route_decorator as has_route_decorator  # re-exported: checks/public.py
from cadre_hooks.relevance import route_markers as route_markers

DJANGO = ("django", "rest_framework")


def route_records(path: str, tree: ast.Module, registry: Registry, root: Path, locate: Locate | None,
                  ai_names: Mapping[str, str | None] = {}, detections: Sequence[Detection] = (),
                  bound: Mapping[str, str] | None = None, *, handlers_only: bool = True) \
        -> tuple[RouteFunction, ...] | None:
    """The route records of a parsed module; None when `handlers_only` and it declares no handler
    (the module was not analysed: a call from another module's handler may still read it)."""
    from cadre_hooks.detect.python.routes import RouteAnalyzer

    if bound is None:
        bound, _ = import_bindings(tree)
    try:
        if handlers_only and filters_enabled() and not may_have_handlers(tree, bound):
            return None
        return RouteAnalyzer(path, tree, registry, root, locate, bound, ai_names, detections).run()
    except RecursionError:
        return ()


def is_crowd(registry: Registry, provider: str | None) -> bool:
    """A crowd-work platform: its calls hand tasks to workers, not model output to the public."""
    known = registry.providers.get(provider) if provider else None
    return known is not None and known.category == "crowd-labour"


def is_ai_name(registry: Registry, qname: str) -> bool:
    """A name of an AI library: a module, client class or model loader of a provider, or LiteLLM."""
    spec = registry.client(qname)
    provider = registry.module_provider(qname) or (spec.provider if spec else None) or registry.model_loader(qname)
    if provider is None:
        return qname.startswith("litellm.") or qname == "litellm"
    return not is_crowd(registry, provider)


def is_route_module(path: str, bound: Mapping[str, str], text: str = "") -> bool:
    """A module that may define web handlers: it imports a web framework, is Django's urls/views,
    or decorates functions with the routes of an application object imported from elsewhere."""
    return not filters_enabled() or path.rsplit("/", 1)[-1] in ("urls.py", "views.py") or any(
        q.split(".")[0] in web.FRAMEWORK_ROOTS for q in bound.values() if not q.startswith(".")) \
        or has_route_decorator(text.encode("utf-8", "replace"))


def may_have_handlers(tree: ast.Module, bound: Mapping[str, str]) -> bool:
    """A superset of the modules in which routes.py finds a handler, from the statements alone."""
    django = any(q.split(".")[0] in DJANGO for q in bound.values())

    def qualify(node: ast.AST) -> str:
        name = dotted(node) or ""
        head, _, rest = name.partition(".")
        target = bound.get(head)
        return (f"{target}.{rest}" if rest else target) if target else ""

    def decorator(node: ast.expr) -> bool:
        target = node.func if isinstance(node, ast.Call) else node
        return qualify(target) in web.ROUTE_DECORATORS or (
            isinstance(target, ast.Attribute) and target.attr in web.ROUTE_VERBS)

    for stmt in statements(tree):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            params = stmt.args.args
            if any(decorator(d) for d in stmt.decorator_list) or (django and params and params[0].arg == "request"):
                return True
        elif isinstance(stmt, ast.ClassDef):
            if any(decorator(d) for d in stmt.decorator_list) \
                    or any(qualify(b).startswith(web.VIEW_BASE_PREFIXES) for b in stmt.bases):
                return True
        elif isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign, ast.Return)) and stmt.value is not None:
            for node in nodes(stmt.value):
                if type(node) is ast.Call and (qualify(node.func) in web.REGISTRARS or (
                        isinstance(node.func, ast.Attribute) and node.func.attr in web.REGISTRAR_METHODS)):
                    return True
    return False
