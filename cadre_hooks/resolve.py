"""Who really receives the data: turn a detection into a usage with provider, jurisdiction, region.

The host decides over the package (the openai SDK pointed at api.mistral.ai is Mistral); a
generic client whose endpoint cannot be read has no provider (jurisdiction `unknown`) unless
the configuration names the provider behind its environment variable or host.
"""

from __future__ import annotations

from collections.abc import Mapping

from cadre_hooks.detect import urls
from cadre_hooks.detect.context import host_in
from cadre_hooks.model import Detection, Usage
from cadre_hooks.registry import Registry


def configured_host(host: str, hosts: Mapping[str, str]) -> str | None:
    if host in hosts:
        return hosts[host]
    for pattern, pid in hosts.items():
        if pattern.startswith("*.") and host_in(host, frozenset({pattern})):
            return pid
    return None


def resolve(det: Detection, registry: Registry, hosts: Mapping[str, str], endpoints: Mapping[str, str]) -> Usage:
    provider = det.provider_hint
    region = det.region
    resolved_by = det.resolved_by
    host = None
    if det.endpoint:
        url = urls.parse(det.endpoint)
        if url is not None:
            host = url.host
            named = configured_host(host, hosts)
            match = registry.host(host)
            if named is not None:
                provider = named
            elif match is not None:
                provider = match.provider
                region = match.region or region
            elif urls.is_local_host(host):
                by_port = registry.port_provider(url.port) if url.port else None
                hinted_local = provider is not None and registry.providers[provider].jurisdiction == "local"
                provider = by_port or (provider if hinted_local else "self-hosted")
            elif det.generic:
                provider = None
    elif det.endpoint_unresolved:
        if det.endpoint_env and det.endpoint_env in endpoints:
            provider = endpoints[det.endpoint_env]
        elif det.named_provider:
            # The endpoint cannot be read, but its name says where it goes (`settings.albert_api_url`).
            provider, resolved_by = det.named_provider, "name"
        elif det.generic:
            provider = None
    known = provider is not None and provider in registry.providers
    jurisdiction = registry.providers[provider].jurisdiction if known and provider else "unknown"
    if not known:
        provider = None
    return Usage(
        path=det.path, line=det.line, column=det.column, kind=det.kind, provider=provider,
        jurisdiction=jurisdiction, evidence=det.evidence, region=region,
        region_in_eu=registry.region_in_eu(region) if region else None, host=host,
        endpoint_env=det.endpoint_env, model=det.model, statement_line=det.statement_line or det.line,
        sdk=det.provider_hint, operation=det.operation, resolved_by=resolved_by,
        named_by=det.named_by if resolved_by == "name" else None,
    )
