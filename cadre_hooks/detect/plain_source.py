"""The safety net for source files of languages that have no detector of their own (Rust, Swift,
Scala, shell scripts, SQL, Lua...; the list is data: `rules/plain_sources.toml`).

Without a parser for the language, only one thing is certain enough to report: a hard-coded AI
endpoint URL in the code, a usage of kind `endpoint` whose host decides the provider. A mention is
not a usage, so:
- comments are cut first, with the language's comment syntax from the data (a comment marker
  inside a string literal is text, and a URL inside a comment is nothing);
- a URL counts only where a value starts: the first characters of a string literal
  (`"https://api.openai.com/v1"`, not `"see https://api.openai.com for details"`), or, in a
  language with `bare_urls` (shell), a word of its own (`curl https://api.mistral.ai/v1/...`).
Markdown and documentation files are never read: their suffixes are not in the data.
"""

from __future__ import annotations

import bisect
import functools
import re
import sys
from dataclasses import dataclass

from cadre_hooks.detect.config.entries import URL_IN_TEXT, safe_url
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import Lines, decode
from cadre_hooks.model import Detection, FileScan

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# A line comment marker right after one of these is part of the code (`$#`, `${#x}`, `a#b`).
_NOT_AFTER = frozenset("$_{")
# Characters that may stand right before a bare URL (a word of its own).
_BARE_BEFORE = frozenset(" \t\n=(,[")


@dataclass(frozen=True)
class Language:
    """One language's comment and string syntax, as the data file gives it."""

    name: str
    suffixes: tuple[str, ...]
    line_comments: tuple[str, ...]
    block_comments: tuple[tuple[str, str], ...]
    strings: tuple[str, ...]
    backslash_escapes: bool = True
    bare_urls: bool = False


@functools.cache
def languages() -> dict[str, Language]:
    """Suffix (lower case) -> its language, from `rules/plain_sources.toml`."""
    from cadre_hooks.registry import rules_dir

    data = tomllib.loads((rules_dir() / "plain_sources.toml").read_text(encoding="utf-8"))
    by_suffix: dict[str, Language] = {}
    for entry in data.get("languages", ()):
        language = Language(
            name=entry["name"], suffixes=tuple(entry["suffixes"]), line_comments=tuple(entry["line_comments"]),
            block_comments=tuple((pair[0], pair[1]) for pair in entry["block_comments"]),
            strings=tuple(entry["strings"]), backslash_escapes=bool(entry.get("backslash_escapes", True)),
            bare_urls=bool(entry.get("bare_urls", False)))
        for suffix in language.suffixes:
            by_suffix.setdefault(suffix, language)
    return by_suffix


@functools.cache
def suffixes() -> tuple[str, ...]:
    return tuple(languages())


def language_for(path: str) -> Language | None:
    name = path.rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return languages().get(name[dot:]) if dot > 0 else None


def code_only(text: str, language: Language) -> tuple[str, list[tuple[int, int]]]:
    """The text with every comment blanked out (same length, newlines kept, so that offsets are
    positions in the file), and the (start, end) offsets of each string literal's content.

    A regular expression jumps from one quote or comment marker to the next, so a large file costs
    a few searches per string and comment, not a Python step per character."""
    out: list[str] = []
    strings: list[tuple[int, int]] = []
    markers = _markers(language)
    index, size, kept = 0, len(text), 0
    while index < size:
        match = markers.search(text, index)
        if match is None:
            break
        index = match.start()
        token = match.group(0)
        if token in language.strings:
            if "'" not in language.strings and text[index - 1:index] == "'" == text[index + 1:index + 2]:
                index += 1  # a character literal ('"' in C or Rust), not a string
                continue
            close = _string_end(text, index + 1, token, language.backslash_escapes)
            if close == size:
                index += 1  # never closed: a stray quote (an apostrophe in a shell word), not a string
                continue
            strings.append((index + 1, close))
            index = close + 1
            continue
        end = _comment_end(text, index, token, language)
        if end == index:
            index += len(token)
            continue
        out.append(text[kept:index])
        out.append(re.sub(r"[^\n]", " ", text[index:end]))
        kept = index = end
    out.append(text[kept:])
    return "".join(out), strings


@functools.cache
def _markers(language: Language) -> re.Pattern[str]:
    tokens = {*language.strings, *language.line_comments, *(opening for opening, _ in language.block_comments)}
    return re.compile("|".join(re.escape(t) for t in sorted(tokens, key=lambda t: (-len(t), t))))


def _string_end(text: str, start: int, quote: str, escapes: bool) -> int:
    """Offset of the quote that closes a string whose content starts at `start` (the text's end if none)."""
    index = start
    while True:
        close = text.find(quote, index)
        if close < 0:
            return len(text)
        if not escapes:
            return close
        backslashes = 0
        while close - backslashes - 1 >= start and text[close - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return close
        index = close + 1


def _comment_end(text: str, index: int, token: str, language: Language) -> int:
    """Where the comment that `token` opens at `index` ends; `index` itself when it opens none."""
    for opening, closing in language.block_comments:
        if token == opening:
            close = text.find(closing, index + len(opening))
            return len(text) if close < 0 else close + len(closing)
    if token in language.line_comments and (index == 0 or not (text[index - 1].isalnum()
                                                               or text[index - 1] in _NOT_AFTER)):
        newline = text.find("\n", index)
        return len(text) if newline < 0 else newline
    return index


def endpoints(ctx: DetectContext, path: str, text: str, language: Language) -> list[Detection]:
    """The hard-coded AI endpoints of a source text, comments cut with the language's syntax."""
    code, strings = code_only(text, language)
    starts = [start for start, _ in strings]
    lines = Lines(text)
    found: list[Detection] = []
    for match in URL_IN_TEXT.finditer(code):
        offset = match.start()
        at = bisect.bisect_right(starts, offset) - 1
        in_string = at >= 0 and offset < strings[at][1]
        bare = language.bare_urls and not in_string and (offset == 0 or code[offset - 1] in _BARE_BEFORE)
        if not (in_string and strings[at][0] == offset) and not bare:
            continue  # inside a sentence of a string, or glued to other code: a mention at most
        url = match.group(0).rstrip(".:")
        if not ctx.is_ai_url(url):
            continue
        line, column = lines.position(offset)
        found.append(Detection(path, line, column, "endpoint", f"hard-coded endpoint {safe_url(url)}",
                               endpoint=url, generic=True, statement_line=line))
    return found


def scan_plain_source(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    language = language_for(path)
    suppressions = scan_lines(path, text)
    found = endpoints(ctx, path, text, language) if language is not None else []
    return FileScan(path, detections=tuple(found), suppressions=suppressions, notices=notices)
