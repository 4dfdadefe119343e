"""Split AI_USAGE.md into its YAML front matter and its Markdown body, and read the front matter
with PyYAML's safe loader while keeping the line of every field, so that each problem is reported
where it is written.

Values are built field by field: a bad date in one field (YAML raises ValueError for 2026-13-45)
spoils that field only, and every YAML error becomes a message with its line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

_FENCE = ("---",)
_END = ("---", "...")


@dataclass(frozen=True, slots=True)
class Value:
    """A field's value and where it is written (1-based lines of the file)."""

    value: Any
    line: int  # line of the key (or of the list item)
    error: str | None = None  # the value could not be built (bad date, unhashable key...)
    node: Any = None  # the yaml.Node, for reading nested fields with their lines


@dataclass(frozen=True, slots=True)
class Duplicate:
    key: str
    line: int
    first: int


@dataclass
class FrontMatter:
    """What the file's head holds; `problem` is set when it cannot be read at all."""

    fields: dict[str, Value] = field(default_factory=dict)
    duplicates: list[Duplicate] = field(default_factory=list)
    problem: tuple[str, int, dict[str, str]] | None = None  # (message kind, line, values)
    present: bool = False
    first_line: int = 2  # file line of the first line of YAML
    body: list[str] = field(default_factory=list)
    body_start: int = 1  # file line of body[0]


def split(text: str) -> FrontMatter:
    """Find the `---` ... `---` block at the top of the file, parse it and keep the body's lines."""
    lines = [line.rstrip("\r") for line in text.removeprefix("\ufeff").split("\n")]
    if not lines or lines[0].rstrip() not in _FENCE:
        return FrontMatter(problem=("no_front_matter", 1, {}), body=lines, body_start=1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _END:
            head = parse("\n".join(lines[1:index]), first_line=2)
            head.present = True
            head.body = lines[index + 1:]
            head.body_start = index + 2
            return head
    return FrontMatter(problem=("unclosed", 1, {}), present=True, body=[], body_start=len(lines) + 1)


def _file_line(mark: Any, first_line: int) -> int:
    return first_line + (mark.line if mark is not None else 0)


def _error_text(err: Exception) -> str:
    parts = [getattr(err, "context", None), getattr(err, "problem", None)]
    text = ": ".join(p for p in parts if p) or (str(err).splitlines() or [type(err).__name__])[0]
    return " ".join(text.split())


def parse(yaml_text: str, first_line: int) -> FrontMatter:
    import yaml

    try:
        loader = yaml.SafeLoader(yaml_text)
    except yaml.reader.ReaderError as err:  # a control character: PyYAML refuses the whole text
        line = first_line + yaml_text[:err.position].count("\n")
        return FrontMatter(problem=("yaml_error", line, {"error": f"{err.reason} (character #x{err.character:04x})"}))
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as err:
            line = _file_line(err.problem_mark or err.context_mark, first_line)
            return FrontMatter(problem=("yaml_error", line, {"error": _error_text(err)}))
        except yaml.YAMLError as err:
            return FrontMatter(problem=("yaml_error", first_line, {"error": _error_text(err)}))
        except RecursionError:
            return FrontMatter(problem=("yaml_error", first_line, {"error": "nested too deeply"}))
        if root is None:
            return FrontMatter()
        if not isinstance(root, yaml.MappingNode):
            return FrontMatter(problem=("not_mapping", _file_line(root.start_mark, first_line), {}))
        values, duplicates = mapping(loader, root, first_line)
        return FrontMatter(fields=values, duplicates=duplicates)
    finally:
        loader.dispose()


def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, first_line: int) -> tuple[dict[str, Value],
                                                                                      list[Duplicate]]:
    """The fields of one mapping node, each with its line; a repeated key is kept once and reported."""
    out: dict[str, Value] = {}
    duplicates = []
    for key_node, value_node in node.value:
        key = str(key_node.value) if isinstance(key_node.value, str) else "?"
        line = _file_line(key_node.start_mark, first_line)
        if key in out:
            duplicates.append(Duplicate(key, line, out[key].line))
            continue
        out[key] = build(loader, value_node, line)
    return out, duplicates


def build(loader: yaml.SafeLoader, node: yaml.Node, line: int) -> Value:
    import yaml

    try:
        value = loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as err:
        return Value(None, line, error=_error_text(err), node=node)
    return Value(value, line, node=node)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a list field; `fields` is None when the entry is not a mapping."""

    line: int
    value: Any
    fields: dict[str, Value] | None
    duplicates: list[Duplicate]


def entries(value: Value, first_line: int = 2) -> list[Entry]:
    """The entries of a list field (`providers:`), each mapping read with the lines of its fields."""
    import yaml

    node = value.node
    if not isinstance(node, yaml.SequenceNode):
        return []
    loader = yaml.SafeLoader("")
    try:
        out = []
        for child in node.value:
            line = _file_line(child.start_mark, first_line)
            if isinstance(child, yaml.MappingNode):
                fields, duplicates = mapping(loader, child, first_line)
                out.append(Entry(line, None, fields, duplicates))
            else:
                out.append(Entry(line, build(loader, child, line).value, None, []))
        return out
    finally:
        loader.dispose()
