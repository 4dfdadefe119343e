"""Python detector: a quick `ast` look settles most files; the full pass analyses the rest (see deep.py).

Syntax the running interpreter does not know is lowered first (lowering.py), so every Python 3
file gets the same analysis on every supported interpreter."""

from __future__ import annotations

import ast
import warnings
from typing import TYPE_CHECKING

from cadre_hooks.model import FileScan, Notice

if TYPE_CHECKING:
    from cadre_hooks.detect.context import DetectContext
    from cadre_hooks.detect.python.source import Source

# The analysis modules are imported where they are used: importing this package (for the data of
# webroutes.py, say, on a pre-commit call whose files hold no AI) costs no more than the package.


def scan_python(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    from cadre_hooks.detect.python.source import read

    source = read(path, data)
    return scan_source(path, source, ctx)


def scan_source(path: str, source: Source, ctx: DetectContext) -> FileScan:
    notices = [Notice(path, source.decode_notice)] if source.decode_notice else []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source.text)
    except SyntaxError as err:
        # Syntax newer than this interpreter (3.12 generics, PEP 701 f-strings, 3.14 `except A, B:`...)
        # is lowered with libcst, imported only here; Python 2 and broken files get the line scan.
        from cadre_hooks.detect.python.lowering import parse_lowered

        lowered = parse_lowered(source.text)
        if lowered is None:
            return scan_fallback(path, source, ctx, f"line {err.lineno}: {err.msg}", notices)
        tree = lowered
    except (ValueError, RecursionError, MemoryError) as err:
        return scan_fallback(path, source, ctx, type(err).__name__, notices)
    from cadre_hooks.detect.python.quick import needs_analysis

    if ctx.filters and not needs_analysis(tree, ctx.registry, ctx.is_ai_url):
        if path.endswith(".py"):
            from cadre_hooks.relevance import may_declare_routes

            if may_declare_routes(path, source.text.encode("utf-8", "surrogatepass")):  # CDR302, see letthrough.py
                from cadre_hooks.detect.python.deep import route_only

                found = route_only(path, source, ctx, tree, tuple(notices))
                if found is not None:
                    return found
        return FileScan(path, suppressions=source.suppressions, notices=tuple(notices))
    from cadre_hooks.detect.python import deep

    try:
        return deep.analyse(path, source, ctx, notices, tree)
    except RecursionError:
        return scan_fallback(path, source, ctx, "nesting too deep", notices)


def scan_fallback(path: str, source: Source, ctx: DetectContext, reason: str,
                  notices: list[Notice] | None = None) -> FileScan:
    from cadre_hooks.detect.python import fallback

    detections = fallback.scan(path, source.text, ctx.registry, ctx.is_ai_url)
    notice = Notice(path, f"could not parse as Python ({reason}); scanned line by line")
    return FileScan(path, detections=tuple(detections), suppressions=source.suppressions,
                    notices=(*(notices or ()), notice))
