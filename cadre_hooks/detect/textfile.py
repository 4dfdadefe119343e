"""Reading a manifest or configuration file as text, and turning character offsets into lines.

These formats are UTF-8 by specification (TOML, JSON, YAML 1.2); a file that is not is still read
(as latin-1, where every byte is a character) so that nothing is skipped, with a notice.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.model import Detection, FileScan, Notice, Suppression

T = TypeVar("T")


def decode(path: str, data: bytes) -> tuple[str, tuple[Notice, ...]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1"), (Notice(path, "not valid UTF-8; read as latin-1"),)
    return text.removeprefix("\ufeff"), ()


class Lines:
    """Line and column (1-based) of a character offset in a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        index = text.find("\n")
        while index >= 0:
            self.starts.append(index + 1)
            index = text.find("\n", index + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, column: int = 1) -> int:
        """The character offset of a 1-based line and column (clamped to the text)."""
        if line < 1:
            return 0
        if line > len(self.starts):
            return len(self.text)
        return self.starts[line - 1] + column - 1


def fell_back(path: str, notices: tuple[Notice, ...], suppressions: tuple[Suppression, ...],
              detections: Iterable[Detection | None], what: str, reason: str) -> FileScan:
    """The file did not parse as `what`: its lines were scanned instead, and a notice says why."""
    return FileScan(path, detections=tuple(d for d in detections if d is not None), suppressions=suppressions,
                    notices=(*notices, Notice(path, f"not {what} ({reason}); scanned line by line")))


def registered_pieces(path: str, lines: Iterable[str], pieces: Callable[[str], Iterable[str]],
                      provider_of: Callable[[str], str | None]) -> list[Detection]:
    """A manifest its parser rejected, read line by line: each piece of a line (`pieces`: a key,
    the quoted strings...) that `provider_of` knows is a `dependency` usage at its column. Cargo,
    pyproject and Gradle catalog fall-backs differ only in what a piece is and who knows it."""
    found = []
    for number, line in enumerate(lines, start=1):
        for piece in pieces(line):
            provider = provider_of(piece)
            if provider:
                found.append(Detection(path, number, line.find(piece) + 1, "dependency", piece,
                                       provider_hint=provider, statement_line=number))
    return found


def json_reason(err: Exception) -> str:
    """One line on why a JSON document did not load."""
    import json

    return f"{err.msg} at line {err.lineno}" if isinstance(err, json.JSONDecodeError) else "nested too deep"


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A structured file that parsed: its document, its text, and what every reader reports anyway."""

    path: str
    document: T
    text: str
    notices: tuple[Notice, ...]
    suppressions: tuple[Suppression, ...]

    def result(self, detections: tuple[Detection, ...] = ()) -> FileScan:
        return FileScan(self.path, detections=detections, suppressions=self.suppressions, notices=self.notices)


def read_structured(path: str, data: bytes, parse: Callable[[str], T], errors: tuple[type[Exception], ...],
                    what: str, reason: Callable[[Exception], str],
                    line_scan: Callable[[str], Iterable[Detection | None]]) -> Parsed[T] | FileScan:
    """Decode, find the suppression comments and parse: the same first steps for every manifest and
    configuration format. A file that does not parse is scanned line by line (`line_scan`) instead,
    and the FileScan returned says why."""
    text, notices = decode(path, data)
    suppressions = scan_lines(path, text)
    try:
        document = parse(text)
    except errors as err:
        return fell_back(path, notices, suppressions, line_scan(text), what, reason(err))
    return Parsed(path, document, text, notices, suppressions)
