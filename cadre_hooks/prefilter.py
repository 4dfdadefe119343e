"""Decide cheaply, on raw bytes, whether a file can hold AI usage at all.

One compiled bytes pattern built from the registry (module names, hosts, packages, env vars,
API paths). The alternatives are folded into a trie so that `re` tries a handful of branches
per position instead of hundreds: a flat alternation is tens of times slower. Word edges are
ASCII-only (bytes patterns), so `openai` does not match inside `openapi` or `my_openai`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cadre_hooks.registry import Registry

# Markers that are not provider names but can reveal AI usage.
EXTRA_MARKERS = (
    "from_pretrained", "SentenceTransformer", "CrossEncoder", "litellm", "import_module", "__import__",
    "chat/completions", "/completions", "/embeddings", "/api/generate", "/api/chat", "/api/embed", "/v1/messages",
    ":11434", ":1234", ":4891", "cadre:", "bedrock", "mturk", "sagemaker",
    "-r ", "--requirement",  # a requirements file that only includes another one (detect/requirements.py)
)


def _trie_regex(words: Iterable[bytes]) -> bytes:
    trie: dict[int, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for byte in word:
            node = node.setdefault(byte, {})
        node[-1] = {}

    def emit(node: dict[int, dict]) -> bytes:  # type: ignore[type-arg]
        ends = -1 in node
        branches = [re.escape(bytes([b])) + emit(child) for b, child in sorted(node.items()) if b != -1]
        if not branches:
            return b""
        if len(branches) == 1:
            body = branches[0]
            return b"(?:" + body + b")?" if ends else body
        body = b"(?:" + b"|".join(branches) + b")"
        return body + b"?" if ends else body

    return emit(trie)


_RUN = re.compile(rb"[A-Za-z0-9_]+")
# Bytes outside [A-Za-z0-9_] become spaces: `data.translate(_TOKEN_TABLE).split()` gives the word runs.
_TOKEN_TABLE = bytes(b if chr(b).isascii() and (chr(b).isalnum() or b == ord("_")) else ord(" ") for b in range(256))


def _is_word(byte: int) -> bool:
    return chr(byte).isalnum() or byte == ord("_")


class Prefilter:
    def __init__(self, words: Iterable[str]) -> None:
        encoded = sorted({w.encode() for w in words if w})
        # Each word is bounded only on the sides where it starts or ends with a word character.
        groups: dict[tuple[bool, bool], list[bytes]] = {}
        for w in encoded:
            groups.setdefault((_is_word(w[0]), _is_word(w[-1])), []).append(w)
        parts = []
        for (start, end), members in sorted(groups.items()):
            left = rb"(?<![A-Za-z0-9_])" if start else b""
            right = rb"(?![A-Za-z0-9_])" if end else b""
            parts.append(left + b"(?:" + _trie_regex(members) + b")" + right)
        self.pattern = re.compile(b"|".join(parts))
        self.words = encoded
        # The token index (see `_candidate`): a word's longest run of word characters -> (word, all its runs).
        self._index: dict[bytes, list[tuple[bytes, tuple[bytes, ...]]]] = {}
        self._loose = [w for w in encoded if not _RUN.search(w)]  # no word character at all: substring test
        for w in encoded:
            runs = tuple(_RUN.findall(w))
            if runs:
                self._index.setdefault(max(runs, key=len), []).append((w, runs))
        self._keys = frozenset(self._index)

    @classmethod
    def from_registry(cls, registry: Registry, extra: Iterable[str] = ()) -> Prefilter:
        return cls([*registry.prefilter_words(), *EXTRA_MARKERS, *extra])

    def may_hold_ai(self, data: bytes) -> bool:
        return self._candidate(data) and self.pattern.search(data) is not None

    def _candidate(self, data: bytes) -> bool:
        """A superset of the files the pattern matches, at C speed (Python's `re` runs this pattern
        at a few MB/s on text that does not match, which is most text).

        Wherever the pattern matches a word, every run of word characters in that word is a whole
        run in the data: inside the word it sits between non-word characters, and at the word's
        ends the pattern's own edges require it. So the data must hold the word as a substring and
        each of its runs as a token (a maximal run of [A-Za-z0-9_]). The pattern then decides.
        """
        if any(w in data for w in self._loose):
            return True
        tokens = data.translate(_TOKEN_TABLE).split()
        if self._keys.isdisjoint(tokens):
            return False
        present = set(tokens)
        for key in self._keys.intersection(present):
            for word, runs in self._index[key]:
                if word in data and all(run in present for run in runs):
                    return True
        return False
