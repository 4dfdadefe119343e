"""Provider settings written as a group of keys: Spring AI's `spring.ai.<provider>.*` properties and
.NET's `"AzureOpenAI": {...}` configuration sections.

A group belongs to the provider its name says (from the registry: `[settings]` of each provider),
until an endpoint in the group says otherwise: `spring.ai.openai.base-url=https://api.mistral.ai`
makes every `spring.ai.openai.*` key of that group a usage of Mistral, as the OpenAI starter then
sends its requests there. Keys are read by their last word, whatever the separators:
- an endpoint (`base-url`, `endpoint`, `url`): a URL decides; a placeholder `${LLM_URL}` names the
  variable it reads, and the destination is then unknown unless the placeholder has a URL default
  (`${LLM_URL:https://api.mistral.ai}`);
- a key (`api-key`): a usage, never copied into the evidence; `${MISTRAL_API_KEY}` is named;
- a model or deployment name: a usage carrying the model;
- a region or location: the region of every usage of the group.
Other keys (timeouts, temperatures) are not usages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cadre_hooks.detect import urls
from cadre_hooks.detect.config.entries import ENV_REFERENCE, safe_url
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.model import Detection, ModelRef

# Spring's `${NAME}` / `${NAME:default}` placeholders (the default may itself be a URL with colons).
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)(?::([^}]*))?\}")
_ENDPOINT = ("baseurl", "endpoint", "url", "uri", "apibase", "host", "endpointurl")
_KEY = ("apikey", "key", "token", "accesskey", "secretkey", "accesstoken")
_MODEL_ENDINGS = ("model", "modelid", "modelname", "deployment", "deploymentname", "deploymentid")
_REGION = ("location", "region")


@dataclass(frozen=True, slots=True)
class Setting:
    """One key of a group, its value and where the key and the value start (1-based)."""

    key: str  # the full key as written (`spring.ai.openai.base-url`, `AzureOpenAI:Endpoint`)
    leaf: str  # its last word (`base-url`, `Endpoint`)
    value: str | None
    line: int
    column: int
    value_line: int
    value_column: int


def role(leaf: str) -> str | None:
    """endpoint, key, model, region, or None for a key that says nothing about the destination."""
    word = re.sub(r"[-_.\s]", "", leaf).lower()
    if word in _ENDPOINT:
        return "endpoint"
    if word in _KEY:
        return "key"
    if word in _REGION:
        return "region"
    if word.endswith(_MODEL_ENDINGS):
        return "model"
    return None


@dataclass(frozen=True, slots=True)
class Destination:
    endpoint: str | None = None
    endpoint_env: str | None = None
    unresolved: bool = False
    region: str | None = None
    shown: str = ""  # how the endpoint reads in the evidence


def _endpoint(value: str) -> Destination | None:
    text = value.strip()
    if not text:
        return None
    match = PLACEHOLDER.fullmatch(text)
    if match is not None:
        default = (match.group(2) or "").strip()
        if default and urls.parse(default) is not None:
            return Destination(endpoint=default, shown=safe_url(default))
        return Destination(endpoint_env=match.group(1), unresolved=True, shown="${" + match.group(1) + "}")
    if urls.parse(text) is not None:
        return Destination(endpoint=text, shown=safe_url(text))
    if "${" in text or "{{" in text:  # a URL built from placeholders (`https://${HOST}/v1`, a Helm template)
        reference = PLACEHOLDER.search(text)
        return Destination(endpoint_env=reference.group(1) if reference else None, unresolved=True,
                           shown="(built from placeholders)")
    return None


def _variable(value: str | None) -> str | None:
    """The environment variable a value reads (`${MISTRAL_API_KEY}`), if any."""
    if not value:
        return None
    match = PLACEHOLDER.search(value)
    if match is not None:
        return match.group(1)
    reference = ENV_REFERENCE.search(value)
    return (reference.group(1) or reference.group(2)) if reference else None


def _plain(value: str | None) -> str | None:
    """A literal value (not a placeholder), stripped; None when empty or a placeholder."""
    if value is None or not value.strip() or "${" in value or "{{" in value:
        return None
    return value.strip()


def group_detections(ctx: DetectContext, path: str, provider: str, settings: list[Setting],
                     suffix: str = "", models: list[ModelRef] | None = None,
                     inherited: str | None = None) -> list[Detection]:
    """The usages of one settings group of `provider`; `suffix` is added to every evidence
    (`(profile dev)`); the model names written in the group are added to `models` (CDR106).
    `inherited` is the endpoint the group gets from elsewhere when it sets none (a Spring profile
    inherits the default profile's `base-url`)."""
    roles = [(setting, role(setting.leaf)) for setting in settings]
    destination = Destination()
    for setting, kind in roles:
        if kind == "endpoint" and setting.value is not None:
            read = _endpoint(setting.value)
            if read is not None:
                destination = read
                break
    if destination == Destination() and inherited:
        destination = _endpoint(inherited) or destination
    region = next((_plain(s.value) for s, kind in roles if kind == "region" and _plain(s.value)), None)
    model = next((_plain(s.value) for s, kind in roles if kind == "model" and _plain(s.value)), None)
    # As for the SDKs in code: the OpenAI starter at a host the registry does not know reaches an
    # unknown destination; the Azure OpenAI starter behind a gateway (`*.azure-api.net`) or an
    # Ollama server on another machine stays itself.
    generic = ctx.registry.repointable(provider)
    hint = provider
    resolved_by = None
    if destination.endpoint is None and not destination.unresolved:
        # No endpoint in the group: a key read from another provider's variable names the destination
        # (`spring.ai.openai.api-key=${MISTRAL_API_KEY}` is Mistral through the OpenAI starter).
        for setting, kind in roles:
            named = ctx.registry.env_var(_variable(setting.value) or "") if kind == "key" else None
            if named is not None and named != provider:
                hint, resolved_by = named, "name"
                break
    found: list[Detection] = []
    for setting, kind in roles:
        if kind is None:
            continue
        if kind == "endpoint":
            shown = destination.shown if setting.value and _endpoint(setting.value) == destination else ""
            if not shown:
                continue  # an empty or non-URL endpoint key says nothing
            evidence = f"{setting.key}: {shown}"
            line, column = setting.value_line, setting.value_column
        elif kind == "key":
            variable = _variable(setting.value)
            evidence = f"{setting.key} reads {variable}" if variable else f"{setting.key} (provider key)"
            line, column = setting.line, setting.column
        elif kind == "model":
            value = _plain(setting.value)
            if value is None:
                continue
            evidence = f"{setting.key}: {value}"
            line, column = setting.line, setting.column
            if models is not None:
                models.append(ModelRef(path, setting.value_line, setting.value_column, value, setting.line))
        else:
            value = _plain(setting.value)
            if value is None:
                continue
            evidence = f"{setting.key}: {value}"
            line, column = setting.line, setting.column
        found.append(Detection(
            path, line, column, "config", evidence + suffix, provider_hint=hint, endpoint=destination.endpoint,
            endpoint_env=destination.endpoint_env, endpoint_unresolved=destination.unresolved, generic=generic,
            region=region, model=model, statement_line=line, resolved_by=resolved_by))
    return found
