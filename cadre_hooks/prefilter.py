"""Decide cheaply, on raw bytes, whether a file can hold AI usage at all.

One pattern built from the registry (module names, hosts, packages, env vars, API paths), run
on the raw bytes of every file. It is compiled with RE2 (google-re2), whose automaton reads a
hundred megabytes of home-assistant in 0.4 s; Python's `re` takes 15 s on the same files
because it tries every alternative at every position, so it is only the fallback where RE2 is
not installed (then the alternatives are folded into a trie, which helps `re` a little).
Word edges are ASCII-only, so `openai` does not match inside `openapi` or `my_openai`.
The markers are the relevance model's (relevance.py), shared with every later filter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from cadre_hooks.registry import Registry
from cadre_hooks.relevance import filters_enabled, relevance

_WORD = rb"A-Za-z0-9_"


def _is_word(byte: int) -> bool:
    return chr(byte).isalnum() or byte == ord("_")


def _trie_regex(words: Iterable[bytes]) -> bytes:
    trie: dict[int, Any] = {}
    for word in words:
        node = trie
        for byte in word:
            node = node.setdefault(byte, {})
        node[-1] = {}

    def emit(node: dict[int, Any]) -> bytes:
        ends = -1 in node
        branches = [re.escape(bytes([b])) + emit(child) for b, child in sorted(node.items()) if b != -1]
        if not branches:
            return b""
        body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
        if ends:
            return b"(?:" + body + b")?" if len(branches) == 1 else body + b"?"
        return body

    return emit(trie)


def _split(words: Iterable[bytes]) -> tuple[list[bytes], list[bytes]]:
    """Words bounded on both sides (they start and end with a word character), and the others."""
    bounded: list[bytes] = []
    free: list[bytes] = []
    for w in sorted(set(words)):
        (bounded if _is_word(w[0]) and _is_word(w[-1]) else free).append(w)
    return bounded, free


def _re2_pattern(words: Iterable[bytes]) -> Any | None:
    try:
        import re2
    except ImportError:
        return None
    bounded, free = _split(words)
    parts = []
    if bounded:
        parts.append(b"(?:^|[^" + _WORD + b"])(?:" + b"|".join(re.escape(w) for w in bounded) + b")(?:[^" + _WORD + b"]|$)")
    if free:
        parts.append(b"|".join(re.escape(w) for w in free))
    options = re2.Options()
    options.max_mem = 64 << 20
    try:
        return re2.compile(b"|".join(parts), options=options)
    except re2.error:  # pragma: no cover - a pattern RE2 cannot take: use `re`
        return None


def _re_pattern(words: Iterable[bytes]) -> re.Pattern[bytes]:
    bounded, free = _split(words)
    parts = []
    if bounded:
        parts.append(rb"(?<![" + _WORD + rb"])(?:" + _trie_regex(bounded) + rb")(?![" + _WORD + rb"])")
    if free:
        parts.append(b"(?:" + _trie_regex(free) + b")")
    return re.compile(b"|".join(parts))


class Prefilter:
    """`enabled` False (default: `CADRE_NO_FILTERS` set) lets every file through."""

    def __init__(self, words: Iterable[str], enabled: bool | None = None) -> None:
        self.words = sorted({w.encode() for w in words if w})
        self.pattern: Any = _re2_pattern(self.words) or _re_pattern(self.words)
        self.enabled = filters_enabled() if enabled is None else enabled
        self._found = _found_by(self.pattern)

    @classmethod
    def from_registry(cls, registry: Registry, extra: Iterable[str] = ()) -> Prefilter:
        return cls(relevance(registry, extra).markers)

    def may_hold_ai(self, data: bytes) -> bool:
        return not self.enabled or self._found(data)

    def __reduce__(self) -> tuple[type[Prefilter], tuple[list[str], bool]]:
        """Sent to the worker pool as its words (the compiled automaton and its bound search are
        not picklable): each worker compiles it again, once per scan."""
        return Prefilter, ([w.decode() for w in self.words], self.enabled)


def _found_by(pattern: Any) -> Callable[[bytes], bool]:
    """Whether `pattern` occurs in some bytes. On RE2, its automaton is asked directly: the wrapper's
    `search` builds a generator and a match object per call, an eighth of the prefilter's time on
    home-assistant's 36,000 files (its private names are checked here; `search` where they differ)."""
    try:
        import re2

        match, anchor, none = pattern._regexp.Match, re2._Anchor.UNANCHORED, re2._NULL_SPAN
        if match(anchor, b"", 0, 0)[0] is None:  # pragma: no cover - not the API this was written for
            raise TypeError
    except (ImportError, AttributeError, TypeError):
        return lambda data: pattern.search(data) is not None
    return lambda data: match(anchor, data, 0, len(data))[0] != none
