"""SARIF output: valid against the official 2.1.0 schema, and shaped for GitHub code scanning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import make_repo

from cadre_hooks.model import Finding, Report
from cadre_hooks.registry import load_registry
from cadre_hooks.report import sarif
from cadre_hooks.rules import Rule, catalogue

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

FILES = {
    "app.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
    "bench.py": "import anthropic  # cadre: ignore[CDR101] approved by the DPO on 2026-03-02 for benchmarks\n",
    "lazy.py": "import cohere  # cadre: ignore[CDR101]\n",
    "my dir/été.py": "import openai\n",
}


def validate(doc: dict[str, Any]) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.fixture
def scanned(tmp_path: Path, cadre):  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", FILES)
    result = cadre("scan", "--format", "sarif", ".", cwd=repo)
    findings = cadre("scan", "--format", "json", ".", cwd=repo).json["findings"]
    return repo, result, json.loads(result.out), findings


def test_sarif_is_valid_against_the_official_schema(scanned) -> None:  # type: ignore[no-untyped-def]
    _, result, doc, _ = scanned
    assert result.status == 1
    validate(doc)
    assert doc["version"] == "2.1.0"
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(doc["runs"]) == 1


def test_results_carry_relative_uris_fingerprints_and_suppressions(scanned) -> None:  # type: ignore[no-untyped-def]
    repo, _, doc, findings = scanned
    run = doc["runs"][0]
    root_uri = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root_uri == repo.resolve().as_uri() + "/"
    results = run["results"]
    assert len(results) == len(findings)
    by_fp = {f["fingerprint"]: f for f in findings}
    for result in results:
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert set(result["partialFingerprints"]) == {"cadre/v1"}  # never primaryLocationLineHash
        finding = by_fp[result["partialFingerprints"]["cadre/v1"]]
        assert result["ruleId"] == finding["rule"]
        assert loc["region"]["startLine"] == finding["line"]
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "my%20dir/%C3%A9t%C3%A9.py" in uris
    suppressed = [r for r in results if "suppressions" in r]
    assert [(r["ruleId"], r["suppressions"]) for r in suppressed] == [
        ("CDR101", [{"kind": "inSource", "justification": "approved by the DPO on 2026-03-02 for benchmarks"}])]
    # A suppression without a reason suppresses nothing and is itself a finding.
    lazy = {r["ruleId"] for r in results
            if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "lazy.py"}
    assert lazy == {"CDR101", "CDR901"}
    assert all("suppressions" not in r for r in results if r["ruleId"] == "CDR901")


def test_rules_carry_catalogue_metadata(scanned) -> None:  # type: ignore[no-untyped-def]
    _, _, doc, _ = scanned
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    catalogue_rules = catalogue(load_registry())
    assert set(rules) == set(catalogue_rules)
    for code, rule in catalogue_rules.items():
        descriptor = rules[code]
        assert descriptor["helpUri"] == \
            f"https://github.com/cadre-hooks/cadre-hooks/blob/main/docs/rules.md#{code.lower()}"
        assert descriptor["shortDescription"]["text"] == rule.summary["en"]
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"] and descriptor["help"]["markdown"]
        props = descriptor["properties"]
        assert props["security-severity"] == rule.security_severity
        assert float(props["security-severity"]) >= 0
        assert "security" in props["tags"]
        assert {f"charter-{c}" for c in rule.commitments} <= set(props["tags"])
        assert len(props["tags"]) <= 20
    assert rules["CDR101"]["defaultConfiguration"]["level"] == "error"
    assert "charter-9" in rules["CDR101"]["properties"]["tags"]


def test_french_descriptions(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "import openai\n"})
    doc = json.loads(cadre("scan", "--format", "sarif", "--lang", "fr", "app.py", cwd=repo).out)
    validate(doc)
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["CDR101"]["shortDescription"]["text"] == catalogue(load_registry())["CDR101"].summary["fr"]
    assert "engagement 9" in doc["runs"][0]["results"][0]["message"]["text"]


def test_clean_repository_gives_an_empty_valid_run(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "print('no AI here')\n"})
    result = cadre("scan", "--format", "sarif", ".", cwd=repo)
    assert result.status == 0
    doc = json.loads(result.out)
    validate(doc)
    assert doc["runs"][0]["results"] == []
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_several_formats_in_one_run(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", FILES)
    result = cadre("scan", "--format", "json", "--output", "out/a.json", "--format", "sarif", "--output", "b.sarif",
                   "--format", "text", ".", cwd=repo)
    assert result.status == 1
    data = json.loads((repo / "out" / "a.json").read_text(encoding="utf-8"))
    doc = json.loads((repo / "b.sarif").read_text(encoding="utf-8"))
    validate(doc)
    assert {f["fingerprint"] for f in data["findings"]} == \
        {r["partialFingerprints"]["cadre/v1"] for r in doc["runs"][0]["results"]}
    assert "CDR101" in result.out and not result.out.lstrip().startswith("{")  # text went to stdout


def _finding(i: int, severity: str) -> Finding:
    return Finding(rule="CDR101" if severity == "error" else "CDR104", name="x", severity=severity,
                   path=f"f{i % 97}.py", line=i + 1, column=1, provider="openai", message=f"finding {i}",
                   commitments=(9,), fingerprint=f"{i:032x}", evidence="import openai")


def test_results_are_capped_at_githubs_limit() -> None:
    findings = tuple(_finding(i, "warning" if i % 2 else "error") for i in range(sarif.MAX_RESULTS + 1001))
    report = Report(root="/tmp/repo", usages=(), findings=findings, notices=())
    doc = sarif.as_dict(report, "en", catalogue(load_registry()))
    run = doc["runs"][0]
    assert len(run["results"]) == sarif.MAX_RESULTS
    assert run["properties"]["truncated"] is True
    assert run["properties"]["totalResults"] == sarif.MAX_RESULTS + 1001
    errors = sum(1 for f in findings if f.severity == "error")
    assert sum(1 for r in run["results"] if r["level"] == "error") == errors  # errors kept first


def test_a_capped_run_is_still_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 5)
    report = Report(root="/tmp/repo", usages=(), findings=tuple(_finding(i, "error") for i in range(8)), notices=())
    doc = sarif.as_dict(report, "en", catalogue(load_registry()))
    validate(doc)
    assert len(doc["runs"][0]["results"]) == 5
    assert "at most 5 results" in doc["runs"][0]["properties"]["truncationReason"]


def test_tags_are_capped_at_twenty() -> None:
    rule = catalogue(load_registry())["CDR101"]
    many = Rule(code="CDR999", name="many", severity="warning", commitments=tuple(range(1, 30)),
                security_severity="1.0", summary=rule.summary, message=rule.message, doc=rule.doc, patterns=())
    descriptor = sarif.rule_descriptor(many, "en")
    assert len(descriptor["properties"]["tags"]) == 20
    assert descriptor["properties"]["tags"][0] == "security"


def test_notices_become_tool_notifications(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "import openai\n"})
    outside = tmp_path / "outside.py"
    outside.write_text("import openai\n")
    doc = json.loads(cadre("scan", "--format", "sarif", "app.py", str(outside), cwd=repo).out)
    validate(doc)
    notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"] for n in notes] == [{"uri": outside.as_uri()}]
    assert "outside the repository" in notes[0]["message"]["text"]
