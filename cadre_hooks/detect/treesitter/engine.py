"""The core shared by every tree-sitter language: from the intermediate form of one file, the
imports of AI SDKs, the clients they build and the endpoint that decides who receives the data,
the calls made through those clients (with their model and operation), raw HTTP calls and
hard-coded strings that reach an AI endpoint, and reads of a provider's environment variables.

The same rule as in Python: an SDK's client pointed at another provider's endpoint is that
provider (generic=True, the resolver decides by host), and the SDK's import is then not a usage
of its own provider. Nothing here knows a language: the front end and the data files do.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import parse_comment
from cadre_hooks.detect.treesitter.facts import Call, Facts, Import, collect, parse, text
from cadre_hooks.detect.treesitter.language import Language, language_of, shared
from cadre_hooks.detect.treesitter.values import Evaluator, Unresolved, Value
from cadre_hooks.model import Detection, FileScan, ModelRef, Notice, Suppression
from cadre_hooks.prefilter import Prefilter
from cadre_hooks.registry.index import ClientSpec, Registry
from cadre_hooks.relevance import relevance
from cadre_hooks.sdkscope import default_facts

if TYPE_CHECKING:
    from tree_sitter import Node

_CONTAINERS = ("block", "body", "program", "source_file", "compilation_unit", "statement_list",
               "declaration_list", "class_body", "namespace", "lambda")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_GO_VERSION = re.compile(r"v[0-9]+\Z")


@dataclass
class Client:
    """A client construction: its SDK's provider, and the endpoint and model it names."""

    name: str
    spec: ClientSpec
    node: Node  # the whole construction (a builder chain up to `.build()`)
    endpoint: Value | None
    model: str | None


def go_package_names(path: str) -> set[str]:
    """The names a Go import may bind (the package clause is in the imported code, not here):
    `github.com/openai/openai-go/v2` → openai, `github.com/sashabaranov/go-openai` → openai,
    `github.com/anthropics/anthropic-sdk-go` → anthropic, `google.golang.org/genai` → genai."""
    parts = [p for p in path.split("/") if not _GO_VERSION.match(p)]
    last = parts[-1] if parts else path
    last = last.removeprefix("go-").removesuffix("-go").removesuffix(".go")
    return {last, last.replace("-", "").replace(".", ""), last.split("-")[0], last.replace("-", "_")}


def go_unversioned(path: str) -> str:
    return "/".join(p for p in path.split("/") if not _GO_VERSION.match(p))


def words(name: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(name)]


