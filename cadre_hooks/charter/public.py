"""CDR302: model output that can reach the public directly (charter commitment 2).

A web request handler that calls AI, or calls a function of the repository that does, hands the
model's answer to whoever sent the request. Calls are followed within each file; on a scan of the
whole repository they are also followed into the project's own modules, including route files
that the main pass skipped because they import no AI library themselves.

An internal route (agents only, behind the intranet) is marked with a reasoned suppression on the
route or its `def` line: `# cadre: ignore[CDR302] internal route, agents only`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from cadre_hooks.detect.python.routefilter import has_route_decorator, route_markers
from cadre_hooks.detect.python.webroutes import FRAMEWORK_ROOTS, HANDLER_METHODS
from cadre_hooks.findings import make_finding
from cadre_hooks.model import Detection, FileScan, Finding, RouteFunction, Usage
from cadre_hooks.safeio import Refused, read_in_root

if TYPE_CHECKING:
    from cadre_hooks.detect.python.crossfile import Locate
    from cadre_hooks.scan import ScanContext

RULE = "CDR302"
HEAD_BYTES = 16384  # what is read of a module to tell whether it imports a web framework
Key = tuple[str, str]  # (path, function name)
Hit = tuple[str, int, str]  # (path, line, evidence) of the AI call reached
Loader = Callable[[str], Sequence[RouteFunction]]
@functools.cache
def _web_import() -> re.Pattern[bytes]:
    """The import header of a module that may define web handlers (checked on bytes, before any
    parsing); aiohttp only for its server side (`aiohttp.web`), its client is everywhere."""
    roots = b"|".join(re.escape(r.encode()) for r in sorted(FRAMEWORK_ROOTS - {"aiohttp"}))
    return re.compile(rb"(?:from|import)[ \t]+(?:" + roots + rb")\b"
                      rb"|from[ \t]+aiohttp[ \t]+import[^\n]*\bweb\b|(?:from|import)[ \t]+aiohttp\.web\b")


def findings(sc: ScanContext, scans: Sequence[FileScan], usages: Sequence[Usage]) -> list[tuple[Finding, int]]:
    rule = sc.rules.get(RULE)
    records = [r for scan in scans for r in scan.routes]
    whole = sc.selection.whole_repository
    load: Loader | None = None
    if whole and any(scan.detections for scan in scans if scan.path.endswith(".py")):
        load = _loader(sc, scans)
        records += skipped_route_modules(sc, scans, load)
    if rule is None or not records:
        return []
    graph = CallGraph(records, cross_file=whole, load=load)
    out = []
    for key, (label, line) in sorted(graph.handlers().items()):
        hit = graph.reach(key)
        if hit is None:
            continue
        path, name = key
        fn = graph.functions[key]
        ai_path, ai_line, evidence = hit
        where = f"{ai_path}:{ai_line}" if ai_path != path else rule.detail(sc.lang, "same_file", line=ai_line)
        provider = _provider(usages, ai_path, ai_line)
        message = rule.format(sc.lang, handler=name, route=label, call=evidence, where=where, path=path,
                              provider=provider or "")
        column = fn.column if line in (0, fn.line) else 1
        finding = make_finding(rule, sc.config, path, line or fn.line, column, provider, message,
                               f"{label} -> {evidence}")
        if finding is not None:
            out.append((finding, fn.line))
    return out


def _provider(usages: Sequence[Usage], path: str, line: int) -> str | None:
    """The provider of the AI call: the usage on that line, else the only provider of the file."""
    in_file = [u for u in usages if u.path == path and u.provider]
    at_line = [u.provider for u in in_file if u.line == line]
    if at_line:
        return at_line[0]
    providers = {u.provider for u in in_file if u.kind != "dependency"}
    return providers.pop() if len(providers) == 1 else None


class CallGraph:
    """Functions by (path, name); who is a handler; which AI call each one reaches, if any. With
    `load`, the modules of other files are analysed when a call first leads into them."""

    def __init__(self, records: Sequence[RouteFunction], cross_file: bool, load: Loader | None = None) -> None:
        self.cross_file = cross_file
        self.load = load
        self.functions: dict[Key, RouteFunction] = {}
        self.exposed: list[RouteFunction] = []
        self.loaded = {r.path for r in records}
        self._add(records)
        self._memo: dict[Key, Hit | None] = {}

    def _add(self, records: Sequence[RouteFunction]) -> None:
        self.functions.update({(r.path, r.name): r for r in records if r.name})
        self.exposed += [r for r in records if r.exposes]

    def _function(self, key: Key) -> RouteFunction | None:
        if key not in self.functions and self.load is not None and key[0] not in self.loaded:
            self.loaded.add(key[0])
            self._add(self.load(key[0]))
        return self.functions.get(key)

    def handlers(self) -> dict[Key, tuple[str, int]]:
        """Handler -> (how it is exposed, line of the route declaration in its own file or 0)."""
        found = {key: (r.handler, r.handler_line) for key, r in self.functions.items() if r.handler}
        if self.cross_file:
            for ref in self.exposed:
                path, _, name = ref.exposes.partition(":")
                label = f"{ref.handler} ({ref.path}:{ref.line})"
                for key in [(path, name), *((path, f"{name}.{m}") for m in sorted(HANDLER_METHODS))]:
                    if self._function(key) is not None:
                        found.setdefault(key, (label, 0))
        return found

    def reach(self, key: Key, active: frozenset[Key] = frozenset()) -> Hit | None:
        """The first AI call `key` makes or reaches through its callees (cycles cut)."""
        if key in self._memo:
            return self._memo[key]
        fn = self._function(key)
        if fn is None or key in active:
            return None
        hit: Hit | None = (fn.path, fn.ai_line, fn.ai_evidence) if fn.ai_line else None
        for callee in fn.calls if hit is None else ():
            if ":" in callee:
                if not self.cross_file:
                    continue
                path, _, name = callee.partition(":")
                target = (path, name)
            else:
                target = (fn.path, callee)
            hit = self.reach(target, active | {key})
            if hit is not None:
                break
        if not active or hit is not None:
            self._memo[key] = hit
        return hit


def _loader(sc: ScanContext, scans: Sequence[FileScan]) -> Loader:
    """Route records of a module of the repository, read on demand (with what the main pass found in it)."""
    from cadre_hooks.detect.python.project import ProjectIndex

    project = ProjectIndex(sc.root)
    detections = {scan.path: scan.detections for scan in scans if scan.detections}
    analysed = {scan.path for scan in scans if "routes-analysed" in scan.facts}

    def load(rel: str) -> Sequence[RouteFunction]:
        if rel in analysed or not rel.endswith(".py"):
            return ()
        analysed.add(rel)
        try:
            data = read_in_root(sc.root, rel, sc.config.max_file_size)
        except Refused:
            return ()  # the main pass gave the notice, for a file of the selection
        return scan_file(rel, data, sc, project.locate, detections.get(rel, ()))

    return load


def skipped_route_modules(sc: ScanContext, scans: Sequence[FileScan], load: Loader) -> list[RouteFunction]:
    """Route records of the modules that import a web framework but no AI library (the main pass
    skipped them): their handlers may call the project's own AI functions."""
    analysed = {scan.path for scan in scans if "routes-analysed" in scan.facts}
    out: list[RouteFunction] = []
    for rel in sc.selection.files:
        if not rel.endswith(".py") or rel in analysed:
            continue
        if rel.rsplit("/", 1)[-1] not in ("urls.py", "views.py"):
            try:
                head = read_in_root(sc.root, rel, sc.config.max_file_size, head=HEAD_BYTES)  # imports sit at the top
                if not (_web_import().search(_header(head)) or has_route_decorator(head)):
                    continue
                data = head if len(head) < HEAD_BYTES else read_in_root(sc.root, rel, sc.config.max_file_size)
            except Refused:
                continue
            if not route_markers().search(data):
                continue
        out += load(rel)
    return out


def _header(data: bytes) -> bytes:
    """The part of a module before its first top-level function or class: where its imports are."""
    ends = [i for i in (data.find(b"\ndef "), data.find(b"\nclass "), data.find(b"\nasync def ")) if i >= 0]
    return data[:min(ends)] if ends else data


def scan_file(path: str, data: bytes, sc: ScanContext, locate: Locate,
              detections: Sequence[Detection] = ()) -> tuple[RouteFunction, ...]:
    """The route records of a module the main pass did not analyse for routes."""
    import ast
    import warnings

    from cadre_hooks.detect.python.routefilter import route_records
    from cadre_hooks.detect.python.source import decode

    text, _, _ = decode(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text.lstrip("\ufeff"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    return route_records(path, tree, sc.registry, sc.root, locate, detections=detections, handlers_only=False) or ()
