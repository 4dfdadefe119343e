"""setuptools manifests. `setup.py` is Python: the Python detector reads its code, and this module
adds the distributions listed in `setup(install_requires=[...], extras_require={...})`, read with
the stdlib ast, never executed (a name bound at module level to a literal list is followed).
`setup.cfg` is INI: `[options] install_requires` / `tests_require` / `setup_requires` and
`[options.extras_require]` are dependencies, its other sections configuration.
"""

from __future__ import annotations

import ast
import configparser
import dataclasses
import warnings

from cadre_hooks.detect.config.entries import unique
from cadre_hooks.detect.config.inifile import ini_detections, read_ini, section_lines
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.requirements import requirement_name
from cadre_hooks.model import Detection, FileScan

REQUIRE_ARGS = ("install_requires", "extras_require", "tests_require", "setup_requires")


def _module_lists(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level `NAME = [...]` / `{...}` assignments (the usual `REQUIREMENTS = [...]`)."""
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.List, ast.Tuple, ast.Dict)):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found[node.target.id] = node.value
    return found


def _strings(node: ast.expr, names: dict[str, ast.expr], depth: int = 0) -> list[ast.Constant]:
    if depth > 4:
        return []
    if isinstance(node, ast.Name) and node.id in names:
        return _strings(names[node.id], names, depth + 1)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [s for e in node.elts for s in _strings(e, names, depth + 1)]
    if isinstance(node, ast.Dict):
        return [s for v in node.values if v is not None for s in _strings(v, names, depth + 1)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _strings(node.left, names, depth + 1) + _strings(node.right, names, depth + 1)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    return []


def setup_py_dependencies(path: str, text: str, ctx: DetectContext) -> list[Detection]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return []  # the Python detector already says the file does not parse
    names = _module_lists(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if called != "setup":
            continue
        for keyword in node.keywords:
            if keyword.arg not in REQUIRE_ARGS:
                continue
            for constant in _strings(keyword.value, names):
                name = requirement_name(str(constant.value))
                provider = ctx.registry.pypi(name) if name else None
                if provider:
                    line, column = constant.lineno, constant.col_offset + 2  # after the opening quote
                    found.append(Detection(path, line, column, "dependency", str(constant.value),
                                           provider_hint=provider, statement_line=line))
    return found


def scan_setup_py(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    from cadre_hooks.detect.python import scan_python
    from cadre_hooks.detect.python.source import decode as decode_python

    scan = scan_python(path, data, ctx)
    text = decode_python(data)[0].removeprefix("\ufeff")
    extra = setup_py_dependencies(path, text, ctx)
    return dataclasses.replace(scan, detections=(*scan.detections, *extra)) if extra else scan


def _cfg_dependencies(ctx: DetectContext, path: str, parser: configparser.RawConfigParser,
                      text: str) -> list[Detection]:
    lines = text.splitlines()
    headers = section_lines(text)
    found = []
    wanted = [("options", key) for key in REQUIRE_ARGS if key != "extras_require"]
    if parser.has_section("options.extras_require"):
        wanted += [("options.extras_require", key) for key in parser.options("options.extras_require")]
    for section, key in wanted:
        if not parser.has_option(section, key):
            continue
        cursor = (headers.get(section) or [0])[0]
        for requirement in (parser.get(section, key, raw=True) or "").replace(";", "\n;").splitlines():
            requirement = requirement.strip()
            name = requirement_name(requirement) if requirement and not requirement.startswith(";") else None
            provider = ctx.registry.pypi(name) if name else None
            if not provider:
                continue
            index = next((i for i in range(cursor, len(lines)) if requirement in lines[i]), cursor)
            cursor = index
            found.append(Detection(path, index + 1, lines[index].find(requirement) + 1 if index < len(lines) else 1,
                                   "dependency", requirement, provider_hint=provider, statement_line=index + 1))
    return found


def scan_setup_cfg(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = read_ini(path, data, ctx)
    if isinstance(read, FileScan):
        return read
    found: list[Detection | None] = list(_cfg_dependencies(ctx, path, read.document, read.text))
    found += ini_detections(ctx, path, read.document, read.text, skip=frozenset({"options.extras_require"}))
    return read.result(unique(found))
