"""The models named in the code against the `models` list of AI_USAGE.md (CDR206, warnings only).

A model is "used" when a usage carries it (`Usage.model`, `Usage.models`: the model of a call
site, a LiteLLM or LangChain model string, a model loaded in-process). Names are compared without
case, and a routing prefix does not count: `mistral/mistral-small-2409` (LiteLLM),
`mistralai:mistral-small-2409` (LangChain) and `mistralai/Mistral-7B` (a hub id, by its last part)
all match a declared `mistral-small-2409` / `Mistral-7B`. A declared model the code does not
name may still be chosen at run time (an environment variable, a settings file), hence warnings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cadre_hooks.model import Usage
from cadre_hooks.registry import Registry


def forms(name: str, registry: Registry) -> frozenset[str]:
    """The spellings under which `name` matches another model name."""
    low = name.strip().lower()
    out = {low}
    if "/" in low:
        out.add(low.rsplit("/", 1)[1])
    head, sep, rest = low.partition(":")
    if sep and rest and registry.langchain_model(f"{head}:x") is not None:
        out.add(rest)
        if "/" in rest:
            out.add(rest.rsplit("/", 1)[1])
    return frozenset(out)


def used_models(usages: Iterable[Usage]) -> dict[str, list[Usage]]:
    """Model name -> the usages that name it: those that carry it themselves (a call site), else the
    usages of its file and provider it was attached to."""
    direct: dict[str, list[Usage]] = {}
    attached: dict[str, list[Usage]] = {}
    for usage in usages:
        if usage.model and usage.model.strip():
            direct.setdefault(usage.model, []).append(usage)
        for name in usage.models:
            if name and name.strip() and name != usage.model:
                attached.setdefault(name, []).append(usage)
    return {name: direct.get(name) or attached[name] for name in [*direct, *attached]}


def compare(used: dict[str, list[Usage]], declared: Sequence[str],
            registry: Registry) -> tuple[list[str], list[int]]:
    """(models used but not declared, indexes of declared models not found)."""
    declared_forms = [forms(name, registry) for name in declared]
    used_forms = {name: forms(name, registry) for name in used}
    undeclared = [name for name, f in used_forms.items() if not any(f & d for d in declared_forms)]
    stale = [i for i, d in enumerate(declared_forms) if not any(d & f for f in used_forms.values())]
    return sorted(undeclared), stale
