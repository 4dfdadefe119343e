"""Gradle version catalogs (`gradle/libs.versions.toml`): each `[libraries]` entry whose Maven
coordinate is an AI SDK is a `dependency` usage of its provider at the line of its alias. The
catalog is where the coordinate is written; build scripts only name the alias
(`implementation(libs.langchain4j.openai)`). Entries are written as `"group:artifact:version"`,
`{ module = "group:artifact", ... }` or `{ group = "...", name = "..." }`.
"""

from __future__ import annotations

from typing import Any

from cadre_hooks.detect.config.entries import unique
from cadre_hooks.detect.config.tomltext import TomlText, read_toml
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.textfile import registered_pieces
from cadre_hooks.model import Detection, FileScan


def coordinate(entry: Any) -> str | None:
    """`group:artifact` of one `[libraries]` entry, whatever its notation."""
    if isinstance(entry, str):
        parts = entry.split(":")
        return f"{parts[0]}:{parts[1]}" if len(parts) >= 2 else None
    if isinstance(entry, dict):
        module = entry.get("module")
        if isinstance(module, str):
            return coordinate(module)
        group, name = entry.get("group"), entry.get("name")
        if isinstance(group, str) and isinstance(name, str):
            return f"{group}:{name}"
    return None


def _line_scan(ctx: DetectContext, path: str, text: str) -> tuple[Detection, ...]:
    def provider_of(part: str) -> str | None:
        at = coordinate(part)
        return ctx.registry.maven(at) if at else None

    found: list[Detection | None] = list(registered_pieces(path, TomlText(text).code,
                                                           lambda line: line.split('"')[1::2], provider_of))
    return unique(found)


def scan_version_catalog(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = read_toml(path, data, lambda text: _line_scan(ctx, path, text))
    if isinstance(read, FileScan):
        return read
    parsed, text = read.document, TomlText(read.text)
    libraries = parsed.get("libraries")
    found: list[Detection | None] = []
    if isinstance(libraries, dict):
        start = text.section(("libraries",))
        for alias, entry in libraries.items():
            at = coordinate(entry)
            provider = ctx.registry.maven(at) if at else None
            if provider is None or at is None:
                continue
            own = text.headers.get(("libraries", alias))
            where = (own[0] + 1, 1) if own else text.find_key(alias, start)
            line, column = where or (start + 1, 1)
            found.append(Detection(path, line, column, "dependency", f"{alias} = {at}", provider_hint=provider,
                                   statement_line=line))
    return read.result(unique(found))
