"""`.env` files (`.env`, `.env.example`, `prod.env`, direnv's `.envrc`): a line format, read line
by line as dotenv does: `KEY=value`, an optional `export `, quoted values, `#` comments.

`OPENAI_API_KEY=` in a `.env.example` declares that the application talks to OpenAI, even though
the value is empty: the key name is the usage.
"""

from __future__ import annotations

import re

from cadre_hooks.detect.config.entries import Entry, decide, unique
from cadre_hooks.detect.config.linescan import cut_comment
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.model import Detection, FileScan

_ASSIGN = re.compile(r"^\s*(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(?P<value>.*)$")


def _value(raw: str) -> tuple[str, int]:
    """The value without quotes (where it starts in `raw`), or with its trailing comment cut."""
    stripped = raw.lstrip()
    lead = len(raw) - len(stripped)
    if stripped[:1] in ("'", '"'):
        end = stripped.find(stripped[0], 1)
        return (stripped[1:end] if end > 0 else stripped[1:]), lead + 1
    return cut_comment(stripped).rstrip(), lead


def scan_env(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    found: list[Detection | None] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        match = _ASSIGN.match(line)
        if not match:
            continue
        value, shift = _value(match.group("value"))
        found.append(decide(ctx, path, Entry(match.group("key"), value, number, match.start("key") + 1, number,
                                             match.start("value") + 1 + shift)))
    return FileScan(path, detections=unique(found), suppressions=scan_lines(path, text), notices=notices)
