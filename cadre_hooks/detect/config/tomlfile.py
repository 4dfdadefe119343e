"""TOML configuration files, parsed with tomllib; each key or value that matters is then found
in the text (see tomltext) to report its line. `pyproject.toml` comes here too for its tables
other than dependencies (see cadre_hooks.detect.pyproject); cadre's own `[tool.cadre]` settings
name providers on purpose and are never read as usages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from cadre_hooks.detect.config import linescan
from cadre_hooks.detect.config.entries import Entry, decide, unique
from cadre_hooks.detect.config.tomltext import TomlText, read_toml
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.model import Detection, FileScan

Skip = Callable[[tuple[str, ...]], bool]
OWN_TABLE = ("tool", "cadre")


def _never(path: tuple[str, ...]) -> bool:
    return path[:2] == OWN_TABLE


def _strings(data: dict[str, Any], skip: Skip) -> Iterator[tuple[tuple[str, ...], int, str | None, str]]:
    """(table path, array-of-tables element, key or None for an array item, string value), in order."""
    stack: list[tuple[tuple[str, ...], int, dict[str, Any]]] = [((), 0, data)]
    while stack:
        path, element, table = stack.pop()
        nested: list[tuple[tuple[str, ...], int, dict[str, Any]]] = []
        for key, value in table.items():
            sub = (*path, key)
            if skip(sub):
                continue
            if isinstance(value, dict):
                nested.append((sub, 0, value))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        nested.append((sub, index, item))
                    elif isinstance(item, str):
                        yield path, element, None, item
            elif isinstance(value, str):
                yield path, element, key, value
        stack.extend(reversed(nested))


def toml_detections(ctx: DetectContext, path: str, data: dict[str, Any], text: TomlText,
                    skip: Skip = _never) -> list[Detection | None]:
    found: list[Detection | None] = []
    for table, element, key, value in _strings(data, skip):
        if decide(ctx, path, Entry(key, value, 1, 1, 1, 1)) is None:
            continue  # locate only what is reported
        start = text.section(table, element)
        key_at = text.find_key(key, start) if key else None
        value_at = text.find_string(value, key_at[0] - 1 if key_at else start)
        line, column = key_at or value_at or (start + 1, 1)
        value_line, value_column = value_at or (line, column)
        found.append(decide(ctx, path, Entry(key, value, line, column, value_line, value_column)))
    return found


def scan_toml(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = read_toml(path, data, lambda text: linescan.scan_text(ctx, path, text))
    if isinstance(read, FileScan):
        return read
    return read.result(unique(toml_detections(ctx, path, read.document, TomlText(read.text))))
