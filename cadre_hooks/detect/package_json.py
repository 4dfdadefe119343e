"""`package.json`: the npm packages a JavaScript project declares (`dependencies`,
`devDependencies`, `peerDependencies`, `optionalDependencies`), each a `dependency` usage of its
provider at the line of its key; the other fields (`config`, scripts' environment...) are read
as JSON configuration. A package named like a provider but not registered (`openai-utils`,
`ai`) is not a usage: only the registry's npm names count.
"""

from __future__ import annotations

from cadre_hooks.detect.config import linescan
from cadre_hooks.detect.config.entries import unique
from cadre_hooks.detect.config.jsonfile import JSON_ERRORS, Finder, JsonObject, json_detections, parse
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.textfile import json_reason, read_structured
from cadre_hooks.model import Detection, FileScan

DEPENDENCY_FIELDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def declared(ctx: DetectContext, path: str, document: JsonObject, text: str) -> list[Detection]:
    found = []
    for field, packages in document:
        if field not in DEPENDENCY_FIELDS or not isinstance(packages, JsonObject):
            continue
        finder = Finder(text)
        if finder.find(field, key=True) is None:
            continue
        for name, version in packages:
            at = finder.find(name, key=True)
            provider = ctx.registry.npm(name)
            if provider is None or at is None:
                continue
            line, column = at
            found.append(Detection(path, line, column, "dependency", f"{name} {version}".strip() if isinstance(
                version, str) else name, provider_hint=provider, statement_line=line))
    return found


def _fallback(ctx: DetectContext, path: str, text: str) -> list[Detection | None]:
    found: list[Detection | None] = list(linescan.scan_text(ctx, path, text))
    for number, line in enumerate(text.splitlines(), start=1):
        start = line.find('"')
        end = line.find('":', start + 1)
        if start >= 0 and end > start:
            name = line[start + 1:end]
            provider = ctx.registry.npm(name)
            if provider:
                found.append(Detection(path, number, start + 1, "dependency", name, provider_hint=provider,
                                       statement_line=number))
    return found


def scan_package_json(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = read_structured(path, data, parse, JSON_ERRORS, "valid JSON", json_reason,
                           lambda text: unique(_fallback(ctx, path, text)))
    if isinstance(read, FileScan):
        return read
    document, text = read.document, read.text
    if not isinstance(document, JsonObject):
        return read.result()
    found: list[Detection | None] = list(declared(ctx, path, document, text))
    found += json_detections(ctx, path, document, Finder(text), skip=lambda p: p[0] in DEPENDENCY_FIELDS)
    return read.result(unique(found))
