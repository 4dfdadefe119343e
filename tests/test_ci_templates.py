"""The ready-made CI jobs: the GitHub composite action and the GitLab template and component,
validated against the schemas check-jsonschema vendors, and their shell steps run for real."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import make_repo

PROJECT = Path(__file__).resolve().parent.parent
ACTION = PROJECT / "action.yml"
TEMPLATE = PROJECT / "templates" / "cadre.yml"
COMPONENT = PROJECT / "templates" / "cadre" / "template.yml"
SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
INSTALL = 'cadre-hooks @ git+https://github.com/cadre-hooks/cadre-hooks@${CADRE_VERSION}'


def check_jsonschema(schema: str, path: Path) -> None:
    tool = shutil.which("check-jsonschema")
    if tool is None:
        pytest.skip("check-jsonschema is not installed")
    done = subprocess.run([tool, "--builtin-schema", schema, str(path)], check=False, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run_script(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if shutil.which("cadre") is None:
        pytest.skip("the cadre command is not on PATH")
    full_env = {k: v for k, v in os.environ.items() if k not in ("CI", "PRE_COMMIT")}
    return subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=cwd, env={**full_env, **env},
                          check=False, capture_output=True, text=True, timeout=300)


# --- GitHub ---------------------------------------------------------------------------------
def test_action_is_valid() -> None:
    check_jsonschema("vendor.github-actions", ACTION)


def test_action_shape() -> None:
    action = load(ACTION)
    assert set(action["inputs"]) >= {"version", "args", "sarif-file", "fail-on-findings"}
    assert action["inputs"]["version"]["default"] == "main"
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert steps[0]["uses"].startswith("actions/setup-python@")
    for step in steps:
        if "run" in step:
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "inputs reach scripts through env, never spliced into shell text"
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert INSTALL in install["run"] and install["env"]["CADRE_VERSION"] == "${{ inputs.version }}"
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["uses"].endswith("@v3")
    assert upload["if"].startswith("always()")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    scan = next(s for s in steps if s.get("id") == "scan")
    assert "--format sarif" in scan["run"] and '--output "$CADRE_SARIF"' in scan["run"]
    fail = steps[-1]
    assert "fail-on-findings" in fail["if"] and "exit 1" in fail["run"]


def action_scan_script() -> str:
    return str(next(s for s in load(ACTION)["runs"]["steps"] if s.get("id") == "scan")["run"])


def test_action_scan_step_runs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": "from openai import OpenAI\n"})
    outputs = tmp_path / "github_output"
    outputs.touch()
    done = run_script(action_scan_script(), repo, {"CADRE_ARGS": "--no-suppress .", "CADRE_SARIF": "out/cadre.sarif",
                                                   "GITHUB_OUTPUT": str(outputs)})
    assert done.returncode == 0, done.stderr  # findings do not fail this step: the last step decides
    assert "exit-code=1" in outputs.read_text()
    assert "app.py:1:1: CDR101" in done.stdout
    doc = json.loads((repo / "out" / "cadre.sarif").read_text())
    assert not list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(doc))
    assert any(r["ruleId"] == "CDR101" for r in doc["runs"][0]["results"])


def test_action_scan_step_fails_on_usage_errors(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": "x = 1\n"})
    outputs = tmp_path / "github_output"
    outputs.touch()
    done = run_script(action_scan_script(), repo, {"CADRE_ARGS": "--baseline missing.json .",
                                                   "CADRE_SARIF": "cadre.sarif", "GITHUB_OUTPUT": str(outputs)})
    assert done.returncode == 2
    assert "exit-code=2" in outputs.read_text()
    assert "::error title=cadre-hooks::" in done.stdout


def test_the_validation_catches_mistakes(tmp_path: Path) -> None:
    """The schema checks above are not vacuous: a step without `shell`, a wrong `when`, fail."""
    tool = shutil.which("check-jsonschema")
    if tool is None:
        pytest.skip("check-jsonschema is not installed")
    action = load(ACTION)
    del action["runs"]["steps"][1]["shell"]
    job = load(TEMPLATE)
    job["cadre"]["artifacts"]["when"] = "sometimes"
    for schema, document in (("vendor.github-actions", action), ("vendor.gitlab-ci", job)):
        path = tmp_path / "broken.yml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        done = subprocess.run([tool, "--builtin-schema", schema, str(path)], check=False, capture_output=True,
                              text=True)
        assert done.returncode == 1, schema


# --- GitLab ---------------------------------------------------------------------------------
def test_gitlab_template_is_valid() -> None:
    check_jsonschema("vendor.gitlab-ci", TEMPLATE)
    assert len(list(yaml.safe_load_all(TEMPLATE.read_text()))) == 1  # one document: usable with include


def test_gitlab_component_is_valid(tmp_path: Path) -> None:
    header, jobs = yaml.safe_load_all(COMPONENT.read_text(encoding="utf-8"))
    assert set(header) == {"spec"} and {"version", "args"} <= set(header["spec"]["inputs"])
    for name, document in (("header", header), ("jobs", jobs)):
        path = tmp_path / f"{name}.yml"
        path.write_text(yaml.safe_dump(document), encoding="utf-8")
        check_jsonschema("vendor.gitlab-ci", path)
    assert jobs["cadre"]["variables"]["CADRE_VERSION"] == "$[[ inputs.version ]]"


@pytest.mark.parametrize("path", [TEMPLATE, COMPONENT], ids=["template", "component"])
def test_gitlab_job_shape(path: Path) -> None:
    job = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))[-1]["cadre"]
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert INSTALL in job["script"][0]
    assert not any("$[[" in line for line in job["script"]), "inputs reach the script as variables"
    assert "--format gitlab --output gl-code-quality-report.json" in " ".join(job["script"])


def test_template_and_component_run_the_same_script() -> None:
    template = load(TEMPLATE)["cadre"]["script"]
    component = list(yaml.safe_load_all(COMPONENT.read_text(encoding="utf-8")))[1]["cadre"]["script"]
    assert template == component


@pytest.mark.parametrize("fail, expected", [("true", 1), ("false", 0)])
def test_gitlab_script_runs(tmp_path: Path, fail: str, expected: int) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": "from openai import OpenAI\n"})
    script = "\n".join(load(TEMPLATE)["cadre"]["script"][1:])  # everything but the pip install
    done = run_script(script, repo, {"CADRE_ARGS": "app.py", "CADRE_FAIL_ON_FINDINGS": fail})
    assert done.returncode == expected, done.stderr
    issues = json.loads((repo / "gl-code-quality-report.json").read_text())
    assert [(i["check_name"], i["location"]["path"]) for i in issues] == [("CDR101", "app.py")]
    assert (repo / "cadre-report.md").read_text().startswith("### cadre-hooks")
    assert "app.py:1:1: CDR101" in done.stdout


def test_gitlab_script_stops_on_usage_errors(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": "x = 1\n"})
    script = "\n".join(load(TEMPLATE)["cadre"]["script"][1:])
    done = run_script(script, repo, {"CADRE_ARGS": "--diff-base no-such-ref .", "CADRE_FAIL_ON_FINDINGS": "false"})
    assert done.returncode == 2
    assert "base commit no-such-ref is not in this clone" in done.stderr


def test_docs_show_both_jobs() -> None:
    docs = (PROJECT / "docs" / "ci.md").read_text(encoding="utf-8")
    for needle in ("github/codeql-action/upload-sarif@v3", "cadre-hooks/cadre-hooks@", "templates/cadre.yml",
                   "codequality", "cadre baseline", "--diff-base", "--staged", "fetch-depth: 0", "pre-commit"):
        assert needle in docs, needle
