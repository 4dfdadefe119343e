"""`pyproject.toml` and `Pipfile`: declared distributions (kind `dependency`) at the line of each
declaration; the other tables of pyproject.toml are configuration (cadre_hooks.detect.config).

pyproject.toml tables read as dependencies: PEP 621 `[project] dependencies` and
`optional-dependencies`, PEP 735 `[dependency-groups]`, Poetry `[tool.poetry.dependencies]`,
`dev-dependencies` and `[tool.poetry.group.<name>.dependencies]`, `[tool.uv] dev-dependencies`,
`[tool.pdm.dev-dependencies]`. Pipfile: every package category (`[packages]`, `[dev-packages]`,
custom ones), not `[source]`, `[requires]`, `[scripts]` or `[pipenv]`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cadre_hooks.detect.config import linescan
from cadre_hooks.detect.config.entries import unique
from cadre_hooks.detect.config.tomlfile import OWN_TABLE, toml_detections
from cadre_hooks.detect.config.tomltext import TomlText, read_toml
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.requirements import requirement_name
from cadre_hooks.detect.textfile import Parsed, registered_pieces
from cadre_hooks.model import Detection, FileScan

PIPFILE_NOT_PACKAGES = frozenset({"source", "requires", "scripts", "pipenv"})
# (table path, how its entries are written): "list" of PEP 508 strings, "groups" of such lists, "keys" names.
_PYPROJECT_TABLES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("project", "dependencies"), "list"),
    (("project", "optional-dependencies"), "groups"),
    (("dependency-groups",), "groups"),
    (("tool", "poetry", "dependencies"), "keys"),
    (("tool", "poetry", "dev-dependencies"), "keys"),
    (("tool", "uv", "dev-dependencies"), "list"),
    (("tool", "pdm", "dev-dependencies"), "groups"),
)


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = data
    for part in path:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def dependency_tables(data: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], str, Any]]:
    for path, form in _PYPROJECT_TABLES:
        value = _get(data, path)
        if value is not None:
            yield path, form, value
    groups = _get(data, ("tool", "poetry", "group"))
    if isinstance(groups, dict):
        for name, group in groups.items():
            if isinstance(group, dict) and "dependencies" in group:
                yield ("tool", "poetry", "group", name, "dependencies"), "keys", group["dependencies"]


def _requirement_strings(form: str, value: Any) -> Iterator[tuple[tuple[str, ...], str]]:
    """(sub-table, PEP 508 string) pairs of a list or of a table of lists."""
    if form == "list" and isinstance(value, list):
        yield from (((), item) for item in value if isinstance(item, str))
    elif form == "groups" and isinstance(value, dict):
        for group, items in value.items():
            if isinstance(items, list):
                yield from (((group,), item) for item in items if isinstance(item, str))


def declared(ctx: DetectContext, path: str, text: TomlText, table: tuple[str, ...], form: str,
             value: Any) -> list[Detection]:
    found = []
    if form == "keys" and isinstance(value, dict):
        start = text.section(table)
        for name in value:
            provider = ctx.registry.pypi(name)
            if provider is None:
                continue
            line, column = text.entry_position(table, name, start)  # [tool.poetry.dependencies.openai]
            found.append(Detection(path, line, column, "dependency", f"{name} ({'.'.join(table)})",
                                   provider_hint=provider, statement_line=line))
        return found
    for group, requirement in _requirement_strings(form, value):
        name = requirement_name(requirement)
        provider = ctx.registry.pypi(name) if name else None
        if provider is None:
            continue
        start = text.section((*table, *group))
        line, column = text.find_string(requirement, start) or text.find_string(requirement) or (start + 1, 1)
        found.append(Detection(path, line, column, "dependency", requirement, provider_hint=provider,
                               statement_line=line))
    return found


def _line_scan(ctx: DetectContext, path: str, text: str) -> tuple[Detection, ...]:
    """A file tomllib rejects: quoted requirement strings, line by line, plus the config line scan."""
    found: list[Detection | None] = list(linescan.scan_text(ctx, path, text))
    def provider_of(part: str) -> str | None:
        name = requirement_name(part)
        return ctx.registry.pypi(name) if name else None

    found += registered_pieces(path, TomlText(text).code, _quoted, provider_of)
    return unique(found)


def _quoted(line: str) -> list[str]:
    """The strings of a line, in double then in single quotes."""
    return [part for quote in ('"', "'") for part in line.split(quote)[1::2]]


def _read(path: str, data: bytes, ctx: DetectContext) -> Parsed[dict[str, Any]] | FileScan:
    return read_toml(path, data, lambda text: _line_scan(ctx, path, text))


def scan_pyproject(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = _read(path, data, ctx)
    if isinstance(read, FileScan):
        return read
    parsed, text = read.document, TomlText(read.text)
    tables = list(dependency_tables(parsed))
    found: list[Detection | None] = []
    for table, form, value in tables:
        found += declared(ctx, path, text, table, form, value)
    skipped = {table for table, _, _ in tables}
    found += toml_detections(ctx, path, parsed, text, skip=lambda p: p in skipped or p[:2] == OWN_TABLE)
    return read.result(unique(found))


def scan_pipfile(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = _read(path, data, ctx)
    if isinstance(read, FileScan):
        return read
    parsed, text = read.document, TomlText(read.text)
    found: list[Detection | None] = []
    for category, packages in parsed.items():
        if category not in PIPFILE_NOT_PACKAGES and isinstance(packages, dict):
            found += declared(ctx, path, text, (category,), "keys", packages)
    return read.result(unique(found))
