"""JSON configuration files, parsed with the json module (objects kept as ordered pairs); the line
of each key or value that matters is then found in the text, searching forward in document
order so that a repeated key maps to its own occurrence.

Reports cadre wrote itself (a top-level `"tool": {"name": "cadre-hooks"}`, or SARIF) name
providers because they describe findings: they are skipped. Lock files never reach here.
"""

from __future__ import annotations

import dataclasses

import json
from collections.abc import Callable, Iterator
from typing import Any

from cadre_hooks.detect.config import linescan
from cadre_hooks.detect.config.entries import Entry, assignment, decide, unique
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.textfile import Lines, json_reason, read_structured
from cadre_hooks.model import Detection, FileScan, ModelRef


class JsonObject(list[tuple[str, Any]]):
    """A JSON object as its (key, value) pairs, in document order, duplicates kept."""

    def get(self, key: str) -> Any:
        return next((v for k, v in self if k == key), None)


def parse(text: str) -> Any:
    return json.loads(text, object_pairs_hook=JsonObject)


def written_by_cadre(document: Any) -> bool:
    if not isinstance(document, JsonObject):
        return False
    tool = document.get("tool")
    schema = document.get("$schema")
    return (isinstance(tool, JsonObject) and tool.get("name") == "cadre-hooks") or (
        isinstance(schema, str) and "sarif" in schema.lower())


class Finder:
    """Offsets of JSON keys and string values in the text, searched forward from a cursor."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = Lines(text)
        self.cursor = 0

    def find(self, value: str, key: bool) -> tuple[int, int] | None:
        for ascii_only in (False, True):
            needle = json.dumps(value, ensure_ascii=ascii_only)
            start = self.cursor
            while True:
                pos = self.text.find(needle, start)
                if pos < 0:
                    break
                after = self.text[pos + len(needle):pos + len(needle) + 64].lstrip()
                if not key or after.startswith(":"):
                    self.cursor = pos + len(needle)
                    line, column = self.lines.position(pos + 1)
                    return line, column
                start = pos + 1
        return None


def strings(document: Any, skip: Callable[[tuple[str, ...]], bool]) -> Iterator[tuple[str | None, str]]:
    """(key or None for an array item, string value), in document order."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), document)]
    while stack:
        path, node = stack.pop()
        nested: list[tuple[tuple[str, ...], Any]] = []
        if isinstance(node, JsonObject):
            for key, value in node:
                if skip((*path, key)):
                    continue
                if isinstance(value, str):
                    yield key, value
                elif isinstance(value, list):
                    nested.append(((*path, key), value))
        elif isinstance(node, list):
            for item in node:
                if isinstance(item, str):
                    yield None, item
                elif isinstance(item, list):
                    nested.append((path, item))
        stack.extend(reversed(nested))


def json_detections(ctx: DetectContext, path: str, document: Any, finder: Finder,
                    skip: Callable[[tuple[str, ...]], bool] = lambda _: False) -> list[Detection | None]:
    found: list[Detection | None] = []
    for key, value in strings(document, skip):
        pair = assignment(value) if key is None else None
        key_name, value_text = pair if pair is not None else (key, value)
        if decide(ctx, path, Entry(key_name, value_text, 1, 1, 1, 1)) is None:
            continue
        key_at = finder.find(key, key=True) if key is not None else None
        value_at = finder.find(value, key=False)
        line, column = key_at or value_at or (1, 1)
        value_line, value_column = value_at or (line, column)
        if key is None and key_name is not None:  # "KEY=value" in an array
            value_column += len(key_name) + 1
        found.append(decide(ctx, path, Entry(key_name, value_text, line, column, value_line, value_column)))
    return found


JSON_ERRORS = (json.JSONDecodeError, RecursionError)


def scan_json(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = read_structured(path, data, parse, JSON_ERRORS, "valid JSON", json_reason,
                           lambda text: linescan.scan_text(ctx, path, text))
    if isinstance(read, FileScan):
        return read
    if written_by_cadre(read.document):
        return FileScan(path, notices=read.notices)
    found: list[Detection | None] = []
    models: list[ModelRef] = []
    from cadre_hooks.detect.config import dotnet

    if dotnet.is_settings_file(path):  # .NET: sections named after a provider (`"AzureOpenAI": {...}`)
        found += dotnet.dotnet_detections(ctx, path, read.document, read.text, models)
    taken = {d.line for d in found if d is not None}
    found += (d for d in json_detections(ctx, path, read.document, Finder(read.text))
              if d is not None and d.line not in taken)
    return dataclasses.replace(read.result(unique(found)), models=tuple(models))
