"""The reference docs are generated from the rule data and must be committed up to date."""

from __future__ import annotations

from pathlib import Path

from cadre_hooks.docs import outputs
from cadre_hooks.registry import load_registry

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_generated_docs_are_up_to_date() -> None:
    for name, text in outputs(load_registry()).items():
        assert (DOCS / name).read_text(encoding="utf-8") == text, f"run `python -m cadre_hooks.docs` ({name})"


def test_every_rule_is_documented() -> None:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for data in load_registry().raw_checks:
        assert f"## {data['code']}" in text
        assert "### What it does" in text and "### Use instead" in text
