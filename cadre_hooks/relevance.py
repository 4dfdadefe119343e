"""One answer to "can this be AI?", for every stage that skips work on files or expressions.

A scan skips most of a repository, in stages: the byte prefilter (prefilter.py) drops files that
hold no marker at all, the quick `ast` look (detect/python/quick.py) drops modules that import
nothing worth analysing, the expression filter (detect/python/analysis.py) skips expressions that
mention no relevant name, and the route filter (detect/python/routefilter.py) skips modules that
declare no web handler. Each stage must let through everything the next ones can turn into a
usage: when the stages kept lists of their own, a trigger added to one was silently dropped by
another (an operation on a client built in another module, `llm.invoke(...)`, never reached the
analysis that resolves it). So every list lives here, derived once per registry from its data
and from the handlers' own tables below, and the stages only ask this model.

`CADRE_NO_FILTERS=1` turns every filter off (each stage then lets everything through): a scan
with the filters off must give the same usages and findings as the normal one, which
tests/test_relevance.py checks on the corpora in tests/corpora/.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from cadre_hooks.registry import Registry
from cadre_hooks.registry.index import PASS_THROUGH

FILTERS_ENV = "CADRE_NO_FILTERS"

# --- the Python handlers' own tables (detect/python/calls.py dispatches on them) ---------------
HTTP_CALLS = frozenset(
    f"{mod}.{fn}"
    for mod, fns in {
        "requests": ("get", "post", "put", "patch", "delete", "request", "head", "options", "Session", "session"),
        "requests.api": ("get", "post", "put", "patch", "delete", "request"),
        "requests.sessions": ("Session",),
        "httpx": ("get", "post", "put", "patch", "delete", "request", "stream", "Client", "AsyncClient"),
        "aiohttp": ("ClientSession", "request"),
        "urllib.request": ("urlopen", "Request"),
        "http.client": ("HTTPSConnection", "HTTPConnection"),
        "websockets": ("connect",),
        "websocket": ("create_connection",),
    }.items()
    for fn in fns
)
BOTO3_FACTORIES = frozenset({"boto3.client", "boto3.resource", "boto3.session.Session.client",
                             "boto3.Session.client", "aioboto3.Session.client"})
DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "builtins.__import__"})
LITELLM_CALLS = frozenset({"completion", "acompletion", "embedding", "aembedding", "text_completion",
                           "atext_completion", "image_generation", "aimage_generation", "transcription",
                           "atranscription", "speech", "aspeech", "responses", "aresponses", "Router"})
LANGCHAIN_LEGACY = ("langchain.", "langchain_community.")
# LangChain's provider-agnostic constructors, which route by a "provider:model" string.
LANGCHAIN_ROUTERS = frozenset({"init_chat_model", "init_embeddings"})
# Keyword arguments that name a model (the analysis reads them on any call).
MODEL_ARGS = ("model", "model_name", "modelId", "model_id", "engine", "deployment_name", "repo_id",
              "pretrained_model_name_or_path", "model_name_or_path")
# Methods of an HTTP session whose calls may carry AI traffic (callsites.py follows their receiver).
HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "request", "stream", "send", "ws_connect"})
# The verbs the filters follow to a session built in another module (`session.post(...)` with `session`
# imported, or bound to an imported factory's result): AI APIs are sent data with these. `get` and
# `delete` are left out: on a value from elsewhere they are nearly always a mapping's or a registry's
# (`conf.get(KEY)`), and what an AI API answers to them (a model list, a file) carries no prompt.
FOREIGN_HTTP_VERBS = HTTP_VERBS - {"get", "delete"}
# pydantic settings bases: their fields named after a provider's variable (`mistral_api_key: str`) read it
# (detect/python/keyreads.py reads them).
SETTINGS_BASES = frozenset({"pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
                            "pydantic.BaseSettings", "pydantic.v1.BaseSettings", "pydantic.env_settings.BaseSettings"})

# Import roots whose calls the analysis handles itself (HTTP libraries, boto3, LiteLLM, dynamic imports).
TRIGGER_ROOTS = frozenset({q.split(".")[0] for q in (*HTTP_CALLS, *BOTO3_FACTORIES, *DYNAMIC_IMPORTS)} | {"litellm"})

# Byte markers that are no provider name but can reveal AI usage (the registry gives the names).
EXTRA_MARKERS = (
    "from_pretrained", "SentenceTransformer", "CrossEncoder", "litellm", "import_module", "__import__",
    "chat/completions", "/completions", "/embeddings", "/api/generate", "/api/chat", "/api/embed", "/v1/messages",
    ":11434", ":1234", ":4891", "cadre:", "bedrock", "mturk", "sagemaker", *LANGCHAIN_ROUTERS,
    "env_prefix",  # pydantic settings whose fields read MISTRAL_API_KEY through env_prefix="MISTRAL_"
    # requirements files that only include others (`-r base.txt`) must reach their detector
    "-r ", "--requirement",
)


# The expression filter (analysis.py) walks an expression whose source holds one of these, besides the
# names of the module's relevant imports: a model argument, a dynamic import, a URL, a port, a host.
EXPRESSION_WORDS = (*MODEL_ARGS, "__import__")
EXPRESSION_LITERALS = ("://", r":\d{2,5}\b", r"\.(?:com|ai|io|net|cloud|eu|fr|de|xyz|gouv|co|app|dev|org|aws|cn)\b")


@functools.lru_cache(maxsize=512)
def expression_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """What an expression worth walking mentions: one of `names` (the local names of relevant imports,
    the receivers of HTTP calls that may be sessions built elsewhere) or a fixed word or literal above.
    Compiled once per set of names (compiling costs more than searching)."""
    words = [re.escape(n) for n in names] + list(EXPRESSION_WORDS)
    return re.compile("|".join([r"\b(?:" + "|".join(words) + r")\b", *EXPRESSION_LITERALS]))


def filters_enabled() -> bool:
    """False when `CADRE_NO_FILTERS` is set (to anything but 0): every stage then lets all through."""
    return os.environ.get(FILTERS_ENV, "") in ("", "0")


@dataclass(frozen=True, eq=False)
class Relevance:
    """What every filter asks, for one registry (and the configuration's extra hosts/endpoints)."""

    registry: Registry
    markers: frozenset[str]  # byte prefilter: one of them must occur in a file worth reading
    operation_words: frozenset[str]  # an attribute chain holding none of them is no operation

    extra: frozenset[str] = frozenset()  # the configuration's hosts (and endpoints) the markers include

    http_verbs = FOREIGN_HTTP_VERBS

    @staticmethod
    def is_stdlib(module: str) -> bool:
        """A module of the standard library: what it exports is never a client built by the project."""
        return module.split(".")[0] in sys.stdlib_module_names

    def import_triggers(self, qname: str) -> bool:
        """Importing `qname` makes a module worth the full analysis (quick.py): an AI module, class or
        model loader, LangChain, or a library whose calls the analysis reads (HTTP, boto3, LiteLLM,
        importlib). A superset of `expression_name`: whatever the expression filter walks, the quick
        filter has let through."""
        root = qname.split(".")[0]
        if root in TRIGGER_ROOTS or root.startswith("langchain"):
            return True
        return self._ai_name(qname)

    def settings_import(self, module: str, names: Iterable[str]) -> bool:
        """`from pydantic_settings import BaseSettings`: its fields may read a provider's variable."""
        return any(f"{module}.{name}" in SETTINGS_BASES for name in names)

    def expression_name(self, qname: str) -> bool:
        """An imported name whose calls the analysis looks at (analysis.py keeps the expressions that
        mention it): AI modules and classes, HTTP libraries, boto3, LiteLLM's entry points,
        LangChain's routers. Types and helpers of those packages are not: the fewer names, the more
        expressions the analysis can skip."""
        root, _, rest = qname.partition(".")
        last = qname.rsplit(".", 1)[-1]
        if root == "litellm":
            return not rest or last in LITELLM_CALLS
        if root.startswith("langchain") and rest:
            return last in LANGCHAIN_ROUTERS or self.registry.is_ai_module(qname) or \
                (qname.startswith(LANGCHAIN_LEGACY) and self.registry.langchain_class(last) is not None)
        return root in TRIGGER_ROOTS or root.startswith("langchain") or self._ai_name(qname)

    def _ai_name(self, qname: str) -> bool:
        registry = self.registry
        return registry.is_ai_module(qname) or registry.is_ai_module(qname.rsplit(".", 1)[0]) \
            or registry.model_loader(qname + ".from_pretrained") is not None \
            or (qname.startswith(LANGCHAIN_LEGACY) and registry.langchain_class(qname.rsplit(".", 1)[-1]) is not None)

    @functools.cached_property
    def operation_pattern(self) -> Any:
        """A pattern matching the source of any call shaped like a registered operation or an AI HTTP
        path: what the expression filter (analysis.py) must let through for call sites to be seen.
        Wrappers such as `with_raw_response` may stand between the parts. Compiled with RE2 where it
        is installed (one linear pass over a module, whatever the number of operations), else `re`."""
        gap = r"\.(?:(?:" + "|".join(sorted(PASS_THROUGH)) + r")\.)?"
        parts = []
        for path in sorted(self.registry.operation_paths):
            star = path.endswith(".*")
            words = (path[:-2] if star else path).split(".")
            parts.append(gap.join(re.escape(w) for w in words) + (r"\." if star else r"\b"))
        suffixes = [re.escape(s) for s in self.registry.http_suffixes()]  # they start with "/": no word edge before
        pattern = r"\b(?:" + "|".join(parts) + ")|" + "|".join(suffixes)
        try:
            import re2

            options = re2.Options()
            options.max_mem = 32 << 20
            return re2.compile(pattern, options=options)
        except (ImportError, Exception):  # noqa: BLE001 - RE2 missing or refusing the pattern: `re` does it
            return re.compile(pattern)

    def source_markers(self, section: str) -> tuple[str, ...]:
        """The byte markers of one tree-sitter language (its SDKs' words, the configured hosts, the
        suppression comment): a file the prefilter let through on another language's word is not
        parsed without one of them (detect/treesitter/engine.py)."""
        return (*self.registry.source_words(section), *self.extra, "cadre:")

    @functools.lru_cache(maxsize=16)  # noqa: B019 - one model per registry, kept for the process
    def source_class_names(self, section: str) -> tuple[bytes, ...]:
        """The class names of one language's clients, looked for in a parsed file's bytes before its
        full analysis (a Go client has a `/` path and needs its import, so it is not among them)."""
        return tuple(_class_of(name).encode() for name in self.registry.source_clients(section) if "/" not in name)

    def is_operation_chain(self, attrs: list[str]) -> bool:
        """Some tail of the attribute chain `attrs` (receiver first) is a registered operation."""
        if not self.operation_words.intersection(attrs):
            return False
        return any(self.registry.is_operation_path(".".join(attrs[i:])) for i in range(len(attrs)))


def _class_of(name: str) -> str:
    """`OpenAI` of `com.openai.client.OpenAI`: the last capitalised part of a client's name."""
    parts = [p for p in name.replace("/", ".").split(".") if p[:1].isupper()]
    return parts[-1] if parts else name


def operation_markers(registry: Registry) -> set[str]:
    """Byte markers of a call on a client the file does not build (imported from another module of the
    project, returned by a factory): the operation's attribute chain is then the file's only trace.
    Multi-part paths are words (`chat.completions.create`); a one-word operation is marked with its
    call (`.invoke(`: the word alone, `invoke`, is in prose and names), a namespace with its dot."""
    markers = {f".{p}." for p in PASS_THROUGH}  # `client.chat.completions.with_raw_response.create(...)`
    for path in registry.operation_paths:
        if path.endswith(".*"):
            markers.add("." + path[:-1])  # `.beta.threads.`, `.files.`
        elif "." in path:
            markers.add(path)
        else:
            markers.add(f".{path}(")
    return markers


@functools.lru_cache(maxsize=8)
def _model(registry: Registry, extra: frozenset[str]) -> Relevance:
    # an AI API path (`f"{BASE}/moderations"` on a base URL imported from another module); only the
    # distinctive ones (`/files`, `/messages` are in any web code)
    paths = [p for p in registry.http_suffixes() if registry.is_ai_path(p)]
    markers = {*registry.prefilter_words(), *EXTRA_MARKERS, *operation_markers(registry), *paths, *extra}
    return Relevance(registry, frozenset(w for w in markers if w), registry.operation_words, extra)


def relevance(registry: Registry, extra: Iterable[str] = ()) -> Relevance:
    """The model of `registry` with the configuration's extra hosts and endpoints, built once."""
    return _model(registry, frozenset(extra))


# --- route markers (CDR302's route pass: detect/python/routefilter.py, checks/public.py) --------
# A route decorator on an application object imported from elsewhere (`from app import app`, then
# `@app.route("/")`): the file itself may import no framework. Literal prefixes first (fast `in`).
# (webroutes is data of the Python detector, imported when a route question is first asked.)
@functools.cache
def _decorator_prefixes() -> tuple[bytes, ...]:
    from cadre_hooks.detect.python import webroutes as web

    return tuple(f"@{name}.".encode() for name in sorted(web.CONVENTIONAL_NAMES))


@functools.cache
def _decorator_text() -> re.Pattern[bytes]:
    from cadre_hooks.detect.python import webroutes as web

    names = b"|".join(sorted(n.encode() for n in web.CONVENTIONAL_NAMES))
    verbs = b"|".join(sorted(v.encode() for v in web.ROUTE_VERBS))
    return re.compile(rb"^[ \t]*@(?:" + names + rb")\.(?:" + verbs + rb")\(", re.M)


def has_route_decorator(data: bytes) -> bool:
    """`@app.get(` and the like on a conventional application name (always true with the filters off)."""
    if not filters_enabled():
        return True
    # every prefix starts with `@`: one scan of the bytes spares the others in a module without decorators
    return b"@" in data and any(prefix in data for prefix in _decorator_prefixes()) \
        and _decorator_text().search(data) is not None


_EVERYTHING = re.compile(b"")


def route_markers() -> re.Pattern[bytes]:
    """Signs that a module declares routes at all (a decorator, a registration, a class-based view):
    checked on bytes before a module the main pass skipped is parsed for its handlers. With the
    filters off, a pattern that matches every module."""
    return _route_markers() if filters_enabled() else _EVERYTHING


@functools.cache
def _route_markers() -> re.Pattern[bytes]:
    from cadre_hooks.detect.python import webroutes as web

    verbs = b"|".join(sorted(v.encode() for v in web.ROUTE_VERBS))
    return re.compile(
        rb"@[\w.]+\.(?:" + verbs + rb")\("
        rb"|\b(?:add_url_rule|add_api_route|add_(?:get|post|put|patch|delete|route|view)|Route|WebSocketRoute|re_path"
        rb"|path|url|as_view|api_view)\("
        rb"|^class \w+\([^)]*?(?<![A-Za-z0-9_])(?:View|MethodView|APIView|GenericAPIView|\w*ViewSet"
        rb"|(?:Template|List|Detail|Form|Create|Update|Delete|Redirect)View|Resource"
        rb"|HTTPEndpoint|WebSocketEndpoint|RequestHandler|Controller|HTTPMethodView)\b", re.M)


# --- the route marker: which modules without AI the detection pass reads for their routes -------
# Their handlers may call the project's own AI functions (CDR302). Decided on the bytes already
# read, before any parsing: Django's `urls.py` and `views.py` always; else a web framework imported
# in the module's header (or a route decorator) and a sign that it declares routes at all.
class _Search(Protocol):
    def search(self, data: bytes) -> object | None: ...


@functools.cache
def _web_import() -> _Search:
    """The import header of a module that may define web handlers; aiohttp only for its server side
    (`aiohttp.web`), its client is everywhere. Compiled with RE2 when it is there (the prefilter's
    engine): checked on the header of every Python module without AI, where `re` is ~7x slower."""
    from cadre_hooks.detect.python.webroutes import FRAMEWORK_ROOTS

    roots = b"|".join(re.escape(r.encode()) for r in sorted(FRAMEWORK_ROOTS - {"aiohttp"}))
    pattern = (rb"(?:from|import)[ \t]+(?:" + roots + rb")\b"
               rb"|from[ \t]+aiohttp[ \t]+import[^\n]*\bweb\b|(?:from|import)[ \t]+aiohttp\.web\b")
    try:
        import re2
    except ImportError:  # pragma: no cover - a dependency; the standard engine gives the same answers
        return re.compile(pattern)
    try:
        compiled: _Search = re2.compile(pattern)
    except re2.error:  # pragma: no cover - a pattern RE2 cannot take
        return re.compile(pattern)
    return compiled


def _header(data: bytes) -> bytes:
    """The part of a module before its first top-level function or class: where its imports are."""
    ends = [i for i in (data.find(b"\ndef "), data.find(b"\nclass "), data.find(b"\nasync def ")) if i >= 0]
    return data[:min(ends)] if ends else data


def may_declare_routes(rel: str, data: bytes) -> bool:
    """The route marker: a Python module (`.py`) the route analysis reads even without AI in it."""
    if not rel.endswith(".py"):
        return False
    from cadre_hooks.detect.python.webroutes import HEAD_BYTES, ROUTE_FILE_NAMES

    if rel.rsplit("/", 1)[-1] in ROUTE_FILE_NAMES:
        return True
    head = data[:HEAD_BYTES]
    web = _web_import().search(_header(head)) is not None
    if not web and not (b"@" in head and any(p in head for p in _decorator_prefixes())):
        return False  # most modules: decided without the route expressions
    if not (web or has_route_decorator(head)):
        return False
    return route_markers().search(data) is not None
