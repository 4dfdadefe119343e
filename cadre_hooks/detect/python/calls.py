"""The calls of a Python module that reach AI: client constructions and their endpoint, boto3 clients,
LiteLLM and LangChain model strings, in-process model loads, raw HTTP calls to AI endpoints."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from cadre_hooks.detect.python.callsites import SESSION_CLASSES, CallSites
from cadre_hooks.detect.python.state import Owner, passive
from cadre_hooks.detect.python.values import Unresolved, dotted
from cadre_hooks.model import ModelRef
from cadre_hooks.registry.index import REGION_ARGS
from cadre_hooks.relevance import (  # the tables the relevance model derives its triggers from
    BOTO3_FACTORIES as BOTO3_FACTORIES,
    DYNAMIC_IMPORTS as DYNAMIC_IMPORTS,
    HTTP_CALLS as HTTP_CALLS,
    LANGCHAIN_ROUTERS as LANGCHAIN_ROUTERS,
    LITELLM_CALLS as LITELLM_CALLS,
    MODEL_ARGS as MODEL_ARGS,
)

URL_ARGS = ("url", "base_url", "uri", "host")
# Mock libraries register fake responses for an API: the URL they hold is a mention in a test.
MOCK_RECEIVERS = frozenset({"httpx_mock", "requests_mock", "respx_mock", "responses", "respx", "aioresponses",
                            "httpretty", "mock_router", "mocked", "rsps", "aresponses"})
MOCK_METHODS = frozenset({"add_response", "add_callback", "register_uri", "add_passthru", "add_exception"})


class CallAnalysis(CallSites):
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
        self._candidate(node)
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
            self._http(node, qname, kwargs, positional)
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
        model_node = next((kwargs[k] for k in MODEL_ARGS if k in kwargs), None)
        model_value = self._evaluate(model_node) if model_node is not None else None
        model = model_value if isinstance(model_value, str) and model_value else None
        evidence = self._code(node.func) + "(…)"
        fields: dict[str, object] = {"provider_hint": owner.provider, "region": region}
        at: ast.expr = node
        short = qname.rsplit(".", 1)[-1]
        langchain = self.registry.langchain_class(short)
        spread = any(k.arg is None for k in node.keywords)  # `OpenAI(**settings)`
        # A client class of the registry, or a LangChain chat model or embeddings class (`ChatMistralAI`).
        registered = self.registry.client(qname) is not None or switched is not None or langchain == owner.provider
        repointed = any(qname == m or qname.startswith(m + ".") for m in self.repointed_modules)
        if endpoint_arg is not None:
            at = kwargs[endpoint_arg]
            value = self._evaluate(at)
            evidence += f" {endpoint_arg}={self._code(at, 80)}"
            fields.update(generic=owner.generic, endpoint=value if isinstance(value, str) else None,
                          **self._unresolved_fields(at, value, owner.provider if owner.generic else None))
            decided = True
        elif owner.single:
            decided = True
        elif owner.generic and spread:
            # `OpenAI(**settings)`: the endpoint may be in the mapping; nothing says it is the default one.
            evidence += " **kwargs"
            fields.update(generic=True, endpoint_unresolved=True)
            decided = True
        elif region_arg is not None and self.registry.providers[owner.provider].multi_region:
            at = kwargs[region_arg]
            evidence += f" {region_arg}={self._code(at, 60)}"
            decided = True
        elif repointed:
            # A default call on a module whose endpoint the code set (`openai.base_url = ...`) goes there.
            decided = False
        else:
            decided = registered  # a client class of the SDK built with its default endpoint
        if decided:
            self._detect(at, "client", evidence, model=model, **fields)
            self._record_client(node, qname, self.detections[-1])
        elif repointed or registered or langchain is not None or short[:1].isupper():
            self._record_client(node, qname, self._template(node, owner.provider, model=model, region=region))
        if group is not None:
            # The import stays a usage of its own when a client takes the SDK's default endpoint.
            default = decided and endpoint_arg is None and not owner.single and region_arg is None and not spread
            group.uses.append((decided and not default) or repointed)

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
        self._record_client(node, f"boto3:{service}", self.detections[-1])

    def _litellm(self, node: ast.Call, kwargs: dict[str, ast.expr], positional: list[ast.expr]) -> None:
        targets: list[ast.expr] = []
        if "model" in kwargs:
            targets.append(kwargs["model"])
        elif positional and isinstance(node.func, ast.Attribute) and node.func.attr in LITELLM_CALLS:
            targets.append(positional[0])
        for arg in [*positional, *kwargs.values()]:  # Router(model_list=[{"litellm_params": {"model": ...}}])
            targets.extend(_dict_values(arg, "model"))
        if not targets:
            # No model named: nothing to report, so the endpoint is not read either (reading it would take
            # a hard-coded AI URL it holds away from its own report, and only when this call is walked).
            return
        api_base = kwargs.get("api_base") or kwargs.get("base_url")
        endpoint = self._evaluate(api_base) if api_base is not None else None
        name = node.func.attr if isinstance(node.func, ast.Attribute) else (dotted(node.func) or "")
        spec = self.registry.operation("litellm", name.rsplit(".", 1)[-1])
        kind, operation = ("call", spec.operation) if spec is not None else ("client", None)
        for target in targets:
            value = self._evaluate(target)
            if isinstance(value, str):
                provider = self.registry.litellm(value)
                if provider is None and endpoint is None:
                    continue
                self._detect(target, kind, f"litellm model {value!r}", provider_hint=provider, model=value,
                             endpoint=endpoint if isinstance(endpoint, str) else None,
                             generic=isinstance(endpoint, str), operation=operation)
                line, column = self._pos(target)
                self.models.append(ModelRef(self.path, line, column, value, self._statement or line))
            else:
                self._detect(target, kind, f"litellm model {self._code(target, 60)}",
                             endpoint_unresolved=True, endpoint_env=value.env, generic=True, operation=operation)

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

    def _http(self, node: ast.Call, qname: str, kwargs: dict[str, ast.expr], positional: list[ast.expr]) -> None:
        session = qname in SESSION_CLASSES
        if session:
            target = kwargs.get("base_url") or (positional[0] if positional and qname.startswith("aiohttp") else None)
        else:
            target = positional[0] if positional else next((kwargs[k] for k in URL_ARGS if k in kwargs), None)
            if qname.endswith(".request") and len(positional) > 1:
                target = positional[1]
        if target is None:
            if session:
                self._record_client(node, qname, self._template(node, None, generic=True), http=True)
            return
        value = self._evaluate(target)
        evidence = f"{self._code(node.func)}({self._code(target, 80)})"
        kind = "client" if session or qname.rsplit(".", 1)[-1] in ("Client", "AsyncClient", "ClientSession") \
            else "call"
        if isinstance(value, str):
            ai = self.is_ai_url(value)
            operation = self.registry.http_operation(value) or "other" if kind == "call" else None
            if ai:
                self._detect(target, kind, f"{self._code(node.func)}({value})", endpoint=value, generic=True,
                             operation=operation)
            if session:
                template = self.detections[-1] if ai else self._template(node, None, generic=True)
                self._record_client(node, qname, template, http=True, base_url=value)
            return
        # An unreadable URL: AI traffic only when its literal path is an AI API's (`/chat/completions`) or,
        # for a session, when its base URL is named after one provider.
        fields = self._unresolved_fields(target, value, None)
        path = _literal_tail(target)
        operation = self.registry.http_operation(path) if path else None
        if session:
            template = self._template(target, None, generic=True, **fields)
            if fields.get("named_provider"):
                self._detect(target, kind, evidence, generic=True, **fields)
                template = self.detections[-1]
            self._record_client(node, qname, template, http=True)
        elif operation is not None and self.registry.is_ai_path(path or ""):
            self._detect(target, kind, evidence, generic=True, operation=operation, **fields)

    def _model_refs(self, kwargs: dict[str, ast.expr]) -> None:
        for key in MODEL_ARGS:
            node = kwargs.get(key)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
                line, column = self._pos(node)
                self.models.append(ModelRef(self.path, line, column, node.value, self._statement or line))

def _literal_tail(node: ast.expr) -> str | None:
    """The literal end of a URL built from parts (`f"{base}/chat/completions"`, `base + "/embeddings"`)."""
    if isinstance(node, ast.JoinedStr) and node.values:
        last = node.values[-1]
        return last.value if isinstance(last, ast.Constant) and isinstance(last.value, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        right = node.right
        return right.value if isinstance(right, ast.Constant) and isinstance(right.value, str) else None
    return None


def _dict_values(node: ast.expr, key: str) -> Iterator[ast.expr]:
    """Values of `key` in dict literals nested anywhere in `node`."""
    if not isinstance(node, (ast.List, ast.Dict, ast.Tuple)):
        return
    for child in ast.walk(node):
        if isinstance(child, ast.Dict):
            for k, v in zip(child.keys, child.values):
                if isinstance(k, ast.Constant) and k.value == key:
                    yield v
