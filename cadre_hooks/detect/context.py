"""What every detector may consult: the registry, the repository root, the user's extra AI hosts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cadre_hooks.detect import urls
from cadre_hooks.registry import Registry
from cadre_hooks.relevance import filters_enabled


@dataclass(frozen=True)
class DetectContext:
    registry: Registry
    root: Path
    extra_hosts: frozenset[str] = field(default_factory=frozenset)
    # False (`CADRE_NO_FILTERS=1`): no detector skips a file or an expression as irrelevant, to check
    # that the filters drop nothing the full analysis would report (tests/test_relevance.py).
    filters: bool = field(default_factory=filters_enabled)

    def host_is_known(self, host: str) -> bool:
        return self.registry.host(host) is not None or host_in(host, self.extra_hosts)

    def is_ai_url(self, text: str) -> bool:
        """A URL that reaches an AI API: a provider's host, a configured AI host, or a local model server."""
        url = urls.parse(text)
        if url is None:
            return False
        if self.host_is_known(url.host):
            return True
        if urls.is_local_host(url.host):
            return urls.has_ai_path(url) or (url.port is not None and self.registry.port_provider(url.port) is not None)
        return False


def host_in(host: str, hosts: frozenset[str]) -> bool:
    """`host` equals one of `hosts`, or falls under a `*.domain` entry."""
    return host in hosts or any(h.startswith("*.") and host.endswith(h[1:]) for h in hosts)
