"""The libcst pass over one Python module: imports, clients and their endpoints, raw HTTP calls,
model loads, LiteLLM model strings, and hard-coded AI endpoints.

Names are matched on their qualified names (aliases, `from x import y` and submodules resolved
by libcst), never on the text of the source; a comment, a docstring or a variable named
after a provider is never a usage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import PositionProvider, QualifiedName, QualifiedNameProvider, QualifiedNameSource

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.python.source import Source
from cadre_hooks.detect.python.values import (
    Evaluator,
    ImportResolver,
    Scope,
    Unresolved,
    Value,
    assignments,
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
DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "builtins.__import__", "__import__"})
LANGCHAIN_LEGACY = ("langchain.", "langchain_community.")


@dataclass
class _ImportGroup:
    """Names imported by one statement from the modules of one provider."""

    provider: str
    line: int
    column: int
    names: list[str]
    evidence: str
    uses: list[bool] = field(default_factory=list)  # per client built: True when it names its endpoint
    always: bool = False  # dynamic import: nothing to decide


@dataclass(frozen=True, slots=True)
class Owner:
    provider: str
    generic: bool
    single: bool  # a single-provider class (keeps its provider whatever the module)


class PythonAnalyzer(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (QualifiedNameProvider, PositionProvider)

    def __init__(self, path: str, source: Source, module: cst.Module, ctx: DetectContext,
                 resolve_import: ImportResolver | None) -> None:
        super().__init__()
        self.path = path
        self.source = source
        self.module = module
        self.registry = ctx.registry
        self.is_ai_url = ctx.is_ai_url
        self.scope = module_scope(module)
        self.evaluator = Evaluator(resolve_import)
        self.detections: list[Detection] = []
        self.models: list[ModelRef] = []
        self.groups: list[_ImportGroup] = []
        self.functions: list[cst.FunctionDef] = []
        self.classes: list[cst.ClassDef] = []
        self.strings: list[tuple[cst.BaseExpression, int, int]] = []
        self.docstrings: set[int] = set()
        self.uses_boto3 = False
        self._function_tables: dict[int, dict[str, list[cst.BaseExpression]]] = {}
        # Names bound to AI clients (`client = OpenAI(...)`, `self.llm = ChatMistralAI()`) -> provider hint
        self.ai_names: dict[str, str | None] = {}

    # --- helpers ---------------------------------------------------------------------
    def _pos(self, node: cst.CSTNode) -> tuple[int, int]:
        pos = self.get_metadata(PositionProvider, node).start
        return pos.line, pos.column + 1

    def _qnames(self, node: cst.CSTNode) -> list[str]:
        names: set[QualifiedName] = self.get_metadata(QualifiedNameProvider, node, set())  # type: ignore[arg-type]
        return sorted(q.name for q in names
                      if q.source in (QualifiedNameSource.IMPORT, QualifiedNameSource.BUILTIN))

    def _code(self, node: cst.CSTNode, limit: int = 120) -> str:
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def _current_scope(self) -> Scope:
        function = None
        if self.functions:
            fn = self.functions[-1]
            table = self._function_tables.get(id(fn))
            if table is None:
                table = assignments(fn)
                for param in (*fn.params.params, *fn.params.kwonly_params):
                    if param.default is not None:
                        table.setdefault(param.name.value, []).insert(0, param.default)
                self._function_tables[id(fn)] = table
            function = table
        klass = init = None
        if self.classes:
            name = self.classes[-1].name.value
            klass = self.scope.classes.get(name) or assignments(self.classes[-1])
            for stmt in self.classes[-1].body.body:
                if isinstance(stmt, cst.FunctionDef) and stmt.name.value == "__init__":
                    init = self._function_tables.get(id(stmt)) or assignments(stmt)
        return Scope(self.scope.module_names, self.scope.imports, self.scope.classes, function, klass, init)

    def _evaluate(self, node: cst.BaseExpression) -> Value:
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

    def _detect(self, node: cst.CSTNode, kind: str, evidence: str, **fields: object) -> None:
        line, column = self._pos(node)
        self.detections.append(Detection(path=self.path, line=line, column=column, kind=kind, evidence=evidence,
                                         statement_line=self.source.statement_line(line), **fields))  # type: ignore[arg-type]

    # --- structure ---------------------------------------------------------------------
    def _note_docstring(self, body: cst.BaseSuite | cst.Module) -> None:
        stmts = body.body if isinstance(body, (cst.Module, cst.IndentedBlock)) else ()
        if stmts and isinstance(stmts[0], cst.SimpleStatementLine) and stmts[0].body:
            first = stmts[0].body[0]
            if isinstance(first, cst.Expr) and isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
                self.docstrings.add(id(first.value))

    def visit_Module(self, node: cst.Module) -> None:
        self._note_docstring(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node)
        self._note_docstring(node.body)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node)
        self._note_docstring(node.body)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    # --- imports -----------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            if name in ("boto3", "aioboto3") or name.startswith("boto3."):
                self.uses_boto3 = True
            self._import(node, [name], self._code(node))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return  # the project's own modules
        module = get_full_name_for_node(node.module) or ""
        if module.split(".")[0] in ("boto3", "aioboto3"):
            self.uses_boto3 = True
        evidence = self._code(node)
        if isinstance(node.names, cst.ImportStar):
            self._import(node, [module], evidence)
            return
        module_owner = self.owner(module)
        by_provider: dict[str, tuple[cst.CSTNode, list[str]]] = {}
        for alias in node.names:
            qname = f"{module}.{get_full_name_for_node(alias.name)}"
            owner = self.owner(qname)
            if owner is None:
                continue
            key = module_owner.provider if module_owner else owner.provider
            by_provider.setdefault(key, (alias, []))[1].append(qname)
        for _, (_, names) in by_provider.items():
            self._import(node, names, evidence)

    def _import(self, node: cst.CSTNode, qnames: list[str], evidence: str, always: bool = False) -> None:
        owners = [(q, o) for q in qnames if (o := self.owner(q)) is not None]
        if not owners:
            return
        # An SDK import is its SDK's usage; a group holding only single-provider classes is theirs.
        plain = [o for _, o in owners if not o.single]
        provider = (plain or [owners[0][1]])[0].provider
        line, column = self._pos(node)
        self.groups.append(_ImportGroup(provider, line, column, [q for q, _ in owners], evidence, always=always))

    def _group_of(self, qname: str) -> _ImportGroup | None:
        for group in self.groups:
            for name in group.names:
                if qname == name or qname.startswith(name + "."):
                    return group
        return None

    # --- calls -------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        if not isinstance(node.value, cst.Call):
            return
        provider = self._ai_call_provider(node.value)
        if provider is False:
            return
        for target in node.targets:
            name = get_full_name_for_node(target.target)
            if name:
                self.ai_names[name] = provider if isinstance(provider, str) else None

    def _ai_call_provider(self, call: cst.Call) -> str | None | bool:
        """The provider hint when `call` builds an AI client, None when AI of unknown provider, False otherwise."""
        for qname in self._qnames(call.func):
            owner = self.owner(qname)
            if owner is not None:
                return owner.provider
            if qname in BOTO3_FACTORIES and call.args:
                service = call.args[0].value
                if isinstance(service, cst.SimpleString) and isinstance(service.evaluated_value, str):
                    found = self.registry.boto3_service(service.evaluated_value)
                    return found if found else False
        return False

    def visit_Call(self, node: cst.Call) -> None:
        kwargs = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        self._model_refs(kwargs)
        for qname in self._qnames(node.func):
            if self._call(node, qname, kwargs, positional):
                return
        if self.uses_boto3 and isinstance(node.func, cst.Attribute) and node.func.attr.value in ("client", "resource"):
            self._boto3(node, kwargs, positional)

    def _call(self, node: cst.Call, qname: str, kwargs: dict[str, cst.BaseExpression],
              positional: list[cst.BaseExpression]) -> bool:
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
        loader = self.registry.model_loader(qname)
        if loader is not None:
            self._model_load(node, loader, kwargs, positional)
            return True
        owner = self.owner(qname)
        if owner is not None:
            self._client(node, qname, owner, kwargs)
            return True
        if qname in HTTP_CALLS:
            self._http(node, kwargs, positional)
            return True
        return False

    def _client(self, node: cst.Call, qname: str, owner: Owner, kwargs: dict[str, cst.BaseExpression]) -> None:
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

    def _boto3(self, node: cst.Call, kwargs: dict[str, cst.BaseExpression],
               positional: list[cst.BaseExpression]) -> None:
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

    def _litellm(self, node: cst.Call, kwargs: dict[str, cst.BaseExpression],
                 positional: list[cst.BaseExpression]) -> None:
        targets: list[cst.BaseExpression] = []
        if "model" in kwargs:
            targets.append(kwargs["model"])
        elif positional and isinstance(node.func, cst.Attribute) and node.func.attr.value in (
                "completion", "acompletion", "embedding", "aembedding", "text_completion", "image_generation",
                "transcription", "speech", "responses", "aresponses"):
            targets.append(positional[0])
        for arg in node.args:  # Router(model_list=[{"litellm_params": {"model": ...}}])
            for element in _dict_values(arg.value, "model"):
                targets.append(element)
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
                self.models.append(ModelRef(self.path, line, column, value, self.source.statement_line(line)))
            else:
                self._detect(target, "client", f"litellm model {self._code(target, 60)}",
                             endpoint_unresolved=True, endpoint_env=value.env, generic=True)

    def _model_load(self, node: cst.Call, provider: str, kwargs: dict[str, cst.BaseExpression],
                    positional: list[cst.BaseExpression]) -> None:
        target = positional[0] if positional else next((kwargs[k] for k in MODEL_ARGS if k in kwargs), None)
        model = None
        if target is not None:
            value = self._evaluate(target)
            model = value if isinstance(value, str) else None
        evidence = self._code(node.func) + (f"({model!r})" if model else "(…)")
        self._detect(node, "model", evidence, provider_hint=provider, model=model)
        group = self._group_of(self._qnames(node.func)[0]) if self._qnames(node.func) else None
        if group is not None:
            group.uses.append(False)

    def _http(self, node: cst.Call, kwargs: dict[str, cst.BaseExpression],
              positional: list[cst.BaseExpression]) -> None:
        target = positional[0] if positional else next((kwargs[k] for k in URL_ARGS if k in kwargs), None)
        if target is None:
            return
        value = self._evaluate(target)
        if isinstance(value, str) and self.is_ai_url(value):
            self._detect(target, "endpoint", f"{self._code(node.func)}({value})", endpoint=value, generic=True)

    def _model_refs(self, kwargs: dict[str, cst.BaseExpression]) -> None:
        for key in MODEL_ARGS:
            node = kwargs.get(key)
            if isinstance(node, cst.SimpleString):
                value = node.evaluated_value
                if isinstance(value, str) and value:
                    line, column = self._pos(node)
                    self.models.append(ModelRef(self.path, line, column, value, self.source.statement_line(line)))

    # --- hard-coded endpoints --------------------------------------------------------------
    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if "." in node.value or "//" in node.value:
            line, column = self._pos(node)
            self.strings.append((node, line, column))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        if node.parts and isinstance(node.parts[0], cst.FormattedStringText) and "://" in node.parts[0].value:
            line, column = self._pos(node)
            self.strings.append((node, line, column))

    def leave_Module(self, original_node: cst.Module) -> None:
        for node, line, column in self.strings:
            if id(node) in self.evaluator.consumed or id(node) in self.docstrings:
                continue
            if isinstance(node, cst.SimpleString):
                value = node.evaluated_value
                if not isinstance(value, str):
                    continue
            else:
                assert isinstance(node, cst.FormattedString)
                first = node.parts[0]
                value = first.value if isinstance(first, cst.FormattedStringText) else ""
            if self.is_ai_url(value):
                self.detections.append(Detection(self.path, line, column, "endpoint", f"hard-coded endpoint {value}",
                                                 endpoint=value, generic=True,
                                                 statement_line=self.source.statement_line(line)))
        for group in self.groups:
            if group.always or not group.uses or not all(group.uses):
                self.detections.append(Detection(
                    self.path, group.line, group.column, "import", group.evidence, provider_hint=group.provider,
                    statement_line=self.source.statement_line(group.line)))


def _dict_values(node: cst.BaseExpression, key: str) -> list[cst.BaseExpression]:
    """Values of `key` in dict literals nested anywhere in `node`."""
    found: list[cst.BaseExpression] = []

    class _Finder(cst.CSTVisitor):
        def visit_DictElement(self, element: cst.DictElement) -> None:
            if isinstance(element.key, cst.SimpleString) and element.key.evaluated_value == key:
                found.append(element.value)

    if isinstance(node, (cst.List, cst.Dict, cst.Tuple)):
        node.visit(_Finder())
    return found
