"""The one rule every configuration format shares: when a key/value pair is an AI usage.

- a value holding an AI endpoint URL is a usage of whoever serves that URL (the resolver's host
  look-up decides, so the detection is `generic`); a URL decides over the key's name;
- a key named like a provider's environment variable (OPENAI_API_KEY, MISTRAL_API_KEY) is a usage
  of that provider, even with an empty or placeholder value; a URL given to such a key decides
  (OPENAI_BASE_URL=http://localhost:8000/v1 is a self-hosted server, not OpenAI);
- a value that reads such a variable (`${MISTRAL_API_KEY}`, LiteLLM's `os.environ/MISTRAL_API_KEY`).

Generic key names (`api_key`, `url`) never count, nor non-AI URLs (`http://localhost:5432`). The
evidence never repeats a value: a `.env` file may hold a real secret, and reports are shared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from cadre_hooks.detect import urls
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.model import Detection

URL_IN_TEXT = re.compile(r"(?:https?|wss?|grpcs?)://[^\s\"'<>`,;()\[\]{}|\\]+", re.IGNORECASE)
# `${NAME}`, `$NAME`, LiteLLM's `os.environ/NAME`, GitHub Actions' `${{ secrets.NAME }}`.
ENV_REFERENCE = re.compile(
    r"\$\{?([A-Za-z_][A-Za-z0-9_]*)|(?:os\.environ/|\b(?:secrets|env|vars)\.)([A-Za-z_][A-Za-z0-9_]*)"
)
ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)\Z", re.DOTALL)
_USERINFO = re.compile(r"//[^/@\s]*@")


@dataclass(frozen=True, slots=True)
class Entry:
    """A key and/or value read by a parser, with where each starts (1-based)."""

    key: str | None
    value: str | None
    line: int
    column: int
    value_line: int = 0
    value_column: int = 0


def key_provider(ctx: DetectContext, key: str | None) -> str | None:
    """The provider whose environment variable `key` names, exactly as the registry spells it, or
    whose Spring AI setting it sets through Spring's relaxed binding (`SPRING_AI_OPENAI_API_KEY`)."""
    if not key:
        return None
    found = ctx.registry.env_var(key)
    if found is None and key.startswith("SPRING_AI_"):
        from cadre_hooks.detect.config.settings import role

        group = ctx.registry.spring_prefix(key.lower().replace("_", "."))
        words = key.split("_")
        if group is not None and (role(words[-1]) or role("".join(words[-2:]))):
            found = group[1]
    return found


def _url_candidates(value: str) -> Iterable[tuple[str, int]]:
    whole = value.strip()
    if whole and urls.parse(whole) is not None:
        yield whole, value.index(whole)
        return
    for match in URL_IN_TEXT.finditer(value):
        yield match.group(0).rstrip(".:"), match.start()


def _at(entry: Entry, offset: int) -> tuple[int, int]:
    """File position of character `offset` of the value (values may span lines)."""
    assert entry.value is not None
    line = entry.value_line or entry.line
    column = entry.value_column or entry.column
    before = entry.value[:offset]
    if "\n" in before:
        return line + before.count("\n"), offset - before.rfind("\n")
    return line, column + offset


def safe_url(url: str) -> str:
    """The URL without any `user:password@` part, for evidence."""
    return _USERINFO.sub("//", url)


def _unresolved_endpoint(ctx: DetectContext, path: str, entry: Entry, key_pid: str) -> Detection | None:
    """A provider's endpoint variable (`OPENAI_BASE_URL`, `OLLAMA_HOST`) set from a placeholder
    (`${LLM_URL}`) or a template (`{{ .Values.baseUrl }}`): the endpoint is not known here. An SDK that
    is often pointed elsewhere (OpenAI's) then reaches an unknown destination, named by the variable
    the placeholder reads when it has one; the others stay themselves."""
    from cadre_hooks.detect.config.settings import role
    from cadre_hooks.detect.config.templates import is_unresolved

    value = entry.value or ""
    words = (entry.key or "").split("_")
    if not is_unresolved(value) or "endpoint" not in (role(words[-1]), role("".join(words[-2:]))):
        return None
    reference = ENV_REFERENCE.search(value)
    variable = (reference.group(1) or reference.group(2)) if reference else None
    evidence = f"{entry.key} reads {variable}" if variable else f"{entry.key} (value set by a template)"
    return Detection(path, entry.line, entry.column, "config", evidence, provider_hint=key_pid,
                     endpoint_env=variable, endpoint_unresolved=True, generic=ctx.registry.repointable(key_pid),
                     statement_line=entry.line)


