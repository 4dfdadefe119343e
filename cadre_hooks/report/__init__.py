"""Reporters: each turns a Report into text in one format, knowing nothing of detectors.

Each format's module is imported only when that format is asked for (a pre-commit call that
prints text never loads the SARIF writer).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from cadre_hooks.model import Report

Reporter = Callable[[Report, str], str]

# format name -> module of cadre_hooks.report holding its `render(report, lang) -> str`
FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",        # GitHub code scanning
    "gitlab": "gitlab",      # GitLab Code Quality
    "markdown": "markdown",  # a merge-request comment
}


def reporter(name: str) -> Reporter:
    if name not in FORMATS:
        raise KeyError(name)
    module = importlib.import_module(f"cadre_hooks.report.{FORMATS[name]}")
    render: Reporter = module.render
    return render


def formats() -> list[str]:
    return list(FORMATS)
