"""The full pass over one Python module: imports, clients and their endpoints, raw HTTP calls,
model loads, LiteLLM model strings, and hard-coded AI endpoints.

Names are matched on their qualified names (aliases, `from x import y` and submodules resolved
from the module's imports), never on the text of the source; a comment, a docstring or a
variable named after a provider is never a usage.

It walks the stdlib `ast` tree: on a 1,550-line file libcst takes 0.14 s to parse, 0.26 s for
positions and 1.1 s for scopes and qualified names, against 0.02 s for `ast.parse`, and the
speed targets (a full scan within a few times ripgrep) leave no room for the former on every
file that uses AI. libcst stays for the web-route analysis (routes.py), on the few files that
define routes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.python.source import Source
from cadre_hooks.detect.python.values import (
    Evaluator,
    ImportResolver,
    Scope,
    Table,
    Unresolved,
    Value,
    assignments,
    dotted,
    module_scope,
)
from cadre_hooks.model import Detection, ModelRef
from cadre_hooks.registry.index import REGION_ARGS

HTTP_CALLS = frozenset(
    f"{mod}.{fn}"
    for mod, fns in {
        "requests": ("get", "post", "put", "patch", "delete", "request", "head", "options"),
        "requests.api": ("get", "post", "put", "patch", "delete", "request"),
        "httpx": ("get", "post", "put", "patch", "delete", "request", "stream", "Client", "AsyncClient"),
        "aiohttp": ("ClientSession", "request"),
        "urllib.request": ("urlopen", "Request"),
        "http.client": ("HTTPSConnection", "HTTPConnection"),
        "websockets": ("connect",),
        "websocket": ("create_connection",),
    }.items()
    for fn in fns
)
URL_ARGS = ("url", "base_url", "uri", "host")
MODEL_ARGS = ("model", "model_name", "modelId", "model_id", "engine", "deployment_name", "repo_id",
              "pretrained_model_name_or_path", "model_name_or_path")
BOTO3_FACTORIES = frozenset({"boto3.client", "boto3.resource", "boto3.session.Session.client",
                             "boto3.Session.client", "aioboto3.Session.client"})
DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "builtins.__import__"})
LANGCHAIN_LEGACY = ("langchain.", "langchain_community.")
# LangChain's provider-agnostic constructors, which route by a "provider:model" string.
LANGCHAIN_ROUTERS = frozenset({"init_chat_model", "init_embeddings"})
# Submodules that only hold data types or errors: importing them sends nothing anywhere.
PASSIVE_SUBMODULES = frozenset({"types", "_types", "type", "typing", "errors", "_exceptions", "exceptions"})
# Mock libraries register fake responses for an API: the URL they hold is a mention in a test.
MOCK_RECEIVERS = frozenset({"httpx_mock", "requests_mock", "respx_mock", "responses", "respx", "aioresponses",
                            "httpretty", "mock_router", "mocked", "rsps", "aresponses"})
MOCK_METHODS = frozenset({"add_response", "add_callback", "register_uri", "add_passthru", "add_exception"})


@dataclass
class _ImportGroup:
    """Names imported by one statement from the modules of one provider."""

    provider: str
    line: int
    column: int
    names: list[str]
    evidence: str
    statement_line: int
    uses: list[bool] = field(default_factory=list)  # per client built: True when it names its endpoint
    always: bool = False  # dynamic import: nothing to decide


@dataclass(frozen=True, slots=True)
class Owner:
    provider: str
    generic: bool
    single: bool  # a single-provider class (keeps its provider whatever the module)


class PythonAnalyzer:
    """Walks one module once; collects detections, model names and the names bound to AI clients."""

    def __init__(self, path: str, source: Source, tree: ast.Module, ctx: DetectContext,
                 resolve_import: ImportResolver | None) -> None:
        self.path = path
        self.source = source
        self.lines = source.text.splitlines()
        self.tree = tree
        self.registry = ctx.registry
        self.is_ai_url = ctx.is_ai_url
        self.scope = module_scope(tree)
        self.evaluator = Evaluator(resolve_import)
        self.detections: list[Detection] = []
        self.models: list[ModelRef] = []
        self.groups: list[_ImportGroup] = []
        self.strings: list[tuple[ast.Constant | ast.JoinedStr, int]] = []
        self.model_strings: list[tuple[ast.Constant, int]] = []  # "provider:model" candidates
        self.docstrings: set[int] = set()
        self.mentions: set[int] = set()
        self.uses_boto3 = False
        # Names bound to AI clients (`client = OpenAI(...)`, `self.llm = ChatMistralAI()`) -> provider hint
        self.ai_names: dict[str, str | None] = {}
        self.bound: dict[str, str] = {}  # local name -> qualified name, from the imports
        self._functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self._classes: list[ast.ClassDef] = []
        self._statement = 0
        self._tables: dict[int, Table] = {}
        self._shadows: dict[int, frozenset[str]] = {}

    # --- traversal -------------------------------------------------------------------------
    def run(self) -> None:
        self._collect_imports()
        self._note_docstring(self.tree)
        self._block(self.tree.body)
        self._finish()

    def _block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self._stmt(stmt)

    def _stmt(self, stmt: ast.stmt) -> None:
        self._statement = stmt.lineno
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in [*stmt.decorator_list, *stmt.args.defaults, *stmt.args.kw_defaults]:
                if node is not None:
                    self._expr(node)
            self._functions.append(stmt)
            self._note_docstring(stmt)
            self._block(stmt.body)
            self._functions.pop()
            return
        if isinstance(stmt, ast.ClassDef):
            for node in [*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)]:
                self._expr(node)
            self._classes.append(stmt)
            self._note_docstring(stmt)
            self._block(stmt.body)
            self._classes.pop()
            return
        if isinstance(stmt, ast.Import):
            self._import_stmt(stmt)
            return
        if isinstance(stmt, ast.ImportFrom):
            self._import_from(stmt)
            return
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
            self._bind_client(stmt)
        for name, value in ast.iter_fields(stmt):
            if isinstance(value, ast.expr):
                self._expr(value)
                self._statement = stmt.lineno
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.stmt):
                        self._stmt(item)
                    elif isinstance(item, ast.expr):
                        self._expr(item)
                        self._statement = stmt.lineno
                    elif isinstance(item, (ast.excepthandler, ast.match_case, ast.withitem, ast.keyword)):
                        self._generic(item)
                self._statement = stmt.lineno

    def _generic(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                self._stmt(child)
            elif isinstance(child, ast.expr):
                self._expr(child)
            else:
                self._generic(child)

    def _expr(self, root: ast.expr) -> None:
        stack: list[ast.AST] = [root]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.Constant):
                if isinstance(node.value, str) and ("." in node.value or "//" in node.value):
                    self.strings.append((node, self._statement))
                if isinstance(node.value, str) and ":" in node.value and self._routes_by_name():
                    self.model_strings.append((node, self._statement))
                continue
            elif isinstance(node, ast.JoinedStr):
                first = node.values[0] if node.values else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and "://" in first.value:
                    self.strings.append((node, self._statement))
            elif isinstance(node, ast.Lambda):
                pass
            stack.extend(reversed(list(ast.iter_child_nodes(node))))

    # --- helpers ---------------------------------------------------------------------------
    def _pos(self, node: ast.expr | ast.stmt) -> tuple[int, int]:
        line = node.lineno
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return line, node.col_offset + 1
        # ast columns count UTF-8 bytes; editors count characters.
        return line, len(text.encode("utf-8")[: node.col_offset].decode("utf-8", "replace")) + 1

    def _code(self, node: ast.AST, limit: int = 120) -> str:
        start: int = getattr(node, "lineno", 0)
        end: int = getattr(node, "end_lineno", None) or start
        col: int = getattr(node, "col_offset", 0)
        end_col: int | None = getattr(node, "end_col_offset", None)
        if not start or start > len(self.lines):
            return ""
        if start == end:
            raw = _cut(self.lines[start - 1], col, end_col)
        else:
            raw = " ".join([_cut(self.lines[start - 1], col, None), *self.lines[start:end - 1],
                            _cut(self.lines[end - 1], 0, end_col)])
        text = " ".join(raw.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def _note_docstring(self, node: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            self.docstrings.add(id(body[0].value))

    def _collect_imports(self) -> None:
        """Bind every imported name (function-level imports included) to its qualified name."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.bound[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        self.bound.setdefault(head, head)
                    if alias.name.split(".")[0] in ("boto3", "aioboto3"):
                        self.uses_boto3 = True
            elif isinstance(node, ast.ImportFrom):
                prefix = "." * node.level + (node.module or "")
                if (node.module or "").split(".")[0] in ("boto3", "aioboto3"):
                    self.uses_boto3 = True
                for alias in node.names:
                    if alias.name != "*":
                        joiner = "." if prefix and not prefix.endswith(".") else ""
                        self.bound[alias.asname or alias.name] = f"{prefix}{joiner}{alias.name}"

    def _routes_by_name(self) -> bool:
        """The module imports LangChain's init_chat_model: "provider:model" strings then name providers."""
        cached = getattr(self, "_router_imported", None)
        if cached is None:
            cached = any(q.startswith("langchain") and q.rsplit(".", 1)[-1] in LANGCHAIN_ROUTERS
                         for q in self.bound.values())
            self._router_imported = cached
        return cached

    def _shadowed(self) -> frozenset[str]:
        """Names the enclosing functions bind themselves (parameters, assignments): not the imports."""
        if not self._functions:
            return frozenset()
        key = id(self._functions[-1])
        cached = self._shadows.get(key)
        if cached is None:
            names: set[str] = set()
            for fn in self._functions:
                a = fn.args
                names.update(p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs))
                names.update(p.arg for p in (a.vararg, a.kwarg) if p is not None)
                names.update(n for n in self._table(fn) if not n.startswith("self."))
            cached = self._shadows[key] = frozenset(names)
        return cached

    def _qname(self, node: ast.expr) -> str | None:
        """The qualified name `node` refers to through the module's imports (None when none)."""
        name = dotted(node)
        if not name:
            return None
        head, _, rest = name.partition(".")
        if head in self._shadowed():
            return None
        target = self.bound.get(head)
        if target is None:
            return "builtins.__import__" if name == "__import__" else None
        return f"{target}.{rest}" if rest else target

    def _table(self, fn: ast.AST) -> Table:
        table = self._tables.get(id(fn))
        if table is None:
            table = assignments(fn)
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = fn.args
                positional = [*a.posonlyargs, *a.args]
                for param, default in zip(positional[len(positional) - len(a.defaults):], a.defaults):
                    table.setdefault(param.arg, []).insert(0, default)
                for param, kw_default in zip(a.kwonlyargs, a.kw_defaults):
                    if kw_default is not None:
                        table.setdefault(param.arg, []).insert(0, kw_default)
            self._tables[id(fn)] = table
        return table

    def _current_scope(self) -> Scope:
        function = self._table(self._functions[-1]) if self._functions else None
        klass = init = None
        if self._classes:
            cls = self._classes[-1]
            klass = self.scope.classes.get(cls.name) or self._table(cls)
            for stmt in cls.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__init__":
                    init = self._table(stmt)
        return Scope(self.scope.module_names, self.scope.imports, self.scope.classes, function, klass, init)

    def _evaluate(self, node: ast.expr) -> Value:
        return self.evaluator.evaluate(node, self._current_scope())

    def owner(self, qname: str) -> Owner | None:
        """Which provider a called or imported qualified name belongs to."""
        spec = self.registry.client(qname)
        module_provider = self.registry.module_provider(qname)
        if spec is not None:
            return Owner(spec.provider, spec.generic, single=not spec.generic and spec.provider != module_provider)
        if module_provider is not None:
            return Owner(module_provider, False, False)
        if qname.startswith(LANGCHAIN_LEGACY):
            pid = self.registry.langchain_class(qname.rsplit(".", 1)[-1])
            if pid is not None:
                return Owner(pid, pid == "openai", False)
        return None

    def _detect(self, node: ast.expr | ast.stmt, kind: str, evidence: str, **fields: object) -> None:
        line, column = self._pos(node)
        statement = self._statement if self._statement and self._statement <= line else line
        self.detections.append(Detection(path=self.path, line=line, column=column, kind=kind, evidence=evidence,
                                         statement_line=statement, **fields))  # type: ignore[arg-type]

    # --- imports -----------------------------------------------------------------------------
    def _import_stmt(self, node: ast.Import) -> None:
        for alias in node.names:
            self._import(node, [alias.name], self._code(node))

    def _import_from(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return  # the project's own modules
        module = node.module
        evidence = self._code(node)
        module_owner = self.owner(module)
        by_provider: dict[str, list[str]] = {}
        for alias in node.names:
            qname = module if alias.name == "*" else f"{module}.{alias.name}"
            owner = self.owner(qname)
            if owner is not None:
                by_provider.setdefault(module_owner.provider if module_owner else owner.provider, []).append(qname)
        for names in by_provider.values():
            self._import(node, names, evidence)

    def _import(self, node: ast.expr | ast.stmt, qnames: list[str], evidence: str, always: bool = False) -> None:
        owners = [(q, o) for q in qnames if not _passive(q) and (o := self.owner(q)) is not None]
        if not owners:
            return
        # An SDK import is its SDK's usage; a group holding only single-provider classes is theirs.
        plain = [o for _, o in owners if not o.single]
        provider = (plain or [owners[0][1]])[0].provider
        line, column = self._pos(node)
        self.groups.append(_ImportGroup(provider, line, column, [q for q, _ in owners], evidence,
                                        self._statement or line, always=always))

    def _group_of(self, qname: str) -> _ImportGroup | None:
        for group in self.groups:
            for name in group.names:
                if qname == name or qname.startswith(name + "."):
                    return group
        return None

    # --- calls -------------------------------------------------------------------------------
    def _bind_client(self, stmt: ast.Assign | ast.AnnAssign) -> None:
        call = stmt.value
        assert isinstance(call, ast.Call)
        provider = self._ai_call_provider(call)
        if provider is False:
            return
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for target in targets:
            name = dotted(target)
            if name:
                self.ai_names[name] = provider if isinstance(provider, str) else None

    def _ai_call_provider(self, call: ast.Call) -> str | None | bool:
        """The provider hint when `call` builds an AI client, None when AI of unknown provider, False otherwise."""
        qname = self._qname(call.func)
        if qname is None:
            return False
        owner = self.owner(qname)
        if owner is not None:
            return owner.provider
        if qname in BOTO3_FACTORIES and call.args:
            service = call.args[0]
            if isinstance(service, ast.Constant) and isinstance(service.value, str):
                found = self.registry.boto3_service(service.value)
                return found if found else False
        return False

    def _call(self, node: ast.Call) -> None:
        kwargs = {k.arg: k.value for k in node.keywords if k.arg is not None}
        positional = [a for a in node.args if not isinstance(a, ast.Starred)]
        self._model_refs(kwargs)
        if self._is_mock(node):
            for arg in [*positional, *kwargs.values()]:
                self.mentions.add(id(arg))
            return
        qname = self._qname(node.func)
        if qname is not None and self._dispatch(node, qname, kwargs, positional):
            return
        if self.uses_boto3 and isinstance(node.func, ast.Attribute) and node.func.attr in ("client", "resource"):
            self._boto3(node, kwargs, positional)

    def _is_mock(self, node: ast.Call) -> bool:
        name = dotted(node.func) or ""
        parts = name.split(".")
        return parts[-1] in MOCK_METHODS or (len(parts) > 1 and parts[0] in MOCK_RECEIVERS)

    def _dispatch(self, node: ast.Call, qname: str, kwargs: dict[str, ast.expr], positional: list[ast.expr]) -> bool:
        if qname in DYNAMIC_IMPORTS:
            target = positional[0] if positional else kwargs.get("name")
            if target is not None:
                value = self._evaluate(target)
                if isinstance(value, str):
                    before = len(self.groups)
                    self._import(node, [value], self._code(node), always=True)
                    return len(self.groups) > before
            return False
        if qname in BOTO3_FACTORIES:
            self._boto3(node, kwargs, positional)
            return True
        if qname.startswith("litellm."):
            self._litellm(node, kwargs, positional)
            return True
        if qname.startswith("langchain") and qname.rsplit(".", 1)[-1] in LANGCHAIN_ROUTERS:
            self._langchain_router(node, kwargs, positional)
            return True
        loader = self.registry.model_loader(qname)
        if loader is not None:
            self._model_load(node, qname, loader, kwargs, positional)
            return True
        owner = self.owner(qname)
        if owner is not None:
            if not _passive(qname):
                self._client(node, qname, owner, kwargs)
            return True
        if qname in HTTP_CALLS:
            self._http(node, kwargs, positional)
            return True
        return False

    def _client(self, node: ast.Call, qname: str, owner: Owner, kwargs: dict[str, ast.expr]) -> None:
        group = self._group_of(qname)
        endpoint_arg = next((k for k in kwargs if k in self.registry.endpoint_args), None)
        region_arg = next((k for k in kwargs if k in REGION_ARGS), None)
        region = None
        if region_arg is not None:
            value = self._evaluate(kwargs[region_arg])
            region = value if isinstance(value, str) else None
        evidence = self._code(node.func) + "(…)"
        if endpoint_arg is not None:
            value = self._evaluate(kwargs[endpoint_arg])
            at = kwargs[endpoint_arg]
            self._detect(at, "client", evidence + f" {endpoint_arg}={self._code(at, 80)}",
                         provider_hint=owner.provider, generic=owner.generic,
                         endpoint=value if isinstance(value, str) else None,
                         endpoint_env=value.env if isinstance(value, Unresolved) else None,
                         endpoint_unresolved=isinstance(value, Unresolved), region=region)
            decided = True
        elif owner.single:
            self._detect(node, "client", evidence, provider_hint=owner.provider, region=region)
            decided = True
        elif region_arg is not None and self.registry.providers[owner.provider].multi_region:
            self._detect(kwargs[region_arg], "client", evidence + f" {region_arg}={self._code(kwargs[region_arg], 60)}",
                         provider_hint=owner.provider, region=region)
            decided = True
        else:
            decided = False
        if group is not None:
            group.uses.append(decided)

    def _boto3(self, node: ast.Call, kwargs: dict[str, ast.expr], positional: list[ast.expr]) -> None:
        target = positional[0] if positional else kwargs.get("service_name")
        if target is None:
            return
        service = self._evaluate(target)
        if not isinstance(service, str):
            return
        provider = self.registry.boto3_service(service)
        if provider is None:
            return
        region_node = kwargs.get("region_name")
        region = self._evaluate(region_node) if region_node is not None else None
        endpoint_node = kwargs.get("endpoint_url")
        endpoint = self._evaluate(endpoint_node) if endpoint_node is not None else None
        self._detect(node, "client", self._code(node), provider_hint=provider,
                     region=region if isinstance(region, str) else None,
                     endpoint=endpoint if isinstance(endpoint, str) else None)

    def _litellm(self, node: ast.Call, kwargs: dict[str, ast.expr], positional: list[ast.expr]) -> None:
        targets: list[ast.expr] = []
        if "model" in kwargs:
            targets.append(kwargs["model"])
        elif positional and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "completion", "acompletion", "embedding", "aembedding", "text_completion", "image_generation",
                "transcription", "speech", "responses", "aresponses"):
            targets.append(positional[0])
        for arg in [*positional, *kwargs.values()]:  # Router(model_list=[{"litellm_params": {"model": ...}}])
            targets.extend(_dict_values(arg, "model"))
        api_base = kwargs.get("api_base") or kwargs.get("base_url")
        endpoint = self._evaluate(api_base) if api_base is not None else None
        for target in targets:
            value = self._evaluate(target)
            if isinstance(value, str):
                provider = self.registry.litellm(value)
                if provider is None and endpoint is None:
                    continue
                self._detect(target, "client", f"litellm model {value!r}", provider_hint=provider, model=value,
                             endpoint=endpoint if isinstance(endpoint, str) else None,
                             generic=isinstance(endpoint, str))
                line, column = self._pos(target)
                self.models.append(ModelRef(self.path, line, column, value, self._statement or line))
            else:
                self._detect(target, "client", f"litellm model {self._code(target, 60)}",
                             endpoint_unresolved=True, endpoint_env=value.env, generic=True)

    def _langchain_router(self, node: ast.Call, kwargs: dict[str, ast.expr], positional: list[ast.expr]) -> None:
        target = positional[0] if positional else kwargs.get("model")
        provider_node = kwargs.get("model_provider")
        hint = self._evaluate(provider_node) if provider_node is not None else None
        value = self._evaluate(target) if target is not None else Unresolved()
        if isinstance(value, str):
            provider = self.registry.langchain_model(value, hint if isinstance(hint, str) else None) \
                or self.registry.model_provider(value.split(":", 1)[-1])
            self._detect(target or node, "client", f"init_chat_model({value!r})", provider_hint=provider,
                         model=value, endpoint_unresolved=provider is None, generic=provider is None)
        elif isinstance(hint, str) and self.registry.langchain_model("", hint):
            self._detect(node, "client", f"init_chat_model(model_provider={hint!r})",
                         provider_hint=self.registry.langchain_model("", hint))
        else:
            self._detect(node, "client", f"init_chat_model({self._code(target, 60) if target else ''})",
                         endpoint_unresolved=True, generic=True,
                         endpoint_env=value.env if isinstance(value, Unresolved) else None)

    def _model_load(self, node: ast.Call, qname: str, provider: str, kwargs: dict[str, ast.expr],
                    positional: list[ast.expr]) -> None:
        target = positional[0] if positional else next((kwargs[k] for k in MODEL_ARGS if k in kwargs), None)
        model = None
        if target is not None:
            value = self._evaluate(target)
            model = value if isinstance(value, str) else None
        evidence = self._code(node.func) + (f"({model!r})" if model else "(…)")
        self._detect(node, "model", evidence, provider_hint=provider, model=model)
        group = self._group_of(qname)
        if group is not None:
            group.uses.append(False)

    def _http(self, node: ast.Call, kwargs: dict[str, ast.expr], positional: list[ast.expr]) -> None:
        target = positional[0] if positional else next((kwargs[k] for k in URL_ARGS if k in kwargs), None)
        if target is None:
            return
        value = self._evaluate(target)
        if isinstance(value, str) and self.is_ai_url(value):
            self._detect(target, "endpoint", f"{self._code(node.func)}({value})", endpoint=value, generic=True)

    def _model_refs(self, kwargs: dict[str, ast.expr]) -> None:
        for key in MODEL_ARGS:
            node = kwargs.get(key)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
                line, column = self._pos(node)
                self.models.append(ModelRef(self.path, line, column, node.value, self._statement or line))

    # --- results -----------------------------------------------------------------------------
    def _finish(self) -> None:
        for node, statement in self.strings:
            if id(node) in self.evaluator.consumed or id(node) in self.docstrings or id(node) in self.mentions:
                continue
            if isinstance(node, ast.Constant):
                value = node.value
            else:
                first = node.values[0]
                value = first.value if isinstance(first, ast.Constant) else ""
            if isinstance(value, str) and self.is_ai_url(value):
                line, column = self._pos(node)
                self.detections.append(Detection(self.path, line, column, "endpoint", f"hard-coded endpoint {value}",
                                                 endpoint=value, generic=True,
                                                 statement_line=statement if 0 < statement <= line else line))
        for node, statement in self.model_strings:
            if id(node) in self.evaluator.consumed or id(node) in self.docstrings:
                continue
            value = node.value
            if not isinstance(value, str) or " " in value:
                continue
            provider = self.registry.langchain_model(value)
            if provider is not None:
                line, column = self._pos(node)
                self.detections.append(Detection(self.path, line, column, "client", f"langchain model {value!r}",
                                                 provider_hint=provider, model=value,
                                                 statement_line=statement if 0 < statement <= line else line))
        for group in self.groups:
            if group.always or not group.uses or not all(group.uses):
                self.detections.append(Detection(
                    self.path, group.line, group.column, "import", group.evidence, provider_hint=group.provider,
                    statement_line=group.statement_line))


def _cut(line: str, start: int, end: int | None) -> str:
    """A slice of `line` by UTF-8 byte offsets (what `ast` positions count)."""
    if line.isascii():
        return line[start:end]
    return line.encode("utf-8")[start:end].decode("utf-8", "replace")


def _passive(qname: str) -> bool:
    """`openai.types.chat.ChatCompletion`, `openai.APIError`: a data type or an error, not a way to send data."""
    parts = qname.split(".")
    return parts[-1].endswith(("Error", "Exception", "Warning")) or any(p in PASSIVE_SUBMODULES for p in parts[1:])


def _dict_values(node: ast.expr, key: str) -> Iterator[ast.expr]:
    """Values of `key` in dict literals nested anywhere in `node`."""
    if not isinstance(node, (ast.List, ast.Dict, ast.Tuple)):
        return
    for child in ast.walk(node):
        if isinstance(child, ast.Dict):
            for k, v in zip(child.keys, child.values):
                if isinstance(k, ast.Constant) and k.value == key:
                    yield v
