"""Baselines: adopt cadre on a legacy repository, then see only new findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import git, make_repo

LEGACY = {
    "app.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
    "svc/llm.py": "import anthropic\n\n\ndef ask(q):\n    return anthropic.Anthropic().messages.create(q)\n",
    "ok.py": "import cohere  # cadre: ignore[CDR101] approved by the DPO on 2026-03-02\n",
}


@pytest.fixture
def legacy(tmp_path: Path, cadre):  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "legacy", LEGACY)
    result = cadre("baseline", cwd=repo)
    assert result.status == 0, result.err
    return repo


def findings(cadre, repo: Path, *args: str):  # type: ignore[no-untyped-def]
    return cadre("scan", "--format", "json", *args, ".", cwd=repo)


def test_baseline_file_content(legacy: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    text = (legacy / ".cadre-baseline.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert list(data) == ["version", "entries"] and data["version"] == 1
    assert all(list(e) == ["fingerprint", "rule", "path"] for e in data["entries"])
    assert data["entries"] == sorted(data["entries"], key=lambda e: (e["path"], e["rule"], e["fingerprint"]))
    current = [f for f in findings(cadre, legacy).json["findings"] if not f["suppressed"]]
    assert {e["fingerprint"] for e in data["entries"]} == {f["fingerprint"] for f in current}
    assert "ok.py" not in {e["path"] for e in data["entries"]}  # suppressed inline: not recorded
    # No line numbers, no timestamps, no evidence in clear.
    assert "line" not in text and "import" not in text and "anthropic.Anthropic" not in text


def test_a_clean_scan_against_the_baseline(legacy: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    result = findings(cadre, legacy, "--baseline", ".cadre-baseline.json")
    assert result.status == 0
    assert result.rules() == []
    entries = json.loads((legacy / ".cadre-baseline.json").read_text())["entries"]
    assert result.json["baseline"] == {"file": ".cadre-baseline.json", "new": 0, "known": len(entries), "stale": []}
    assert [f["suppressed"] for f in result.json["findings"]] == [True]  # inline suppressions still shown


def test_lines_inserted_above_keep_findings_known(legacy: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    app = legacy / "app.py"
    app.write_text('"""The app."""\n\nimport logging\n\nlog = logging.getLogger()\n' + app.read_text())
    llm = legacy / "svc" / "llm.py"
    llm.write_text(llm.read_text().replace("def ask(q):", "TIMEOUT = 3\n\n\ndef ask(q):"))
    result = findings(cadre, legacy, "--baseline", ".cadre-baseline.json")
    assert (result.status, result.rules(), result.json["baseline"]["stale"]) == (0, [], [])
    before = (legacy / ".cadre-baseline.json").read_text()
    assert cadre("baseline", cwd=legacy).status == 0
    assert (legacy / ".cadre-baseline.json").read_text() == before  # stable under unrelated edits


def test_a_new_finding_next_to_known_ones_is_reported(legacy: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    app = legacy / "app.py"
    app.write_text(app.read_text() + "other = OpenAI()\nimport mistralai, cohere\n")
    result = findings(cadre, legacy, "--baseline", ".cadre-baseline.json")
    assert result.status == 1
    new = [(f["path"], f["line"], f["rule"], f["provider"]) for f in result.json["findings"] if not f["suppressed"]]
    # A second client with the default endpoint is a new usage too.
    assert new == [("app.py", 4, "CDR101", "openai"), ("app.py", 5, "CDR101", "cohere")]
    assert result.json["baseline"]["new"] == 2
    # The text report prints the new finding and says what the baseline hid, on stderr.
    text = cadre("scan", "--baseline", ".cadre-baseline.json", ".", cwd=legacy)
    assert text.status == 1 and "app.py:5:" in text.out and "cohere" in text.out
    assert "known finding(s) hidden, 2 new" in text.err


def test_a_second_identical_usage_is_new(legacy: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    llm = legacy / "svc" / "llm.py"
    llm.write_text("import anthropic as second\n" + llm.read_text())
    result = findings(cadre, legacy, "--baseline", ".cadre-baseline.json")
    new = [(f["path"], f["rule"]) for f in result.json["findings"] if not f["suppressed"]]
    assert new == [("svc/llm.py", "CDR101")]
    assert result.status == 1


def test_fixed_findings_are_listed_as_stale(legacy: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    (legacy / "app.py").write_text("print('the OpenAI call was removed')\n")
    result = findings(cadre, legacy, "--baseline", ".cadre-baseline.json")
    assert result.status == 0
    stale = result.json["baseline"]["stale"]
    assert [(e["path"], e["rule"]) for e in stale] == [("app.py", "CDR101")] * 2  # the import and the client
    text = cadre("scan", "--baseline", ".cadre-baseline.json", ".", cwd=legacy)
    assert "2 stale entries" in text.err and f"app.py: CDR101 stale entry (no longer found) {stale[0]['fingerprint']}" \
        in text.err
    fr = cadre("scan", "--lang", "fr", "--baseline", ".cadre-baseline.json", ".", cwd=legacy)
    assert "2 entrée(s) périmée(s)" in fr.err


def test_partial_scans_judge_only_scanned_files(legacy: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    result = cadre("scan", "--format", "json", "--baseline", ".cadre-baseline.json", "app.py", cwd=legacy)
    assert result.status == 0
    assert result.json["baseline"]["stale"] == []  # svc/llm.py was not scanned, so its entry is not stale
    assert result.json["baseline"]["known"] == 2  # the import and the client of app.py


def test_baseline_path_from_a_subfolder_and_custom_output(legacy: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    result = cadre("baseline", "--output", "ci/baseline.json", cwd=legacy)
    assert result.status == 0 and "ci/baseline.json" in result.out
    sub = cadre("scan", "--format", "json", "--baseline", "../ci/baseline.json", "..", cwd=legacy / "svc")
    assert sub.status == 0 and sub.rules() == []


@pytest.mark.parametrize("content, message", [
    (None, "does not exist: create it with `cadre baseline`"),
    ("{not json", "invalid JSON at line 1"),
    ('{"version": 99, "entries": []}', "version 99 is not supported"),
    ('{"version": 1, "entries": {}}', '"entries" must be a list'),
    ('{"version": 1, "entries": [{"rule": "CDR101"}]}', "entry 1 needs"),
    ("[]", 'expected an object with "version" and "entries"'),
])
def test_missing_or_corrupt_baseline(tmp_path: Path, cadre, content: str | None,  # type: ignore[no-untyped-def]
                                     message: str) -> None:
    repo = make_repo(tmp_path / "r", {"app.py": "import openai\n"})
    if content is not None:
        (repo / "b.json").write_text(content)
    result = cadre("scan", "--baseline", "b.json", ".", cwd=repo)
    assert result.status == 2
    assert result.err.startswith("cadre: error: ") and message in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_baseline_is_not_scanned_and_survives_commits(legacy: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    git(legacy, "add", "-A")
    git(legacy, "commit", "-q", "-m", "baseline", "--no-verify")
    result = cadre("scan", "--format", "json", "--baseline", ".cadre-baseline.json", ".", cwd=legacy)
    assert ".cadre-baseline.json" not in {f["path"] for f in result.json["findings"]}
    assert result.status == 0


def test_baseline_of_a_clean_repository(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "print('hi')\n"})
    result = cadre("baseline", cwd=repo)
    assert result.status == 0 and "wrote 0 finding(s)" in result.out
    assert json.loads((repo / ".cadre-baseline.json").read_text()) == {"version": 1, "entries": []}
