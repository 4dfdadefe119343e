"""The full analysis of one Python file: the `ast` pass, then, on modules that may define web
handlers, the route pass (CDR302) on the same tree with what the first pass found."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.python.analysis import PythonAnalyzer
from cadre_hooks.detect.python.callsites import MAX_DEPTH, ClientInfo, ClientResolver, may_hold_client
from cadre_hooks.detect.python.keyreads import key_reads
from cadre_hooks.detect.python.project import MAX_MODULE_BYTES, ProjectIndex
from cadre_hooks.detect.python.routefilter import is_route_module, route_records
from cadre_hooks.detect.python.routelinks import route_links
from cadre_hooks.detect.python.source import Source, read
from cadre_hooks.detect.python.values import Value
from cadre_hooks.memo import per_scan
from cadre_hooks.model import ROUTES_ANALYSED, ROUTES_WHOLE, FileScan, HubLoad, HubSetting, Notice, RouteFunction
from cadre_hooks.relevance import may_declare_routes
from cadre_hooks.sdkscope import default_facts

_PROJECTS: dict[str, ProjectIndex] = per_scan({})


def project_index(ctx: DetectContext) -> ProjectIndex:
    key = str(ctx.root)
    if key not in _PROJECTS:
        _PROJECTS[key] = ProjectIndex(ctx.root)
    return _PROJECTS[key]


def client_resolver(path: str, ctx: DetectContext, project: ProjectIndex) -> ClientResolver:
    """Finds the client a name imported from another module of the project is bound to: that module
    is analysed on demand (and kept while unchanged), so a pre-commit run on one file sees the client
    a folder scan would see; the files read are recorded in `project.reads` (the result's depends_on)."""

    def resolve(module_name: str, name: str, level: int, depth: int) -> ClientInfo | None:
        if depth > MAX_DEPTH:
            return None
        target = project.locate(path, module_name, level)
        if target is None:
            return None
        parsed = project.parsed(target)
        if parsed is None or not may_hold_client(parsed[0], parsed[1], name):
            return None  # a class, a constant, an object of the project's own class: no analysis needed
        other = _module_analysis(target, ctx, project)
        if other is None:
            return None
        analyzer, reads = other
        project.reads.update(reads)
        return analyzer.exported_client(name, depth)

    return resolve


_ANALYSED: dict[tuple[str, int, int], tuple[PythonAnalyzer, frozenset[str]] | None] = per_scan({})


def _module_analysis(target: Path, ctx: DetectContext, project: ProjectIndex) \
        -> tuple[PythonAnalyzer, frozenset[str]] | None:
    """The analysis of another module of the project, kept while the file is unchanged."""
    try:
        st = target.stat()
        rel = target.resolve().relative_to(ctx.root.resolve()).as_posix()
    except (OSError, ValueError):
        return None
    key = (str(target), st.st_size, st.st_mtime_ns)
    if key in _ANALYSED:
        return _ANALYSED[key]
    if len(_ANALYSED) > 64:  # each keeps a tree: bound the memory
        _ANALYSED.clear()
    _ANALYSED[key] = None  # an import cycle finds nothing rather than recursing
    if st.st_size > MAX_MODULE_BYTES:
        return None
    from cadre_hooks.safeio import Refused, read_in_root

    parsed = project.parsed(target)  # the tree the resolver's first look parsed: not parsed twice
    try:
        source = read(rel, read_in_root(ctx.root.resolve(), rel, MAX_MODULE_BYTES))  # never a FIFO or a device
        if parsed is not None:
            tree = parsed[0]
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source.text)
    except (Refused, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    outer = project.reads
    project.reads = set()
    try:
        analyzer = PythonAnalyzer(rel, source, tree, ctx, lambda m, n, lvl, d: project.constant(rel, m, n, lvl, d))
        analyzer.resolve_client = client_resolver(rel, ctx, project)
        analyzer.exports_only = True
        analyzer.run()
    except RecursionError:
        return None
    finally:
        reads = frozenset(project.reads | {rel})
        project.reads = outer
    result = (analyzer, reads)
    _ANALYSED[key] = result
    return result


def analyse(path: str, source: Source, ctx: DetectContext, notices: list[Notice], tree: ast.Module) -> FileScan:
    project = project_index(ctx)
    project.reads = set()

    def resolve_import(module_name: str, name: str, level: int, depth: int) -> Value:
        return project.constant(path, module_name, name, level, depth)

    analyzer = PythonAnalyzer(path, source, tree, ctx, resolve_import)
    analyzer.resolve_client = client_resolver(path, ctx, project)
    analyzer.run()
    analyzer.detections += key_reads(analyzer)
    facts = default_facts(g.provider for g in analyzer.groups if g.always or False in g.uses)
    hub_loads: tuple[HubLoad, ...] = ()
    hub_settings: tuple[HubSetting, ...] = ()
    loads = [(d.line, d.column, d.model) for d in analyzer.detections if d.kind == "model"]
    if loads:  # what CDR105 reads of a model load
        from cadre_hooks.detect.hubenv import python_facts

        hub_loads, hub_settings, looked = python_facts(tree, source.text, loads, ctx.root, path)
        project.reads.update(looked)
    # Web handlers and the AI calls they reach (CDR302), with the functions of the project's other
    # modules they call into (routelinks.py).
    routes: tuple[RouteFunction, ...] | None = None
    if is_route_module(path, analyzer.bound, source.text):
        routes = route_records(path, tree, ctx.registry, ctx.root, project.locate, analyzer.ai_names,
                               analyzer.detections, analyzer.bound)
    whole: tuple[str, ...] = ()
    if routes is None and may_declare_routes(path, source.text.encode("utf-8", "surrogatepass")):
        # Declares routes the cheap test above turned down (a registration, a view class): every function.
        routes = route_records(path, tree, ctx.registry, ctx.root, project.locate, detections=analyzer.detections,
                               handlers_only=False)
        whole = (ROUTES_WHOLE,)
    links: tuple[RouteFunction, ...] = ()
    if routes:
        links, linked = route_links(path, routes, project, ctx)
        project.reads |= linked
    return FileScan(path, detections=tuple(analyzer.detections), suppressions=source.suppressions,
                    models=tuple(analyzer.models), notices=tuple(notices),
                    facts=(*facts, *((ROUTES_ANALYSED, *whole) if routes is not None else ())), routes=routes or (),
                    depends_on=tuple(sorted(project.reads - {path})), hub_loads=hub_loads, hub_settings=hub_settings,
                    route_links=links)


def route_only(path: str, source: Source, ctx: DetectContext, tree: ast.Module | None = None,
               notices: tuple[Notice, ...] = ()) -> FileScan | None:
    """The routes of a module without AI (the detection pass found nothing else in it) that declares
    some (relevance.may_declare_routes): its handlers may call the project's own AI functions. None
    when it cannot be parsed (the caller's result stands)."""
    if tree is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(source.text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    project = project_index(ctx)
    project.reads = set()
    routes = route_records(path, tree, ctx.registry, ctx.root, project.locate, handlers_only=False) or ()
    links: tuple[RouteFunction, ...] = ()
    if routes:
        links, linked = route_links(path, routes, project, ctx)
        project.reads |= linked
    return FileScan(path, suppressions=source.suppressions, notices=notices, facts=(ROUTES_ANALYSED, ROUTES_WHOLE),
                    routes=routes, depends_on=tuple(sorted(project.reads - {path})), route_links=links)
