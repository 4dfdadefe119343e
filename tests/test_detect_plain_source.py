"""The safety net: in a source file of a language without a detector (Rust, shell, SQL, Lua...), a
hard-coded AI endpoint URL is an `endpoint` usage; a URL in a comment, in a sentence, or in a
Markdown file is not."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from cadre_hooks.detect import detector_for
from cadre_hooks.detect.plain_source import code_only, languages, suffixes
from cadre_hooks.registry import rules_dir
from conftest import scan_tree

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RUST = """use reqwest::Client;

// The old endpoint was https://api.mistral.ai/v1/chat/completions
/* and before that "https://api.anthropic.com/v1/messages" */
/// Calls https://api.openai.com/v1 (doc comment)
const CHAT_URL: &str = "https://api.openai.com/v1/chat/completions";

fn main() {
    println!("we no longer call https://api.mistral.ai/v1 here");
    let url = format!("{}/v1/messages", "https://api.anthropic.com");
    let doc = "https://docs.rs/openai"; // https://api.openai.com
}
"""

SHELL = """#!/usr/bin/env bash
# curl https://api.openai.com/v1/chat/completions
echo "$# arguments"
curl -s https://api.mistral.ai/v1/chat/completions \\
  -H "Authorization: Bearer $MISTRAL_API_KEY"
BASE="https://albert.api.etalab.gouv.fr/v1"
echo "see https://api.openai.com for the docs"
curl http://localhost:11434/api/generate -d '{}'
"""

SQL = """-- SELECT http_post('https://api.openai.com/v1/embeddings');
/* 'https://api.mistral.ai/v1' */
SELECT net.http_post(url := 'https://api.anthropic.com/v1/messages', body := '{}');
SELECT 'it''s https://api.openai.com' AS note;
"""

LUA = """--[[ local url = "https://api.openai.com/v1"
]]
-- local url = "https://api.anthropic.com/v1"
local url = "https://api.mistral.ai/v1/chat/completions"
"""

CASES = [
    ("src/main.rs", RUST, [(6, "openai"), (10, "anthropic")]),
    ("scripts/ask.sh", SHELL, [(4, "mistral"), (6, "albert"), (8, "ollama")]),
    ("db/llm.sql", SQL, [(3, "anthropic")]),
    ("plugin/init.lua", LUA, [(4, "mistral")]),
    ("Sources/App/Client.swift", 'let base = URL(string: "https://api.openai.com/v1")!\n// "https://api.mistral.ai"\n',
     [(1, "openai")]),
    ("src/main/scala/Ask.scala", 'val url = "https://api.mistral.ai/v1/chat/completions" // was "https://api.openai.com"\n',
     [(1, "mistral")]),
    ("tools/ask.cmd", "@echo off\nREM curl https://api.openai.com/v1/chat/completions\n"
     "curl -s https://api.mistral.ai/v1/chat/completions -H \"Authorization: Bearer %MISTRAL_API_KEY%\"\n"
     'set "OUT=C:\\temp\\"\ncurl https://api.anthropic.com/v1/messages\n', [(3, "mistral"), (5, "anthropic")]),
    ("scripts/Ask.groovy", "@Grab('com.openai:openai-java:1.0')\n// @Grab('com.anthropic:anthropic-java:1.0')\n"
     "@Grab(group='dev.langchain4j', module='langchain4j-mistral-ai', version='0.36.2')\nimport groovy.json.*\n"
     "// def old = 'https://api.openai.com/v1'\ndef url = 'https://api.mistral.ai/v1/chat/completions'\n"
     "def note = 'com.anthropic:anthropic-java:1.0'\n", [(1, "openai"), (3, "mistral"), (6, "mistral")]),
    ("README.md", "Call `https://api.openai.com/v1/chat/completions`.\n", []),
    ("docs/guide.rst", "curl https://api.openai.com/v1/chat/completions\n", []),
    ("notes.txt", "https://api.openai.com/v1/chat/completions\n", []),
]


@pytest.mark.parametrize("path, content, expected", CASES, ids=[c[0] for c in CASES])
def test_hard_coded_endpoints(tmp_path: Path, path: str, content: str, expected: list[tuple[int, str]]) -> None:
    report = scan_tree(tmp_path, {path: content})
    assert [(u.line, u.provider) for u in report.usages] == expected, report.usages
    assert all(u.kind == "endpoint" for u in report.usages if not u.evidence.startswith("@Grab"))


def test_column_points_at_the_url(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {"a.rs": 'let u = "https://api.openai.com/v1";\n'})
    assert [(u.line, u.column) for u in report.usages] == [(1, 10)]


def test_comments_are_blanked_in_place() -> None:
    rust = languages()[".rs"]
    text = 'a = "x // y"; // z\n/* w\n*/ b'
    code, starts = code_only(text, rust)
    assert len(code) == len(text) and code.count("\n") == text.count("\n")
    assert '"x // y"' in code and "z" not in code and "w" not in code and code.endswith(" b")
    assert starts == [(5, 11)]


def test_every_suffix_belongs_to_the_safety_net_alone() -> None:
    """No suffix of the data is read by another detector (that would report a file twice, or not at
    all), and the languages that have a detector of their own are not in the data."""
    runs_the_net_itself = {".groovy": "scan_groovy_script"}  # @Grab declarations, then the same safety net
    for suffix in suffixes():
        detector = detector_for(f"src/file{suffix}")
        assert detector is not None, suffix
        assert detector.__name__ == runs_the_net_itself.get(suffix, "scan_plain_source"), suffix
    owned = (".py", ".pyi", ".ipynb", ".js", ".ts", ".tsx", ".mjs", ".go", ".java", ".kt", ".kts", ".cs", ".rb",
             ".php", ".md", ".rst", ".txt", ".json", ".yaml", ".yml", ".toml", ".ini", ".gradle", ".tf", ".html")
    assert not set(owned) & set(suffixes())


def test_data_matches_its_schema() -> None:
    schema = json.loads((rules_dir() / "schema" / "plain_sources.schema.json").read_text(encoding="utf-8"))
    data = tomllib.loads((rules_dir() / "plain_sources.toml").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    all_suffixes = [s for language in data["languages"] for s in language["suffixes"]]
    assert len(all_suffixes) == len(set(all_suffixes))


def test_character_literals_and_stray_quotes_do_not_swallow_the_code() -> None:
    rust = languages()[".rs"]
    code, strings = code_only("let q = '\"'; // note\nlet u = \"x\";", rust)
    assert "note" not in code and strings == [(code.index("x"), code.index("x") + 1)]
    shell = languages()[".sh"]
    code, strings = code_only("echo it's # done\ncurl x", shell)
    assert "done" not in code and strings == []