class Core:
    def __init__(self, path: str, facts: Facts, ctx: DetectContext) -> None:
        self.path, self.facts, self.ctx = path, facts, ctx
        self.lang = facts.lang
        self.registry = ctx.registry
        self.shared = shared()
        self.section = self.lang.section
        self.aliases: dict[str, str] = {}
        self.alias_pids: dict[str, str | None] = {}  # (module imports) name → the provider of its package
        self.open_namespaces: list[str] = []
        self.imports: list[tuple[Import, str]] = []
        self.clients: list[Client] = []
        self.client_names: dict[str, Client] = {}
        self.spans: list[tuple[int, int]] = []  # byte ranges of constructions
        self.consumed: set[int] = set()  # string nodes already read as an endpoint
        self.ai_strings: dict[int, tuple[Node, str]] = {}  # string node id → the AI URL it holds
        self.url_pairs: list[tuple[Node, Node]] = []  # (value, pair) of `url:`/`base_uri` keys
        self.detections: list[Detection] = []
        self.models: list[ModelRef] = []
        self.qualified: dict[int, str] = {}  # call node id → qualified callee
        self.client_tails = _client_tails(self.registry, self.section)
        self.evaluator = Evaluator(facts, self.qualify)
        self.endpoint_options = (self.shared.endpoint_options | self.lang.endpoint_options
                                 | self.registry.source_endpoint_options(self.section))

    # --- positions and output --------------------------------------------------------------
    def position(self, node: Node) -> tuple[int, int]:
        line_start = node.start_byte - node.start_point.column
        prefix = self.facts.data[line_start:node.start_byte].decode("utf-8", "replace")
        return node.start_point.row + 1, len(prefix) + 1

    def statement_line(self, node: Node) -> int:
        current = node
        while current.parent is not None and not any(c in current.parent.type for c in _CONTAINERS):
            current = current.parent
        return current.start_point.row + 1

    def detect(self, node: Node, kind: str, evidence: str, **fields: object) -> None:
        line, column = self.position(node)
        evidence = " ".join(evidence.split())
        evidence = evidence[:119] + "…" if len(evidence) > 120 else evidence
        self.detections.append(Detection(self.path, line, column, kind, evidence,
                                         statement_line=self.statement_line(node), **fields))  # type: ignore[arg-type]

    def note_model(self, node: Node, model: str) -> None:
        line, column = self.position(node)
        self.models.append(ModelRef(self.path, line, column, model, self.statement_line(node)))

    # --- names -------------------------------------------------------------------------------
    def bind_imports(self) -> None:
        for imp in self.facts.imports:
            pid = self.registry.source_import(self.section, imp.module or imp.path)
            if pid is not None:
                self.imports.append((imp, pid))
            binding = self.lang.import_binding
            if binding == "module":  # JavaScript: only the names the import spells
                if imp.alias:
                    self.aliases[imp.alias] = imp.path
                    self.alias_pids[imp.alias] = pid
            elif binding == "package":
                for name in [imp.alias] if imp.alias else go_package_names(imp.path):
                    self.aliases.setdefault(name, go_unversioned(imp.path))
            elif imp.path.endswith(".*") or (binding == "namespace" and imp.alias is None):
                self.open_namespaces.append(imp.path.removesuffix(".*"))
            elif binding in ("member", "namespace"):
                self.aliases[imp.alias or imp.path.rsplit(".", 1)[-1]] = imp.path

    def expand(self, name: str) -> str:
        head, dot, rest = name.partition(".")
        target = self.aliases.get(head)
        return f"{target}{dot}{rest}" if target is not None else name

    def qualify(self, call: Call) -> str:
        """The qualified name of what a call calls: `oai.NewClient` → `github.com/.../go-openai.NewClient`."""
        found = self.qualified.get(call.node.id)
        if found is None:
            if call.receiver is None:
                found = self.expand(call.name)
            else:
                receiver = self.facts.dotted(call.receiver)
                found = self.expand(f"{receiver}.{call.name}") if receiver else ""
            self.qualified[call.node.id] = found
        return found

    def client_spec(self, call: Call) -> tuple[str, ClientSpec] | None:
        if self.lang.package_clients:
            found = self.package_client(call)
            if found is not None:
                return found
        if call.name.rsplit(".", 1)[-1] not in self.client_tails:
            return None  # the last name of every registered constructor is known: most calls are not one
        name = self.qualify(call)
        candidates = [name] if name else []
        for namespace in self.open_namespaces:
            if name:
                candidates.append(f"{namespace}.{name}")
            if call.receiver is not None and call.name:  # an extension method (`builder.AddOpenAIChatCompletion`)
                candidates.append(f"{namespace}.{call.name}")
        for candidate in candidates:
            spec = self.registry.source_client(self.section, candidate)
            if spec is not None:
                return candidate, spec
        return None

    def package_client(self, call: Call) -> tuple[str, ClientSpec] | None:
        """`new OpenAI({...})`, `new lc.ChatOpenAI()`, `createOpenAI({ baseURL })`: a construction, or a
        call with an options object, of a name bound from an SDK package (npm SDKs export many small
        factories; listing each would be endless). A plain call (`openai("gpt-4o")`) is not one."""
        head = (self.facts.dotted(call.receiver) or "" if call.receiver is not None else call.name).split(".")[0]
        pid = self.alias_pids.get(head)
        if pid is None:
            return None
        positional = [a.value for a in call.args if a.name is None]
        if not call.new and not (positional and positional[0].type in self.lang.option_objects):
            return None
        name = self.qualify(call)
        spec = self.registry.source_client(self.section, name)
        if spec is not None:
            return name, spec
        return name, ClientSpec(pid, True)

    # --- clients -----------------------------------------------------------------------------
    def chain(self, node: Node) -> tuple[Node, list[Call]]:
        """The whole builder chain that starts at a call: `X.builder().baseUrl(u).build()`."""
        outer = node
        calls = [self.facts.calls_by_node[node.id]]
        while True:
            parent = outer.parent
            if parent is not None and parent.type in self.lang.members:
                parent = parent.parent
            call = self.facts.calls_by_node.get(parent.id) if parent is not None else None
            receiver = self.facts.unwrap(call.receiver) if call is not None else None
            if call is None or receiver is None or receiver.id != outer.id:
                return outer, calls
            outer = call.node
            calls.append(call)

    def inside(self, node: Node, spans: Iterable[tuple[int, int]] | None = None) -> bool:
        return any(start <= node.start_byte and node.end_byte <= end for start, end in (spans or self.spans))

    def options(self, outer: Node, chain: list[Call]) -> list[tuple[str, Node]]:
        """Every (name, value) the construction spells: named arguments, builder and option
        methods (`.baseUrl(u)`, `option.WithBaseURL(u)`), hash keys, field assignments (also to a
        config variable passed to it: `config.BaseURL = u`)."""
        span = [(outer.start_byte, outer.end_byte)]
        found: list[tuple[int, str, Node]] = []
        for call in self.facts.calls:
            if self.inside(call.node, span):
                positional = [a.value for a in call.args if a.name is None]
                if positional and call.name:
                    found.append((call.node.start_byte, call.name, positional[0]))
                found += [(a.value.start_byte, a.name, a.value) for a in call.args if a.name]
        found += [(node.start_byte, key, value) for key, value, node in self.facts.pairs if self.inside(node, span)]
        variables = {self.facts.dotted(a.value) for call in chain for a in call.args if a.name is None}
        variables.add(self.facts.bound_to.get(outer.id))  # `config := DefaultConfig(k); config.BaseURL = u`
        variables.discard(None)
        for name, value, node in self.facts.binding_sites:
            owner, _, field = name.rpartition(".")
            if self.inside(node, span) or (owner and owner in variables):
                found.append((node.start_byte, field, value))
        return [(name, value) for _, name, value in sorted(found, key=lambda item: item[0])]

    def find_clients(self) -> None:
        for call in self.facts.calls:
            if self.inside(call.node):
                continue
            match = self.client_spec(call)
            if match is None:
                continue
            name, spec = match
            outer, chain = self.chain(call.node)
            options = self.options(outer, chain)
            endpoint_node = next((value for key, value in options if key in self.endpoint_options), None)
            position = self.registry.source_endpoint_position(self.section, name)
            positional = [a.value for a in call.args if a.name is None]
            if endpoint_node is None and position is not None and position < len(positional):
                endpoint_node = positional[position]
            endpoint = self.evaluator.evaluate(endpoint_node) if endpoint_node is not None else None
            model = None
            for key, value in options:
                if key in self.shared.model_keys and isinstance(found := self.evaluator.evaluate(value), str) and found:
                    model = found
                    self.note_model(value, found)
                    break
            client = Client(name, spec, outer, endpoint, model)
            self.clients.append(client)
            self.spans.append((outer.start_byte, outer.end_byte))
            bound = self.facts.bound_to.get(outer.id)
            if bound:
                self.client_names[bound] = client
            self.report_client(client, call, endpoint_node)

    def report_client(self, client: Client, root: Call, endpoint_node: Node | None) -> None:
        evidence = text(root.node)
        fields: dict[str, object] = {"provider_hint": client.spec.provider, "model": client.model}
        if endpoint_node is not None:
            self.mark_consumed(endpoint_node)
            value = client.endpoint
            fields.update(generic=client.spec.generic, endpoint=value if isinstance(value, str) else None,
                          endpoint_env=value.env if isinstance(value, Unresolved) else None,
                          endpoint_unresolved=isinstance(value, Unresolved))
            evidence = f"{self.callee_text(root, client.name)}(… {text(endpoint_node)} …)"
        if not self.lang.client_at_endpoint:
            self.detect(client.node, "client", evidence, **fields)
        elif endpoint_node is not None:  # else the SDK's import stands for the client
            self.detect(endpoint_node, "client", evidence, **fields)

    def callee_text(self, call: Call, name: str = "") -> str:
        """`client.Chat.Completions.New`, `OpenAI::Client.new`: the call up to its arguments (`new(...)`
        whose type is on the declaration gives the type's name)."""
        end = call.args[0].value.start_byte if call.args else call.node.end_byte
        callee = self.facts.data[call.node.start_byte:end].decode("utf-8", "replace")
        callee = callee.split("(", 1)[0].strip()
        if callee.endswith(":") and " " in callee:  # Ruby's `call key: value` without brackets
            callee = callee.rsplit(" ", 1)[0]
        if name and callee in ("new", ""):
            callee = f"new {name.rsplit('.', 1)[-1]}"
        return callee

    def mark_consumed(self, node: Node) -> None:
        for string in self.facts.strings:
            if node.start_byte <= string.start_byte and string.end_byte <= node.end_byte:
                self.consumed.add(string.id)

    # --- calls through a client ------------------------------------------------------------------
    def client_of(self, node: Node | None) -> Client | None:
        """The client a receiver expression is, or derives from (`client.Chat.Completions`)."""
        node = self.facts.unwrap(node)
        depth = 0
        while node is not None and depth < 12:
            depth += 1
            call = self.facts.calls_by_node.get(node.id)
            if call is not None:
                node = self.facts.unwrap(call.receiver)
                continue
            name = self.facts.dotted(node)
            while name:
                if name in self.client_names:
                    return self.client_names[name]
                name = name.rpartition(".")[0]
            member = self.lang.members.get(node.type)
            if member is None:
                return None
            from cadre_hooks.detect.treesitter.facts import pick

            node = self.facts.unwrap(pick(node, member["object"]))
        return None

    def derive_clients(self) -> None:
        """`chat = client.GetChatClient(...)`, `c := openai.NewClientWithConfig(config)`: names
        bound to something built from a client are that client too."""
        for _ in range(6):
            changed = False
            for name, value, _node in self.facts.binding_sites:
                if name in self.client_names:
                    continue
                call = self.facts.calls_by_node.get(value.id)
                if call is None:
                    continue
                client = self.client_of(call.receiver) or next(
                    (c for a in call.args if (c := self.client_of(a.value)) is not None), None)
                if client is not None:
                    model = self.call_model(value, [call]) if call.name in self.shared.model_methods else None
                    # `chat = client.GetChatClient("gpt-4o-mini")`: the derived client names its model
                    self.client_names[name] = Client(client.name, client.spec, client.node, client.endpoint,
                                                     model or client.model) if model else client
                    changed = True
            if not changed:
                return

    def operation(self, names: Iterable[str]) -> str | None:
        """The first operation the method path names, a specific one before `chat`, whose words
        (`generate`, `create`...) are also the verbs of the others: `images.generate` is image."""
        found = [op for name in names for word in words(name)
                 if (op := self.shared.operations.get(word)) is not None]
        return next((op for op in found if op != "chat"), found[0] if found else None)

    def find_calls(self) -> None:
        if not self.client_names and not self.ai_strings and not any(self.alias_pids.values()):
            return  # no client, no SDK name and no AI URL in the file: no call can send data to AI
        chained: set[int] = set()
        for call in self.facts.calls:
            receiver = self.facts.unwrap(call.receiver)
            if receiver is not None and receiver.id in self.facts.calls_by_node:
                chained.add(receiver.id)
        for call in self.facts.calls:
            if call.node.id in chained or self.inside(call.node):
                continue
            outer, chain = call.node, [call]
            names: list[str] = []
            node = self.facts.unwrap(call.receiver)
            client = None
            while node is not None:  # walk down the chain to the client it starts from
                inner = self.facts.calls_by_node.get(node.id)
                if inner is None:
                    client = self.client_of(node)
                    dotted = self.facts.dotted(node) or ""
                    names += dotted.split(".")[1:]
                    break
                chain.append(inner)
                node = self.facts.unwrap(inner.receiver)
            names += [c.name for c in reversed(chain)]
            if client is None and not call.new:  # `llms.GenerateFromSinglePrompt(ctx, llm, prompt)`
                client = next((c for a in call.args if (c := self.client_of(a.value)) is not None), None)
            if client is None and self.lang.package_clients and call.args:
                client = self.model_provider(call)
            if client is not None:
                self.report_call(outer, chain, client, names)
            elif self.ai_strings:  # a raw HTTP call needs an AI URL written somewhere in the file
                self.raw_http(call)

    def model_provider(self, call: Call) -> Client | None:
        """`generateText({ model: openai("gpt-4o"), prompt })` (the Vercel AI SDK): a call whose
        model option is a model of an SDK's provider instance (imported, or built by `createOpenAI`)
        sends its data through that provider."""
        span = [(call.args[0].value.start_byte, call.args[-1].value.end_byte)]
        for key, value, node in self.facts.pairs:
            if key not in self.shared.model_keys or not self.inside(node, span):
                continue
            inner = self.facts.calls_by_node.get(value.id)
            if inner is None:
                continue
            head = (self.facts.dotted(inner.receiver) or "" if inner.receiver is not None else inner.name).split(".")[0]
            client = self.client_names.get(head)
            pid = self.alias_pids.get(head)
            if client is None and pid is not None:
                client = Client(head, ClientSpec(pid, True), inner.node, None, None)
            if client is None:
                continue
            positional = [a.value for a in inner.args if a.name is None]
            model = self.evaluator.evaluate(positional[0]) if positional else None
            if isinstance(model, str) and model:
                self.note_model(positional[0], model)
                return Client(client.name, client.spec, client.node, client.endpoint, model)
            return client
        return None

    def call_model(self, outer: Node, chain: list[Call]) -> str | None:
        for key, value in self.options(outer, chain):
            if key in self.shared.model_keys or key in self.shared.model_methods:
                found = self.evaluator.evaluate(value)
                if isinstance(found, str) and found:
                    self.note_model(value, found)
                    return found
        return None

    def report_call(self, outer: Node, chain: list[Call], client: Client, names: list[str]) -> None:
        operation = self.operation(reversed(names))
        if operation is None:
            return
        model = self.call_model(outer, chain) or client.model
        value = client.endpoint
        fields: dict[str, object] = {"provider_hint": client.spec.provider, "model": model, "operation": operation}
        if value is not None:
            fields.update(generic=client.spec.generic, endpoint=value if isinstance(value, str) else None,
                          endpoint_env=value.env if isinstance(value, Unresolved) else None,
                          endpoint_unresolved=isinstance(value, Unresolved))
        self.detect(outer, "call", self.callee_text(chain[0]) + "(…)", **fields)

    # --- raw HTTP and hard-coded endpoints ---------------------------------------------------
    def raw_http(self, call: Call) -> None:
        name = self.qualify(call)
        if name in self.lang.url_wrappers or name in self.lang.env_functions:
            return
        candidates = [a.value for a in call.args if a.name is None][:2]
        candidates += [a.value for a in call.args if a.name in self.shared.url_keys]
        if self.url_pairs and call.args:
            span = [(call.args[0].value.start_byte, call.args[-1].value.end_byte)]
            candidates += [value for value, node in self.url_pairs if self.inside(node, span)]
        for node in candidates:
            value = self.evaluator.evaluate(node)
            if isinstance(value, str) and self.ctx.is_ai_url(value):
                self.mark_consumed(node)
                model = self.call_model(call.node, [call])
                operation = self.operation(value.split("/")[3:])
                self.detect(call.node, "call", f"{self.callee_text(call)}({value})", endpoint=value,
                            generic=True, model=model, operation=operation)
                self.spans.append((call.node.start_byte, call.node.end_byte))
                return

    def find_ai_strings(self) -> None:
        """The strings of the file that hold an AI endpoint URL (most files have none: then no
        raw HTTP call can reach AI, and that analysis is skipped)."""
        import_nodes = [(imp.node.start_byte, imp.node.end_byte) for imp in self.facts.imports]
        for node in self.facts.strings:
            value = self.evaluator.string(node)
            if (isinstance(value, str) and "." in value and "://" in value and self.ctx.is_ai_url(value)
                    and not self.inside(node, import_nodes)):
                self.ai_strings[node.id] = (node, value)
        if self.ai_strings:
            self.url_pairs = [(value, node) for key, value, node in self.facts.pairs if key in self.shared.url_keys]

    def hard_coded(self) -> None:
        for node, value in self.ai_strings.values():
            if node.id not in self.consumed:
                self.detect(node, "endpoint", f"hard-coded endpoint {value}", endpoint=value, generic=True)

    def env_reads(self) -> None:
        """A provider's own variable read in code (`os.Getenv("MISTRAL_API_KEY")`) is evidence of it,
        unless a client construction around it already decides where the data goes."""
        functions = self.lang.env_functions | self.lang.env_default_functions
        tails = {name.rsplit(".", 1)[-1] for name in functions}
        nodes = [c.node for c in self.facts.calls if c.name in tails and self.qualify(c) in functions]
        nodes += self.facts.subscripts + self.facts.env_reads
        for node in nodes:
            if self.inside(node):
                continue
            value = self.evaluator.evaluate(node)
            env = value.env if isinstance(value, Unresolved) else None
            if env is None:
                call = self.facts.calls_by_node.get(node.id)
                args = [a.value for a in call.args if a.name is None] if call is not None else []
                first = self.evaluator.evaluate(args[0]) if args else None
                env = first if isinstance(first, str) else None
            pid = self.registry.env_var(env) if env else None
            if pid is not None:
                self.detect(node, "config", f"reads {env}", provider_hint=pid)

    # --- imports -------------------------------------------------------------------------------
    def report_imports(self) -> None:
        """An import is a usage of its SDK's provider unless every client the file builds with
        that SDK names an endpoint, or the file builds only other SDKs' clients (a C# `using` or
        a Java `import` of types that come with another SDK's client)."""
        reported: set[tuple[int, str]] = set()
        for imp, pid in self.imports:
            if (imp.node.id, pid) in reported:
                continue  # `import { A, B } from "pkg"`: one statement, one usage
            reported.add((imp.node.id, pid))
            own = [c for c in self.clients if c.spec.provider == pid]
            if own and all(c.endpoint is not None for c in own):
                continue
            if not own and self.clients and not self.lang.package_clients:
                continue  # (an npm import binds only its own package's names: it always counts)
            self.detect(imp.node, "import", text(imp.node), provider_hint=pid)

    def run(self) -> tuple[list[Detection], list[ModelRef]]:
        self.bind_imports()
        self.find_ai_strings()
        self.find_clients()
        self.derive_clients()
        self.find_calls()
        self.env_reads()
        self.hard_coded()
        self.report_imports()
        return self.detections, self.models


