"""A JSON package manifest (`package.json`, `composer.json`): an object whose dependency fields map
package names to versions. Each name the registry knows for that ecosystem is a `dependency` usage
at the line of its key; every other field is read as JSON configuration. The two formats differ
only in their field names and their registry lookup (npm compares names exactly, Composer in lower
case), so one reader serves both and a fix to one is a fix to the other.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from cadre_hooks.detect.config import linescan
from cadre_hooks.detect.config.entries import unique
from cadre_hooks.detect.config.jsonfile import JSON_ERRORS, Finder, JsonObject, json_detections, parse
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.textfile import json_reason, read_structured
from cadre_hooks.model import Detection, FileScan

Lookup = Callable[[str], str | None]  # a registry lookup: package name -> provider id


def declared(path: str, document: JsonObject, text: str, fields: Collection[str],
             lookup: Lookup) -> list[Detection]:
    """The registered packages of the dependency `fields`, at the line and column of their key."""
    found = []
    for field, packages in document:
        if field not in fields or not isinstance(packages, JsonObject):
            continue
        finder = Finder(text)
        if finder.find(field, key=True) is None:
            continue
        for name, version in packages:
            at = finder.find(name, key=True)
            provider = lookup(name)
            if provider is None or at is None:
                continue
            line, column = at
            evidence = f"{name} {version}".strip() if isinstance(version, str) else name
            found.append(Detection(path, line, column, "dependency", evidence, provider_hint=provider,
                                   statement_line=line))
    return found


def _fallback(ctx: DetectContext, path: str, text: str, lookup: Lookup) -> list[Detection | None]:
    """A manifest that is not valid JSON: the line scan of any file, plus every quoted key
    (`"name":`) the registry knows, so that a trailing comma does not hide a dependency."""
    found: list[Detection | None] = list(linescan.scan_text(ctx, path, text))
    for number, line in enumerate(text.splitlines(), start=1):
        start = line.find('"')
        end = line.find('":', start + 1)
        if start >= 0 and end > start:
            name = line[start + 1:end]
            provider = lookup(name)
            if provider:
                found.append(Detection(path, number, start + 1, "dependency", name, provider_hint=provider,
                                       statement_line=number))
    return found


def scan_json_manifest(path: str, data: bytes, ctx: DetectContext, fields: Collection[str],
                       lookup: Lookup) -> FileScan:
    """The dependencies of `fields` (resolved with `lookup`) and the rest as JSON configuration."""
    read = read_structured(path, data, parse, JSON_ERRORS, "valid JSON", json_reason,
                           lambda text: unique(_fallback(ctx, path, text, lookup)))
    if isinstance(read, FileScan):
        return read
    document, text = read.document, read.text
    if not isinstance(document, JsonObject):
        return read.result()
    found: list[Detection | None] = list(declared(path, document, text, fields, lookup))
    found += json_detections(ctx, path, document, Finder(text), skip=lambda p: p[0] in fields)
    return read.result(unique(found))
