"""Dockerfiles (`Dockerfile`, `Dockerfile.prod`, `api.dockerfile`, `Containerfile`): the `ENV` and
`ARG` instructions, which set the environment the application runs with. Continuation lines
(`\\`) are joined, `#` comment lines skipped, and the words split the way the shell would.

Other instructions are left alone: `RUN curl https://ollama.com/install.sh` installs a tool,
it does not send data to a model.
"""

from __future__ import annotations

import re
import shlex

from cadre_hooks.detect.config.entries import Entry, decide, unique
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.model import Detection, FileScan

_INSTRUCTION = re.compile(r"^\s*(ENV|ARG)\s+(.*)$", re.IGNORECASE | re.DOTALL)


def instructions(lines: list[str]) -> list[tuple[int, str]]:
    """(first line index, joined text) of each instruction, continuation lines joined."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for index, line in enumerate(lines):
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if current and line.lstrip().startswith("#"):
            continue  # comment lines inside a continued instruction are dropped by Docker
        if not current:
            start = index
        body = line.rstrip()
        if body.endswith("\\"):
            current.append(body[:-1])
            continue
        current.append(body)
        out.append((start, " ".join(current)))
        current = []
    if current:
        out.append((start, " ".join(current)))
    return out


def _pairs(kind: str, args: str) -> list[tuple[str, str | None]]:
    try:
        words = shlex.split(args, comments=False, posix=True)
    except ValueError:
        words = args.split()
    if not words:
        return []
    if kind == "ENV" and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]  # legacy `ENV KEY value with spaces`
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        key, sep, value = word.partition("=")
        pairs.append((key, value if sep else None))
    return pairs


def _where(lines: list[str], start: int, needle: str, after: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    for index in range(max(start, after[0] - 1), len(lines)):
        from_column = after[1] if index == after[0] - 1 else 0
        pos = lines[index].find(needle, from_column) if needle else -1
        if pos >= 0:
            return index + 1, pos + 1
    return start + 1, 1


def scan_dockerfile(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    lines = text.splitlines()
    found: list[Detection | None] = []
    for start, instruction in instructions(lines):
        match = _INSTRUCTION.match(instruction)
        if not match:
            continue
        for key, value in _pairs(match.group(1).upper(), match.group(2)):
            if decide(ctx, path, Entry(key, value, 1, 1, 1, 1)) is None:
                continue
            key_line, key_column = _where(lines, start, key)
            first = (value or "").strip().splitlines()[0] if (value or "").strip() else ""
            value_line, value_column = _where(lines, start, first, (key_line, key_column + len(key))) if first else (
                key_line, key_column)
            found.append(decide(ctx, path, Entry(key, value, key_line, key_column, value_line, value_column)))
    return FileScan(path, detections=unique(found), suppressions=scan_lines(path, text), notices=notices)
