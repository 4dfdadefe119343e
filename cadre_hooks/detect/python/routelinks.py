"""The modules of the project a file's web handlers call into (CDR302 across files), analysed in
that file's own detection pass: `views.py` → `services.py` → `llm.py`.

A handler's module records, besides its own functions (`FileScan.routes`), the functions of every
module of the repository its handlers and exposed views may reach (`FileScan.route_links`), found
by following the calls from the handlers the way the rule does (stopping at a function that calls
AI itself). The modules read are the result's dependencies (`depends_on`), so the scan cache gives
them again until one of them changes, and the rule (checks/public.py) never reads a file.

The linked modules are analysed without their detections (another file's analysis): their
records carry each function's last line, and the rule places that module's detections, from its
own FileScan, afterwards (routes.with_detections). Each module is analysed once per scan and
worker (kept while unchanged), whichever handlers reach it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.python.crossfile import import_bindings
from cadre_hooks.detect.python.project import ProjectIndex
from cadre_hooks.detect.python.webroutes import HANDLER_METHODS
from cadre_hooks.memo import per_scan
from cadre_hooks.model import RouteFunction

MAX_LINKED_MODULES = 256  # per handler module: a bound on one file's pass, far above real call chains
Key = tuple[str, str]
_MODULES: dict[tuple[str, str, int, int], tuple[RouteFunction, ...]] = per_scan({})


def module_functions(rel: str, project: ProjectIndex, ctx: DetectContext) -> tuple[RouteFunction, ...]:
    """Every function of the module `rel` (calls, own AI calls, last line), without detections."""
    from cadre_hooks.detect.python.routes import RouteAnalyzer

    path = project.root / rel
    try:
        st = os.stat(path)
    except OSError:
        return ()
    key = (str(project.root), rel, st.st_size, st.st_mtime_ns)
    if key in _MODULES:
        return _MODULES[key]
    _MODULES[key] = ()  # an import cycle finds nothing rather than recursing
    parsed = project.parsed(path)
    if parsed is None:
        return ()
    tree = parsed[0]
    bound, _ = import_bindings(tree)
    try:
        found = RouteAnalyzer(rel, tree, ctx.registry, ctx.root, project.locate, bound, every_function=True).run()
    except RecursionError:
        found = ()
    _MODULES[key] = found
    return found


def route_links(path: str, records: Sequence[RouteFunction], project: ProjectIndex, ctx: DetectContext) \
        -> tuple[tuple[RouteFunction, ...], frozenset[str]]:
    """The functions of other modules that the handlers among `records` (the module at `path`) may
    reach, and the modules read for them."""
    functions: dict[Key, RouteFunction] = {(r.path, r.name): r for r in records if r.name}
    loaded = {path}
    out: list[RouteFunction] = []
    exposures = [r for r in records if r.exposes]

    def function(key: Key) -> RouteFunction | None:
        if key not in functions and key[0] not in loaded and key[0].endswith(".py") \
                and len(loaded) <= MAX_LINKED_MODULES:
            loaded.add(key[0])
            found = module_functions(key[0], project, ctx)
            out.extend(found)
            functions.update({(r.path, r.name): r for r in found if r.name})
            exposures.extend(r for r in found if r.exposes)
        return functions.get(key)

    stack: list[Key] = sorted(key for key, r in functions.items() if r.handler)
    seen: set[Key] = set()
    done = 0
    while stack or done < len(exposures):
        if not stack:
            ref = exposures[done]
            done += 1
            target, _, name = ref.exposes.partition(":")
            stack += [(target, name), *((target, f"{name}.{m}") for m in sorted(HANDLER_METHODS))]
            continue
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        fn = function(key)
        if fn is None or fn.ai_line:
            continue  # the rule stops at a function that calls AI itself
        for callee in fn.calls:
            target, sep, name = callee.partition(":")
            stack.append((target, name) if sep else (fn.path, callee))
    return tuple(out), frozenset(loaded - {path})