@functools.lru_cache(maxsize=16)
def _client_tails(registry: Registry, section: str) -> frozenset[str]:
    return frozenset(name.rsplit(".", 1)[-1] for name in registry.source_clients(section))


@functools.lru_cache(maxsize=16)
def _words(registry: Registry, section: str, extra: frozenset[str]) -> Prefilter:
    return Prefilter(relevance(registry, extra).source_markers(section))


def worth_parsing(lang: Language, data: bytes, ctx: DetectContext) -> bool:
    """The prefilter lets a file through on any provider word of any language; this asks for a
    word of this language's SDKs, an AI host or a provider's variable before paying for a parse."""
    return _words(ctx.registry, lang.section, ctx.extra_hosts).may_hold_ai(data)


def relevant(facts: Facts, ctx: DetectContext) -> bool:
    """Worth the full analysis: an SDK import, an AI URL or a provider's variable in a string, or a
    client's class name outside comments. Most files a prefilter word lets through are none."""
    lang, registry = facts.lang, ctx.registry
    if any(registry.source_import(lang.section, imp.path) for imp in facts.imports):
        return True
    for node in facts.strings:
        raw = text(node)
        if ("://" in raw and any(ctx.is_ai_url(word.strip("\"'`")) for word in raw.split() if "://" in word)) \
                or registry.env_var(raw.strip("\"'`@$")) is not None:
            return True
    return any(name in facts.data for name in relevance(registry, ctx.extra_hosts).source_class_names(lang.section))


