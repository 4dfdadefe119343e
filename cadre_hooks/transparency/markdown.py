"""The Markdown body of AI_USAGE.md: its headings, which required section each one is, and whether
the text under it is a real answer, left empty, or still the template's guidance.

Only the part of CommonMark that decides where a heading is: ATX (`## Title`) and setext
(`Title` over `---`) headings, fenced code blocks (no heading inside) and HTML comments (hidden
text: never an answer, never a heading).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cadre_hooks.transparency.spec import Section, Spec, normalise

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True, slots=True)
class Heading:
    line: int  # 1-based line in the file
    level: int
    text: str
    underlined: bool = False  # setext heading: the next line is its underline


@dataclass(frozen=True, slots=True)
class Answer:
    """A required section as written: its heading, and the state of the text under it."""

    section: Section
    heading: Heading
    lang: str  # language of the synonym that matched
    state: str  # "ok", "empty" or "guidance"
    guidance_line: int = 0


def hide_comments(lines: Sequence[str]) -> list[str]:
    """The lines with HTML comments blanked out (line numbers kept)."""
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), "\n".join(lines))
    return text.split("\n")


def headings(lines: Sequence[str], first_line: int) -> list[Heading]:
    out: list[Heading] = []
    fence: str | None = None
    previous = ""
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            previous = ""
            continue
        if opened:
            fence = opened.group(1)
            previous = ""
            continue
        atx = _ATX.match(line)
        setext = _SETEXT.match(line)
        if atx:
            out.append(Heading(first_line + index, len(atx.group(1)), (atx.group(2) or "").strip()))
            previous = ""
            continue
        if setext and previous.strip() and not _is_block_start(previous):
            out.append(Heading(first_line + index - 1, 1 if setext.group(1)[0] == "=" else 2, previous.strip(), True))
            previous = ""
            continue
        previous = line
    return out


def _is_block_start(line: str) -> bool:
    """A line that cannot be the text of a setext heading (list item, quote, table row...)."""
    return bool(re.match(r"^ {0,3}(?:[-*+>|]|\d+[.)])(?:\s|$)", line)) or line.startswith(("    ", "\t"))


def match(heading: str, spec: Spec) -> tuple[Section, str] | None:
    """The section a heading names (the longest synonym found in it wins), and the synonym's language."""
    words = f" {normalise(heading)} "
    best: tuple[int, Section, str] | None = None
    for section in spec.sections:
        for lang, phrases in section.synonyms.items():
            for phrase in phrases:
                if f" {phrase} " in words and (best is None or len(phrase) > best[0]):
                    best = (len(phrase), section, lang)
    return (best[1], best[2]) if best else None


def answers(body: Sequence[str], first_line: int, spec: Spec) -> list[Answer]:
    """Each heading that names a required section, with the state of its text.

    A section runs to the next heading of the same or a higher level, or to the next heading that
    names another section: a title such as `# Transparence de l'usage de l'IA` above the sections
    does not swallow them.
    """
    visible = hide_comments(body)
    found = headings(visible, first_line)
    matched = [(h, match(h.text, spec)) for h in found]
    levels = [h.level for h, named in matched if named is not None]
    if levels:  # the sections are siblings: a shallower match is a title ("# Transparence budgétaire")
        usual = max(set(levels), key=lambda level: (levels.count(level), level))
        matched = [(h, named if h.level >= usual else None) for h, named in matched]
    markup = {h.line for h in found} | {h.line + 1 for h in found if h.underlined}
    out = []
    for position, (heading, named) in enumerate(matched):
        if named is None:
            continue
        end = first_line + len(visible)
        for later, later_named in matched[position + 1:]:
            if later.level <= heading.level or later_named is not None:
                end = later.line
                break
        state, guidance_line = _state(visible, first_line, heading.line + 1, end, markup, spec)
        out.append(Answer(named[0], heading, named[1], state, guidance_line))
    return out


def _state(lines: Sequence[str], first_line: int, start: int, end: int, markup: set[int],
           spec: Spec) -> tuple[str, int]:
    words = 0
    for number in range(start, end):
        text = lines[number - first_line]
        if number in markup or not text.strip():
            continue
        if spec.is_guidance(text):
            return "guidance", number
        words += len(_WORD.findall(text))
    return ("ok", 0) if words else ("empty", 0)
