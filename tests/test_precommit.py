"""The hooks as users run them: the real pre-commit, installing this project like a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import GIT_ENV, make_repo

PROJECT = Path(__file__).resolve().parent.parent


def test_manifest_is_valid() -> None:
    pre_commit = shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    subprocess.run([pre_commit, "validate-manifest", str(PROJECT / ".pre-commit-hooks.yaml")], check=True)
    hooks = {h["id"]: h for h in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["cadre-ai-usage"]["pass_filenames"] is False
    assert hooks["cadre-ai-usage"]["require_serial"] is True


def test_every_hook_is_in_the_readme() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for hook in yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text()):
        assert hook["id"] in readme


@pytest.mark.slow
def test_try_repo_reports_findings(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    repo = make_repo(tmp_path / "repo", {
        "app.py": "from openai import OpenAI\n\nclient = OpenAI()\n",
        "sovereign.py": 'from openai import OpenAI\n\nclient = OpenAI(base_url="https://api.mistral.ai/v1")\n',
        "notes.md": "We compared OpenAI and Mistral.\n",
    })
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("CADRE_CACHE_DIR", None)
    proc = subprocess.run([pre_commit, "try-repo", str(PROJECT), "cadre-scan", "--all-files", "--verbose"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "app.py:1:1: CDR101" in out
    assert not any(line.startswith("sovereign.py") and "CDR" in line for line in out.splitlines())
    assert "Traceback" not in out
