"""Paths and messages made safe to print, the same way in every format.

A file name is bytes on POSIX: it can hold bytes that are not UTF-8 (`bad\\xffname.py`, which
Python carries as lone surrogates) and control characters (`new\\nline.py`, which could forge a
line of the text report or a CI annotation). Before any reporter sees the report, such
characters are written as visible escapes: `\\xff`, `\\n`, `\\x1b`. Ordinary names, accented
ones included, are unchanged.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from cadre_hooks.model import Finding, Notice, Report, Usage

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
T = TypeVar("T", Usage, Finding, Notice)


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """`text` with control characters and undecodable bytes written as escapes."""
    return _UNSAFE.sub(_escape_one, text) if _UNSAFE.search(text) else text


def _escaped(item: T) -> T:
    """`item` with every string field (and every string in a tuple field) escaped."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(item):
        value = getattr(item, f.name)
        if isinstance(value, str) and _UNSAFE.search(value):
            changes[f.name] = escape(value)
        elif isinstance(value, tuple) and any(isinstance(v, str) and _UNSAFE.search(v) for v in value):
            changes[f.name] = tuple(escape(v) if isinstance(v, str) else v for v in value)
    return dataclasses.replace(item, **changes) if changes else item


def escape_report(report: Report) -> Report:
    """The report with every path, message, reason, evidence and model name escaped (see `escape`):
    a string literal of the scanned code can hold a lone surrogate or an escape sequence too."""
    return dataclasses.replace(
        report,
        usages=tuple(_escaped(u) for u in report.usages),
        findings=tuple(_escaped(f) for f in report.findings),
        notices=tuple(_escaped(n) for n in report.notices),
    )
