"""CDR302: model output that can reach the public directly (charter commitment 2).

A web request handler that calls AI, or calls a function of the repository that does, hands the
model's answer to whoever sent the request. Calls are followed within each file; on a scan of the
whole repository they are also followed into the project's own modules, including route files
that the main pass skipped because they import no AI library themselves.

An internal route (agents only, behind the intranet) is marked with a reasoned suppression on the
route or its `def` line: `# cadre: ignore[CDR302] internal route, agents only`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cadre_hooks.findings import make_finding
from cadre_hooks.model import FileScan, Finding, RouteFunction, Usage

if TYPE_CHECKING:
    from cadre_hooks.detect.python.crossfile import Locate
    from cadre_hooks.scan import ScanContext

RULE = "CDR302"
MAX_ROUNDS = 4  # import hops followed from an AI module to the route files that use it
Key = tuple[str, str]  # (path, function name)
Hit = tuple[str, int, str]  # (path, line, evidence) of the AI call reached


def findings(sc: ScanContext, scans: Sequence[FileScan], usages: Sequence[Usage]) -> list[tuple[Finding, int]]:
    rule = sc.rules.get(RULE)
    records = [r for scan in scans for r in scan.routes]
    if rule is None or not records:
        return []
    whole = sc.selection.whole_repository
    if whole:
        analysed = {scan.path for scan in scans if "routes-analysed" in scan.facts}
        records += follow_imports(sc, records, analysed)
    graph = CallGraph(records, cross_file=whole)
    out = []
    for key, (label, line) in sorted(graph.handlers().items()):
        hit = graph.reach(key)
        if hit is None:
            continue
        path, name = key
        fn = graph.functions[key]
        ai_path, ai_line, evidence = hit
        where = f"{ai_path}:{ai_line}" if ai_path != path else f"{'ligne' if sc.lang == 'fr' else 'line'} {ai_line}"
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
    """Functions by (path, name); who is a handler; which AI call each one reaches, if any."""

    def __init__(self, records: Sequence[RouteFunction], cross_file: bool) -> None:
        self.cross_file = cross_file
        self.functions: dict[Key, RouteFunction] = {(r.path, r.name): r for r in records if r.name}
        self.exposed = [r for r in records if r.exposes]
        self._memo: dict[Key, Hit | None] = {}

    def handlers(self) -> dict[Key, tuple[str, int]]:
        """Handler -> (how it is exposed, line of the route declaration in its own file or 0)."""
        from cadre_hooks.detect.python.webroutes import HANDLER_METHODS

        found = {key: (r.handler, r.handler_line) for key, r in self.functions.items() if r.handler}
        if self.cross_file:
            for ref in self.exposed:
                path, _, name = ref.exposes.partition(":")
                label = f"{ref.handler} ({ref.path}:{ref.line})"
                targets = [(path, name)] if (path, name) in self.functions else \
                    [(path, f"{name}.{m}") for m in sorted(HANDLER_METHODS) if (path, f"{name}.{m}") in self.functions]
                for key in targets:
                    found.setdefault(key, (label, 0))
        return found

    def reach(self, key: Key, active: frozenset[Key] = frozenset()) -> Hit | None:
        """The first AI call `key` makes or reaches through its callees (cycles cut)."""
        if key in self._memo:
            return self._memo[key]
        fn = self.functions.get(key)
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

    def reaching_files(self) -> set[str]:
        return {path for key in self.functions for path in [key[0]] if self.reach(key) is not None}


def follow_imports(sc: ScanContext, records: list[RouteFunction], analysed: set[str]) -> list[RouteFunction]:
    """Route analysis of the Python files that import, directly or through other modules, a module
    whose functions reach AI: the route files the main pass skipped (no AI import of their own)."""
    from cadre_hooks.detect.python.project import ProjectIndex
    from cadre_hooks.detect.python.source import decode

    pending = [f for f in sc.selection.files if f.endswith(".py") and f not in analysed]
    if not pending:
        return []
    project = ProjectIndex(sc.root)
    texts: dict[str, bytes] = {}
    added: list[RouteFunction] = []
    done: set[str] = set()
    targets = CallGraph(records, cross_file=True).reaching_files()
    for _ in range(MAX_ROUNDS):
        if not targets:
            break
        patterns = [_import_pattern(t) for t in sorted(targets)]
        found = []
        for rel in pending:
            if rel in done:
                continue
            data = texts.get(rel)
            if data is None:
                try:
                    data = (sc.root / rel).read_bytes()[: sc.config.max_file_size]
                except OSError:
                    data = b""
                texts[rel] = data
            if b"import" in data and any(p(rel, data) for p in patterns):
                found.append(rel)
        new: list[RouteFunction] = []
        for rel in found:
            done.add(rel)
            text, _, _ = decode(texts[rel])
            new += scan_file(rel, text.lstrip("\ufeff"), sc, project.locate)
        if not new:
            break
        before = targets | {r.path for r in records}
        added += new
        targets = CallGraph([*records, *added], cross_file=True).reaching_files() - before
    return added


def _import_pattern(target: str) -> _ImportMatch:
    parts = target[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return _ImportMatch(parts, target.rsplit("/", 1)[0] + "/" if "/" in target else "")


class _ImportMatch:
    """Cheap test that a file may import the module `parts`: its name, then its package's name or a
    relative import from a file of the same package tree (the exact resolution comes after)."""

    def __init__(self, parts: list[str], folder: str) -> None:
        self.stem = re.compile(rb"\b" + re.escape(parts[-1].encode()) + rb"\b") if parts else None
        self.parent = re.compile(rb"\b" + re.escape(parts[-2].encode()) + rb"\b") if len(parts) > 1 else None
        self.top = len(parts) == 1
        self.package_root = folder.rsplit("/", 2)[0] if folder.count("/") > 1 else ""

    def __call__(self, rel: str, data: bytes) -> bool:
        if self.stem is None or not self.stem.search(data):
            return False
        if self.top or (self.parent is not None and self.parent.search(data)):
            return True
        return rel.startswith(self.package_root) and re.search(rb"from\s+\.", data) is not None


def scan_file(path: str, text: str, sc: ScanContext, locate: Locate) -> tuple[RouteFunction, ...]:
    """The route records of a module the main pass did not analyse (it holds no AI import of its own)."""
    import ast
    import warnings

    from cadre_hooks.detect.python.routes import analyse_routes

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    return analyse_routes(path, tree, sc.registry, sc.root, locate)
