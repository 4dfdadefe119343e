"""One resolution per SDK in the repository: where the clients of a repointable SDK (the openai
package and the other OpenAI-protocol clients) really send data, decided once for the whole
repository and applied to the Python usages that cannot decide it themselves.

A file that imports the SDK but builds no client of it (type imports, error classes, test
doubles such as `Mock(spec=OpenAI)`, functions taking a client as a parameter) says nothing about
the endpoint; neither does a read of the SDK provider's key (`OPENAI_API_KEY`). When every client
of that SDK found in the repository reaches one other provider (the openai SDK only ever pointed
at OVHcloud), those usages are that provider's; when they reach several other providers, they are
none of them and are dropped; when any client uses the SDK's default endpoint, or one cannot be
resolved, they stay the SDK's own provider.

The decision reads the whole repository even when only some files are scanned (a pre-commit
call), so that a file gives the same result alone or in a folder: the repository's other Python
files are analysed on demand, through the scan cache, only when a scanned file needs it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence

from cadre_hooks.model import Detection, FileScan, Usage
from cadre_hooks.registry import Registry

ORPHAN_FACT = "sdk-without-client:"  # FileScan fact: the file imports this SDK and builds no client of it
PYTHON_FILES = (".py", ".pyi", ".pyw", ".ipynb")
# Usages that do not name an endpoint: decided by the repository when their file has no client.
UNDECIDED_KINDS = frozenset({"import", "call"})

Resolver = Callable[[Detection], Usage]


def orphan_facts(imported: Iterable[str], building: Iterable[str]) -> tuple[str, ...]:
    """The facts of a Python file that imports the SDKs `imported` and builds clients of `building`."""
    return tuple(sorted(ORPHAN_FACT + p for p in set(imported) - set(building)))


def _orphans(scan: FileScan) -> frozenset[str]:
    return frozenset(f[len(ORPHAN_FACT):] for f in scan.facts if f.startswith(ORPHAN_FACT))


def _python(path: str) -> bool:
    return path.endswith(PYTHON_FILES)


def _undecided(det_kind: str, sdk: str | None, provider: str | None, orphans: frozenset[str],
               registry: Registry) -> bool:
    if sdk is None or provider != sdk or not registry.repointable(sdk):
        return False
    return det_kind == "config" or (det_kind in UNDECIDED_KINDS and sdk in orphans)


def needs_repository(scans: Sequence[FileScan], registry: Registry) -> bool:
    """Whether some scanned usage waits for the repository's decision (then the other files must be read)."""
    for scan in scans:
        if not _python(scan.path):
            continue
        orphans = _orphans(scan)
        for det in scan.detections:
            if det.endpoint is None and _undecided(det.kind, det.provider_hint, det.provider_hint, orphans, registry):
                return True
    return False


def destinations(scans: Iterable[FileScan], resolve: Resolver, registry: Registry) -> dict[str, set[str | None]]:
    """SDK provider -> the providers its Python clients reach in the repository (None: unresolved)."""
    out: dict[str, set[str | None]] = {}
    for scan in scans:
        if not _python(scan.path):
            continue
        orphans = _orphans(scan)
        for det in scan.detections:
            sdk = det.provider_hint
            if sdk is None or not registry.repointable(sdk):
                continue
            if det.kind == "client":
                usage = resolve(det)
                out.setdefault(sdk, set()).add(usage.provider)
            elif det.kind in UNDECIDED_KINDS and sdk not in orphans:
                out.setdefault(sdk, set()).add(sdk)  # a default client in this file
    return out


def apply(usages: Sequence[Usage], scans: Sequence[FileScan], reached: Mapping[str, set[str | None]],
          registry: Registry) -> list[Usage]:
    """The usages with the undecided ones given to the repository's provider (or dropped, see above)."""
    orphans = {scan.path: _orphans(scan) for scan in scans}
    out: list[Usage] = []
    for usage in usages:
        if not _python(usage.path) or usage.host is not None or not _undecided(usage.kind, usage.sdk, usage.provider,
                                                     orphans.get(usage.path, frozenset()), registry):
            out.append(usage)
            continue
        assert usage.sdk is not None
        targets = reached.get(usage.sdk, set())
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