def scan_source(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    lang = language_of(path)
    if lang is None:
        return FileScan(path)
    if ctx.filters and not worth_parsing(lang, data, ctx):
        return FileScan(path)
    try:
        tree = parse(lang, data)
    except ImportError as err:
        return FileScan(path, notices=(Notice(path, f"{lang.name} parser unavailable ({err}); not scanned"),))
    facts = collect(lang, data, tree, (lambda f: relevant(f, ctx)) if ctx.filters else None)
    core = Core(path, facts, ctx)
    detections, models = core.run()
    # a client on its SDK's default endpoint, when clients are reported only by their endpoint
    defaults = default_facts(c.spec.provider for c in core.clients if c.endpoint is None) \
        if lang.client_at_endpoint else ()
    suppressions: list[Suppression] = []
    for node in facts.comments:
        sup = parse_comment(path, node.start_point.row + 1, text(node))
        if sup is not None:
            suppressions.append(sup)
    notices: tuple[Notice, ...] = ()
    if tree.root_node.has_error:
        notices = (Notice(path, "syntax errors; the parts that parse were scanned"),)
    return FileScan(path, detections=tuple(sorted(detections, key=lambda d: (d.line, d.column))),
                    suppressions=tuple(suppressions), models=tuple(models), notices=notices, facts=defaults)
