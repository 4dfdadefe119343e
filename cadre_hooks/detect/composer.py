"""`composer.json`: the Composer packages a PHP project requires (`require`, `require-dev`), each
a `dependency` usage of its provider at the line of its key; the other fields are read as JSON
configuration. Only the `vendor/package` names of the provider data count (`openai-php/client`
is OpenAI's SDK, `acme/openai-helpers` is nothing).
"""

from __future__ import annotations

from cadre_hooks.detect.config import linescan
from cadre_hooks.detect.config.entries import unique
from cadre_hooks.detect.config.jsonfile import JSON_ERRORS, Finder, JsonObject, json_detections, parse
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.textfile import json_reason, read_structured
from cadre_hooks.model import Detection, FileScan

DEPENDENCY_FIELDS = ("require", "require-dev")


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
            provider = ctx.registry.composer(name)
            if provider is None or at is None:
                continue
            line, column = at
            evidence = f"{name} {version}".strip() if isinstance(version, str) else name
            found.append(Detection(path, line, column, "dependency", evidence, provider_hint=provider,
                                   statement_line=line))
    return found


def _fallback(ctx: DetectContext, path: str, text: str) -> list[Detection | None]:
    found: list[Detection | None] = list(linescan.scan_text(ctx, path, text))
    for number, line in enumerate(text.splitlines(), start=1):
        start = line.find('"')
        end = line.find('":', start + 1)
        if start >= 0 and end > start:
            provider = ctx.registry.composer(line[start + 1:end])
            if provider:
                found.append(Detection(path, number, start + 1, "dependency", line[start + 1:end],
                                       provider_hint=provider, statement_line=number))
    return found


def scan_composer_json(path: str, data: bytes, ctx: DetectContext) -> FileScan:
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
