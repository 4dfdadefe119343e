"""The provider registry: who each provider is, and the signatures that reveal it in code."""

from __future__ import annotations

from cadre_hooks.registry.index import HostMatch, Provider, Registry
from cadre_hooks.registry.load import load_registry, rules_dir

__all__ = ["HostMatch", "Provider", "Registry", "load_registry", "rules_dir"]
