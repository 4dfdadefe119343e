"""Read a Python source the way Python would: PEP 263 coding declaration, BOM, then tokens.

Tokens give the comments (for suppressions) and the first line of the statement each comment
sits in; they are only computed when the file holds a `cadre:` comment at all.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass, field

from cadre_hooks.detect.suppress import parse_comment
from cadre_hooks.model import Suppression


@dataclass(frozen=True, slots=True)
class Source:
    text: str
    encoding: str
    decode_notice: str | None = None
    statement_start: dict[int, int] = field(default_factory=dict)
    suppressions: tuple[Suppression, ...] = ()
    tokenize_error: str | None = None

    def statement_line(self, line: int) -> int:
        return self.statement_start.get(line, line)


def decode(data: bytes) -> tuple[str, str, str | None]:
    """Text, encoding and a notice when the declared encoding was wrong (decoded as latin-1)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (SyntaxError, LookupError) as err:
        return data.decode("latin-1"), "latin-1", f"bad coding declaration ({err}); read as latin-1"
    try:
        return data.decode(encoding), encoding, None
    except (UnicodeDecodeError, LookupError):
        return data.decode("latin-1"), "latin-1", f"not valid {encoding}; read as latin-1"


def read(path: str, data: bytes) -> Source:
    text, encoding, notice = decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    starts: dict[int, int] = {}
    suppressions: list[Suppression] = []
    error = None
    current: int | None = None
    if "cadre:" not in text:
        # Tokens are only needed to find suppression comments (the parser gives statement lines).
        return Source(text, encoding, notice)
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = tok.type
            if kind in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING):
                continue
            if kind == tokenize.COMMENT:
                if "cadre:" in tok.string:
                    line = tok.start[0]
                    sup = parse_comment(path, line, tok.string, current or line)
                    if sup:
                        suppressions.append(sup)
                continue
            if current is None:
                current = tok.start[0]
            for line in range(tok.start[0], tok.end[0] + 1):
                starts.setdefault(line, current)
            if kind in (tokenize.NEWLINE, tokenize.ENDMARKER):
                current = None
    except (tokenize.TokenError, SyntaxError, IndentationError) as err:
        error = str(err)
    # A suppression comment carries the statement it sits in, for the lines the statement covers.
    fixed = tuple(
        Suppression(s.path, s.line, s.codes, s.reason, starts.get(s.line, s.line)) for s in suppressions
    )
    return Source(text, encoding, notice, starts, fixed, error)
