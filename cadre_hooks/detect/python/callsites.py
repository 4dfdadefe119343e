"""Call sites: every call that sends data through an AI client, with what it sends and which model.

While the module is walked, each client construction leaves a `ClientInfo` (what its detection
says: provider, endpoint, region, model) and each call shaped like a registered operation
(`x.chat.completions.create`, `x.ocr.process`, `x.invoke_model`, `session.post`) is kept as a
candidate. Once the whole module is known, a candidate's receiver is followed where a reader would
follow it: local and module assignments, `with ... as x`, `self.x` set in any method, the values a
factory function returns, a parameter annotated with the SDK's client class, and names imported
from the project's own modules (analysed on demand, see deep.py). The call is a usage of kind
`call` of its client's provider (the openai SDK pointed at Mistral: Mistral), with the operation
and the model-argument name read from the registry (`python.operations` in the provider files,
rules/operations.toml for LangChain, LlamaIndex and HTTP paths).
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cadre_hooks.detect.python.state import ModuleState
from cadre_hooks.detect.python.names import named_words
from cadre_hooks.detect.python.values import Evaluator, Scope, Unresolved, Value, dotted
from cadre_hooks.model import Detection
from cadre_hooks.relevance import HTTP_VERBS as HTTP_VERBS  # one list for the call sites and the quick filter

MAX_DEPTH = 8
SESSION_CLASSES = frozenset({"requests.Session", "requests.session", "requests.sessions.Session", "httpx.Client",
                             "httpx.AsyncClient", "aiohttp.ClientSession"})


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """What calls on a client inherit from its construction."""

    key: str  # qualified class ("openai.OpenAI"), "boto3:<service>" or the HTTP session class
    template: Detection  # provider hint, endpoint, region, model... of the construction
    http: bool = False  # an HTTP session: its calls carry AI traffic only to an AI URL
    base_url: str | None = None  # an HTTP session's base URL, joined to relative paths


# (module, name, relative level, depth) -> the client that name is bound to in that module of the project
ClientResolver = Callable[[str, str, int, int], "ClientInfo | None"]


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a name is looked up: the enclosing functions (outermost first) and class."""

    functions: tuple[ast.FunctionDef | ast.AsyncFunctionDef, ...] = ()
    klass: ast.ClassDef | None = None


@dataclass(frozen=True, slots=True)
class _Candidate:
    node: ast.Call
    bases: tuple[tuple[ast.expr, str], ...]  # (receiver, method path), longest path first
    scope: Scope
    where: _Where
    statement: int


