"""The approved-provider policy: which rule, if any, a usage breaks.

Pure: a usage and a Config in, a verdict out. By default EU and local providers are approved
and non-EU ones are not; `approve`, `deny` and `allowlist` adjust that, and a deny always wins.
"""

from __future__ import annotations

from dataclasses import dataclass

from cadre_hooks.config import Config
from cadre_hooks.model import Usage
from cadre_hooks.registry import Registry


@dataclass(frozen=True, slots=True)
class Verdict:
    rule: str
    detail: str = ""


def is_approved(provider: str, jurisdiction: str, config: Config) -> bool:
    if provider in config.deny:
        return False
    if provider in config.approve:
        return True
    return not config.allowlist and jurisdiction in ("eu", "local")


def judge(usage: Usage, registry: Registry, config: Config, lang: str = "en") -> Verdict | None:
    fr = lang == "fr"
    if usage.kind == "lockfile":
        return None  # inventory: what is installed; the direct dependency or the code is what is judged
    if usage.provider is None:
        if usage.endpoint_env:
            detail = (f"le point d'accès vient de la variable d'environnement {usage.endpoint_env}" if fr
                      else f"the endpoint comes from the environment variable {usage.endpoint_env}")
        else:
            detail = ("le point d'accès de ce client d'IA ne peut pas être déterminé" if fr
                      else "the endpoint of this AI client cannot be determined")
        return Verdict("CDR104", detail)
    provider = registry.providers[usage.provider]
    if provider.category == "crowd-labour":
        return Verdict("CDR301")
    if not is_approved(usage.provider, usage.jurisdiction, config):
        if usage.jurisdiction == "non-eu":
            return Verdict("CDR101")
        if fr:
            detail = "refusé" if usage.provider in config.deny else "non listé (liste blanche)"
        else:
            detail = "denied" if usage.provider in config.deny else "not on the allowlist"
        return Verdict("CDR102", detail)
    if usage.host and usage.host in config.deny_hosts:
        return Verdict("CDR103", f"l'hôte {usage.host} est refusé (deny_hosts)" if fr
                       else f"the host {usage.host} is denied (deny_hosts)")
    if usage.region and usage.region_in_eu is False:
        return Verdict("CDR103", f"la région {usage.region} est hors de l'UE" if fr
                       else f"the region {usage.region} is outside the EU")
    if provider.multi_region and usage.region is None and usage.kind not in ("dependency", "config"):
        return Verdict("CDR104", f"la région de {provider.name} ne peut pas être lue" if fr
                       else f"the region of {provider.name} cannot be read")
    return None
