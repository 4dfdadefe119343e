"""Jupyter notebooks run as one module: the code cells, in order, are analysed together by the
Python detector (an endpoint set in one cell decides the client built in another), and every
position is mapped back to the line of the notebook file that holds it.

IPython syntax is not Python: line magics and shell escapes (`%pip`, `!ls`, `x = !ls`), help lines
(`obj?`) and cell magics (`%%time` keeps its Python body, `%%bash` or `%%writefile` cells are not
Python) are neutralised, keeping every line in place. nbformat 4 (`cells`) and nbformat 2/3
(`worksheets[].cells`, code in `input`) are read; a cell that is not Python (malformed, or
broken code) is reported in a notice and scanned line by line, and the rest of the notebook is
analysed as one module. A notebook whose kernel is not Python (R, Julia...) is not analysed.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.python import fallback, scan_source
from cadre_hooks.detect.python.source import parses, read, split_lines
from cadre_hooks.model import Detection, FileScan, ModelRef, Notice
from cadre_hooks.sdkscope import DEFAULT_FACT

# Cell magics whose body is Python run by IPython; every other cell magic (bash, html, sql,
# writefile, javascript...) holds something else.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "snakeviz", "skip"})
_HELP = re.compile(r"\?{0,2}[\w.]+\?{0,2}")
_MAGIC_ASSIGNMENT = re.compile(r"([\w.\[\]\"', ]+?)\s*=\s*[!%]")


@dataclass
class _Cell:
    number: int  # 1-based among all the cells of the notebook
    lines: list[str]  # code lines, each with its end
    file_lines: list[int]  # the notebook file line of each code line


@dataclass
class _Module:
    cells: list[_Cell]
    broken: dict[int, str]  # cell number -> why it is not Python
    code: str  # the cells as one module, broken cells blanked
    where: list[int]  # the notebook file line of each module line
    total: int  # lines in the notebook file
    notices: list[Notice]  # malformed cells

    def at(self, line: int) -> int:
        where = self.where
        mapped = where[line - 1] if 0 < line <= len(where) else (where[-1] if where else 1)
        return max(1, min(mapped, self.total))


def _read(path: str, data: bytes) -> _Module | Notice | None:
    """The notebook as one module; a Notice when it cannot be read; None when it is not Python."""
    try:
        raw = data.decode("utf-8-sig")
        notebook = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        return Notice(path, f"not a readable notebook ({err}); not scanned")
    if not isinstance(notebook, dict):
        return Notice(path, "not a readable notebook (not a JSON object); not scanned")
    language = _kernel_language(notebook)
    if language not in ("", "python", "python3", "ipython", "ipython3"):
        return None
    notices: list[Notice] = []
    cells = _code_cells(path, raw, notebook, notices)
    if cells is None:
        return Notice(path, "notebook without cells (nbformat 4 `cells` or nbformat 3 `worksheets`); not scanned")
    for cell in cells:
        cell.lines = _neutralise(cell.lines)
    broken = _broken_cells(cells)
    module: list[str] = []
    where: list[int] = []
    for cell in cells:
        module.extend("\n" if cell.number in broken else _ended(line) for line in cell.lines)
        where.extend(cell.file_lines)
    return _Module(cells, broken, "".join(module), where, raw.count("\n") + (0 if raw.endswith("\n") else 1),
                   notices)


def python_module(data: bytes) -> tuple[str, list[int]] | None:
    """The code cells of a notebook as one Python module, and the file line of each of its lines."""
    module = _read("", data)
    return (module.code, [module.at(n) for n in range(1, len(module.where) + 1)]) \
        if isinstance(module, _Module) else None


def scan_notebook(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    module = _read(path, data)
    if module is None:
        return FileScan(path, notices=(Notice(path, "notebook whose kernel is not Python: not analysed"),))
    if isinstance(module, Notice):
        return FileScan(path, notices=(module,))
    notices = list(module.notices)
    at = module.at
    scan = scan_source(path, read(path, module.code.encode("utf-8")), ctx)
    detections = [_moved(d, at) for d in scan.detections]
    first = 0
    for cell in module.cells:
        if cell.number in module.broken:
            notices.append(Notice(path, f"cell {cell.number}: could not parse as Python "
                                        f"({module.broken[cell.number]}); scanned line by line"))
            found = fallback.scan(path, "".join(cell.lines), ctx.registry, ctx.is_ai_url)

            def shifted(line: int, first: int = first) -> int:
                return at(line + first)

            detections.extend(_moved(d, shifted) for d in found)
        first += len(cell.lines)
    return FileScan(
        path, detections=tuple(detections),
        suppressions=tuple(dataclasses.replace(s, line=at(s.line)) for s in scan.suppressions),
        models=tuple(_moved(m, at) for m in scan.models),
        notices=tuple(dict.fromkeys([*notices, *scan.notices])), depends_on=scan.depends_on,
        facts=tuple(f for f in scan.facts if f.startswith(DEFAULT_FACT)),  # the SDK resolution's (sdkscope)
        hub_loads=tuple(dataclasses.replace(h, line=at(h.line)) for h in scan.hub_loads),
        hub_settings=scan.hub_settings)


_Item = TypeVar("_Item", Detection, ModelRef)


def _moved(item: _Item, at: Callable[[int], int]) -> _Item:
    return dataclasses.replace(item, line=at(item.line),
                               statement_line=at(item.statement_line) if item.statement_line else 0)


def _kernel_language(notebook: dict[str, object]) -> str:
    meta = notebook.get("metadata")
    if not isinstance(meta, dict):
        return ""
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        table = meta.get(key)
        if isinstance(table, dict) and isinstance(table.get(field), str):
            return str(table[field]).strip().lower()
    return str(meta.get("language", "")).strip().lower()


def _code_cells(path: str, raw: str, notebook: dict[str, object], notices: list[Notice]) -> list[_Cell] | None:
    """The code cells, nbformat 4 or 2/3, with the file line of each code line; None without cells."""
    listed = notebook.get("cells")
    if not isinstance(listed, list):
        sheets = notebook.get("worksheets")
        if not isinstance(sheets, list):
            return None
        listed = [c for sheet in sheets if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list)
                  for c in sheet["cells"]]
    finder = _Finder(raw)
    cells: list[_Cell] = []
    for number, cell in enumerate(listed, start=1):
        if not isinstance(cell, dict):
            notices.append(Notice(path, f"cell {number}: not a notebook cell; skipped"))
            continue
        if cell.get("cell_type") != "code" or str(cell.get("language", "python")).lower() not in ("python", ""):
            continue
        source = cell.get("source", cell.get("input", []))
        pieces = [source] if isinstance(source, str) else source
        if not isinstance(pieces, list) or not all(isinstance(p, str) for p in pieces):
            notices.append(Notice(path, f"cell {number}: its source is not text; skipped"))
            continue
        lines: list[str] = []
        file_lines: list[int] = []
        for piece in pieces:
            line = finder.line_of(piece)
            for code_line in split_lines(piece):
                if lines and not lines[-1].endswith(("\n", "\r")):
                    lines[-1] += code_line  # a line split across two pieces of the list
                    continue
                lines.append(code_line)
                file_lines.append(line)
        cells.append(_Cell(number, lines, file_lines))
    return cells


class _Finder:
    """Finds, in order, the file line where each JSON string of the cells begins."""

    _MISSES = 20  # a miss scans the rest of the file (outputs can weigh megabytes): give up after a few

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.cursor = 0
        self.line = 1
        self.misses = 0

    def line_of(self, piece: str) -> int:
        if self.misses >= self._MISSES:
            return self.line
        for ascii_only in (False, True):
            needle = json.dumps(piece, ensure_ascii=ascii_only)[:-1]  # the opening quote, no closing one
            found = self.raw.find(needle, self.cursor)
            if found >= 0:
                self.line += self.raw.count("\n", self.cursor, found)
                self.cursor = found + 1
                return self.line
        self.misses += 1
        return self.line  # written with other escapes: the line of the previous piece


def _ended(line: str) -> str:
    return line if line.endswith(("\n", "\r")) else line + "\n"


def _neutralise(lines: list[str]) -> list[str]:
    """IPython-only lines replaced by Python that binds the same names, line for line."""
    if parses("".join(lines)):
        return lines  # plain Python: a `%` starting a line of a string stays as it is
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].lstrip().startswith("%%"):
        name = lines[first].lstrip()[2:].split(maxsplit=1)[0] if lines[first].strip() != "%%" else ""
        if name not in _PYTHON_CELL_MAGICS:
            return ["\n" for _ in lines]  # %%bash, %%writefile...: not Python
        lines = [*lines[:first], "\n", *lines[first + 1:]]
    out: list[str] = []
    continued = False
    for line in lines:
        stripped = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if continued:
            out.append("\n")
        elif stripped.startswith(("%", "!")) or ("?" in stripped and _HELP.fullmatch(stripped)):
            out.append(f"{indent}pass\n")
        elif (m := _MAGIC_ASSIGNMENT.match(line.lstrip())) is not None:
            out.append(f"{indent}{m.group(1)} = None\n")
        else:
            out.append(line)
            continue
        continued = stripped.endswith("\\")
    return out


def _broken_cells(cells: list[_Cell]) -> dict[int, str]:
    """Cells that are not Python even with newer syntax lowered, and why."""
    if parses("".join(_ended(line) for cell in cells for line in cell.lines)):
        return {}
    from cadre_hooks.detect.python.lowering import parse_lowered

    broken: dict[int, str] = {}
    for cell in cells:
        code = "".join(_ended(line) for line in cell.lines)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(code)
        except SyntaxError as err:
            if parse_lowered(code) is None:
                broken[cell.number] = f"line {err.lineno}: {err.msg}"
        except (ValueError, RecursionError, MemoryError) as err:
            broken[cell.number] = type(err).__name__
    return broken

