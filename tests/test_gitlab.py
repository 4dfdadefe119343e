"""GitLab Code Quality output: the fields GitLab reads, severities, unique fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import make_repo

from cadre_hooks.model import Finding, Report
from cadre_hooks.registry import load_registry
from cadre_hooks.report import gitlab
from cadre_hooks.rules import catalogue

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}

FILES = {
    "app.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
    "two.py": "import anthropic\nimport anthropic as again\n",
    "models.py": 'from mistralai import Mistral\nMistral(api_key="k").chat.complete(model="mistral-large-latest")\n',
    "ok.py": "import cohere  # cadre: ignore[CDR101] approved by the DPO on 2026-03-02\n",
    "lazy.py": "import cohere  # cadre: ignore[CDR101]\n",
}


def check_issue(issue: dict[str, object]) -> None:
    """The fields GitLab requires (docs: Code Quality report format)."""
    assert isinstance(issue["description"], str) and issue["description"]
    assert isinstance(issue["check_name"], str) and issue["check_name"]
    assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
    assert issue["severity"] in SEVERITIES
    location = issue["location"]
    assert isinstance(location, dict)
    assert isinstance(location["path"], str) and not location["path"].startswith("/")
    assert isinstance(location["lines"]["begin"], int) and location["lines"]["begin"] >= 1


def test_code_quality_report(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", FILES)
    result = cadre("scan", "--format", "gitlab", ".", cwd=repo)
    assert result.status == 1
    issues = json.loads(result.out)
    assert isinstance(issues, list) and issues
    for issue in issues:
        check_issue(issue)
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # GitLab keeps one issue per fingerprint
    findings = cadre("scan", "--format", "json", ".", cwd=repo).json["findings"]
    shown = [f for f in findings if not f["suppressed"]]
    assert {i["fingerprint"] for i in issues} == {f["fingerprint"] for f in shown}  # suppressed ones left out
    by_place = {(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]): i for i in issues}
    # Two imports of the same provider in one file: two issues, two fingerprints.
    assert ("two.py", 1, "CDR101") in by_place and ("two.py", 2, "CDR101") in by_place
    assert by_place[("app.py", 1, "CDR101")]["severity"] == "critical"  # error, security severity 7.0
    assert by_place[("lazy.py", 1, "CDR901")]["severity"] == "major"  # error, security severity 4.0
    assert by_place[("models.py", 2, "CDR106")]["severity"] == "minor"  # warning
    assert "CDR101" in by_place[("app.py", 1, "CDR101")]["description"]
    assert not any(i["location"]["path"] == "ok.py" for i in issues)


def test_configured_severity_lowers_the_gitlab_severity(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "import openai\n",
                                      ".cadre.toml": '[severity]\nCDR101 = "warning"\n'})
    result = cadre("scan", "--format", "gitlab", "app.py", cwd=repo)
    assert result.status == 0
    assert [i["severity"] for i in json.loads(result.out)] == ["minor"]


def test_empty_report_is_an_empty_array(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": "print('hello')\n"})
    result = cadre("scan", "--format", "gitlab", ".", cwd=repo)
    assert (result.status, json.loads(result.out)) == (0, [])


def test_severity_bands_follow_the_rule_data() -> None:
    rules = catalogue(load_registry())

    def finding(rule: str, severity: str) -> Finding:
        return Finding(rule=rule, name="x", severity=severity, path="a.py", line=0, column=0, provider=None,
                       message="m", commitments=(), fingerprint=rule + severity)

    for code, rule in rules.items():
        score = float(rule.security_severity)
        expected = "blocker" if score >= 9 else "critical" if score >= 7 else "major"
        assert gitlab.severity(finding(code, "error"), rules) == expected
        assert gitlab.severity(finding(code, "warning"), rules) == "minor"
    report = Report(root="/r", usages=(), findings=(finding("CDR101", "error"),), notices=())
    assert gitlab.as_list(report, rules)[0]["location"]["lines"]["begin"] == 1  # line 0: file-level finding
