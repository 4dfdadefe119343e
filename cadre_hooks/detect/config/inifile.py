"""INI-style files (`.ini`, `.cfg`, `.conf`): parsed with configparser, keys kept in their case
(environment variable names are upper case), no interpolation; each reported key is then found
after its section header. A file with keys before any section (`KEY=value` files named .conf)
is read as if its first lines were a section. setup.cfg's own dependencies are read by
cadre_hooks.detect.setup_files, which reuses `ini_detections` for its other sections.
"""

from __future__ import annotations

import configparser
import re

from cadre_hooks.detect.config import linescan
from cadre_hooks.detect.config.entries import Entry, decide, unique
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.textfile import Parsed, read_structured
from cadre_hooks.model import Detection, FileScan

TOP = "cadre:top"
_SECTION = re.compile(r"^\s*\[([^\]]+)\]")


def parse(text: str) -> configparser.RawConfigParser:
    """The parsed file; keys before any section header land in section TOP (raises configparser.Error)."""
    parser = configparser.RawConfigParser(strict=False, allow_no_value=True, delimiters=("=", ":"),
                                          comment_prefixes=("#", ";"),
                                          inline_comment_prefixes=(" #", " ;", "\t#"), default_section="cadre:none")
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    first = next((line.strip() for line in text.splitlines() if line.strip() and line.strip()[0] not in "#;"), "")
    try:
        parser.read_string(text if first.startswith("[") or not first else f"[{TOP}]\n" + text)
    except (AttributeError, TypeError, ValueError) as err:  # configparser trips on continued no-value keys
        raise configparser.Error(f"unreadable line structure ({type(err).__name__})") from None
    if parser.has_section(TOP) and any(value is None or any(c.isspace() for c in key)
                                       for key, value in parser.items(TOP, raw=True)):
        # nginx, Apache...: `proxy_pass https://host;` is a directive, not `key: value`
        raise configparser.Error("lines are not `key = value` pairs")
    return parser


def section_lines(text: str) -> dict[str, list[int]]:
    """0-based line index of each header of each section name."""
    found: dict[str, list[int]] = {}
    for index, line in enumerate(text.splitlines()):
        match = _SECTION.match(line)
        if match:
            found.setdefault(match.group(1).strip(), []).append(index)
    return found


def locate(lines: list[str], start: int, key: str, value: str) -> tuple[int, int, int, int]:
    """Line/column of `key` and of the first line of `value` after line index `start`."""
    pattern = re.compile(r"^(\s*)" + re.escape(key) + r"\s*[=:]")
    key_line, key_column = start + 1, 1
    for index in range(start, len(lines)):
        match = pattern.match(lines[index])
        if match:
            key_line, key_column = index + 1, len(match.group(1)) + 1
            break
    first = next((part.strip() for part in value.splitlines() if part.strip()), "")
    for index in range(key_line - 1, len(lines)):
        pos = lines[index].find(first, key_column if index == key_line - 1 else 0) if first else -1
        if pos >= 0:
            return key_line, key_column, index + 1, pos + 1
    return key_line, key_column, key_line, key_column


def ini_detections(ctx: DetectContext, path: str, parser: configparser.RawConfigParser, text: str,
                   skip: frozenset[str] = frozenset()) -> list[Detection | None]:
    lines = text.splitlines()
    headers = section_lines(text)
    found: list[Detection | None] = []
    for section in parser.sections():
        if section in skip:
            continue
        start = 0 if section == TOP else (headers.get(section) or [0])[0]
        for key, value in parser.items(section, raw=True):
            if decide(ctx, path, Entry(key, value, 1, 1, 1, 1)) is None:
                continue
            key_line, key_column, value_line, value_column = locate(lines, start, key, value or "")
            found.append(decide(ctx, path, Entry(key, value, key_line, key_column, value_line, value_column)))
    return found


def read_ini(path: str, data: bytes, ctx: DetectContext) -> Parsed[configparser.RawConfigParser] | FileScan:
    """An INI-style file parsed, or scanned line by line when configparser rejects it."""
    return read_structured(path, data, parse, (configparser.Error,), "an INI file",
                           lambda err: str(err).splitlines()[0], lambda text: linescan.scan_text(ctx, path, text))


def scan_ini(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = read_ini(path, data, ctx)
    if isinstance(read, FileScan):
        return read
    return read.result(unique(ini_detections(ctx, path, read.document, read.text)))
