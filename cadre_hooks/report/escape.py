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


def _fields(item: T, names: tuple[str, ...]) -> T:
    changes: dict[str, Any] = {}
    for name in names:
        value = getattr(item, name)
        if isinstance(value, str) and _UNSAFE.search(value):
            changes[name] = escape(value)
    return dataclasses.replace(item, **changes) if changes else item


def escape_report(report: Report) -> Report:
    """The report with every path, message, reason and evidence escaped (see `escape`)."""
    return dataclasses.replace(
        report,
        usages=tuple(_fields(u, ("path", "evidence")) for u in report.usages),
        findings=tuple(_fields(f, ("path", "message", "evidence", "suppression_reason")) for f in report.findings),
        notices=tuple(_fields(n, ("path", "reason")) for n in report.notices),
    )
