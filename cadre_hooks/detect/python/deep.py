"""Run the libcst analysis on one file (imported only when a file needs it)."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.python.analysis import PythonAnalyzer
from cadre_hooks.detect.python.project import ProjectIndex
from cadre_hooks.detect.python.source import Source
from cadre_hooks.detect.python.values import Value
from cadre_hooks.model import FileScan, Notice

_PROJECTS: dict[str, ProjectIndex] = {}


def _project(ctx: DetectContext) -> ProjectIndex:
    key = str(ctx.root)
    if key not in _PROJECTS:
        _PROJECTS[key] = ProjectIndex(ctx.root)
    return _PROJECTS[key]


def analyse(path: str, source: Source, ctx: DetectContext, notices: list[Notice], parsed_by_ast: bool) -> FileScan:
    from cadre_hooks.detect.python import scan_fallback

    try:
        module = cst.parse_module(source.text)
    except cst.ParserSyntaxError as err:
        return scan_fallback(path, source, ctx, f"line {err.raw_line}: {err.message}")
    except RecursionError:
        return scan_fallback(path, source, ctx, "nesting too deep")
    project = _project(ctx)

    def resolve_import(module_name: str, name: str, level: int, depth: int) -> Value:
        return project.constant(path, module_name, name, level, depth)

    analyzer = PythonAnalyzer(path, source, module, ctx, resolve_import)
    try:
        MetadataWrapper(module, unsafe_skip_copy=True).visit(analyzer)
    except RecursionError:
        return scan_fallback(path, source, ctx, "nesting too deep")
    return FileScan(path, detections=tuple(analyzer.detections), suppressions=source.suppressions,
                    models=tuple(analyzer.models), notices=tuple(notices))
