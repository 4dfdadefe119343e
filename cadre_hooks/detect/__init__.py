"""Detectors: one per kind of file. Each turns the bytes of one file into a FileScan of
detections; none knows about policy or rules.

`detector_for` picks the detector from the file name alone, so that files no detector reads
are never opened.
"""

from __future__ import annotations

from collections.abc import Callable

from cadre_hooks.detect import files
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.model import FileScan

Detector = Callable[[str, bytes, DetectContext], FileScan]

PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")


def _python(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    from cadre_hooks.detect.python import scan_python

    return scan_python(path, data, ctx)


def _notebook(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    from cadre_hooks.detect.notebook import scan_notebook

    return scan_notebook(path, data, ctx)


_EXTRA: list[tuple[Callable[[str], bool], Detector]] = []


def register(matches: Callable[[str], bool], detector: Detector) -> None:
    """Add a detector for the files `matches` accepts (by repository-relative path)."""
    _EXTRA.append((matches, detector))


def detector_for(path: str) -> Detector | None:
    name = path.rsplit("/", 1)[-1]
    if name == "setup.py":  # Python code and a manifest
        return files.setup_py
    if name.endswith(PYTHON_SUFFIXES):
        return _python
    if name.endswith(".ipynb"):
        return _notebook
    for matches, detector in _EXTRA:
        if matches(path):
            return detector
    return files.detector_by_name(path)  # manifests, configuration, JavaScript/TypeScript
