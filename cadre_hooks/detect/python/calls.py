"""The calls of a Python module that reach AI: client constructions and their endpoint, boto3 clients,
LiteLLM and LangChain model strings, in-process model loads, raw HTTP calls to AI endpoints."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from cadre_hooks.detect.python.state import LANGCHAIN_LEGACY, LANGCHAIN_ROUTERS, ModuleState, Owner, passive
from cadre_hooks.detect.python.values import Unresolved, dotted
from cadre_hooks.model import ModelRef
from cadre_hooks.registry import Registry
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
# Mock libraries register fake responses for an API: the URL they hold is a mention in a test.
MOCK_RECEIVERS = frozenset({"httpx_mock", "requests_mock", "respx_mock", "responses", "respx", "aioresponses",
                            "httpretty", "mock_router", "mocked", "rsps", "aresponses"})
MOCK_METHODS = frozenset({"add_response", "add_callback", "register_uri", "add_passthru", "add_exception"})


TRIGGER_ROOTS = frozenset({"boto3", "aioboto3", "litellm", "importlib", "requests", "httpx", "aiohttp", "urllib",
                           "http", "websockets", "websocket", "builtins"})


LITELLM_CALLS = frozenset({"completion", "acompletion", "embedding", "aembedding", "text_completion",
                           "atext_completion", "image_generation", "aimage_generation", "transcription",
                           "atranscription", "speech", "aspeech", "responses", "aresponses", "Router"})


def relevant_import(target: str, registry: Registry) -> bool:
    """An imported name whose calls this analysis looks at: AI modules and classes, HTTP libraries, boto3,
    LiteLLM's entry points, LangChain's routers. Types and helpers of those packages are not: the fewer
    names, the more expressions the analysis can skip (and the fewer patterns it compiles)."""
    root, _, rest = target.partition(".")
    last = target.rsplit(".", 1)[-1]
    if root == "litellm":
        return not rest or last in LITELLM_CALLS
    if root.startswith("langchain") and rest:
        return last in LANGCHAIN_ROUTERS or registry.is_ai_module(target) or \
            (target.startswith(LANGCHAIN_LEGACY) and registry.langchain_class(last) is not None)
    return root in TRIGGER_ROOTS or root.startswith("langchain") or registry.is_ai_module(target) \
        or registry.is_ai_module(target.rsplit(".", 1)[0]) or registry.model_loader(target + ".from_pretrained") is not None


class CallAnalysis(ModuleState):
    """Handlers for the calls met while walking a module."""

    repointed_modules: set[str]

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
            if not passive(qname):
                self._client(node, qname, owner, kwargs)
            return True
        if qname in HTTP_CALLS:
            self._http(node, kwargs, positional)
            return True
        return False

    def _client(self, node: ast.Call, qname: str, owner: Owner, kwargs: dict[str, ast.expr]) -> None:
        group = self._group_of(qname)
        flags = {k for k, v in kwargs.items() if isinstance(v, ast.Constant) and v.value is True}
        switched = self.registry.flag_client(qname, flags) if flags else None
        if switched is not None:
            owner = Owner(switched, False, single=True)
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
        elif owner.generic and any(k.arg is None for k in node.keywords):
            # `OpenAI(**settings)`: the endpoint may be in the mapping; nothing says it is the default one.
            self._detect(node, "client", evidence + " **kwargs", provider_hint=owner.provider, generic=True,
                         endpoint_unresolved=True)
            decided = True
        elif region_arg is not None and self.registry.providers[owner.provider].multi_region:
            self._detect(kwargs[region_arg], "client", evidence + f" {region_arg}={self._code(kwargs[region_arg], 60)}",
                         provider_hint=owner.provider, region=region)
            decided = True
        else:
            # A default call on a module whose endpoint the code set (`openai.base_url = ...`) goes there.
            decided = any(qname == m or qname.startswith(m + ".") for m in self.repointed_modules)
        if group is not None:
            group.uses.append(decided)

    def module_setting(self, target: ast.Attribute, value: ast.expr) -> None:
        """`openai.base_url = "..."` (the module-level client of openai < 1 and of some SDKs still): the
        endpoint of every default call of that module, decided like a client's."""
        qname = self._qname(target.value)
        owner = self.owner(qname) if qname else None
        if owner is None or qname is None or target.attr not in self.registry.endpoint_args | {"api_base"}:
            return
        resolved = self._evaluate(value)
        self._detect(value, "client", f"{self._code(target)} = {self._code(value, 80)}", provider_hint=owner.provider,
                     generic=True, endpoint=resolved if isinstance(resolved, str) else None,
                     endpoint_env=resolved.env if isinstance(resolved, Unresolved) else None,
                     endpoint_unresolved=isinstance(resolved, Unresolved))
        self.repointed_modules.add(qname)
        group = self._group_of(qname)
        if group is not None:
            group.uses.append(True)

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
        elif positional and isinstance(node.func, ast.Attribute) and node.func.attr in LITELLM_CALLS:
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

def _dict_values(node: ast.expr, key: str) -> Iterator[ast.expr]:
    """Values of `key` in dict literals nested anywhere in `node`."""
    if not isinstance(node, (ast.List, ast.Dict, ast.Tuple)):
        return
    for child in ast.walk(node):
        if isinstance(child, ast.Dict):
            for k, v in zip(child.keys, child.values):
                if isinstance(k, ast.Constant) and k.value == key:
                    yield v
