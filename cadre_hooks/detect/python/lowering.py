"""Python syntax newer than the running interpreter, lowered to an `ast` this interpreter can build.

A file the stdlib parser rejects is parsed again with libcst (its native parser reads Python 3.0 to
3.14 whatever the interpreter), the constructs this interpreter lacks are rewritten into equivalent
older ones, and the result goes through `ast.parse` again:

- type parameters (`def f[T]`, `class C[T]`, 3.12) are dropped, `type X = v` becomes `X = v`;
- PEP 701 f-strings (3.12: nested same quotes, backslashes, comments) and t-strings (3.14) become
  marker calls, turned back into `ast.JoinedStr` after parsing: the analysis sees the same tree
  the newer interpreter would give for an f-string (a t-string is read as an f-string);
- `except A, B:` (3.14) gets its brackets; `except*`, `*Ts` in subscripts and star annotations
  (3.11) become `except`, `Ts`.

Only the top-level statements the interpreter rejects go through libcst (it costs ~0.3 ms a line).
Every line stays where it was (text removed with its newlines is replaced by `\\` continuations),
and the positions of the tree are mapped back to the original columns (an alignment of the words
of the few lines that changed), so the analysis runs on the original text with exact positions.

libcst is imported here only, when the stdlib parser has failed: the per-file fast path never pays
for it. Its native parser overflows the C stack on very deep expressions, which would kill the
worker process, so input past a nesting budget (`_top_level_statements`) is not handed to it.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, TypeVar

from cadre_hooks.detect.python.source import parses, split_lines

if TYPE_CHECKING:
    import libcst as cst

_Definition = TypeVar("_Definition", "cst.FunctionDef", "cst.ClassDef")

_FSTRING = "__cadre_fstring__"  # marker call: the parts of an f-string, in order
_FVALUE = "__cadre_fvalue__"  # marker call: one replacement field (value, conversion, format spec)
_OWN_WORDS = frozenset({_FSTRING, _FVALUE, "None", "0x0", "0x72", "0x73", "0x61"})  # never aligned

# libcst's native parser recurses once per nesting level: past ~1,000 brackets or ~4,000 chained
# operators it overflows the stack (a segmentation fault, not an exception). CPython refuses more than
# 200 nested brackets anyway; the token budget bounds operator chains within one bracket level.
_MAX_BRACKETS = 200
_MAX_CHAIN_TOKENS = 3000
_MAX_ALIGNED_LINE = 2000  # words; longer changed lines keep their columns as they are (no alignment)
_NEWLINES = re.compile(r"\r\n|\r|\n")
_WORDS = re.compile(r"\w+")


def parse_lowered(text: str) -> ast.Module | None:
    """The tree of `text` with newer syntax lowered, positions in `text`; None when it cannot be read."""
    lowered = lower(text)
    if lowered is None or lowered == text:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(lowered)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    changed = {number for number, (new, old)
               in enumerate(zip(_NEWLINES.split(lowered), _NEWLINES.split(text)), start=1) if new != old}
    # Only the statements that hold a changed line have markers or positions to fix.
    touched = [stmt for stmt in tree.body
               if any(line in changed for line in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))]
    try:
        for stmt in touched:
            _RestoreStrings().visit(stmt)
    except RecursionError:
        return None
    _map_positions(touched, lowered, text, changed)
    return tree


def lower(text: str) -> str | None:
    """`text` rewritten with the constructs of this interpreter, same lines; None when it cannot be.

    libcst builds Python objects for every node (about 0.3 ms a line), so only the top-level
    statements this interpreter rejects go through it; the others are kept as they are.
    """
    lines = split_lines(text)
    starts = _top_level_statements(lines)
    if starts is None:
        return None
    bounds = [*starts, len(lines)]
    out: list[str] = []
    pending: list[str] = []  # consecutive statements to lower, in one libcst call
    for first, last in zip(bounds, bounds[1:]):
        chunk = "".join(lines[first:last])
        if not parses(chunk):
            pending.append(chunk)
            continue
        if pending:
            lowered = _lower_chunk("".join(pending))
            if lowered is None:
                break
            out.append(lowered)
            pending = []
        out.append(chunk)
    else:
        lowered = _lower_chunk("".join(pending)) if pending else ""
        if lowered is not None:
            return "".join(out) + lowered
    # The split may have cut a statement the tokenizer misread: try the whole file at once.
    return _lower_chunk(text) if len(starts) > 1 else None


def _lower_chunk(code: str) -> str | None:
    try:
        import libcst as cst

        module = cst.parse_module(code)
        lowered = module.visit(_lowering(module)).code
    except Exception:  # libcst's parse errors, RecursionError and anything unforeseen: not readable
        return None
    if len(_NEWLINES.findall(lowered)) != len(_NEWLINES.findall(code)):
        return None  # a rewrite lost or added a line: positions could not be trusted
    return lowered


_CONTINUATIONS = frozenset({"else", "elif", "except", "finally"})


def _top_level_statements(lines: list[str]) -> list[int] | None:
    """The index of the first line of each top-level statement (decorators with their definition),
    or None when the code nests too deep for libcst's parser or does not tokenize.

    The nesting estimate at a token is the number of open brackets plus, for each of them, the
    tokens since the last comma at that level (siblings in a list do not nest; a chain of
    operators, `not`, `lambda` or `await` does). Commas inside lambda parameters are not
    separators, so `lambda a, b: lambda a, b: ...` is measured as the chain it is.
    """
    chains = [0]  # tokens since the last separator, per open bracket (the statement first)
    lambdas = [0]  # lambdas whose `:` is still to come, per open bracket
    total = 0
    starts = [0]
    at_start = True  # the next token begins a logical line
    decorated = False
    feed = iter(lines)
    try:
        for tok in tokenize.generate_tokens(lambda: next(feed, "")):
            kind, string = tok.type, tok.string
            if kind in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            if at_start and tok.start[1] == 0 and string not in _CONTINUATIONS:
                line = tok.start[0] - 1
                if line > starts[-1] and not decorated:
                    starts.append(line)
                decorated = string == "@"
            at_start = kind == tokenize.NEWLINE
            if kind == tokenize.STRING:
                continue
            if kind == tokenize.NEWLINE or (kind == tokenize.OP and string in ",;" and not lambdas[-1]):
                total -= chains[-1]
                chains[-1] = 0
            elif kind == tokenize.OP and string in "([{":
                if len(chains) > _MAX_BRACKETS:
                    return None
                chains.append(0)
                lambdas.append(0)
            elif kind == tokenize.OP and string in ")]}":
                if len(chains) > 1:
                    total -= chains.pop()
                    lambdas.pop()
            else:
                if string == "lambda":
                    lambdas[-1] += 1
                elif string == ":" and lambdas[-1]:
                    lambdas[-1] -= 1
                chains[-1] += 1
                total += 1
                if total > _MAX_CHAIN_TOKENS:
                    return None
    except (tokenize.TokenError, SyntaxError, RecursionError, MemoryError):
        return None
    return starts


def _lowering(module: cst.Module) -> cst.CSTTransformer:
    import libcst as cst

    older_than = sys.version_info[:2]

    class Lowering(cst.CSTTransformer):
        """Rewrites, bottom-up, only what the running interpreter cannot parse."""

        def __init__(self) -> None:
            super().__init__()
            self.newline = module.default_newline
            self.in_concatenation: set[int] = set()  # ids of the direct parts of `"a" f"b"` strings

        def _code(self, node: cst.CSTNode) -> str:
            return module.code_for_node(node)

        def _continuations(self, *dropped: cst.CSTNode | None) -> str:
            """A `\\` continuation for each line break in the text dropped, so that no line moves."""
            breaks = sum(len(_NEWLINES.findall(self._code(n))) for n in dropped if n is not None)
            return ("\\" + self.newline) * breaks

        # --- 3.12: type parameters and `type` statements
        def _without_type_parameters(self, updated: _Definition) -> _Definition:
            """`def f[T](...)` and `class C[T]` lose their `[T]` the same way (one rule for both,
            so they cannot drift): the name keeps its place and any line break in it is kept."""
            if updated.type_parameters is None or older_than >= (3, 12):
                return updated
            keep = self._continuations(updated.type_parameters)
            return updated.with_changes(type_parameters=None,
                                        whitespace_after_name=cst.SimpleWhitespace(" " + keep if keep else ""),
                                        whitespace_after_type_parameters=cst.SimpleWhitespace(""))

        def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
            return self._without_type_parameters(updated)

        def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
            return self._without_type_parameters(updated)

        def leave_TypeAlias(self, original: cst.TypeAlias,
                            updated: cst.TypeAlias) -> cst.TypeAlias | cst.Assign:
            if older_than >= (3, 12):
                return updated
            keep = self._continuations(updated.whitespace_after_type, updated.type_parameters)
            target = cst.AssignTarget(target=updated.name,
                                      whitespace_before_equal=cst.SimpleWhitespace(" " + keep),
                                      whitespace_after_equal=updated.whitespace_after_equals)
            return cst.Assign(targets=[target], value=updated.value, semicolon=updated.semicolon)

        # --- 3.11 and 3.14: exception groups
        def leave_ExceptHandler(self, original: cst.ExceptHandler, updated: cst.ExceptHandler) -> cst.ExceptHandler:
            kind = updated.type
            if older_than >= (3, 14) or not isinstance(kind, cst.Tuple) or kind.lpar:
                return updated
            return updated.with_changes(type=kind.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))

        def leave_ExceptStarHandler(self, original: cst.ExceptStarHandler,
                                    updated: cst.ExceptStarHandler) -> cst.ExceptStarHandler:
            kind = updated.type
            if older_than >= (3, 14) or not isinstance(kind, cst.Tuple) or kind.lpar:
                return updated
            return updated.with_changes(type=kind.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]))

        def leave_TryStar(self, original: cst.TryStar, updated: cst.TryStar) -> cst.TryStar | cst.Try:
            if older_than >= (3, 11):
                return updated
            handlers = [cst.ExceptHandler(body=h.body, type=h.type, name=h.name, leading_lines=h.leading_lines,
                                          whitespace_after_except=cst.SimpleWhitespace(
                                              h.whitespace_after_except.value + " " + h.whitespace_after_star.value),
                                          whitespace_before_colon=h.whitespace_before_colon)
                        for h in updated.handlers]
            return cst.Try(body=updated.body, handlers=handlers, orelse=updated.orelse,
                           finalbody=updated.finalbody, leading_lines=updated.leading_lines,
                           whitespace_before_colon=updated.whitespace_before_colon)

        # --- 3.11: `tuple[*Ts]`, `*args: *Ts`
        def leave_Index(self, original: cst.Index, updated: cst.Index) -> cst.Index:
            if updated.star is None or older_than >= (3, 11):
                return updated
            return updated.with_changes(star=None, whitespace_after_star=None)

        def leave_Annotation(self, original: cst.Annotation, updated: cst.Annotation) -> cst.Annotation:
            if not isinstance(updated.annotation, cst.StarredElement) or older_than >= (3, 11):
                return updated
            return updated.with_changes(annotation=updated.annotation.value)

        # --- 3.12 f-strings and 3.14 t-strings
        def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
            self.in_concatenation.update((id(node.left), id(node.right)))
            return True

        def leave_FormattedString(self, original: cst.FormattedString,
                                  updated: cst.FormattedString) -> cst.BaseExpression:
            if id(original) in self.in_concatenation or not self._too_new(updated):
                return updated  # a part of `"a" f"b"` is lowered with the whole concatenation
            return self._marker(updated)

        def leave_TemplatedString(self, original: cst.TemplatedString,
                                  updated: cst.TemplatedString) -> cst.BaseExpression:
            if id(original) in self.in_concatenation or not self._too_new(updated):
                return updated
            return self._marker(updated)

        def leave_ConcatenatedString(self, original: cst.ConcatenatedString,
                                     updated: cst.ConcatenatedString) -> cst.BaseExpression:
            if id(original) in self.in_concatenation:
                return updated  # the outermost concatenation decides for all its parts
            parts: list[cst.BaseExpression] = []
            joints: list[cst.BaseParenthesizableWhitespace] = []
            node: cst.BaseExpression = updated
            while isinstance(node, cst.ConcatenatedString):
                parts.append(node.left)
                joints.append(node.whitespace_between)
                node = node.right
            parts.append(node)
            if not any(isinstance(p, (cst.FormattedString, cst.TemplatedString)) and self._too_new(p)
                       for p in parts):
                return updated
            args: list[cst.Arg] = []
            for index, part in enumerate(parts):
                if isinstance(part, (cst.FormattedString, cst.TemplatedString)):
                    piece = list(self._marker(part).args)
                else:
                    piece = [cst.Arg(part)]
                if index < len(joints):
                    piece[-1] = piece[-1].with_changes(comma=cst.Comma(whitespace_after=joints[index]))
                args.extend(piece)
            return cst.Call(func=cst.Name(_FSTRING), args=args, lpar=updated.lpar, rpar=updated.rpar)

        def _too_new(self, node: cst.FormattedString | cst.TemplatedString) -> bool:
            if isinstance(node, cst.TemplatedString):
                return older_than < (3, 14)
            return older_than < (3, 12)  # every f-string of a statement that needs lowering

        def _marker(self, node: cst.FormattedString | cst.TemplatedString) -> cst.Call:
            prefix = "".join(c for c in node.prefix if c in "rR")
            args = self._parts(node.parts, prefix, node.quote) or [cst.Arg(cst.SimpleString('""'))]
            return cst.Call(func=cst.Name(_FSTRING), args=args, lpar=node.lpar, rpar=node.rpar)

        def _parts(self, parts: Sequence[cst.BaseFormattedStringContent | cst.BaseTemplatedStringContent],
                   prefix: str, quote: str) -> list[cst.Arg]:
            args: list[cst.Arg] = []
            for part in parts:
                if isinstance(part, (cst.FormattedStringText, cst.TemplatedStringText)):
                    args.extend(cst.Arg(cst.SimpleString(s)) for s in _literals(part.value, prefix, quote))
                    continue
                assert isinstance(part, (cst.FormattedStringExpression, cst.TemplatedStringExpression))
                if part.equal is not None:  # f"{x=}": the text of the expression, then its repr
                    shown = (self._code(part.whitespace_before_expression) + self._code(part.expression)
                             + self._code(part.whitespace_after_expression) + self._code(part.equal))
                    # escaped character by character: its words must not align with the code's names
                    escaped = "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}"
                                      for c in shown)
                    args.append(cst.Arg(cst.SimpleString(f'"{escaped}"')))
                conversion = part.conversion or ("r" if part.equal is not None and part.format_spec is None else "")
                spec: cst.BaseExpression = cst.Name("None")
                if part.format_spec is not None:
                    spec_args = self._parts(part.format_spec, prefix, quote) or [cst.Arg(cst.SimpleString('""'))]
                    spec = cst.Call(func=cst.Name(_FSTRING), args=spec_args)
                # the whitespace around `=` of f"{x = }" may hold line breaks and comments: kept in place
                around = (part.equal.whitespace_before, part.equal.whitespace_after) if part.equal is not None \
                    else (cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
                expression = part.expression  # in brackets: `{a, b}` and `{yield x}` are not call arguments
                expression = expression.with_changes(lpar=[cst.LeftParen(), *expression.lpar],
                                                     rpar=[*expression.rpar, cst.RightParen()])
                value = cst.Arg(expression, comma=cst.Comma(whitespace_before=part.whitespace_after_expression,
                                                                 whitespace_after=around[0]))
                code = cst.Arg(cst.Integer(hex(ord(conversion)) if conversion else "0x0"),
                               whitespace_after_arg=around[1], comma=cst.Comma())
                args.append(cst.Arg(cst.Call(func=cst.Name(_FVALUE), args=[value, code, cst.Arg(spec)],
                                             whitespace_before_args=part.whitespace_before_expression)))
            return [a.with_changes(comma=cst.Comma()) if i < len(args) - 1 and a.comma is cst.MaybeSentinel.DEFAULT
                    else a for i, a in enumerate(args)]

    return Lowering()


def _literals(raw: str, prefix: str, quote: str) -> list[str]:
    """The literal text of an f-string as plain string literals (braces undoubled)."""
    text = raw.replace("{{", "{").replace("}}", "}")
    if not text:
        return []
    trailing = len(text) - len(text.rstrip("\\"))
    if trailing % 2:  # a lone backslash before `{` would escape the closing quote
        head = [f"{prefix}{quote}{text[:-1]}{quote}"] if len(text) > 1 else []
        return [*head, '"\\\\"']
    return [f"{prefix}{quote}{text}{quote}"]


class _RestoreStrings(ast.NodeTransformer):
    """Marker calls back into the `ast.JoinedStr` the newer interpreter builds."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if not (isinstance(node.func, ast.Name) and node.func.id == _FSTRING):
            return node
        values: list[ast.expr] = []
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                last = values[-1] if values else None
                if isinstance(last, ast.Constant) and isinstance(last.value, str):
                    values[-1] = ast.copy_location(ast.Constant(last.value + arg.value), last)
                elif arg.value:
                    values.append(ast.copy_location(ast.Constant(arg.value), node))
            elif isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == _FVALUE \
                    and len(arg.args) == 3:
                value, conversion, spec = arg.args
                code = conversion.value if isinstance(conversion, ast.Constant) else 0
                values.append(ast.copy_location(ast.FormattedValue(
                    value=value, conversion=code if isinstance(code, int) and code else -1,
                    format_spec=spec if isinstance(spec, ast.JoinedStr) else None), arg))
        return ast.copy_location(ast.JoinedStr(values=values), node)