def decide(ctx: DetectContext, path: str, entry: Entry) -> Detection | None:
    key_pid = key_provider(ctx, entry.key)
    value = entry.value
    if key_pid is None and (not value or ("." not in value and "/" not in value and "$" not in value)):
        return None  # the common case, settled cheaply: no key of a provider, nothing like a URL or variable
    label = entry.key or "value"
    if value and ("." in value or "://" in value):
        for url, offset in _url_candidates(value):
            parsed = urls.parse(url)
            if parsed is not None and urls.is_placeholder_host(parsed.host) \
                    and not _repoint_key(ctx, entry.key, key_pid):
                # `ALBERT_API_URL=https://example.com/v1` in a sample file: the key's name decides.
                placeholder = _placeholder(ctx, path, entry, url, offset, key_pid)
                if placeholder is not None:
                    return placeholder
                continue
            if ctx.is_ai_url(url) or (key_pid is not None and "://" in url and parsed is not None):
                line, column = _at(entry, offset)
                return Detection(path, line, column, "config", f"{label}: {safe_url(url)}", provider_hint=key_pid,
                                 endpoint=url, generic=True, statement_line=line)
    if key_pid is not None:
        unresolved = _unresolved_endpoint(ctx, path, entry, key_pid)
        if unresolved is not None:
            return unresolved
        return Detection(path, entry.line, entry.column, "config", f"{entry.key} (provider key)",
                         provider_hint=key_pid, statement_line=entry.line)
    if value:
        for match in ENV_REFERENCE.finditer(value):
            name = match.group(1) or match.group(2)
            pid = key_provider(ctx, name)
            if pid is not None:
                line, column = _at(entry, match.start())
                return Detection(path, line, column, "config", f"{label} reads {name}", provider_hint=pid,
                                 statement_line=line)
    return None


_ENDPOINT_WORDS = frozenset({"url", "uri", "endpoint", "base", "host", "server"})


def _repoint_key(ctx: DetectContext, key: str | None, key_pid: str | None) -> bool:
    """`OPENAI_BASE_URL`: the endpoint variable of an SDK routinely pointed at other providers, whose
    value (even `https://gateway.example.org`) says more than its name."""
    from cadre_hooks.detect.python.names import words

    return key_pid is not None and bool(_ENDPOINT_WORDS.intersection(words(key or ""))) \
        and ctx.registry.generic_sdk(key_pid)


def _placeholder(ctx: DetectContext, path: str, entry: Entry, url: str, offset: int,
                 key_pid: str | None) -> Detection | None:
    """A placeholder URL defers to its key: a provider's own variable, or an endpoint key whose name
    names exactly one provider (`SCALEWAY_GENAI_URL`; never a generic `LLM_BASE_URL`)."""
    from cadre_hooks.detect.python.names import words

    line, column = _at(entry, offset)
    evidence = f"{entry.key or 'value'}: {safe_url(url)} (placeholder)"
    parts = words(entry.key or "")
    if key_pid is not None:
        return Detection(path, line, column, "config", evidence, provider_hint=key_pid, statement_line=line)
    if not _ENDPOINT_WORDS.intersection(parts):
        return None
    named = ctx.registry.named_providers(parts)
    if len(named) != 1:
        return None
    return Detection(path, line, column, "config", evidence, generic=True, endpoint_unresolved=True,
                     named_provider=named.pop(), named_by=entry.key, statement_line=line)


def assignment(text: str) -> tuple[str, str] | None:
    """`KEY=value` written as one string (docker-compose `environment:` lists, Kubernetes args)."""
    match = ASSIGNMENT.match(text.strip())
    return (match.group(1), match.group(2)) if match else None


def unique(detections: Iterable[Detection | None]) -> tuple[Detection, ...]:
    """Drop repeats (a YAML alias visited twice, one pair reached by two paths); the first wins."""
    seen: dict[tuple[int, str, str | None], Detection] = {}
    for det in detections:
        if det is not None:
            seen.setdefault((det.line, det.kind, det.endpoint or det.provider_hint), det)
    return tuple(sorted(seen.values(), key=lambda d: (d.line, d.column)))
