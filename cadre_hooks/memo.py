"""Memos that live for one scan, never for the process.

A detector may remember what it learnt about the repository being scanned (the parsed modules
of the project, where an import leads, whether the repository turns the model hub off). Those
memos are keyed on the repository, so in a process that scans many repositories in a row (an
estate audit) they would pile up and keep whole syntax trees of repositories long gone. Each one
is declared here with `per_scan`, and the `Scanner` forgets them all before and after each scan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_FORGET: list[Callable[[], None]] = []


def per_scan(memo: T, forget: Callable[[], None] | None = None) -> T:
    """Declare `memo` (a dict, or anything with `forget`) as living for one scan; returns it."""
    if forget is None:
        clear = getattr(memo, "clear", None) or getattr(memo, "cache_clear", None)
        if clear is None:
            raise TypeError(f"{memo!r} has no clear() or cache_clear(): pass forget=")
        forget = clear
    _FORGET.append(forget)
    return memo


def forget_all() -> None:
    """Drop every per-scan memo (called by the Scanner around each scan)."""
    for forget in _FORGET:
        forget()
