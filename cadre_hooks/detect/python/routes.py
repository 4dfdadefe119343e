"""Web request handlers of a Python module, the AI calls in each function, and who calls whom:
what the CDR302 rule needs to tell whether model output can reach the public directly. The
entry point, and the cheap tests that spare this pass to most modules, are in routefilter.py.

Walks the stdlib `ast` tree the main analyser already parsed (no second parse, no libcst): of an
AI module, of a route module without AI (relevance.may_declare_routes), or of a module a handler
calls into (routelinks.py). Calls into other files of the repository are resolved through the
project's imports to `path.py:name`; the rule follows them on whole-repository scans.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from cadre_hooks.detect.python import webroutes as web
from cadre_hooks.detect.python.crossfile import Locate, ProjectNames
from cadre_hooks.detect.python.routefilter import is_ai_name, is_crowd
from cadre_hooks.detect.python.values import dotted
from cadre_hooks.model import Detection, RouteFunction
from cadre_hooks.registry import Registry

Def = ast.FunctionDef | ast.AsyncFunctionDef
_LEAVES = (ast.Name, ast.Constant, ast.expr_context)


@dataclass
class _Function:
    key: str
    line: int
    column: int
    end: int
    handler: str = ""
    handler_line: int = 0
    ai_line: int = 0
    ai_evidence: str = ""
    calls: list[tuple[str, ...]] = field(default_factory=list)  # each call: candidate keys, innermost first
    bound: set[str] = field(default_factory=set)  # parameters and names assigned in the body
    rebound: set[str] = field(default_factory=set)  # AI client names assigned in the body to something else


class RouteAnalyzer:
    def __init__(self, path: str, tree: ast.Module, registry: Registry, root: Path, locate: Locate | None,
                 bound: Mapping[str, str], ai_names: Mapping[str, str | None] = {},
                 detections: Sequence[Detection] = (), every_function: bool = False) -> None:
        self.path, self.tree, self.registry = path, tree, registry
        self.every_function = every_function  # keep the functions that call nothing too (route_links)
        self.ai_names = {n: p for n, p in ai_names.items() if not is_crowd(self.registry, p)}
        self.detections = ai_detections(registry, detections)
        self.project = ProjectNames(path, root, locate,
                                    lambda top: top in web.FRAMEWORK_ROOTS or is_ai_name(registry, top))
        self.bound = bound  # local name -> qualified name, from the imports
        roots = {q.split(".")[0] for q in bound.values() if not q.startswith(".")}
        self.web_module = not roots.isdisjoint(web.FRAMEWORK_ROOTS)
        self.django = not roots.isdisjoint(("django", "rest_framework"))
        self.scopes: list[str] = []  # enclosing class and function names
        self.classes: list[str] = []  # keys of the enclosing classes
        self.stack: list[_Function] = []
        self.functions: dict[str, _Function] = {}
        self.class_keys: set[str] = set()
        self.web_objects: set[str] = set()
        self.instances: dict[str, str] = {}  # variable -> class ("Local" or "=qualified.Name")
        self.handler_classes: dict[str, str] = {}  # local class -> how it is exposed
        self.references: list[tuple[tuple[str, ...], str, int]] = []  # (candidate targets, label, line)

    # --- helpers ---------------------------------------------------------------------
    @staticmethod
    def _code(node: ast.AST, limit: int = 80) -> str:
        text = " ".join(ast.unparse(node).split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def _qname(self, node: ast.AST) -> str | None:
        """The imported name `node` stands for (None for a local name, or one a function rebinds)."""
        name = dotted(node)
        if not name:
            return None
        head, _, rest = name.partition(".")
        if any(head in fn.bound for fn in self.stack):
            return None
        target = self.bound.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def _target(self, node: ast.AST, qname: str | None = "") -> tuple[str, ...]:
        """What an expression may name: local function keys (innermost scope first), or `path.py:name`."""
        name = dotted(node)
        if not name:
            return ()
        head, _, attr = name.partition(".")
        if attr and "." not in attr:
            if head in ("self", "cls"):
                return (f"{self.classes[-1]}.{attr}",) if self.classes else ()
            if head in self.instances:
                owner = self.instances[head]
                if owner.startswith("="):
                    external = self.project.resolve(owner[1:] + "." + attr)
                    return (external,) if external else ()
                return (f"{owner}.{attr}",)
        qname = self._qname(node) if qname == "" else qname
        if qname is not None:
            external = self.project.resolve(qname)
            return (external,) if external else ()
        return tuple(".".join([*self.scopes[:depth], name]) for depth in range(len(self.scopes), -1, -1))

    # --- traversal -------------------------------------------------------------------------
    def run(self) -> tuple[RouteFunction, ...]:
        for stmt in self.tree.body:
            self._node(stmt)
        return self._result()

    def _node(self, node: ast.AST) -> None:
        # Field by field rather than ast.walk/iter_child_nodes: this pass is on the hot path of big scans.
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._function(node)
        elif isinstance(node, ast.ClassDef):
            self._class(node)
        elif isinstance(node, ast.expr):
            self._calls_in(node)
        else:
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                self._assign(node)
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, list):
                    for item in value:
                        if isinstance(item, ast.AST):
                            self._node(item)
                elif isinstance(value, ast.AST):
                    self._node(value)

    def _calls_in(self, expr: ast.expr) -> None:
        stack: list[ast.AST] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, _LEAVES):
                continue
            if isinstance(node, ast.Call):
                self._call(node)
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, list):
                    stack.extend(item for item in value if isinstance(item, ast.AST))
                elif isinstance(value, ast.AST):
                    stack.append(value)

    def _class(self, node: ast.ClassDef) -> None:
        key = ".".join([*self.scopes, node.name])
        self.class_keys.add(key)
        for base in node.bases:
            qname = self._qname(base) or ""
            if qname.startswith(web.VIEW_BASE_PREFIXES) or dotted(base) in self.handler_classes:
                self.handler_classes[key] = f"class {node.name}({self._code(base, 60)})"
        for decorator in node.decorator_list:
            if self._route_decorator(decorator):
                self.handler_classes[key] = "@" + self._code(decorator)
        self.scopes.append(node.name)
        self.classes.append(key)
        for stmt in node.body:
            self._node(stmt)
        self.scopes.pop()
        self.classes.pop()

    def _function(self, node: Def) -> None:
        key = ".".join([*self.scopes, node.name])
        fn = _Function(key, node.lineno, node.col_offset + 1, node.end_lineno or node.lineno)
        a = node.args
        params = [*a.posonlyargs, *a.args, *a.kwonlyargs]
        fn.bound.update(p.arg for p in params)
        for decorator in node.decorator_list:
            if self._route_decorator(decorator):
                fn.handler, fn.handler_line = "@" + self._code(decorator), decorator.lineno
                break
        if not fn.handler and self.django and not self.scopes and params and params[0].arg == "request":
            fn.handler, fn.handler_line = f"def {node.name}(request, …)", node.lineno
        self.functions[key] = fn
        self.stack.append(fn)
        self.scopes.append(node.name)
        for stmt in node.body:
            self._node(stmt)
        self.stack.pop()
        self.scopes.pop()

    def _route_decorator(self, decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if self._qname(target) in web.ROUTE_DECORATORS:
            return True
        if isinstance(target, ast.Attribute) and target.attr in web.ROUTE_VERBS:
            owner = dotted(target.value) or ""
            if owner in self.web_objects:
                return True
            # `app`, `router`, `bp`...: in a web module, or imported (`from app import app`).
            return owner.rsplit(".", 1)[-1] in web.CONVENTIONAL_NAMES and (self.web_module or owner in self.bound)
        return False

    def _assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        value = node.value
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        names = [n for n in (dotted(t) for t in targets) if n]
        qname = self._qname(value.func) if isinstance(value, ast.Call) else None
        if self.stack:
            self.stack[-1].bound.update(n for n in names if "." not in n)
        if qname in web.APP_FACTORIES:
            self.web_objects.update(names)
        if qname is not None and is_ai_name(self.registry, qname):
            self.ai_names.update({n: None for n in names if n not in self.ai_names})  # an AI client
            return
        if self.stack:
            self.stack[-1].rebound.update(n for n in names if n in self.ai_names)
        if not isinstance(value, ast.Call):
            return
        local = dotted(value.func) or ""
        if qname is not None and qname.rsplit(".", 1)[-1][:1].isupper():
            self.instances.update({n: "=" + qname for n in names})
        elif local in self.class_keys:
            self.instances.update({n: local for n in names})

    # --- calls --------------------------------------------------------------------------
    def _call(self, node: ast.Call) -> None:
        qname = self._qname(node.func)
        self._registration(node, qname)
        if not self.stack:
            return
        if self._ai_call(node, qname):
            for fn in self.stack:
                if not fn.ai_line or node.lineno < fn.ai_line:
                    fn.ai_line, fn.ai_evidence = node.lineno, self._code(node.func) + "(…)"
            return
        callee = self._target(node.func, qname)
        if callee:
            for fn in self.stack:
                if callee not in fn.calls:
                    fn.calls.append(callee)

    def _ai_call(self, node: ast.Call, qname: str | None) -> bool:
        name = dotted(node.func)
        if name:
            parts = name.split(".")
            rebound = self.stack[-1].rebound
            for end in range(1, len(parts)):
                prefix = ".".join(parts[:end])
                if prefix in self.ai_names and prefix not in rebound:
                    return True
        return qname is not None and not qname.startswith(".") and is_ai_name(self.registry, qname)

    def _registration(self, node: ast.Call, qname: str | None) -> None:
        """`path("aide/", views.aide)`, `app.add_url_rule(..., view_func=aide)`, `Route("/", endpoint=aide)`."""
        index = web.REGISTRARS.get(qname or "")
        if index is None and not (self.web_module and isinstance(node.func, ast.Attribute)
                                  and node.func.attr in web.REGISTRAR_METHODS):
            return
        handler = next((k.value for k in node.keywords if k.arg in web.HANDLER_KEYWORDS), None)
        if handler is None:
            positional = [a for a in node.args if not isinstance(a, ast.Starred)]
            candidates = positional[index:index + 1] if index is not None else positional[1:]
            handler = next((p for p in candidates if isinstance(p, (ast.Name, ast.Attribute, ast.Call))), None)
        if isinstance(handler, ast.Call):
            if not (isinstance(handler.func, ast.Attribute) and handler.func.attr == "as_view"):
                return
            handler = handler.func.value
        targets = self._target(handler) if handler is not None else ()
        if targets:
            self.references.append((targets, self._code(node), node.lineno))

    # --- result ---------------------------------------------------------------------------
    def _result(self) -> tuple[RouteFunction, ...]:
        for det in self.detections:
            for fn in self.functions.values():
                if fn.line <= det.line <= fn.end and (not fn.ai_line or det.line < fn.ai_line):
                    fn.ai_line, fn.ai_evidence = det.line, det.evidence
        for key, label in self.handler_classes.items():
            self._expose([f"{key}.{m}" for m in web.HANDLER_METHODS], label)
        out: list[RouteFunction] = []
        for targets, label, line in self.references:
            target = next((t for t in targets if t in self.functions or t in self.class_keys or ":" in t), "")
            if target in self.class_keys:
                self._expose([f"{target}.{m}" for m in web.HANDLER_METHODS], label)
            elif ":" in target:
                out.append(RouteFunction(self.path, "", line, 1, handler=label, handler_line=line, exposes=target))
            else:
                self._expose([target], label)
        for fn in self.functions.values():
            calls = tuple(dict.fromkeys(
                key for candidates in fn.calls
                for key in [next((c for c in candidates if ":" in c or c in self.functions), None)]
                if key is not None and key != fn.key))
            if fn.handler or fn.ai_line or calls or self.every_function:
                out.append(RouteFunction(self.path, fn.key, fn.line, fn.column, fn.handler, fn.handler_line,
                                         fn.ai_line, fn.ai_evidence, calls, end_line=fn.end))
        return tuple(out)

    def _expose(self, keys: list[str], label: str) -> None:
        for key in keys:
            fn = self.functions.get(key)
            if fn is not None and not fn.handler:
                fn.handler, fn.handler_line = label, fn.line


def ai_detections(registry: Registry, detections: Sequence[Detection]) -> list[Detection]:
    """The detections that make a function call AI, for this analysis: not imports, manifests or
    settings, nor crowd-work platforms."""
    return [d for d in detections if d.kind not in ("import", "dependency", "config")
            and not is_crowd(registry, d.provider_hint)]


def with_detections(records: Sequence[RouteFunction], detections: Sequence[Detection],
                    registry: Registry) -> list[RouteFunction]:
    """Records analysed without their module's detections (route_links), given them afterwards: a
    function's first AI call is the earliest of its own and of the detections inside it, as
    RouteAnalyzer._result would have found with the detections at hand."""
    found = ai_detections(registry, detections)
    if not found:
        return list(records)
    out = []
    for fn in records:
        line, evidence = fn.ai_line, fn.ai_evidence
        for det in found:
            if fn.line <= det.line <= fn.end_line and (not line or det.line < line):
                line, evidence = det.line, det.evidence
        out.append(fn if line == fn.ai_line else replace(fn, ai_line=line, ai_evidence=evidence))
    return out
