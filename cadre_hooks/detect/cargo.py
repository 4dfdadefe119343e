"""`Cargo.toml`: the crates a Rust package or workspace declares (`[dependencies]`,
`[dev-dependencies]`, `[build-dependencies]` and their `[target.'cfg(...)'.*]` forms), each crate
of an AI SDK a `dependency` usage of its provider at the line of its key. A renamed dependency
(`llm = { package = "async-openai" }`) is the crate it names. `[workspace.dependencies]` only pins
what members declare (`async-openai.workspace = true`, reported in the member), like a Maven
`<dependencyManagement>`; it and the other tables are read as TOML configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cadre_hooks.detect.config import linescan
from cadre_hooks.detect.config.entries import unique
from cadre_hooks.detect.config.tomlfile import toml_detections
from cadre_hooks.detect.config.tomltext import TomlText, read_toml
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.textfile import registered_pieces
from cadre_hooks.model import Detection, FileScan

DEPENDENCY_TABLES = ("dependencies", "dev-dependencies", "dev_dependencies", "build-dependencies",
                     "build_dependencies")


def dependency_tables(data: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    for name in DEPENDENCY_TABLES:
        if isinstance(data.get(name), dict):
            yield (name,), data[name]
    targets = data.get("target")
    if isinstance(targets, dict):
        for cfg, tables in targets.items():
            if isinstance(tables, dict):
                for name in DEPENDENCY_TABLES:
                    if isinstance(tables.get(name), dict):
                        yield ("target", cfg, name), tables[name]


def crate_name(key: str, value: Any) -> str:
    """The crate a dependency entry names: its `package` when renamed, else its key."""
    if isinstance(value, dict) and isinstance(value.get("package"), str):
        return str(value["package"])
    return key


def declared(ctx: DetectContext, path: str, text: TomlText, table: tuple[str, ...],
             entries: dict[str, Any]) -> list[Detection]:
    found = []
    start = text.section(table)
    for key, value in entries.items():
        crate = crate_name(key, value)
        provider = ctx.registry.cargo(crate)
        if provider is None:
            continue
        line, column = text.entry_position(table, key, start)  # [dependencies.async-openai]
        version = value if isinstance(value, str) else value.get("version") if isinstance(value, dict) else None
        evidence = f"{crate} {version}" if isinstance(version, str) else crate
        found.append(Detection(path, line, column, "dependency", evidence, provider_hint=provider,
                               statement_line=line))
    return found


def _line_scan(ctx: DetectContext, path: str, text: str) -> tuple[Detection, ...]:
    """A file tomllib rejects: `name = ...` keys that are registered crates, plus the config line scan."""
    found: list[Detection | None] = list(linescan.scan_text(ctx, path, text))
    found += registered_pieces(path, TomlText(text).code, _line_key, ctx.registry.cargo)
    return unique(found)


def _line_key(line: str) -> list[str]:
    key = line.split("=", 1)[0].strip().strip("\"'") if "=" in line else ""
    return [key] if key else []


def scan_cargo_toml(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = read_toml(path, data, lambda text: _line_scan(ctx, path, text))
    if isinstance(read, FileScan):
        return read
    parsed, text = read.document, TomlText(read.text)
    tables = list(dependency_tables(parsed))
    found: list[Detection | None] = []
    for table, entries in tables:
        found += declared(ctx, path, text, table, entries)
    skipped = {table for table, _ in tables}
    found += toml_detections(ctx, path, parsed, text, skip=lambda p: any(p[:len(t)] == t for t in skipped))
    return read.result(unique(found))