class _Columns:
    """Column map of one changed line: lowered UTF-8 offset -> original UTF-8 offset.

    The words (identifiers, numbers) of the two lines are aligned, the rewrite's own words left
    out: a name kept by the rewrite is found exactly, and any other position is placed by its
    distance to the next aligned word (a start) or to the previous one (an end)."""

    def __init__(self, new: str, old: str) -> None:
        self.new, self.old = new, old
        new_words = [m for m in _WORDS.finditer(new) if m.group() not in _OWN_WORDS]
        old_words = list(_WORDS.finditer(old))
        self.pairs: list[tuple[int, int, int, int]] = []  # new start, new end, old start, old end
        if len(new_words) <= _MAX_ALIGNED_LINE and len(old_words) <= _MAX_ALIGNED_LINE:
            matcher = SequenceMatcher(None, [m.group() for m in new_words], [m.group() for m in old_words],
                                      autojunk=False)
            for i, j, size in matcher.get_matching_blocks():
                for k in range(size):
                    a, b = new_words[i + k], old_words[j + k]
                    self.pairs.append((a.start(), a.end(), b.start(), b.end()))
        self.new_starts = [p[0] for p in self.pairs]
        self.new_ends = [p[1] for p in self.pairs]

    def start(self, offset: int) -> int:
        """Where the text starting at `offset` starts in the original line."""
        char = self._char(offset)
        after = bisect_left(self.new_ends, char + 1)  # first aligned word ending after `char`
        floor = self.pairs[after - 1][3] if after else 0
        ceiling = self.pairs[after][2] if after < len(self.pairs) else len(self.old)
        if after == len(self.pairs) or self.new.startswith((_FSTRING, _FVALUE), char):
            # a marker stands where the string began: the text before it is the original's
            new_end = self.pairs[after - 1][1] if after else 0
            return self._byte(max(min(floor + char - new_end, ceiling), floor))
        new_start, _, old_start, _ = self.pairs[after]
        return self._byte(min(max(old_start - (new_start - char), floor), len(self.old)))

    def end(self, offset: int) -> int:
        """Where the text ending at `offset` (exclusive) ends in the original line."""
        char = self._char(offset)
        if char >= len(self.new):
            return self._byte(len(self.old))
        before = bisect_right(self.new_starts, char - 1)  # aligned words starting before `char`
        ceiling = self.pairs[before][2] if before < len(self.pairs) else len(self.old)
        if not before:
            return self._byte(min(char, ceiling))
        _, new_end, _, old_end = self.pairs[before - 1]
        return self._byte(max(min(old_end + (char - new_end), ceiling), 0))

    def _char(self, offset: int) -> int:
        new = self.new
        return offset if new.isascii() else len(new.encode("utf-8")[:offset].decode("utf-8", "ignore"))

    def _byte(self, char: int) -> int:
        old = self.old
        return char if old.isascii() else len(old[:char].encode("utf-8"))


def _map_positions(statements: list[ast.stmt], lowered: str, original: str, changed: set[int]) -> None:
    columns = {number: _Columns(new, old) for number, (new, old)
               in enumerate(zip(_NEWLINES.split(lowered), _NEWLINES.split(original)), start=1) if number in changed}
    for node in (n for stmt in statements for n in ast.walk(stmt)):
        line = getattr(node, "lineno", None)
        if line in columns:
            node.col_offset = columns[line].start(node.col_offset)  # type: ignore[attr-defined]
        end = getattr(node, "end_lineno", None)
        if end in columns and getattr(node, "end_col_offset", None) is not None:
            node.end_col_offset = columns[end].end(node.end_col_offset)  # type: ignore[attr-defined]