class CallSites(ModuleState):
    """Collects client constructions and operation-shaped calls, then resolves them to call usages."""

    resolve_client: ClientResolver | None = None
    exports_only = False  # another module analysed for its clients: its own call sites are not needed

    def _call_sites_init(self) -> None:
        self.client_infos: dict[int, ClientInfo] = {}
        self._attribute_memo: dict[tuple[int, str], ClientInfo | None] = {}
        self._exported_memo: dict[str, ClientInfo | None] = {}
        self._candidates: list[_Candidate] = []
        self._http_candidates: list[_Candidate] = []

    # --- while walking ----------------------------------------------------------------
    def _record_client(self, node: ast.Call, key: str, template: Detection, http: bool = False,
                       base_url: str | None = None) -> None:
        self.client_infos[id(node)] = ClientInfo(key, template, http, base_url)

    def _template(self, node: ast.expr, provider: str | None, **fields: object) -> Detection:
        line, column = self._pos(node)
        return Detection(path=self.path, line=line, column=column, kind="client", evidence="",
                         provider_hint=provider, **fields)  # type: ignore[arg-type]

    def _candidate(self, node: ast.Call) -> None:
        """Keep `node` when some tail of its attribute chain is a registered operation or an HTTP verb."""
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        attrs: list[str] = []
        receivers: list[ast.expr] = []
        current: ast.expr = func
        while isinstance(current, ast.Attribute) and len(attrs) < 8:
            attrs.append(current.attr)
            current = current.value
            receivers.append(current)
        attrs.reverse()
        receivers.reverse()  # receivers[i] is the receiver of the path attrs[i:]
        bases = []
        for i in range(len(attrs)):
            path = ".".join(attrs[i:])
            if self.registry.is_operation_path(path):
                bases.append((receivers[i], path))
        where = _Where(tuple(self._functions), self._classes[-1] if self._classes else None)
        if bases:
            self._candidates.append(_Candidate(node, tuple(bases), self._current_scope(), where, self._statement))
        elif attrs[-1] in HTTP_VERBS and (node.args or node.keywords):
            self._http_candidates.append(_Candidate(node, ((receivers[-1], attrs[-1]),), self._current_scope(),
                                                    where, self._statement))

    def _unresolved_fields(self, at: ast.expr, value: Value, ignore: str | None) -> dict[str, object]:
        """An endpoint that cannot be evaluated: the environment variable it comes from, and the one
        provider its names name, if any (`settings.albert_api_url`)."""
        if not isinstance(value, Unresolved):
            return {}
        fields: dict[str, object] = {"endpoint_env": value.env, "endpoint_unresolved": True}
        named: set[str] = set()
        for words in named_words(at, value.env):
            named |= self.registry.named_providers(words, ignore)
        if len(named) == 1:
            fields.update(named_provider=named.pop(), named_by=value.env or self._code(at, 60))
        return fields

    # --- once the module is known -------------------------------------------------------
    def _finish_call_sites(self) -> None:
        if self.exports_only:
            return
        for cand in self._candidates:
            for base, path in cand.bases:
                info = self.client_of(base, cand.where, 0)
                if info is None:
                    continue
                spec = self.registry.operation(info.key, path)
                if spec is None:
                    continue
                model = self._call_model(cand, spec.model_arg, spec.model_position) or info.template.model
                self._emit(cand, info.template, spec.operation, model, f"{self._code(cand.node.func)}(…)")
                break
        for cand in self._http_candidates:
            base, verb = cand.bases[0]
            info = self.client_of(base, cand.where, 0)
            if info is not None and info.http:
                self._session_call(cand, info)

    def _emit(self, cand: _Candidate, template: Detection, operation: str, model: str | None, evidence: str,
              **fields: object) -> None:
        line, column = self._pos(cand.node)
        statement = cand.statement if 0 < cand.statement <= line else line
        self.detections.append(dataclasses.replace(
            template, path=self.path, line=line, column=column, kind="call", evidence=evidence, operation=operation,
            model=model, statement_line=statement, **fields))  # type: ignore[arg-type]

    def _call_model(self, cand: _Candidate, arg: str, position: int | None) -> str | None:
        node = next((k.value for k in cand.node.keywords if k.arg == arg), None)
        if node is None and position is not None and len(cand.node.args) > position:
            node = cand.node.args[position]
        if node is None:
            return None
        value = self.evaluator.evaluate(node, cand.scope)
        return value if isinstance(value, str) and value else None

    def _session_call(self, cand: _Candidate, info: ClientInfo) -> None:
        node = cand.node
        target = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "url"), None)
        if target is None:
            return
        if isinstance(node.func, ast.Attribute) and node.func.attr == "request" and len(node.args) > 1:
            target = node.args[1]
        value = self.evaluator.evaluate(target, cand.scope)
        evidence = f"{self._code(node.func)}({self._code(target, 60)})"
        if isinstance(value, str):
            url = value if "://" in value or info.base_url is None else join_url(info.base_url, value)
            operation = self.registry.http_operation(url)
            if "://" in url and self.is_ai_url(url):
                self._emit(cand, info.template, operation or "other", None, evidence, endpoint=url, generic=True,
                           endpoint_unresolved=False, named_provider=None, named_by=None)
            elif info.template.named_provider and operation:  # base URL named after a provider, AI path
                self._emit(cand, info.template, operation, None, evidence)

    # --- following a receiver to its construction --------------------------------------
    def client_of(self, expr: ast.expr, where: _Where, depth: int) -> ClientInfo | None:
        """The client `expr` evaluates to, followed through bindings, factories and imports."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(expr, ast.Await):
            expr = expr.value
        if isinstance(expr, ast.Call):
            info = self.client_infos.get(id(expr))
            if info is None and isinstance(expr.func, ast.Name):
                klass = self._module_class(expr.func.id)
                if klass is not None:
                    return self._subclass_client(klass)
            return info if info is not None else self._factory(expr.func, where, depth + 1)
        if isinstance(expr, ast.Name):
            if expr.id == "self" and where.klass is not None:
                return self._subclass_client(where.klass)  # `self.post(...)` in a session subclass
            return self._name_client(expr.id, where, depth + 1)
        if isinstance(expr, ast.Attribute):
            if isinstance(expr.value, ast.Name) and expr.value.id in ("self", "cls"):
                return self._attribute_client(where.klass, expr.attr, depth + 1) if where.klass else None
            if isinstance(expr.value, ast.Name) and expr.value.id in self.scope.imports and self.resolve_client:
                module, imported, level = self.scope.imports[expr.value.id]
                target = f"{module}.{imported}" if module and imported else (module or imported)
                return self.resolve_client(target, expr.attr, level, depth + 1)
            return None
        if isinstance(expr, ast.IfExp):
            return self.client_of(expr.body, where, depth + 1) or self.client_of(expr.orelse, where, depth + 1)
        if isinstance(expr, ast.BoolOp):
            for value in expr.values:
                info = self.client_of(value, where, depth + 1)
                if info is not None:
                    return info
        return None

    def exported_client(self, name: str, depth: int) -> ClientInfo | None:
        """The client a module-level name of this module stands for (a global, or a factory's result)."""
        if name not in self._exported_memo:
            self._exported_memo[name] = None  # a cycle finds nothing
            self._exported_memo[name] = self._exported(name, depth)
        return self._exported_memo[name]

    def _exported(self, name: str, depth: int) -> ClientInfo | None:
        function = self._module_function(name)
        if function is not None:
            return self._returns(function, _Where(), depth + 1)
        return self._name_client(name, _Where(), depth + 1)

    def _first(self, values: list[ast.expr], where: _Where, depth: int) -> ClientInfo | None:
        for value in values:
            info = self.client_of(value, where, depth)
            if info is not None:
                return info
        return None

    def _name_client(self, name: str, where: _Where, depth: int) -> ClientInfo | None:
        functions = where.functions
        for index in range(len(functions) - 1, -1, -1):
            fn = functions[index]
            inner = _Where(functions[: index + 1], where.klass)
            table = self._table(fn)
            if name in table:
                return self._first(table[name], inner, depth)
            param = _parameter(fn, name)
            if param is not None:
                return self._annotated(param.annotation) if param.annotation is not None else None
        if name in self.scope.module_names:
            return self._first(self.scope.module_names[name], _Where(), depth)
        if name in self.scope.imports and self.resolve_client is not None:
            module, imported, level = self.scope.imports[name]
            if imported:
                return self.resolve_client(module, imported, level, depth + 1)
        return None

    def _attribute_client(self, klass: ast.ClassDef, attr: str, depth: int) -> ClientInfo | None:
        key = (id(klass), attr)
        if key not in self._attribute_memo:
            self._attribute_memo[key] = None  # `self.a = self.b; self.b = self.a` finds nothing
            self._attribute_memo[key] = self._find_attribute_client(klass, attr, depth)
        return self._attribute_memo[key]

    def _find_attribute_client(self, klass: ast.ClassDef, attr: str, depth: int) -> ClientInfo | None:
        for stmt in klass.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                values = self._table(stmt).get("self." + attr)
                if values:
                    info = self._first(values, _Where((stmt,), klass), depth)
                    if info is not None:
                        return info
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr:
                if stmt.value is not None:
                    info = self.client_of(stmt.value, _Where((), klass), depth)
                    if info is not None:
                        return info
                return self._annotated(stmt.annotation)
            elif isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == attr for t in stmt.targets):
                return self.client_of(stmt.value, _Where((), klass), depth)
        return None

    def _factory(self, func: ast.expr, where: _Where, depth: int) -> ClientInfo | None:
        """The client a call to a function of the project returns (`make_client()`, `self._client()`)."""
        if isinstance(func, ast.Name):
            for fn in reversed(where.functions):
                nested = next((s for s in fn.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                               and s.name == func.id), None)
                if nested is not None:
                    return self._returns(nested, _Where((*where.functions, nested), where.klass), depth)
            function = self._module_function(func.id)
            if function is not None:
                return self._returns(function, _Where((function,)), depth)
            if func.id in self.scope.imports and self.resolve_client is not None:
                module, imported, level = self.scope.imports[func.id]
                if imported:
                    return self.resolve_client(module, imported, level, depth + 1)
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id in ("self", "cls") and where.klass is not None:
                method = next((s for s in where.klass.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                               and s.name == func.attr), None)
                return self._returns(method, _Where((method,), where.klass), depth) if method else None
            if func.value.id in self.scope.imports and self.resolve_client is not None:
                module, imported, level = self.scope.imports[func.value.id]
                target = f"{module}.{imported}" if module and imported else (module or imported)
                return self.resolve_client(target, func.attr, level, depth + 1)
        return None

    def _returns(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, where: _Where, depth: int) -> ClientInfo | None:
        for value in _returned(fn):
            info = self.client_of(value, where, depth + 1)
            if info is not None:
                return info
        return self._annotated(fn.returns) if fn.returns is not None else None

    def _module_class(self, name: str) -> ast.ClassDef | None:
        for stmt in self.tree.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == name:
                return stmt
        return None

    def _subclass_client(self, klass: ast.ClassDef) -> ClientInfo | None:
        """A class of the module that extends an HTTP session (`class Albert(httpx.Client)`): its base
        URL is the `base_url=` its `__init__` gives `super().__init__`, or its `base_url` attribute."""
        session = next((q for q in (self._qname(b) for b in klass.bases) if q in SESSION_CLASSES), None)
        if session is None:
            return None
        base: ast.expr | None = None
        scope = Scope(self.scope.module_names, self.scope.imports, self.scope.classes, klass=self._table(klass))
        for stmt in klass.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__init__":
                for node in ast.walk(stmt):
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                            and node.func.attr == "__init__":
                        base = next((k.value for k in node.keywords if k.arg == "base_url"), base)
                scope = Scope(self.scope.module_names, self.scope.imports, self.scope.classes,
                              function=self._table(stmt), klass=self._table(klass))
        if base is None and "base_url" in self._table(klass):
            base = self._table(klass)["base_url"][-1]
        if base is None:
            return ClientInfo(session, self._template(klass.bases[0], None, generic=True), http=True)
        value = Evaluator(self.evaluator.resolve_import).evaluate(base, scope)  # the literal stays an endpoint
        if isinstance(value, str):
            template = self._template(base, None, generic=True, endpoint=value if self.is_ai_url(value) else None)
            return ClientInfo(session, template, http=True, base_url=value)
        fields = self._unresolved_fields(base, value, None)
        return ClientInfo(session, self._template(base, None, generic=True, **fields), http=True)

    def _module_function(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                return stmt
        return None

    def _annotated(self, annotation: ast.expr) -> ClientInfo | None:
        """A parameter or attribute annotated with an SDK's client class (`client: OpenAI`): a client of
        that SDK. Its endpoint is the one every client of that class built in this module agrees on;
        none or several: the SDK's own provider, as its import would say."""
        node = _unwrap(annotation)
        qname = self._qname(node) if node is not None else None
        if qname is None:
            return None
        spec = self.registry.client(qname)
        owner = self.owner(qname)
        if owner is None or (spec is None and self.registry.langchain_class(qname.rsplit(".", 1)[-1]) is None):
            return None
        built = {info.template for info in self.client_infos.values() if info.key == qname}
        endpoints = {(t.endpoint, t.endpoint_env, t.endpoint_unresolved, t.named_provider) for t in built}
        if len(endpoints) == 1:
            template = next(iter(built))
            return ClientInfo(qname, dataclasses.replace(template, model=None))
        return ClientInfo(qname, self._template(annotation, owner.provider))


def may_hold_client(tree: ast.Module, scope: Scope, name: str) -> bool:
    """Can the module-level `name` of this module be an AI client? A cheap look before analysing the
    module: a function that returns something, a name bound to a call that does not build one of the
    module's own classes, to another name, or imported from elsewhere."""
    own_classes = {s.name for s in tree.body if isinstance(s, ast.ClassDef)}
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
            return any(not isinstance(v, ast.Constant) for v in _returned(stmt)) or stmt.returns is not None
    if name in scope.imports:
        return True
    for value in scope.module_names.get(name, ()):
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call):
            if (dotted(value.func) or "").split(".")[0] not in own_classes:
                return True
        elif isinstance(value, (ast.Name, ast.Attribute, ast.IfExp, ast.BoolOp)):
            return True
    return False


def join_url(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path.lstrip("/") if path else base


def _parameter(fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.arg | None:
    a = fn.args
    for param in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg):
        if param is not None and param.arg == name:
            return param
    return None


def _unwrap(node: ast.expr) -> ast.expr | None:
    """`OpenAI`, `Optional[OpenAI]`, `OpenAI | None`, `"OpenAI"` -> the class expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.Subscript) and dotted(node.value) in ("Optional", "typing.Optional", "t.Optional"):
        return _unwrap(node.slice)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        for side in (node.left, node.right):
            if not (isinstance(side, ast.Constant) and side.value is None):
                return _unwrap(side)
    return node if isinstance(node, (ast.Name, ast.Attribute)) else None


def _returned(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.expr]:
    """The values of the `return` statements of `fn` itself (not of nested functions)."""
    stack: list[ast.stmt] = list(reversed(fn.body))
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            yield stmt.value
        for field in ("body", "orelse", "finalbody"):
            stack.extend(reversed(getattr(stmt, field, None) or []))
        for handler in getattr(stmt, "handlers", None) or []:
            stack.extend(reversed(handler.body))
        if isinstance(stmt, ast.Match):
            for case in stmt.cases:
                stack.extend(reversed(case.body))

