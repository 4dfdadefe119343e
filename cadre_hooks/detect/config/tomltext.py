"""Where a key or string parsed by tomllib sits in the TOML text.

tomllib gives the structure but no positions, so each key or value is looked up in the text
after parsing: from the header of its table (`[project]`, the n-th `[[servers]]`), in the text
with comments removed, so that a `# openai = "..."` comment is never taken for the declaration.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from cadre_hooks.detect.textfile import Parsed, read_structured
from cadre_hooks.model import Detection, FileScan

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

TOMLDecodeError = tomllib.TOMLDecodeError
TOML_ERRORS = (tomllib.TOMLDecodeError, RecursionError)  # a table nested thousands deep is not data


def toml_reason(err: Exception) -> str:
    """One line on why a TOML document did not load."""
    return "nested too deep" if isinstance(err, RecursionError) else str(err)
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_KEY_PART = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)""")


def loads(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def read_toml(path: str, data: bytes,
              line_scan: Callable[[str], Iterable[Detection | None]]) -> Parsed[dict[str, Any]] | FileScan:
    """`read_structured` for a TOML file: one place for the errors caught and the reason given, so
    every TOML detector falls back to its line scan alike (a file nested too deep included)."""
    return read_structured(path, data, loads, TOML_ERRORS, "valid TOML", toml_reason, line_scan)


def cut_comment(line: str) -> str:
    """The line without its `# comment` (a `#` inside a string does not start one)."""
    quote = ""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
        index += 1
    return line


def split_dotted(text: str) -> tuple[str, ...]:
    """`tool."poetry".group.dev` → ('tool', 'poetry', 'group', 'dev')."""
    parts = []
    pos = 0
    while pos < len(text):
        match = _KEY_PART.match(text, pos)
        if not match or match.end() == pos:
            break
        parts.append(next(g for g in match.groups() if g is not None))
        pos = match.end()
    return tuple(parts)


class TomlText:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.code = [cut_comment(line) for line in self.lines]
        self.headers: dict[tuple[str, ...], list[int]] = {}
        for index, line in enumerate(self.code):
            match = _HEADER.match(line)
            if match:
                self.headers.setdefault(split_dotted(match.group(2)), []).append(index)

    def section(self, path: tuple[str, ...], element: int = 0) -> int:
        """Line index of the header of the table at `path` (or of its nearest parent that has one)."""
        for end in range(len(path), 0, -1):
            found = self.headers.get(path[:end])
            if found:
                return found[min(element, len(found) - 1)] if end == len(path) else found[0]
        return 0

    def end_of_section(self, start: int) -> int:
        """Index of the next header after line `start` (where a table's own lines stop)."""
        for index in range(start + 1, len(self.code)):
            if _HEADER.match(self.code[index]):
                return index
        return len(self.code)

    def find_key(self, key: str, start: int = 0) -> tuple[int, int] | None:
        """1-based line and column where `key =` is written, from line index `start`."""
        names = [re.escape(key), re.escape('"' + key + '"'), re.escape("'" + key + "'")]
        pattern = re.compile(r"(?:^|(?<=[\s{,.]))(?:" + "|".join(names) + r")\s*(?:=|\.)")
        for index in range(start, len(self.code)):
            match = pattern.search(self.code[index])
            if match:
                return index + 1, match.start() + 1
        return None

    def entry_position(self, table: tuple[str, ...], key: str, start: int) -> tuple[int, int]:
        """1-based line and column of the entry `key` of `table` (whose header is at line index
        `start`): its own `[table.key]` header when it has one (`[dependencies.async-openai]`),
        else its `key =` line, else the table's header. Cargo and pyproject dependency tables are
        both written either way, so both ask here."""
        own = self.headers.get((*table, key))
        at = (own[0] + 1, self.code[own[0]].find(key) + 1) if own else self.find_key(key, start)
        return at or (start + 1, 1)

    def find_string(self, value: str, start: int = 0) -> tuple[int, int] | None:
        """1-based line and column of the first character of the string `value`, from line index `start`."""
        first = value.splitlines()[0] if value.strip() else value
        needles = [q + first for q in ('"', "'")] if first == value else [first]
        for index in range(start, len(self.code)):
            line = self.code[index]
            for needle in needles:
                pos = line.find(needle)
                if pos >= 0 and (needle == first or line.startswith(needle[0], pos + len(needle))):
                    return index + 1, pos + 1 + (len(needle) - len(first))
        return None
