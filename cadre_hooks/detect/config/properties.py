"""Java `.properties` files (Spring Boot's `application.properties`, `gradle.properties`...), read
the way `java.util.Properties.load` reads them:

- natural lines end at `\\n`, `\\r` or `\\r\\n`; a line whose first non-blank character is `#` or
  `!` is a comment, a blank line is nothing;
- a line ending in an odd number of backslashes continues on the next one, whose leading
  blanks are dropped (a comment line never continues, a continuation line is never a comment);
- the key ends at the first unescaped `=`, `:` or blank; blanks, then at most one `=` or `:`,
  then blanks separate it from the value;
- escapes: `\\t \\n \\r \\f`, `\\uXXXX`, and a backslash before any other character is that
  character (`\\:` `\\=` `\\ ` in keys). A malformed `\\u` is kept as written.

Spring Boot also splits a file into documents at a `#---` (or `!---`) line; a document's
`spring.config.activate.on-profile` and the `application-<profile>` file name give the profile
shown in the evidence. Each key/value pair then goes through the shared rule (an AI URL, a
provider's variable) and the `spring.ai.*` groups through the settings reader.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cadre_hooks.detect.config import spring
from cadre_hooks.detect.config.entries import Entry, decide, unique
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.model import Detection, FileScan, ModelRef, Notice

_BLANK = " \t\f"
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


@dataclass(frozen=True, slots=True)
class Property:
    key: str
    value: str
    line: int
    column: int
    value_line: int
    value_column: int
    document: int  # 0 for the first document, then one more after each `#---` line


def _natural_lines(text: str) -> list[str]:
    """Lines split at \\n, \\r\\n or \\r only (str.splitlines also splits at \\x0b, \\x1c...)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _continues(line: str) -> bool:
    count = len(line) - len(line.rstrip("\\"))
    return count % 2 == 1


def _logical_lines(lines: list[str]) -> Iterator[tuple[list[tuple[str, int, int]], bool]]:
    """Each logical line as (character, line, column) triples, and whether it is a `#---` separator."""
    index = 0
    while index < len(lines):
        raw = lines[index]
        stripped = raw.lstrip(_BLANK)
        if not stripped:
            index += 1
            continue
        if stripped[0] in "#!":
            yield [], stripped.rstrip() in ("#---", "!---")
            index += 1
            continue
        chars: list[tuple[str, int, int]] = []
        start = len(raw) - len(stripped)
        while True:
            body = raw[start:]
            more = _continues(body)
            if more:
                body = body[:-1]
            chars += [(char, index + 1, start + offset + 1) for offset, char in enumerate(body)]
            index += 1
            if not more or index >= len(lines):
                break
            raw = lines[index]
            start = len(raw) - len(raw.lstrip(_BLANK))
        yield chars, False


def _unescape(chars: list[tuple[str, int, int]], start: int, stop_at_separator: bool) -> tuple[str, int]:
    """The text from `start` with escapes processed, and the index where it stopped."""
    out: list[str] = []
    index = start
    while index < len(chars):
        char = chars[index][0]
        if char == "\\" and index + 1 < len(chars):
            following = chars[index + 1][0]
            if following == "u":
                digits = "".join(c for c, _, _ in chars[index + 2:index + 6])
                if len(digits) == 4 and all(d in "0123456789abcdefABCDEF" for d in digits):
                    out.append(chr(int(digits, 16)))
                    index += 6
                    continue
                out.append("\\u")  # malformed: Java refuses the file; keep the text as written
                index += 2
                continue
            out.append(_ESCAPES.get(following, following))
            index += 2
            continue
        if char == "\\":  # a lone backslash at the very end
            index += 1
            continue
        if stop_at_separator and (char in "=:" or char in _BLANK):
            break
        out.append(char)
        index += 1
    return "".join(out), index


def parse(text: str) -> list[Property]:
    """Every key/value pair of the file, in order, with positions. Never raises."""
    found: list[Property] = []
    document = 0
    for chars, separator in _logical_lines(_natural_lines(text)):
        if separator:
            document += 1
            continue
        if not chars:
            continue
        key, index = _unescape(chars, 0, stop_at_separator=True)
        while index < len(chars) and chars[index][0] in _BLANK:
            index += 1
        if index < len(chars) and chars[index][0] in "=:":
            index += 1
            while index < len(chars) and chars[index][0] in _BLANK:
                index += 1
        value, _ = _unescape(chars, index, stop_at_separator=False)
        _, value_line, value_column = chars[index] if index < len(chars) else chars[-1]
        found.append(Property(key, value, chars[0][1], chars[0][2], value_line, value_column, document))
    return found


def _junk(text: str) -> bool:
    """Control characters other than blanks: not a text file of settings, whatever its name."""
    return sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\t\n\r\f") > 8


def scan_properties(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    if _junk(text):
        notices = (*notices, Notice(path, "control characters in a properties file (binary data?); "
                                          "read as far as it goes"))
    properties = parse(text)
    documents: list[list[spring.Pair]] = [[] for _ in range(max((p.document for p in properties), default=0) + 1)]
    for p in properties:
        documents[p.document].append(spring.Pair(p.key, p.value, p.line, p.column, p.value_line, p.value_column))
    models: list[ModelRef] = []
    depends: list[str] = []
    settings = spring.document_detections(ctx, path, documents, models, depends)
    taken = {d.line for d in settings}
    generic: list[Detection | None] = [
        decide(ctx, path, Entry(p.key, p.value, p.line, p.column, p.value_line, p.value_column))
        for p in properties if p.line not in taken and p.value_line not in taken]
    return FileScan(path, detections=unique([*settings, *generic]), suppressions=scan_lines(path, text),
                    notices=notices, models=tuple(models), depends_on=tuple(depends))
