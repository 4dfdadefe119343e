"""A one-line progress counter on stderr while a large scan reads its files.

Shown only to a person watching a terminal: stderr must be a TTY, and never under CI (`CI`)
or pre-commit (`PRE_COMMIT`), which runs hooks under a pseudo-terminal when colour is on, so
the TTY test alone would draw into captured logs; never with `TERM=dumb`; and only past a
threshold of files, so the small scans of a commit stay silent. Reports go to stdout or a
file and never contain progress text.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import TextIO, TypeVar

T = TypeVar("T")
THRESHOLD = 200  # files with a detector; below this a scan takes a blink
INTERVAL = 0.1  # seconds between redraws
_OFF = ("", "0", "false", "no")


def wanted(total: int, stream: TextIO | None = None, environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    out = sys.stderr if stream is None else stream
    if total < THRESHOLD:
        return False
    if env.get("CI", "").lower() not in _OFF or env.get("PRE_COMMIT", "").lower() not in _OFF:
        return False
    if env.get("TERM") == "dumb":
        return False
    try:
        return out.isatty()
    except (AttributeError, ValueError):  # closed or unusual streams
        return False


def track(items: Iterable[T], total: int, stream: TextIO | None = None) -> Iterator[T]:
    """Yield `items` unchanged, redrawing `cadre: scanning N/TOTAL files` when wanted."""
    if not wanted(total, stream):
        yield from items
        return
    out = sys.stderr if stream is None else stream
    last = 0.0
    done = 0
    try:
        for done, item in enumerate(items, start=1):
            now = time.monotonic()
            if now - last >= INTERVAL or done == total:
                out.write(f"\rcadre: scanning {done}/{total} files ({done * 100 // total}%)\x1b[K")
                out.flush()
                last = now
            yield item
    finally:
        out.write("\r\x1b[K")
        out.flush()
