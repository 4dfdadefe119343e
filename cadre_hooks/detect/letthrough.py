"""Per-file facts the repository rules need from files that hold no AI themselves, computed in the
detection pass from the bytes it already read (scan._read_and_detect), so no rule reads a file again:

- the offline / mirror settings of the repository's settings files (`.env*` at the root,
  Dockerfiles, compose files) for CDR105, whatever else the file holds;
- the web routes of a module that imports a web framework but no AI library (CDR302: its handlers
  may call the project's own AI functions), by the route marker relevance.may_declare_routes.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from cadre_hooks.detect.hubnames import is_settings_file
from cadre_hooks.model import FileScan

if TYPE_CHECKING:
    from cadre_hooks.detect.context import DetectContext


def without_ai(rel: str, data: bytes, ctx: DetectContext) -> FileScan | None:
    """What a file the prefilter turned down still tells the repository rules (None: nothing)."""
    if is_settings_file(rel):
        from cadre_hooks.detect.hubenv import file_settings

        settings, read = file_settings(rel, data, ctx.root)
        return FileScan(rel, hub_settings=settings, depends_on=read) if settings else None
    if not rel.endswith(".py"):
        return None
    from cadre_hooks.relevance import may_declare_routes  # the package imports little

    if may_declare_routes(rel, data):
        from cadre_hooks.detect.python.deep import route_only
        from cadre_hooks.detect.python.source import read as read_source

        return route_only(rel, read_source(rel, data), ctx)
    return None


def with_settings(rel: str, data: bytes, ctx: DetectContext, result: FileScan | None) -> FileScan | None:
    """A detector's result with the hub settings of a repository settings file added."""
    if not is_settings_file(rel):
        return result
    from cadre_hooks.detect.hubenv import file_settings

    settings, read = file_settings(rel, data, ctx.root)
    if not settings:
        return result
    if result is None:
        return FileScan(rel, hub_settings=settings, depends_on=read)
    return dataclasses.replace(result, hub_settings=settings,
                               depends_on=tuple(sorted({*result.depends_on, *read})) if read else result.depends_on)
