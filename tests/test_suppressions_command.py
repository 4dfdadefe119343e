"""`cadre suppressions` for auditors, and `cadre scan --no-suppress`."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_repo

FILES = {
    "bench.py": "import anthropic  # cadre: ignore[CDR101] approved by the DPO on 2026-03-02 for benchmarks\n",
    "lazy.py": "import cohere  # cadre: ignore[CDR101]\n",
    "multi.py": (
        "from openai import OpenAI\n"
        "\n"
        "client = OpenAI(  # cadre: ignore[CDR101, CDR104] pilot until 2026-06, ticket DSI-42\n"
        "    base_url=URL,\n"
        ")\n"
    ),
    "strings.py": 'HELP = "write # cadre: ignore[CDR101] reason to silence a finding"\nimport openai\n',
    "notes.md": "Use `# cadre: ignore[CDR101] reason` to suppress a finding.\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "r", FILES)


def test_text_listing(repo: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    result = cadre("suppressions", cwd=repo)
    assert result.status == 0
    assert result.out.splitlines() == [
        "bench.py:1: ignore[CDR101] approved by the DPO on 2026-03-02 for benchmarks",
        "lazy.py:1: ignore[CDR101] (NO REASON: has no effect, CDR901)",
        "multi.py:3: ignore[CDR101,CDR104] pilot until 2026-06, ticket DSI-42",
        "cadre: 3 inline suppression(s) in 3 file(s), 1 without a reason",
    ]


def test_json_listing(repo: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    result = cadre("suppressions", "--format", "json", cwd=repo)
    data = result.json
    assert data["suppressions"][0] == {"path": "bench.py", "line": 1, "rules": ["CDR101"],
                                       "reason": "approved by the DPO on 2026-03-02 for benchmarks",
                                       "has_reason": True}
    assert [s["path"] for s in data["suppressions"]] == ["bench.py", "lazy.py", "multi.py"]
    assert data["summary"] == {"total": 3, "files": 3, "without_reason": 1, "by_rule": {"CDR101": 3, "CDR104": 1}}


def test_french_and_paths(repo: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    result = cadre("suppressions", "--lang", "fr", "lazy.py", cwd=repo)
    assert result.out.splitlines() == [
        "lazy.py:1: ignore[CDR101] (SANS JUSTIFICATION : sans effet, CDR901)",
        "cadre : 1 exception(s) en ligne dans 1 fichier(s), 1 sans justification",
    ]
    missing = cadre("suppressions", "nope.py", cwd=repo)
    assert missing.status == 2 and "no such file or folder: nope.py" in missing.err


def test_no_suppressions(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "clean", {"app.py": "import openai\n"})
    result = cadre("suppressions", "--format", "json", cwd=repo)
    assert result.json["suppressions"] == [] and result.status == 0


def test_no_suppress_shows_everything(repo: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    paths = ["bench.py", "lazy.py", "multi.py", "strings.py"]
    honoured = cadre("scan", "--format", "json", *paths, cwd=repo).json["findings"]
    assert any(f["suppressed"] for f in honoured)
    ignored = cadre("scan", "--format", "json", "--no-suppress", *paths, cwd=repo)
    assert ignored.status == 1
    assert not any(f["suppressed"] for f in ignored.json["findings"])
    assert all(f["suppression_reason"] is None for f in ignored.json["findings"])
    assert sorted((f["path"], f["line"], f["rule"]) for f in ignored.json["findings"]) == \
        sorted((f["path"], f["line"], f["rule"]) for f in honoured)
    # The same code with the comments removed gives the same findings, minus CDR901 (no comment, no rule).
    bare = make_repo(repo.parent / "bare", {p: "\n".join(line.split("  # cadre:")[0] if "# cadre" in line and
                                                         not line.startswith("HELP") else line
                                                         for line in FILES[p].split("\n")) for p in paths})
    plain = cadre("scan", "--format", "json", *paths, cwd=bare).json["findings"]
    assert sorted((f["path"], f["line"], f["rule"]) for f in plain) == \
        sorted((f["path"], f["line"], f["rule"]) for f in ignored.json["findings"] if f["rule"] != "CDR901")
    text = cadre("scan", "--no-suppress", *paths, cwd=repo)
    assert "bench.py:1:1: CDR101" in text.out and ", 0 suppressed," in text.out
