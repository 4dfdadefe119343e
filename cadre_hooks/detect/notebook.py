"""Jupyter notebooks: the code cells are Python. Each cell is analysed with the Python detector
and its lines are mapped back to the line of the notebook file that holds them."""

from __future__ import annotations

import dataclasses
import json

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.python import scan_source
from cadre_hooks.detect.python.source import read
from cadre_hooks.model import Detection, FileScan, ModelRef, Notice
from cadre_hooks.sdkscope import DEFAULT_FACT


def _cell_lines(raw: str, cells: list[list[str]]) -> list[list[int]]:
    """For each cell, the file line of each of its source lines (searched in order in the JSON text)."""
    file_lines = raw.splitlines()
    cursor = 0
    mapping = []
    for cell in cells:
        numbers = []
        for src in cell:
            needle = json.dumps(src, ensure_ascii=False)[:-1]  # the JSON string without its closing quote
            found = next((i for i in range(cursor, len(file_lines)) if needle in file_lines[i]), None)
            if found is None:
                numbers.append(cursor + 1)
            else:
                numbers.append(found + 1)
                cursor = found + 1
        mapping.append(numbers)
    return mapping


def scan_notebook(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    try:
        raw = data.decode("utf-8")
        notebook = json.loads(raw)
        cells = [c.get("source", []) for c in notebook.get("cells", []) if c.get("cell_type") == "code"]
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError) as err:
        return FileScan(path, notices=(Notice(path, f"not a readable notebook ({err}); not scanned"),))
    cells = [c.splitlines(keepends=True) if isinstance(c, str) else list(c) for c in cells]
    mapping = _cell_lines(raw, cells)
    detections: list[Detection] = []
    models: list[ModelRef] = []
    notices: list[Notice] = []
    facts: list[str] = []
    for cell, lines in zip(cells, mapping):
        # IPython magics and shell escapes are not Python.
        code = "".join(line if not line.lstrip().startswith(("%", "!")) else "\n" for line in cell)
        scan = scan_source(path, read(path, code.encode("utf-8")), ctx)

        def at(line: int, lines: list[int] = lines) -> int:
            return lines[line - 1] if 0 < line <= len(lines) else (lines[-1] if lines else 1)

        detections.extend(dataclasses.replace(d, line=at(d.line), statement_line=at(d.statement_line))
                          for d in scan.detections)
        models.extend(dataclasses.replace(m, line=at(m.line), statement_line=at(m.statement_line))
                      for m in scan.models)
        notices.extend(scan.notices)
        facts.extend(f for f in scan.facts if f.startswith(DEFAULT_FACT))  # the SDK resolution's (sdkscope)
    return FileScan(path, detections=tuple(detections), models=tuple(models), notices=tuple(dict.fromkeys(notices)),
                    facts=tuple(dict.fromkeys(facts)))
