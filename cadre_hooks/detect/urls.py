"""What a URL or host string tells: which host, whether it is on this machine or the local network,
and whether it looks like an AI API. Shared by every detector."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Paths of the common model-serving APIs (OpenAI protocol, Ollama, TGI, Anthropic).
AI_PATHS = (
    "/v1/chat/completions", "/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/messages",
    "/v1/responses", "/api/generate", "/api/chat", "/api/embeddings", "/api/embed", "/generate_stream",
    "/v1/audio/transcriptions", "/v1/images/generations", "/v1/rerank",
)

_HOST_ONLY = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(/\S*)?$", re.IGNORECASE)
_LOCAL_NAMES = {"localhost", "host.docker.internal", "ip6-localhost"}


@dataclass(frozen=True, slots=True)
class Url:
    host: str
    port: int | None
    path: str
    text: str


def parse(text: str) -> Url | None:
    """A URL written in code: `https://host[:port]/path`, `ws://...`, or a bare `host.tld/path`."""
    candidate = text.strip()
    if not candidate or any(ch.isspace() for ch in candidate) or len(candidate) > 2048:
        return None
    if "://" in candidate:
        scheme = candidate.split("://", 1)[0].lower()
        if scheme not in ("http", "https", "ws", "wss", "grpc", "grpcs"):
            return None
    elif _HOST_ONLY.match(candidate):
        candidate = "https://" + candidate
    else:
        return None
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host or "{" in host:
        return None
    return Url(host=host, port=port, path=parts.path or "/", text=text.strip())


def is_local_host(host: str) -> bool:
    """Loopback or private-network hosts: the data stays on the organisation's machines."""
    if host in _LOCAL_NAMES or host.endswith((".localhost", ".local", ".internal", ".lan", ".home.arpa")):
        return True
    if "." not in host and ":" not in host:
        return True  # a single-label name: a container (`http://ollama:11434`) or an intranet machine
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_unspecified or ip.is_link_local


_PLACEHOLDER_LABELS = ("your-", "your_", "my-", "changeme", "xxx", "placeholder")


def is_placeholder_host(host: str) -> bool:
    """A host that stands for "put yours here": the RFC 2606 example domains (`example.com`,
    `api.example.org`, `*.example`, `*.test`, `*.invalid`) and names like `your-endpoint.com`."""
    labels = host.split(".")
    if host.endswith((".example", ".invalid", ".test")) or host in ("example.com", "example.org", "example.net"):
        return True
    if len(labels) >= 2 and ".".join(labels[-2:]) in ("example.com", "example.org", "example.net"):
        return True
    return any(label.startswith(_PLACEHOLDER_LABELS) for label in labels)


def has_ai_path(url: Url) -> bool:
    path = url.path.rstrip("/")
    return any(path.endswith(p) or (p + "/") in path for p in AI_PATHS)
