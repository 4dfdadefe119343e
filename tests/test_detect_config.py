"""Configuration-file detectors: an AI endpoint URL or a provider's environment variable name is a
`config` usage at its line; comments, generic keys and non-AI URLs are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_repo
from conftest import scan_tree as scan_report


CASES = [
    # --- .env files
    (".env.example", "APP_ENV=dev\nOPENAI_API_KEY=\n", [(2, "openai")]),
    (".env", "# OPENAI_API_KEY=sk-old\nDATABASE_URL=http://localhost:5432\napi_key=sk-x\n", []),
    (".env", 'export MISTRAL_API_KEY="abc" # ours\n', [(1, "mistral")]),
    (".env.local", "LLM_URL=https://api.anthropic.com/v1/messages\n", [(1, "anthropic")]),
    (".env", "OPENAI_BASE_URL=https://api.scaleway.ai/v1\n", [(1, "scaleway")]),
    (".env", "OPENAI_BASE_URL=http://localhost:11434/v1\n", [(1, "ollama")]),
    (".env", "OPENAI_BASE_URL=http://10.0.0.5:8000/v1\n", [(1, "self-hosted")]),
    (".env", "OPENAI_BASE_URL=https://gateway.example.org/v1\n", [(1, None)]),
    (".env", "DOCS=https://platform.openai.com/docs # https://api.openai.com/v1\n", []),
    ("prod.env", "GROQ_API_KEY=${GROQ_API_KEY}\n", [(1, "groq")]),
    # --- YAML
    ("config/settings.yaml", "app:\n  name: courrier\nllm:\n  base_url: https://api.mistral.ai/v1\n"
     "  model: mistral-small-2409\n", [(4, "mistral")]),
    ("config/settings.yaml", "llm:\n  # base_url: https://api.openai.com/v1\n  url: http://localhost:5432\n"
     "  api_key: sk-test\n  openai_enabled: false\n", []),
    ("docker-compose.yml", "services:\n  app:\n    environment:\n      - OPENAI_API_KEY=${OPENAI_API_KEY}\n"
     "      - DB=http://localhost:5432\n      - COHERE_API_KEY\n  llm:\n    environment:\n"
     "      MISTRAL_API_KEY: ${MISTRAL_API_KEY}\n", [(4, "openai"), (6, "cohere"), (9, "mistral")]),
    ("k8s/deploy.yaml", "spec:\n  containers:\n    - env:\n        - name: ANTHROPIC_API_KEY\n"
     "          valueFrom: {secretKeyRef: {name: s, key: k}}\n        - name: OTHER\n"
     '          value: "https://api.mistral.ai/v1"\n', [(4, "anthropic"), (7, "mistral")]),
    ("litellm.yaml", "model_list:\n  - model_name: m\n    litellm_params:\n      model: groq/llama3\n"
     "      api_key: os.environ/GROQ_API_KEY\n", [(5, "groq")]),
    (".github/workflows/ci.yml", "jobs:\n  t:\n    env:\n      ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}\n",
     [(4, "anthropic")]),
    ("multi.yaml", "a: 1\n---\nurl: https://api.openai.com/v1\n", [(3, "openai")]),
    ("block.yaml", "prompt: |\n  Call https://api.openai.com/v1/chat/completions\n", [(2, "openai")]),
    # --- TOML
    ("config.toml", '[llm]\n# url = "https://api.openai.com/v1"\nurl = "https://api.mistral.ai/v1"\n'
     '[db]\nurl = "http://localhost:5432"\n', [(3, "mistral")]),
    ("config.toml", '[[servers]]\nurl = "https://example.org"\n[[servers]]\nurl = "https://api.openai.com/v1"\n',
     [(4, "openai")]),
    ("config.toml", '[env]\nANTHROPIC_API_KEY = ""\n', [(2, "anthropic")]),
    (".cadre.toml", '[endpoints]\nOPENAI_BASE_URL = "mistral"\n[hosts]\n"api.openai.com" = "openai"\n', []),
    # --- JSON
    ("config/app.json", '{\n  "llm": {\n    "endpoint": "https://api.openai.com/v1"\n  },\n'
     '  "db": "http://localhost:5432"\n}\n', [(3, "openai")]),
    ("config/app.json", '{"a": {"OPENAI_API_KEY": ""},\n "b": {"OPENAI_API_KEY": ""}}\n',
     [(1, "openai"), (2, "openai")]),
    ("config/app.json", '{"env": ["MISTRAL_API_KEY=x"], "docs": "https://platform.openai.com"}\n', [(1, "mistral")]),
    (".devcontainer/devcontainer.json", '{\n  // "OPENAI_API_KEY": "",\n  "remoteEnv": {"MISTRAL_API_KEY": ""}\n}\n',
     [(3, "mistral")]),
    ("cadre-out.json", '{"tool": {"name": "cadre-hooks"}, "usages": [{"host": "https://api.openai.com/v1"}]}\n', []),
    ("results.sarif.json", '{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", '
     '"runs": [{"x": "https://api.openai.com/v1"}]}\n', []),
    # --- INI, .cfg, .conf
    ("app.ini", "[llm]\n; url = https://api.openai.com/v1\nurl = https://api.mistral.ai/v1\n[db]\n"
     "url = http://localhost:5432\n", [(3, "mistral")]),
    ("service.conf", "OPENAI_API_KEY=x\n# MISTRAL_API_KEY=y\n", [(1, "openai")]),
    ("tox.ini", "[testenv]\nsetenv =\n    ANTHROPIC_BASE_URL = http://127.0.0.1:8080/v1\n", []),
    # --- Dockerfiles
    ("Dockerfile", "FROM python:3.11\n# ENV OPENAI_API_KEY=x\nENV APP=1 \\\n    GROQ_API_KEY=\"\"\n"
     "ARG ANTHROPIC_BASE_URL=https://api.anthropic.com\nRUN curl https://api.openai.com/v1/models\n",
     [(4, "groq"), (5, "anthropic")]),
    ("deploy/api.dockerfile", "ENV MISTRAL_API_KEY placeholder value\n", [(1, "mistral")]),
    # --- not configuration
    ("README.md", "Set OPENAI_API_KEY and call https://api.openai.com/v1\n", []),
    ("notes.txt", "OPENAI_API_KEY=sk-test\n", []),
]


@pytest.mark.parametrize("path, content, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_config(tmp_path: Path, path: str, content: str, expected: list[tuple[int, str | None]]) -> None:
    report = scan_report(tmp_path, {path: content})
    assert [(u.line, u.provider) for u in report.usages if u.path == path] == expected
    assert all(u.kind == "config" for u in report.usages)


def test_environment_variables_setting_is_not_a_usage_for_non_ai_keys(tmp_path: Path) -> None:
    """tox.ini above: a generic key holding a local URL is not AI; the same key naming a provider is."""
    report = scan_report(tmp_path, {"tox.ini": "[testenv]\nsetenv =\n    X = 1\n"
                                               "ANTHROPIC_BASE_URL = http://127.0.0.1/v1\n"})
    assert [(u.line, u.provider) for u in report.usages] == [(4, "self-hosted")]


def test_values_are_never_copied_into_evidence(tmp_path: Path) -> None:
    report = scan_report(tmp_path, {".env": "OPENAI_API_KEY=sk-live-secret\nLLM=https://user:pw@api.openai.com/v1\n"})
    assert [u.line for u in report.usages] == [1, 2]
    assert not any("secret" in u.evidence or "pw@" in u.evidence for u in report.usages)


@pytest.mark.parametrize("path, content, reason", [
    ("chart/values.yaml", "url: {{ .Values.url }\nkey: https://api.openai.com/v1\n", "not valid YAML"),
    ("bad.toml", '[llm\nurl = "https://api.openai.com/v1"\n', "not valid TOML"),
    ("bad.json", '{\n  // c\n  "url": "https://api.openai.com/v1"\n}\n', "not valid JSON"),
    ("nginx.conf", "location / {\n  proxy_pass https://api.openai.com/v1;\n}\n", "not an INI file"),
])
def test_unparsable_files_fall_back_to_a_line_scan_with_a_notice(tmp_path: Path, path: str, content: str,
                                                                 reason: str) -> None:
    report = scan_report(tmp_path, {path: content})
    assert [(u.path, u.provider) for u in report.usages] == [(path, "openai")]
    assert any(n.path == path and n.reason.startswith(reason) and "line by line" in n.reason for n in report.notices)


def test_suppression_in_a_config_file(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "repo", {
        ".env.example": "OPENAI_API_KEY=  # cadre: ignore[CDR101] benchmark account approved by the DPO\n",
        "settings.yaml": "llm:\n  url: https://api.anthropic.com/v1  # cadre: ignore[CDR101]\n",
    })
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    by_path = {(f["path"], f["rule"]): f["suppressed"] for f in result.json["findings"]}
    assert by_path[(".env.example", "CDR101")] is True
    assert by_path[("settings.yaml", "CDR101")] is False
    assert ("settings.yaml", "CDR901") in by_path


def test_end_to_end_config_files_in_a_git_repository(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "repo", {
        ".env.example": "APP_ENV=dev\nOPENAI_API_KEY=\n",
        "config/settings.yaml": "llm:\n  base_url: https://api.mistral.ai/v1\n",
        "README.md": "Set OPENAI_API_KEY=... (see https://api.openai.com/v1)\n",
    })
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    assert result.usages() == [(".env.example", 2, "openai", "non-eu"), ("config/settings.yaml", 2, "mistral", "eu")]
    assert {u["kind"] for u in result.json["usages"]} == {"config"}


def test_http_recordings_are_not_configuration(tmp_path: Path) -> None:
    """vcrpy cassettes replay API calls offline in tests: a mention, not a setting."""
    from cadre_hooks.scan import ScanOptions, run

    root = tmp_path / "repo"
    (root / "tests" / "cassettes").mkdir(parents=True)
    (root / "tests" / "cassettes" / "chat.yaml").write_text(
        "interactions:\n- request:\n    uri: https://api.openai.com/v1/chat/completions\n    method: POST\n"
        "  response:\n    status: {code: 200}\nversion: 1\n")
    (root / "settings.yaml").write_text("llm:\n  base_url: https://api.openai.com/v1\n")
    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    assert [(u.path, u.provider) for u in report.usages] == [("settings.yaml", "openai")]
