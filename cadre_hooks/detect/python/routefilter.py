"""Which modules the route analysis (routes.py, for CDR302) reads, decided cheaply, and its entry point.

Most modules define no web handler: a module that imports no web framework is never read for
routes by the main pass, and one that imports a framework only for its types (`HTTPException`,
`Request`) is turned down by a look at its statements, not its expressions. Such a module is
read later only if a handler calls into it (on whole-repository scans: charter/public.py).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from cadre_hooks.detect.python import webroutes as web
from cadre_hooks.detect.python.crossfile import Locate, import_bindings
from cadre_hooks.detect.python.values import dotted, statements
from cadre_hooks.model import Detection, RouteFunction
from cadre_hooks.registry import Registry

# A route decorator on an application object imported from elsewhere (`from app import app`, then
# `@app.route("/")`): the file itself may import no framework. Literal prefixes first (fast `in`).
DECORATOR_PREFIXES = tuple(f"@{name}.".encode() for name in sorted(web.CONVENTIONAL_NAMES))
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
        if handlers_only and not may_have_handlers(tree, bound):
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
    return path.rsplit("/", 1)[-1] in ("urls.py", "views.py") or any(
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
            for node in ast.walk(stmt.value):
                if isinstance(node, ast.Call) and (qualify(node.func) in web.REGISTRARS or (
                        isinstance(node.func, ast.Attribute) and node.func.attr in web.REGISTRAR_METHODS)):
                    return True
    return False


@functools.cache
def _decorator_text() -> re.Pattern[bytes]:
    names = b"|".join(sorted(n.encode() for n in web.CONVENTIONAL_NAMES))
    verbs = b"|".join(sorted(v.encode() for v in web.ROUTE_VERBS))
    return re.compile(rb"^[ \t]*@(?:" + names + rb")\.(?:" + verbs + rb")\(", re.M)


def has_route_decorator(data: bytes) -> bool:
    # every prefix starts with `@`: one scan of the bytes spares the others in a module without decorators
    return b"@" in data and any(prefix in data for prefix in DECORATOR_PREFIXES) \
        and _decorator_text().search(data) is not None


@functools.cache
def route_markers() -> re.Pattern[bytes]:
    """Signs that a module declares routes at all (a decorator, a registration, a class-based view):
    checked on bytes before a module the main pass skipped is parsed for its handlers."""
    verbs = b"|".join(sorted(v.encode() for v in web.ROUTE_VERBS))
    return re.compile(
        rb"@[\w.]+\.(?:" + verbs + rb")\("
        rb"|\b(?:add_url_rule|add_api_route|add_(?:get|post|put|patch|delete|route|view)|Route|WebSocketRoute|re_path"
        rb"|path|url|as_view|api_view)\("
        rb"|^class \w+\([^)]*?(?<![A-Za-z0-9_])(?:View|MethodView|APIView|GenericAPIView|\w*ViewSet"
        rb"|(?:Template|List|Detail|Form|Create|Update|Delete|Redirect)View|Resource"
        rb"|HTTPEndpoint|WebSocketEndpoint|RequestHandler|Controller|HTTPMethodView)\b", re.M)
