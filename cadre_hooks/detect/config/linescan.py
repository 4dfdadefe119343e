"""Fallback for a configuration file its parser rejects (a Helm template, JSON with comments, a
half-edited YAML): each line is read as `key: value` / `KEY=value`, comments left out, and the
shared rule applied. The caller attaches a Notice saying why the file was read this way."""

from __future__ import annotations

import re

from cadre_hooks.detect.config.entries import Entry, decide, key_provider, unique
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.model import Detection

COMMENT_STARTS = ("#", "//", ";", "<!--", "/*", "* ")
_KEY = re.compile(r"""(?<![\w.$/-])["']?([A-Z][A-Z0-9_]*)["']?\s*[:=]""")
_KEY_VALUE = re.compile(
    r"""^\s*(?:export\s+|-\s+|ENV\s+|ARG\s+)?["']?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)["']?"""
    r"""\s*[:=]\s*(?P<value>.*)$"""
)


def cut_comment(line: str) -> str:
    """The line without a trailing `# ...` or `// ...` comment (markers inside quotes do not count)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif (char == "#" or line.startswith("//", index)) and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


def _unquote(value: str) -> tuple[str, int]:
    text = value.rstrip().rstrip(",").rstrip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1], 1
    return text, 0


def scan_text(ctx: DetectContext, path: str, text: str) -> tuple[Detection, ...]:
    found: list[Detection | None] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith(COMMENT_STARTS):
            continue
        code = cut_comment(raw)
        match = _KEY_VALUE.match(code)
        if match:
            value, shift = _unquote(match.group("value"))
            entry = Entry(match.group("key"), value, number, match.start("key") + 1, number,
                          match.start("value") + 1 + shift)
        else:
            entry = Entry(None, code, number, 1, number, 1)
        found.append(decide(ctx, path, entry))
        for key in _KEY.finditer(code, match.end("key") if match else 0):  # `{"A": 1, "MISTRAL_API_KEY": ""}`
            if key_provider(ctx, key.group(1)) is not None:
                found.append(decide(ctx, path, Entry(key.group(1), None, number, key.start(1) + 1)))
    return unique(found)
