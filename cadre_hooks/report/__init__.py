"""Reporters: each turns a Report into text in one format, knowing nothing of detectors."""

from __future__ import annotations

from collections.abc import Callable

from cadre_hooks.model import Report

Reporter = Callable[[Report, str], str]


def reporter(name: str) -> Reporter:
    from cadre_hooks.report import json_report, text

    table: dict[str, Reporter] = {"text": text.render, "json": json_report.render}
    try:
        from cadre_hooks.report import extra
    except ImportError:
        pass
    else:
        table.update(extra.REPORTERS)
    if name not in table:
        raise KeyError(name)
    return table[name]


def formats() -> list[str]:
    names = ["text", "json"]
    try:
        from cadre_hooks.report import extra
    except ImportError:
        return names
    return names + sorted(extra.REPORTERS)
