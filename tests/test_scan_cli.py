"""End to end through the command line, on real git repositories and plain folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import git, make_repo, write_files

OPENAI = "from openai import OpenAI\n"  # the import alone: one usage per file


def test_tracked_untracked_and_ignored(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"tracked.py": OPENAI, ".gitignore": "ignored/\n"})
    write_files(repo, {"untracked.py": "import anthropic\n", "ignored/x.py": "import groq\n"})
    result = cadre("scan", "--format", "json", cwd=repo)
    assert sorted({u[0] for u in result.usages()}) == ["tracked.py", "untracked.py"]


@pytest.mark.parametrize("use_git", [True, False])
def test_installed_and_vendored_code_is_never_scanned(tmp_path: Path, cadre, use_git: bool) -> None:  # type: ignore[no-untyped-def]
    files = {
        "app.py": "print('no AI')\n",
        "env/pyvenv.cfg": "home = /usr/bin\n",
        "env/lib/python3.11/site-packages/anthropic/_client.py": "import httpx\nB = 'https://api.anthropic.com'\n",
        "node_modules/openai/index.js": "const B = 'https://api.openai.com/v1'\n",
        "lib/site-packages/openai/x.py": "import openai\n",
    }
    root = tmp_path / "r"
    if use_git:
        make_repo(root, files)  # committed by mistake, no .gitignore: still not the project's code
    else:
        write_files(root, files)
    result = cadre("scan", "--format", "json", ".", cwd=root)
    assert result.json["usages"] == []
    assert result.status == 0


def test_paths_are_relative_to_the_git_top_level(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"src/pkg/llm.py": OPENAI})
    result = cadre("scan", "--format", "json", "llm.py", cwd=repo / "src" / "pkg")
    assert result.usages() == [("src/pkg/llm.py", 1, "openai", "non-eu")]


def test_plain_directory_paths_relative_to_scanned_folder(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    write_files(tmp_path / "legacy", {"ocr/run.py": "import openai\n"})
    result = cadre("scan", "--format", "json", "legacy", cwd=tmp_path)
    assert result.usages() == [("ocr/run.py", 1, "openai", "non-eu")]


def test_same_result_whatever_the_batching(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    files = {f"m{i}.py": (OPENAI if i % 3 == 0 else "from openai import OpenAI\n"
                          "c = OpenAI(base_url='https://api.mistral.ai/v1')\n") for i in range(9)}
    files["settings.py"] = "URL = 'https://api.scaleway.ai/v1'\n"
    files["uses_settings.py"] = "from openai import OpenAI\nfrom settings import URL\nc = OpenAI(base_url=URL)\n"
    repo = make_repo(tmp_path / "r", files)
    names = sorted(files)
    whole = cadre("scan", "--format", "json", *names, cwd=repo).json
    parts = [cadre("scan", "--format", "json", *names[i::3], cwd=repo).json for i in range(3)]
    merged_usages = sorted((u["path"], u["line"], u["provider"]) for p in parts for u in p["usages"])
    assert merged_usages == sorted((u["path"], u["line"], u["provider"]) for u in whole["usages"])
    merged_fp = sorted(f["fingerprint"] for p in parts for f in p["findings"])
    assert merged_fp == sorted(f["fingerprint"] for f in whole["findings"])


def test_binary_huge_and_symlinks(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "r"
    write_files(root, {"a.py": OPENAI, "blob.py": b"\x00\x01import openai\x00", "big.py": "import openai\n" * 300_000})
    outside = tmp_path / "outside.py"
    outside.write_text("import anthropic\n")
    (root / "link_out.py").symlink_to(outside)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "self.py").symlink_to(root / "self.py")
    result = cadre("scan", "--format", "json", ".", cwd=root)
    assert result.status == 1
    assert [u[0] for u in result.usages()] == ["a.py"]
    reasons = {n["path"]: n["reason"] for n in result.json["notices"]}
    assert "binary" in reasons["blob.py"]
    assert "max_file_size" in reasons["big.py"]
    assert "outside" in reasons["link_out.py"]
    assert "loop" in reasons["self.py"]


def test_markdown_is_prose_not_code(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"README.md": "Use `import openai` and https://api.openai.com/v1\n",
                                      "docs/x.rst": ".. code:: python\n\n   import anthropic\n"})
    result = cadre("scan", "--format", "json", cwd=repo)
    assert result.json["usages"] == [] and result.status == 0


def test_text_output_and_summary(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"b.py": OPENAI, "a.py": "import anthropic\n"})
    result = cadre("scan", cwd=repo)
    lines = [line for line in result.out.splitlines() if not line.startswith("AI_USAGE.md")]
    assert lines[0].startswith("a.py:1:1: CDR101 ")
    assert lines[1].startswith("b.py:1:1: CDR101 ")
    assert lines[-1].startswith("cadre: 2 AI usage(s) (anthropic, openai), 3 error(s)")  # + CDR201


def test_french_messages(tmp_path: Path, cadre, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"a.py": "import anthropic\n"})
    assert "juridiction hors UE" in cadre("scan", "--lang", "fr", cwd=repo).out
    monkeypatch.setenv("CADRE_LANG", "fr")
    assert "juridiction hors UE" in cadre("scan", cwd=repo).out
    monkeypatch.delenv("CADRE_LANG")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert "erreur(s)" in cadre("scan", cwd=repo).out


@pytest.mark.parametrize(("config", "needle"), [
    ('[tool.cadre]\naprove = ["mistral"]\n', "aprove"),
    ('[tool.cadre]\napprove = "mistral"\n', "approve"),
    ('[tool.cadre]\ndeny = ["mistrall"]\n', "mistrall"),
    ('[tool.cadre]\nallowlist = "yes"\n', "allowlist"),
    ('[tool.cadre.severity]\nCDR104 = "fatal"\n', "CDR104"),
    ("[tool.cadre\n", "not valid TOML"),
])
def test_bad_config_is_a_clear_error(tmp_path: Path, cadre, config: str, needle: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"pyproject.toml": config, "app.py": OPENAI})
    result = cadre("scan", "--format", "json", cwd=repo)
    assert result.status == 2
    assert needle in result.err and "Traceback" not in result.err
    assert result.out == ""


def test_missing_path_and_bad_format_are_usage_errors(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": OPENAI})
    assert cadre("scan", "nope.py", cwd=repo).status == 2
    assert cadre("scan", "--format", "yaml", cwd=repo).status == 2


def test_policy_precedence(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {
        "pyproject.toml": '[tool.cadre]\napprove = ["anthropic"]\nlang = "fr"\n',
        ".cadre.toml": 'deny = ["anthropic"]\nlang = "en"\n',
        "a.py": "import anthropic\n",
    })
    result = cadre("scan", "--format", "json", cwd=repo)
    assert [r for r in result.rules() if r != "CDR201"] == ["CDR101"]  # deny beats approve
    assert "outside EU" in next(f for f in result.json["findings"] if f["rule"] == "CDR101")["message"]  # .cadre.toml's lang wins over [tool.cadre]
    extra = tmp_path / "extra.toml"
    extra.write_text('lang = "fr"\n')
    assert "hors UE" in cadre("scan", "--format", "json", "--config", str(extra), cwd=repo).out


def test_severity_off_and_error(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    code = "import os\nfrom openai import OpenAI\nc = OpenAI(base_url=os.environ['U'])\n"
    repo = make_repo(tmp_path / "r", {"a.py": code, "AI_USAGE.md": "(incomplete)"})
    assert cadre("scan", "a.py", cwd=repo).status == 0  # CDR104 is a warning (and no repository checks)
    write_files(repo, {".cadre.toml": '[severity]\nCDR104 = "error"\n'})
    assert cadre("scan", "a.py", cwd=repo).status == 1
    write_files(repo, {".cadre.toml": '[severity]\nCDR104 = "off"\n'})
    result = cadre("scan", "--format", "json", "a.py", cwd=repo)
    assert result.json["findings"] == [] and len(result.json["usages"]) == 1


def test_exclude_patterns(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {".cadre.toml": 'exclude = ["tests/fixtures/**"]\n',
                                      "tests/fixtures/a.py": OPENAI, "tests/test_a.py": OPENAI})
    assert [u[0] for u in cadre("scan", "--format", "json", cwd=repo).usages()] == ["tests/test_a.py"]


def test_suppression_on_first_line_of_statement(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    code = ("from openai import OpenAI  # cadre: ignore[CDR101] DPO approval 2026-01-12\n"
            "c = OpenAI()  # cadre: ignore[CDR101] same approval, the default endpoint\n"
            "d = OpenAI(  # cadre: ignore[CDR104] set per environment, see ops/README\n"
            "    base_url=os.environ['URL'],\n"
            ")\n")
    repo = make_repo(tmp_path / "r", {"a.py": "import os\n" + code})
    result = cadre("scan", "--format", "json", "a.py", cwd=repo)
    findings = result.json["findings"]
    assert {f["rule"] for f in findings} == {"CDR101", "CDR104"}
    assert all(f["suppressed"] and f["suppression_reason"] for f in findings)
    assert result.status == 0
    assert cadre("scan", "--format", "json", "--no-suppress", "a.py", cwd=repo).status == 1


def test_fingerprint_survives_edits_elsewhere(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"a.py": OPENAI})
    before = cadre("scan", "--format", "json", "a.py", cwd=repo).json["findings"][0]["fingerprint"]
    (repo / "a.py").write_text("# a new header\n\nimport sys\n" + OPENAI)
    after = cadre("scan", "--format", "json", "a.py", cwd=repo).json["findings"][0]
    assert after["fingerprint"] == before and after["line"] == 4


def test_json_shape(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"a.py": "import boto3\nr = boto3.client('bedrock-runtime', region_name='us-east-1')\n"})
    data = cadre("scan", "--format", "json", "a.py", cwd=repo).json
    usage = data["usages"][0]
    assert {"path", "line", "column", "kind", "provider", "jurisdiction", "evidence"} <= set(usage)
    assert usage["region"] == "us-east-1" and usage["region_in_eu"] is False
    finding = data["findings"][0]
    assert {"rule", "name", "severity", "path", "line", "column", "provider", "message", "commitments",
            "fingerprint", "suppressed"} <= set(finding)
    assert "us-east-1" in finding["message"]


def test_no_git_binary_falls_back_to_a_walk(tmp_path: Path, cadre, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"a.py": OPENAI})
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setenv("GIT_PYTHON_REFRESH", "quiet")
    result = cadre("scan", "--format", "json", cwd=repo)
    assert result.usages() == [("a.py", 1, "openai", "non-eu")]
    _ = (git, os)


def test_minified_bundles_are_noticed_not_scanned(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    bundle = "var a=1;" * 4000 + 'fetch("https://api.openai.com/v1/chat/completions");' + "var b=2;" * 4000
    repo = make_repo(tmp_path / "r", {"static/app.min.js": bundle, "src/app.js": 'import OpenAI from "openai";\n'})
    result = cadre("scan", "--format", "json", "static/app.min.js", "src/app.js", cwd=repo)
    assert [u[0] for u in result.usages()] == ["src/app.js"]
    assert any("minified" in n["reason"] for n in result.json["notices"])


@pytest.mark.parametrize("module", ["cadre_hooks", "cadre_hooks.cli"])
def test_python_dash_m(tmp_path: Path, module: str) -> None:
    import subprocess
    import sys

    repo = make_repo(tmp_path / "r", {"a.py": OPENAI})
    proc = subprocess.run([sys.executable, "-m", module, "scan", "a.py"], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 1 and "CDR101" in proc.stdout, proc.stderr
