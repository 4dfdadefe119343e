"""Look-up tables built from the provider data: module → provider, host → provider, and so on.

Every question a detector or the resolver asks about "is this AI, and whose?" is answered
here, from data, so that adding a provider is adding one file in `rules/providers/`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Keyword arguments that name the endpoint of an AI client, whatever the SDK.
DEFAULT_ENDPOINT_ARGS = frozenset(
    {"base_url", "api_base", "azure_endpoint", "endpoint", "host", "base_path", "endpoint_url", "api_host", "server_url"}
)
# Keyword arguments that name a cloud region.
REGION_ARGS = frozenset({"region_name", "region", "location"})
# Provider-file sections of the source languages read by the tree-sitter engine, and the key of
# each that lists what an import names (a Go module path, a JVM/.NET/PHP namespace, a Ruby require).
SOURCE_SECTIONS = {"javascript": "packages", "go": "modules", "jvm": "namespaces", "csharp": "namespaces", "ruby": "requires",
                   "php": "namespaces"}


@dataclass(frozen=True, slots=True)
class Provider:
    """Who receives the data, and which law it answers to."""

    id: str
    name: str
    seat: str
    parent: str
    jurisdiction: str
    category: str
    hosting: str
    notes: str
    multi_region: bool


@dataclass(frozen=True, slots=True)
class ClientSpec:
    """A client class: its provider, and whether its endpoint decides the provider instead."""

    provider: str
    generic: bool


@dataclass(frozen=True, slots=True)
class OperationSpec:
    """A method of a client that sends data: what it sends, and which argument names the model."""

    path: str  # from the client to the method: "chat.completions.create"; "files.*" for a whole namespace
    operation: str  # chat, completion, embeddings, image, audio, ocr, files, moderation, fine-tuning, ...
    model_arg: str
    model_position: int | None
    clients: tuple[str, ...]  # prefixes of the qualified client names it applies to

    def applies_to(self, client: str) -> bool:
        return any(client == c or (client.startswith(c) and client[len(c)] in "._:") for c in self.clients)


# Wrappers of some SDKs between the client and the method (`client.chat.completions.with_raw_response.create`).
_PASS_THROUGH = frozenset({"with_raw_response", "with_streaming_response"})
PASS_THROUGH = _PASS_THROUGH  # read by the relevance model (relevance.py)


@dataclass(frozen=True, slots=True)
class TerraformResource:
    """A Terraform resource type (fnmatch pattern) that provisions an AI service, with an optional
    `[attribute=value]` condition: `azurerm_cognitive_account[kind=OpenAI]`."""

    pattern: str
    attribute: str | None
    value: str | None
    provider: str

    @classmethod
    def parse(cls, spec: str, provider: str) -> TerraformResource:
        pattern, _, condition = spec.partition("[")
        attribute, _, value = condition.rstrip("]").partition("=")
        return cls(pattern, attribute or None, value if attribute else None, provider)

    def matches(self, rtype: str, attributes: Mapping[str, str | None]) -> bool:
        if not fnmatch.fnmatchcase(rtype, self.pattern):
            return False
        if self.attribute is None:
            return True
        found = attributes.get(self.attribute)
        return found is not None and found.lower() == (self.value or "").lower()


@dataclass(frozen=True, slots=True)
class HostMatch:
    provider: str
    region: str | None


class _LazyPattern:
    """A regular expression compiled on its first match: a pre-commit call on files without AI
    builds the registry but matches no host, and the ~30 host patterns cost ~3 ms to compile."""

    __slots__ = ("pattern", "_compiled")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    def match(self, text: str) -> re.Match[str] | None:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled.match(text)


def _host_pattern(pattern: str) -> _LazyPattern:
    out = []
    for label in pattern.split("."):
        if label == "*":
            out.append(r"(?:[a-z0-9-]+\.)*[a-z0-9-]+")
        elif "{region}" in label:
            out.append(re.escape(label).replace(r"\{region\}", "(?P<region>[a-z0-9-]+)"))
        else:
            out.append(re.escape(label))
    return _LazyPattern(r"\.".join(out) + r"\Z")


class Registry:
    """Read-only indexes over the provider, check and region data."""

    def __init__(self, providers: Sequence[Mapping[str, Any]], checks: Sequence[Mapping[str, Any]] = (),
                 regions: Mapping[str, Any] | None = None, operations: Mapping[str, Any] | None = None,
                 assistants: Sequence[Mapping[str, Any]] = ()) -> None:
        self.raw_providers = list(providers)
        self.raw_checks = list(checks)
        self.raw_assistants = list(assistants)  # rules/assistants.toml's [[assistant]] tables (CDR303)
        self.providers: dict[str, Provider] = {}
        self._modules: dict[str, str] = {}
        self._clients: dict[str, ClientSpec] = {}
        self._flag_clients: dict[tuple[str, str], str] = {}
        self._langchain: dict[str, str] = {}
        self._boto3: dict[str, str] = {}
        self._pypi: dict[str, str] = {}
        self._npm: dict[str, str] = {}
        self._go: dict[str, str] = {}
        self._maven: dict[str, str] = {}
        self._nuget: dict[str, str] = {}
        self._gem: dict[str, str] = {}
        self._composer: dict[str, str] = {}
        self._cargo: dict[str, str] = {}
        self._env: dict[str, str] = {}
        self._litellm: dict[str, str] = {}
        self._langchain_prefixes: dict[str, str] = {}
        self._ports: dict[int, str] = {}
        self._hosts: dict[str, str] = {}
        self._host_patterns: list[tuple[_LazyPattern, str]] = []
        self._model_patterns: list[tuple[str, str]] = []
        self._litellm_bare: list[tuple[str, str]] = []
        self._loaders: list[tuple[str, str]] = []
        self._ops: dict[str, list[OperationSpec]] = {}
        self._star_ops: dict[str, list[OperationSpec]] = {}
        self._module_ops: dict[str, OperationSpec] = {}
        self._names: list[tuple[tuple[str, ...], str]] = []
        self._spring: list[tuple[str, str]] = []
        self._dotnet: dict[str, str] = {}
        self._dotnet_raw: set[str] = set()
        self._terraform: list[TerraformResource] = []
        self._terraform_modules: dict[str, str] = {}
        self._terraform_module_names: list[str] = []
        self._source_imports: dict[str, dict[str, str]] = {section: {} for section in SOURCE_SECTIONS}
        self._source_clients: dict[str, dict[str, ClientSpec]] = {section: {} for section in SOURCE_SECTIONS}
        self._source_options: dict[str, set[str]] = {section: set() for section in SOURCE_SECTIONS}
        self._source_positions: dict[str, dict[str, int]] = {section: {} for section in SOURCE_SECTIONS}
        endpoint_args: set[str] = set(DEFAULT_ENDPOINT_ARGS)
        for data in providers:
            pid = str(data["id"])
            self.providers[pid] = Provider(
                id=pid, name=data["name"], seat=data["seat"], parent=data.get("parent", ""),
                jurisdiction=data["jurisdiction"], category=data["category"], hosting=data.get("hosting", ""),
                notes=data.get("notes", ""), multi_region=bool(data.get("multi_region", False)),
            )
            py = data.get("python", {})
            for mod in py.get("modules", ()):
                self._modules[mod] = pid
            for cls in py.get("generic_clients", ()):
                self._clients[cls] = ClientSpec(pid, True)
            for cls in py.get("clients", ()):
                self._clients[cls] = ClientSpec(pid, False)
            for entry in py.get("flag_clients", ()):
                cls, _, flag = entry.partition(":")
                self._flag_clients[(cls, flag)] = pid
            for name in py.get("langchain_classes", ()):
                self._langchain.setdefault(name, pid)
            for svc in py.get("boto3_services", ()):
                self._boto3[svc] = pid
            for pkg in py.get("packages", ()):
                self._pypi[_norm_pypi(pkg)] = pid
            for pat in py.get("model_loaders", ()):
                self._loaders.append((pat, pid))
            endpoint_args.update(py.get("endpoint_args", ()))
            own = (*py.get("modules", ()), *py.get("clients", ()), *py.get("generic_clients", ()),
                   *(f"boto3:{svc}" for svc in py.get("boto3_services", ())))
            for op in py.get("operations", ()):
                self._add_operation(op, own)
            default_names = [] if "-" in pid or data["category"] in ("crowd-labour", "in-process") else [pid]
            for name in data.get("endpoints", {}).get("names", default_names):
                self._names.append((tuple(name.lower().split("_")), pid))
            for pkg in data.get("javascript", {}).get("packages", ()):
                self._npm[pkg] = pid
            for mod in data.get("go", {}).get("modules", ()):
                self._go[mod] = pid
            for pkg in data.get("maven", {}).get("packages", ()):
                self._maven[pkg] = pid
            settings = data.get("settings", {})
            self._spring += [(prefix, pid) for prefix in settings.get("spring", ())]
            self._dotnet.update((section.lower(), pid) for section in settings.get("dotnet", ()))
            self._dotnet_raw.update(settings.get("dotnet", ()))
            self._terraform += [TerraformResource.parse(spec, pid)
                                for spec in data.get("terraform", {}).get("resources", ())]
            for source in data.get("terraform", {}).get("modules", ()):
                self._terraform_modules[source.lower()] = pid
                self._terraform_module_names.append(source)
            for section, key in SOURCE_SECTIONS.items():
                self._add_source_section(section, data.get(section, {}), key, pid)
            for pkg in data.get("nuget", {}).get("packages", ()):
                self._nuget[pkg.lower()] = pid
            for pkg in data.get("rubygems", {}).get("packages", ()):
                self._gem[pkg] = pid
            for pkg in data.get("composer", {}).get("packages", ()):
                self._composer[pkg.lower()] = pid
            for pkg in data.get("cargo", {}).get("packages", ()):
                self._cargo[_norm_crate(pkg)] = pid
            ep = data.get("endpoints", {})
            for host in ep.get("hosts", ()):
                if "*" in host or "{" in host:
                    self._host_patterns.append((_host_pattern(host), pid))
                else:
                    self._hosts[host] = pid
            for var in ep.get("env_vars", ()):
                self._env[var] = pid
            for port in ep.get("ports", ()):
                self._ports[int(port)] = pid
            models = data.get("models", {})
            for prefix in models.get("litellm_prefixes", ()):
                self._litellm[prefix] = pid
            for prefix in models.get("langchain_prefixes", ()):
                self._langchain_prefixes[prefix] = pid
            for pat in models.get("patterns", ()):
                self._model_patterns.append((pat, pid))
                if models.get("litellm_bare"):
                    self._litellm_bare.append((pat, pid))
        self.endpoint_args = frozenset(endpoint_args)
        self._repointable = frozenset(spec.provider for spec in self._clients.values() if spec.generic)
        shared = operations or {}
        for op in shared.get("operations", ()):
            self._add_operation(op, ())
        self._http_paths: list[tuple[str, str]] = sorted(
            ((str(e["suffix"]), str(e["operation"])) for e in shared.get("http_paths", ())), key=lambda e: -len(e[0]))
        self._ai_paths = tuple(str(e["suffix"]) for e in shared.get("http_paths", ()) if e.get("distinctive"))
        self.operation_paths = frozenset([*self._ops, *(f"{p}.*" for p in self._star_ops)])
        # The last attribute of every operation path (`create`, `process`), or the name of a namespace
        # (`files`): a call whose attributes hold none of them is no operation.
        self.operation_words = frozenset([*(p.rsplit(".", 1)[-1] for p in self._ops),
                                          *(p.rsplit(".", 1)[-1] for p in self._star_ops)])
        self._spring.sort(key=lambda item: -len(item[0]))  # `spring.ai.azure.openai` before `spring.ai.azure`
        # Every dotted prefix of a registered client or loader (`huggingface_hub` for `huggingface_hub.InferenceClient`).
        self._prefixes: set[str] = set()
        for name in [*self._clients, *(pat.split("*")[0].rstrip(".") for pat, _ in self._loaders)]:
            parts = name.split(".")
            self._prefixes.update(".".join(parts[:i]) for i in range(1, len(parts)))
        # Patterns with fewer wildcards are more specific: try them first.
        self._host_patterns.sort(key=lambda item: item[0].pattern.count("(?"))
        reg = regions or {}
        self._eu_regions: set[str] = set(reg.get("eu_labels", ()))
        self._non_eu_europe: set[str] = set()
        for cloud in ("aws", "gcp", "azure"):
            self._eu_regions.update(reg.get(cloud, {}).get("eu", ()))
            self._non_eu_europe.update(reg.get(cloud, {}).get("europe_non_eu", ()))

    def _add_source_section(self, section: str, facts: Mapping[str, Any], key: str, pid: str) -> None:
        for name in facts.get(key, ()):
            self._source_imports[section][qualified(name)] = pid
        for name in facts.get("clients", ()):
            self._source_clients[section][qualified(name)] = ClientSpec(pid, False)
        for name in facts.get("generic_clients", ()):
            self._source_clients[section][qualified(name)] = ClientSpec(pid, True)
        self._source_options[section].update(facts.get("endpoint_options", ()))
        for name, index in facts.get("endpoint_positions", {}).items():
            self._source_positions[section][qualified(name)] = int(index)

    # --- source languages read with tree-sitter (Go, Java/Kotlin, C#, Ruby, PHP) -----------
    def source_import(self, section: str, name: str) -> str | None:
        """Provider of the longest registered import that is `name` or a prefix of it, on `/` or `.`
        boundaries (`github.com/openai/openai-go/option`, `dev.langchain4j.model.openai.OpenAiChatModel`)."""
        table = self._source_imports.get(section, {})
        name = qualified(name)
        while name:
            pid = table.get(name)
            if pid:
                return pid
            # (an npm specifier is cut at `/` only: `openai.js` is another package than `openai`)
            cut = name.rfind("/") if section == "javascript" else max(name.rfind("."), name.rfind("/"))
            name = name[:cut] if cut > 0 else ""
        return None

    def source_client(self, section: str, name: str) -> ClientSpec | None:
        """A client constructor (class, factory function or builder entry) of a source language."""
        return self._source_clients.get(section, {}).get(name)

    def source_words(self, section: str) -> frozenset[str]:
        """Words one of which a source file of that section's languages must hold to be worth
        parsing: an SDK import's last element, a client's class name, an AI host, a provider's
        variable (`OpenAI`, `openai-go`, `AzureOpenAIClient`, `api.mistral.ai`, `MISTRAL_API_KEY`)."""
        # an import spells its path in full, except PHP's, whose separator is `\`
        words = {name.rsplit(".", 1)[-1] if section == "php" else name for name in self._source_imports.get(section, {})}
        for name in self._source_clients.get(section, {}):
            if "/" in name:
                continue  # a Go client is always used through its package's import
            parts = [p for p in name.split(".") if p[:1].isupper() and p not in _GENERIC_MEMBERS]
            words.update(parts[-1:])
        words.update(self._hosts)
        words.update(_fixed_suffix(pattern.pattern) for pattern, _ in self._host_patterns)
        words.update(self._env)
        return frozenset(w for w in words if len(w) >= 3)

    def source_clients(self, section: str) -> frozenset[str]:
        return frozenset(self._source_clients.get(section, {}))

    def source_endpoint_options(self, section: str) -> frozenset[str]:
        return frozenset(self._source_options.get(section, ()))

    def source_endpoint_position(self, section: str, client: str) -> int | None:
        """The positional argument of `client` that is its endpoint (`new AzureOpenAIClient(endpoint, key)`)."""
        return self._source_positions.get(section, {}).get(client)

    # --- Python -------------------------------------------------------------------------
    def module_provider(self, qualname: str) -> str | None:
        """Provider of the longest registered module that is a dotted prefix of `qualname`."""
        parts = qualname.split(".")
        for end in range(len(parts), 0, -1):
            pid = self._modules.get(".".join(parts[:end]))
            if pid:
                return pid
        return None

    def is_ai_module(self, qualname: str) -> bool:
        """True when importing `qualname` may give access to an AI client (worth a full analysis)."""
        return (self.module_provider(qualname) is not None or self.client(qualname) is not None
                or qualname in self._prefixes)

    def generic_sdk(self, pid: str) -> bool:
        """The provider's SDK is routinely pointed at others (`OPENAI_BASE_URL` may name any host)."""
        return any(spec.generic and spec.provider == pid for spec in self._clients.values())

    def client(self, qualname: str) -> ClientSpec | None:
        return self._clients.get(qualname)

    def sdk_words(self, provider: str) -> frozenset[str]:
        """The top-level Python modules of the provider's SDKs and clients (`openai`, `langchain_openai`,
        `llama_index`): a file that names none of them builds no client of that provider."""
        names = [*(m for m, pid in self._modules.items() if pid == provider),
                 *(c for c, spec in self._clients.items() if spec.provider == provider)]
        return frozenset(n.split(".")[0] for n in names)

    def repointable(self, provider: str) -> bool:
        """True when the provider's SDK is commonly pointed at other providers (it has generic clients:
        the OpenAI SDK), so that an endpoint the registry does not know makes the destination unknown."""
        return provider in self._repointable

    def flag_client(self, qualname: str, flags: set[str]) -> str | None:
        """The provider a client reaches because of a flag argument (`genai.Client(vertexai=True)`)."""
        for flag in flags:
            pid = self._flag_clients.get((qualname, flag))
            if pid:
                return pid
        return None

    def langchain_class(self, name: str) -> str | None:
        return self._langchain.get(name)

    def boto3_service(self, name: str) -> str | None:
        return self._boto3.get(name)

    def model_loader(self, qualname: str) -> str | None:
        for pattern, pid in self._loaders:
            if fnmatch.fnmatchcase(qualname, pattern):
                return pid
        return None

    def _add_operation(self, data: Mapping[str, Any], own: Sequence[str]) -> None:
        path = str(data["path"])
        spec = OperationSpec(path, str(data["operation"]), str(data.get("model_arg", "model")),
                             data.get("model_position"), tuple(data.get("clients", own)))
        if spec.clients == ("litellm",):
            self._module_ops[path] = spec  # a module function (`litellm.completion`), never a method
        elif path.endswith(".*"):
            self._star_ops.setdefault(path[:-2], []).append(spec)
        else:
            self._ops.setdefault(path, []).append(spec)

    def operation(self, client: str | None, path: str) -> OperationSpec | None:
        """What calling `path` on a client of qualified name `client` sends (None: not a registered operation).
        `client` None matches any client (a call on a value whose class is not known)."""
        if client == "litellm":
            return self._module_ops.get(path)
        parts = [p for p in path.split(".") if p not in _PASS_THROUGH]
        candidates = list(self._ops.get(".".join(parts), ()))
        for cut in range(len(parts) - 1, 0, -1):
            candidates.extend(self._star_ops.get(".".join(parts[:cut]), ()))
        for spec in candidates:
            if client is None or spec.applies_to(client):
                return spec
        return None

    def is_operation_path(self, path: str) -> bool:
        """`path` (a suffix of an attribute chain) is a registered operation for some client."""
        return self.operation(None, path) is not None

    def http_operation(self, url_path: str) -> str | None:
        """The operation an AI HTTP API path carries (`/v1/chat/completions` -> chat)."""
        path = url_path.split("?", 1)[0].rstrip("/")
        for suffix, operation in self._http_paths:
            if path.endswith(suffix):
                return operation
        return None

    def is_ai_path(self, url_path: str) -> bool:
        """The path alone says AI traffic (`/v1/chat/completions`, `/api/generate`), whatever the host."""
        path = url_path.split("?", 1)[0].rstrip("/")
        return any(path.endswith(suffix) for suffix in self._ai_paths)

    def http_suffixes(self) -> tuple[str, ...]:
        return tuple(s for s, _ in self._http_paths)

    def named_providers(self, words: Sequence[str], ignore: str | None = None) -> set[str]:
        """The providers the words of one name name (`albert`, `api`, `url` -> {"albert"}). A provider
        named inside a longer name of another (`openai` in `azure_openai`) is not named; `ignore` is the
        provider of a generic SDK, whose own name in a setting says nothing of the host it points to."""
        tokens = tuple(w.lower() for w in words)
        spans: list[tuple[int, int, str]] = []
        for name, pid in self._names:
            size = len(name)
            for start in range(len(tokens) - size + 1):
                if tokens[start:start + size] == name:
                    spans.append((start, start + size, pid))
        kept = {pid for s, e, pid in spans
                if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in spans)}
        kept.discard(ignore or "")
        return kept

    # --- manifests ---------------------------------------------------------------------
    def pypi(self, name: str) -> str | None:
        return self._pypi.get(_norm_pypi(name))

    def npm(self, name: str) -> str | None:
        return self._npm.get(name)

    def go_module(self, path: str) -> str | None:
        for mod, pid in self._go.items():
            if path == mod or path.startswith(mod + "/"):
                return pid
        return None

    def maven(self, coordinate: str) -> str | None:
        return self._maven.get(coordinate)

    def nuget(self, name: str) -> str | None:
        """NuGet package ids are case-insensitive (`azure.ai.openai` is `Azure.AI.OpenAI`)."""
        return self._nuget.get(name.lower())

    def gem(self, name: str) -> str | None:
        return self._gem.get(name)

    def composer(self, name: str) -> str | None:
        """Composer `vendor/package` names; Packagist compares them in lower case."""
        return self._composer.get(name.lower())

    def cargo(self, name: str) -> str | None:
        """Crate names; crates.io treats `-` and `_` as the same character."""
        return self._cargo.get(_norm_crate(name))

    def env_var(self, name: str) -> str | None:
        return self._env.get(name)

    # --- deployment settings -------------------------------------------------------------
    def spring_roots(self) -> frozenset[str]:
        """The first word of every Spring Boot property prefix (`spring`, `langchain4j`)."""
        return frozenset(prefix.split(".", 1)[0] for prefix, _ in self._spring)

    def spring_prefix(self, key: str) -> tuple[str, str] | None:
        """(prefix, provider) of the Spring AI property group `key` belongs to
        (`spring.ai.openai.chat.options.model` → `spring.ai.openai`)."""
        for prefix, pid in self._spring:
            if key == prefix or key.startswith(prefix + "."):
                return prefix, pid
        return None

    def dotnet_section(self, name: str) -> str | None:
        """The provider a .NET configuration section is named after (`AzureOpenAI`), any case."""
        return self._dotnet.get(name.lower())

    def terraform_resource(self, rtype: str, attributes: Mapping[str, str | None]) -> str | None:
        """The provider a Terraform resource provisions, given its type and literal attributes."""
        for spec in self._terraform:
            if spec.matches(rtype, attributes):
                return spec.provider
        return None

    def terraform_module(self, source: str) -> str | None:
        """The provider a Terraform registry module provisions (`Azure/openai/azurerm`, any case, with or
        without a `registry.terraform.io/` host or a `//submodule`)."""
        name = source.lower().split("//", 1)[0].removeprefix("registry.terraform.io/").removeprefix(
            "registry.opentofu.org/")
        return self._terraform_modules.get(name)

    def terraform_types(self) -> Iterable[str]:
        return (spec.pattern for spec in self._terraform)

    # --- endpoints ---------------------------------------------------------------------
    def host(self, host: str) -> HostMatch | None:
        host = host.lower().rstrip(".")
        pid = self._hosts.get(host)
        if pid:
            return HostMatch(pid, None)
        for pattern, pid in self._host_patterns:
            m = pattern.match(host)
            if m:
                return HostMatch(pid, m.groupdict().get("region"))
        return None

    def port_provider(self, port: int) -> str | None:
        return self._ports.get(port)

    def region_in_eu(self, region: str) -> bool:
        return region.lower() in self._eu_regions

    # --- models ------------------------------------------------------------------------
    def litellm(self, model: str) -> str | None:
        """Provider LiteLLM routes `model` to: by its `prefix/`, or a bare name it knows."""
        if "/" in model:
            prefix = model.split("/", 1)[0]
            if prefix in self._litellm:
                return self._litellm[prefix]
        for pattern, pid in self._litellm_bare:
            if fnmatch.fnmatchcase(model, pattern):
                return pid
        return None

    def langchain_model(self, model: str, model_provider: str | None = None) -> str | None:
        """Provider LangChain's `init_chat_model` reaches for `"prefix:model"` or `model_provider=`."""
        if model_provider is not None:
            return self._langchain_prefixes.get(model_provider)
        if ":" in model:
            prefix = model.split(":", 1)[0]
            if prefix in self._langchain_prefixes:
                return self._langchain_prefixes[prefix]
        return None

    def model_provider(self, model: str) -> str | None:
        for pattern, pid in self._model_patterns:
            if fnmatch.fnmatchcase(model, pattern):
                return pid
        return None

    # --- prefilter ---------------------------------------------------------------------
    def prefilter_words(self) -> set[str]:
        """Words whose presence in a file makes it worth parsing (see `cadre_hooks.prefilter`)."""
        words: set[str] = set()
        for mod in list(self._modules) + list(self._clients):
            parts = mod.split(".")
            found = {parts[-1] if len(parts) == 1 or not _is_class(parts[-1]) else parts[-2],
                     parts[0] if parts[0] not in _GENERIC_TOP else parts[-1]}
            # `client` of `mistralai.client.Mistral`, `Client` of `google.genai.Client`: any module
            # says them; the import spells the other word (`mistralai`, `genai`) anyway.
            specific = found - _GENERIC_MEMBERS
            words.update(specific or found)
        words.update(self._langchain)
        words.update(self._boto3)
        words.update(self._pypi_raw_names())
        words.update(self._npm)
        words.update(self._env)
        words.update(v.lower() for v in self._env)  # pydantic settings fields (`mistral_api_key: str`)
        for host in self._hosts:
            words.add(host)
        for pattern, _ in self._host_patterns:
            words.add(_fixed_suffix(pattern.pattern))
        words.update(self._go)  # the module path in full: a last element such as `api` is any word
        words.update(p.split(":")[-1] for p in self._maven)
        # A call on a client imported from another module of the project may be the file's only trace.
        words.update(p for p in self._ops if "." in p or "_" in p)
        for prefix, _ in self._spring:  # `spring.ai.mistralai.` in a .properties file (YAML: the module names)
            words.add(prefix + ".")
            variable = prefix.upper().replace(".", "_")  # relaxed binding: SPRING_AI_MISTRALAI_API_KEY
            words.update(variable + suffix for suffix in ("_API_KEY", "_BASE_URL", "_ENDPOINT"))
        words.update('"' + spec.pattern.split("*")[0] for spec in self._terraform)  # `resource "aws_bedrock...`
        words.update(self._terraform_module_names)
        words.update(self._dotnet_raw)
        for section in SOURCE_SECTIONS:
            words.update(self._source_imports[section])  # the import line spells it in full
            for name in self._source_clients[section]:
                if "/" not in name:  # JVM, .NET, Ruby, PHP classes may be used without an import
                    parts = [p for p in name.split(".") if p not in _GENERIC_MEMBERS and p[:1].isupper()]
                    words.update(parts[-1:])  # the class: `OpenAiChatModel`, `OpenAI` of `OpenAI.configure`
        words.update(self._manifest_words())
        return {w for w in words if len(w) >= 3}

    def _manifest_words(self) -> Iterable[str]:
        """NuGet ids as written in the data (`Azure.AI.OpenAI`), gems, Composer names, crates."""
        for data in self.raw_providers:
            yield from data.get("nuget", {}).get("packages", ())
        yield from self._gem
        yield from self._composer
        for crate in self._cargo:
            yield crate
            yield crate.replace("-", "_")

    def _pypi_raw_names(self) -> Iterable[str]:
        for name in self._pypi:
            yield name
            yield name.replace("-", "_")


_GENERIC_MEMBERS = {"Client", "new", "builder", "client", "factory", "create", "Create", "Builder", "make"}
_GENERIC_TOP = {"google", "azure", "llama_index", "langchain", "langchain_community"}


def _is_class(name: str) -> bool:
    return name[:1].isupper()


def _fixed_suffix(regex: str) -> str:
    """The longest literal tail of a compiled host pattern (`openai.azure.com`)."""
    tail = regex.removesuffix(r"\Z")
    cut = max(tail.rfind(")"), tail.rfind("]"), tail.rfind("+"), tail.rfind("*"))
    return tail[cut + 1 :].replace("\\", "").lstrip(".")


def qualified(name: str) -> str:
    """One spelling for qualified names of every language: `OpenAI::Client`, `OpenAI\\Client` and
    `OpenAI.Client` are all `OpenAI.Client`."""
    return name.replace("::", ".").replace("\\", ".").lstrip(".")


def _norm_crate(name: str) -> str:
    return name.replace("_", "-").lower()


def _norm_pypi(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
