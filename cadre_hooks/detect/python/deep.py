"""The full analysis of one Python file: the `ast` pass, then, on modules that may define web
handlers, the route pass (CDR302) on the same tree with what the first pass found."""

from __future__ import annotations

import ast

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.python.analysis import PythonAnalyzer
from cadre_hooks.detect.python.project import ProjectIndex
from cadre_hooks.detect.python.routefilter import is_route_module, route_records
from cadre_hooks.detect.python.source import Source
from cadre_hooks.detect.python.values import Value
from cadre_hooks.memo import per_scan
from cadre_hooks.model import FileScan, Notice

_PROJECTS: dict[str, ProjectIndex] = per_scan({})


def project_index(ctx: DetectContext) -> ProjectIndex:
    key = str(ctx.root)
    if key not in _PROJECTS:
        _PROJECTS[key] = ProjectIndex(ctx.root)
    return _PROJECTS[key]


def analyse(path: str, source: Source, ctx: DetectContext, notices: list[Notice], tree: ast.Module) -> FileScan:
    project = project_index(ctx)
    project.reads = set()

    def resolve_import(module_name: str, name: str, level: int, depth: int) -> Value:
        return project.constant(path, module_name, name, level, depth)

    analyzer = PythonAnalyzer(path, source, tree, ctx, resolve_import)
    analyzer.run()
    # Web handlers and the AI calls they reach (CDR302); the other modules are read on demand by the
    # rule, when a handler calls into them on a whole-repository scan.
    if not is_route_module(path, analyzer.bound, source.text):
        return FileScan(path, detections=tuple(analyzer.detections), suppressions=source.suppressions,
                        models=tuple(analyzer.models), notices=tuple(notices),
                        depends_on=tuple(sorted(project.reads - {path})))
    routes = route_records(path, tree, ctx.registry, ctx.root, project.locate, analyzer.ai_names,
                           analyzer.detections, analyzer.bound)
    return FileScan(path, detections=tuple(analyzer.detections), suppressions=source.suppressions,
                    models=tuple(analyzer.models), notices=tuple(notices),
                    facts=("routes-analysed",) if routes is not None else (), routes=routes or (),
                    depends_on=tuple(sorted(project.reads - {path})))
