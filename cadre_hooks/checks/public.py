"""CDR302: model output that can reach the public directly (charter commitment 2).

A web request handler that calls AI, or calls a function of the repository that does, hands the
model's answer to whoever sent the request. Calls are followed within each file; on a scan of the
whole repository they are also followed into the project's own modules, including route files
without AI of their own.

Everything comes from the detection pass (parallel and cached): each module's route records
(`FileScan.routes`, also for a web module without AI, by the route marker of
detect/python/webroutes.py), and the functions of the other modules its handlers call into
(`FileScan.route_links`, detect/python/routelinks.py), to which this rule gives each module's own
detections. It reads no file.

An internal route (agents only, behind the intranet) is marked with a reasoned suppression on the
route or its `def` line: `# cadre: ignore[CDR302] internal route, agents only`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts
from cadre_hooks.detect.python.webroutes import HANDLER_METHODS
from cadre_hooks.findings import make_finding
from cadre_hooks.model import ROUTES_ANALYSED, ROUTES_WHOLE, FileScan, Finding, RouteFunction, Usage

if TYPE_CHECKING:
    from cadre_hooks.registry import Registry

RULE = "CDR302"
Key = tuple[str, str]  # (path, function name)
Hit = tuple[str, int, str]  # (path, line, evidence) of the AI call reached
Loader = Callable[[str], Sequence[RouteFunction]]


CODES = ("CDR302",)


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    """Nothing to do without a route, or without AI on a scan of the whole repository (a route
    module may reach it through the project's own functions)."""
    scans = facts.files
    if not (any(scan.routes for scan in scans)
            or (ctx.selection.whole_repository and any(scan.detections for scan in scans))):
        return []
    return findings(ctx, scans, facts.usages)


def findings(sc: CheckContext, scans: Sequence[FileScan], usages: Sequence[Usage]) -> list[tuple[Finding, int]]:
    rule = sc.rules.get(RULE)
    whole = sc.selection.whole_repository and any(scan.detections for scan in scans if scan.path.endswith(".py"))
    # The modules read for their routes beyond the main test count where calls are followed across files.
    records = [r for scan in scans if ROUTES_WHOLE not in scan.facts for r in scan.routes]
    load: Loader | None = None
    if whole:
        load = loader(scans, sc.registry)
        records += [r for scan in scans if ROUTES_WHOLE in scan.facts for r in scan.routes]
    if rule is None or not records:
        return []
    graph = CallGraph(records, cross_file=sc.selection.whole_repository, load=load)
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


def loader(scans: Sequence[FileScan], registry: Registry) -> Loader:
    """The functions of a module a call leads into, from the route links the detection pass recorded
    (any handler module's copy: the same module gives the same records), with the module's own
    detections placed in them; nothing for a module whose route records are already in the graph."""
    linked: dict[str, list[RouteFunction]] = {}
    for scan in scans:
        module: dict[str, list[RouteFunction]] = {}
        for r in scan.route_links:
            module.setdefault(r.path, []).append(r)
        for path, found in module.items():
            linked.setdefault(path, found)
    detections = {scan.path: scan.detections for scan in scans if scan.detections}
    analysed = {scan.path for scan in scans if ROUTES_ANALYSED in scan.facts}

    def load(rel: str) -> Sequence[RouteFunction]:
        if rel in analysed or not rel.endswith(".py"):
            return ()
        analysed.add(rel)
        from cadre_hooks.detect.python.routes import with_detections  # the Python analysis: only with routes

        return with_detections(linked.get(rel, ()), detections.get(rel, ()), registry)

    return load
