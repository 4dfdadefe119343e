"""Property: the deployment readers (properties, HCL, templates, lock files) never raise on any input,
and the template blanking keeps every line and column."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cadre_hooks.detect.config.properties import parse as parse_properties
from cadre_hooks.detect.config.templates import blank_templates
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.lockfiles import READERS, scan_lockfile
from cadre_hooks.detect.terraform import scan_terraform
from cadre_hooks.registry import load_registry

PIECES = ["spring.ai.openai.base-url", "=", ":", " ", "\\", "\n", "\r", "#", "!", "\\u00", "${X}", "{{ .V }}",
          "{%", "%}", "resource", '"aws_bedrock_x"', "{", "}", "=", "var.", "local.", "module", "source",
          "../", "[[package]]", 'name = "openai"', '"node_modules/openai"', "\t", "é", "\x00", "\x0b"]
texts = st.one_of(st.text(max_size=300), st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
CTX = DetectContext(load_registry(), Path("/nonexistent-root"))


@settings(max_examples=300, deadline=None, database=None)
@given(texts)
def test_properties_parser_never_raises(text: str) -> None:
    for prop in parse_properties(text):
        assert prop.line >= 1 and prop.column >= 1


@settings(max_examples=300, deadline=None, database=None)
@given(texts)
def test_template_blanking_keeps_positions(text: str) -> None:
    blanked = blank_templates(text)
    assert len(blanked) == len(text)
    assert [i for i, c in enumerate(blanked) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]


@settings(max_examples=200, deadline=None, database=None)
@given(texts)
def test_terraform_reader_never_raises(text: str) -> None:
    scan_terraform("infra/main.tf", text.encode("utf-8", "surrogatepass"), CTX)


@settings(max_examples=200, deadline=None, database=None)
@given(texts, st.sampled_from(sorted(READERS)))
def test_lock_file_readers_never_raise(text: str, name: str) -> None:
    scan_lockfile(name, text.encode("utf-8", "surrogatepass"), CTX)
