"""One resolution per SDK in the repository: where the clients of a repointable SDK (the openai
package and the other OpenAI-protocol clients) really send data, decided once for the whole
repository and applied to the usages that cannot decide it themselves (Python, and per language
family the languages of the tree-sitter engine: openai-go's clients decide openai-go's imports).

An import of the SDK that builds no client (type imports, error classes, test doubles such as
`Mock(spec=OpenAI)`), a call through a client the file did not build (a parameter annotated with
the SDK's client type), and a read of the SDK provider's key (`OPENAI_API_KEY`) say nothing about
the endpoint. When every client of that SDK found in the repository reaches one other provider
(the openai SDK only ever pointed at OVHcloud), those usages are that provider's; when the
clients reach several other providers, they are none of them and are dropped; when any client
uses the SDK's default endpoint, or one cannot be resolved, they stay the SDK's own provider.

The decision reads the whole repository even when only some files are scanned (a pre-commit
call), so that a file gives the same result alone or in a folder: the repository's other Python
files are analysed on demand, through the scan cache, only when a scanned file needs it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence

from cadre_hooks.model import Detection, FileScan, Usage
from cadre_hooks.registry import Registry

DEFAULT_FACT = "sdk-default:"  # FileScan fact: the file reaches this SDK's default endpoint (a client, a module call)
PYTHON_FILES = (".py", ".pyi", ".pyw", ".ipynb")
# Usages that do not name an endpoint of their own: decided by the repository.
UNDECIDED_KINDS = frozenset({"import", "call", "config"})

Resolver = Callable[[Detection], Usage]


def default_facts(providers: Iterable[str]) -> tuple[str, ...]:
    """The facts of a Python file that reaches the default endpoint of the SDKs of `providers`."""
    return tuple(sorted(DEFAULT_FACT + p for p in set(providers)))


def _python(path: str) -> bool:
    return path.endswith(PYTHON_FILES)


def sdk_key(path: str, sdk: str) -> str:
    """`_key`, with every other file (JavaScript...) counted with Python."""
    return _key(path, sdk) or sdk


def _key(path: str, sdk: str) -> str | None:
    """Which SDK a usage belongs to: the provider for Python; for a language of the tree-sitter
    engine, its family and the provider (`go:openai` is openai-go, not the Python package), so that
    the clients of one language never decide another's imports. None: a file sdkscope ignores."""
    if _python(path):
        return sdk
    from cadre_hooks.detect.treesitter.language import language_of

    lang = language_of(path)
    return f"{lang.section}:{sdk}" if lang is not None else None


def _undecided(kind: str, sdk: str | None, provider: str | None, registry: Registry) -> bool:
    return kind in UNDECIDED_KINDS and sdk is not None and provider == sdk and registry.repointable(sdk)


def undecided_sdks(scans: Sequence[FileScan], registry: Registry) -> set[str]:
    """The SDKs some scanned usage waits for the repository's decision on (then the other files must be read)."""
    return {det.provider_hint for scan in scans if _python(scan.path) for det in scan.detections
            if det.provider_hint is not None and det.endpoint is None
            and _undecided(det.kind, det.provider_hint, det.provider_hint, registry)}


def destinations(scans: Iterable[FileScan], resolve: Resolver, registry: Registry) -> dict[str, set[str | None]]:
    """SDK provider -> the providers its Python clients reach in the repository (None: unresolved)."""
    out: dict[str, set[str | None]] = {}
    for scan in scans:
        if _key(scan.path, "") is None:
            continue
        for fact in scan.facts:
            if fact.startswith(DEFAULT_FACT):
                default = fact[len(DEFAULT_FACT):]
                out.setdefault(sdk_key(scan.path, default), set()).add(default)
        for det in scan.detections:
            sdk = det.provider_hint
            key = _key(scan.path, sdk) if sdk is not None else None
            if det.kind == "client" and sdk is not None and key is not None and registry.repointable(sdk):
                out.setdefault(key, set()).add(resolve(det).provider)
    return out


def apply(usages: Sequence[Usage], reached: Mapping[str, set[str | None]],
          registry: Registry) -> list[Usage]:
    """The usages with the undecided ones given to the repository's provider (or dropped, see above)."""
    out: list[Usage] = []
    for usage in usages:
        key = _key(usage.path, usage.sdk) if usage.sdk is not None else None
        if key is None or usage.host is not None \
                or not _undecided(usage.kind, usage.sdk, usage.provider, registry):
            out.append(usage)
            continue
        assert usage.sdk is not None
        targets = reached.get(key, set())
        if not targets or usage.sdk in targets or None in targets:
            out.append(usage)
            continue
        if len(targets) == 1:
            (target,) = targets
            assert target is not None
            out.append(dataclasses.replace(usage, provider=target,
                                           jurisdiction=registry.providers[target].jurisdiction,
                                           resolved_by="repository", host=None, region=None, region_in_eu=None))
        # several other providers: none of them can be named, and it is not the SDK's own provider
    return out
