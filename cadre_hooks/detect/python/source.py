"""Read a Python source the way Python would: PEP 263 coding declaration, BOM, then tokens.

Tokens tell comments from strings, so only real `# cadre: ignore[...]` comments become suppressions;
they are only computed when the file holds `cadre:` at all. (A finding carries the first line of
its statement, so a suppression there covers the whole statement.)
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from dataclasses import dataclass

from cadre_hooks.detect.suppress import parse_comment
from cadre_hooks.model import Suppression


@dataclass(frozen=True, slots=True)
class Source:
    text: str
    encoding: str
    decode_notice: str | None = None
    suppressions: tuple[Suppression, ...] = ()


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
    if "cadre:" not in text:
        return Source(text, encoding, notice)  # no suppression comment: no need for the tokens
    suppressions: list[Suppression] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT and "cadre:" in tok.string:
                sup = parse_comment(path, tok.start[0], tok.string)
                if sup:
                    suppressions.append(sup)
    except (tokenize.TokenError, SyntaxError):
        pass  # a file that does not tokenize keeps the suppressions found before the error
    return Source(text, encoding, notice, tuple(suppressions))


def parses(code: str) -> bool:
    """Whether this Python's own parser accepts `code`, quietly: the notebook reader and the
    syntax lowering both ask it before doing more work, and must agree on what "parses" means
    (a SyntaxWarning is not a failure; a null byte, a too deep nesting or a huge file are)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def split_lines(text: str) -> list[str]:
    """Lines with their ends, cut where the Python tokenizer cuts them (\\r\\n, \\r, \\n)."""
    return _LINES.findall(text)
