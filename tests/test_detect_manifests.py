"""Manifest detectors: declared SDKs are `dependency` usages at the line of their declaration;
comments, look-alike names and lock files are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadre_hooks.detect import detector_for
from cadre_hooks.scan import ScanOptions, run
from conftest import make_repo, scan_tree, write_files


def scan(tmp_path: Path, files: dict[str, str | bytes]) -> list[tuple[str, int, str | None, str]]:
    report = scan_tree(tmp_path, files)
    return [(u.path, u.line, u.provider, u.kind) for u in report.usages]


def lines(found: list[tuple[str, int, str | None, str]], path: str) -> list[tuple[int, str | None]]:
    return [(line, provider) for p, line, provider, _ in found if p == path]


CASES = [
    # --- requirements files
    ("requirements.txt", "fastapi==0.115.0\nopenai==1.51.0\nmistralai>=1.0\n", [(2, "openai"), (3, "mistral")]),
    ("requirements.txt", "# openai==1.0\n#mistralai\nrequests  # not openai\n", []),
    ("requirements.txt", 'openai[datalib]>=1 ; python_version >= "3.9"  # pinned\n', [(1, "openai")]),
    ("requirements.txt", "anthropic \\\n    ==0.30\n", [(1, "anthropic")]),
    ("requirements.txt", "--index-url https://pypi.org/simple\nlangchain_openai==0.2 --hash=sha256:ab\n",
     [(2, "openai")]),
    ("requirements.txt", "-e git+https://github.com/acme/x.git#egg=mistralai\n./local-openai-fork\n", [(1, "mistral")]),
    ("requirements.txt", "openai-utils==1\nopenapi-core\nmy_openai\n", []),
    ("requirements-dev.txt", "groq\n", [(1, "groq")]),
    ("requirements/base.txt", "cohere>=5\n", [(1, "cohere")]),
    ("requirements.in", "openai\n", [(1, "openai")]),
    ("MANIFEST.in", "include openai\n", []),
    # --- pyproject.toml
    ("pyproject.toml", '[project]\nname = "a"\ndependencies = [\n    "langchain-openai>=0.2",\n    "pydantic>=2",\n]\n',
     [(4, "openai")]),
    ("pyproject.toml", '[project]\nname = "a"\ndependencies = [\n    # "openai",\n    "pydantic",\n]\n', []),
    ("pyproject.toml", '[project]\nname = "a"\n[project.optional-dependencies]\nllm = ["mistralai"]\n',
     [(4, "mistral")]),
    ("pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.11"\nopenai = "^1"\n\n'
     '[tool.poetry.group.dev.dependencies]\ngroq = { version = "^0.9" }\n', [(3, "openai"), (6, "groq")]),
    ("pyproject.toml", '[tool.poetry.dependencies.anthropic]\nversion = "^0.30"\n', [(1, "anthropic")]),
    ("pyproject.toml", '[dependency-groups]\ndev = ["cohere", {include-group = "x"}]\n', [(2, "cohere")]),
    ("pyproject.toml", '[tool.cadre]\napprove = ["openai"]\n[tool.cadre.endpoints]\nOPENAI_BASE_URL = "mistral"\n', []),
    # --- Pipfile, setup.py, setup.cfg
    ("Pipfile", '[[source]]\nurl = "https://pypi.org/simple"\n[packages]\nopenai = "*"\n[dev-packages]\n'
     '"langchain-mistralai" = "*"\n', [(4, "openai"), (6, "mistral")]),
    ("setup.py", 'from setuptools import setup\nREQS = ["openai>=1", "requests"]\n'
     'setup(name="x", install_requires=REQS,\n      extras_require={"ai": ["anthropic"]})\n',
     [(2, "openai"), (4, "anthropic")]),
    ("setup.py", 'from setuptools import setup\n# install_requires=["openai"]\nsetup(name="openai-tools")\n', []),
    ("setup.cfg", "[metadata]\nname = x\n[options]\ninstall_requires =\n    requests\n    mistralai>=1\n"
     "[options.extras_require]\nllm =\n    openai\n", [(6, "mistral"), (9, "openai")]),
    # --- conda
    ("environment.yml", "name: x\ndependencies:\n  - python=3.11\n  - conda-forge::openai=1.51\n  - pip:\n"
     '      - "mistralai>=1"\n# - anthropic\n', [(4, "openai"), (6, "mistral")]),
    # --- JavaScript, Go, Maven
    ("web/package.json", '{\n  "name": "w",\n  "dependencies": {\n    "@anthropic-ai/sdk": "^0.30.0",\n'
     '    "ai": "^4",\n    "openai-utils": "1"\n  },\n  "devDependencies": {"@ai-sdk/mistral": "1"}\n}\n',
     [(4, "anthropic"), (8, "mistral")]),
    ("web/package.json", '{"name": "openai", "description": "not using @anthropic-ai/sdk"}\n', []),
    ("go.mod", "module x\n\nrequire github.com/openai/openai-go/v2 v2.0.0\nrequire (\n"
     "\tgithub.com/sashabaranov/go-openai v1.20.0 // indirect\n\t// github.com/other/x v1\n)\n",
     [(3, "openai"), (5, "openai")]),
    ("pom.xml", "<project>\n  <dependencies>\n    <!-- <dependency><groupId>com.openai</groupId>"
     "<artifactId>openai-java</artifactId></dependency> -->\n    <dependency>\n"
     "      <groupId>dev.langchain4j</groupId>\n"
     "      <artifactId>langchain4j-mistral-ai</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n",
     [(6, "mistral")]),
]


@pytest.mark.parametrize("path, content, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_manifest(tmp_path: Path, path: str, content: str, expected: list[tuple[int, str]]) -> None:
    found = scan(tmp_path, {path: content})
    assert lines(found, path) == expected
    assert all(kind == "dependency" for p, _, _, kind in found if p == path and p != "pyproject.toml")


@pytest.mark.parametrize("name", ["package-lock.json", "poetry.lock", "Pipfile.lock", "uv.lock", "yarn.lock",
                                  "pnpm-lock.yaml"])
def test_lock_files_are_read_as_inventory(name: str) -> None:
    detector = detector_for(f"sub/{name}")
    assert detector is not None and detector.__name__ == "scan_lockfile"


@pytest.mark.parametrize("name", ["bun.lock", "deno.lock", "conda-lock.yml", "flake.lock", "Podfile.lock"])
def test_other_lock_files_are_not_read(name: str) -> None:
    assert detector_for(f"sub/{name}") is None


def test_included_requirements_are_reported_in_the_file_that_declares_them(tmp_path: Path) -> None:
    found = scan(tmp_path, {"requirements.txt": "-r deps/common.txt\nrequests\n",
                            "deps/common.txt": "fastapi\nlangchain-openai>=0.2\n",
                            "constraints.txt": "groq==1\n"})
    assert [(p, line, provider) for p, line, provider, _ in found] == [("deps/common.txt", 2, "openai")]


def test_include_cycles_and_missing_files(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    write_files(root, {"requirements.txt": "-r deps/a.txt\n-r deps/missing.txt\n-r ../outside.txt\n",
                       "deps/a.txt": "-r b.txt\nopenai\n", "deps/b.txt": "-r a.txt\nmistralai\n"})
    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    assert sorted((u.path, u.line, u.provider) for u in report.usages) == [
        ("deps/a.txt", 2, "openai"), ("deps/b.txt", 2, "mistral")]
    reasons = " ".join(n.reason for n in report.notices)
    assert "missing.txt: cannot read" in reasons and "outside the repository" in reasons


def test_broken_pyproject_falls_back_with_a_notice(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    write_files(root, {"pkg/pyproject.toml": '[project\ndependencies = ["openai>=1"]\n'})
    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    assert [(u.line, u.provider) for u in report.usages] == [(2, "openai")]
    assert any("not valid TOML" in n.reason for n in report.notices)


def test_pyproject_other_tables_are_configuration(tmp_path: Path) -> None:
    found = scan(tmp_path, {"pyproject.toml": '[project]\nname = "a"\ndependencies = ["openai"]\n\n[tool.myapp]\n'
                                              '# old = "https://api.openai.com/v1"\n'
                                              'llm_url = "https://api.mistral.ai/v1"\n'})
    assert [(line, provider, kind) for _, line, provider, kind in found] == [(3, "openai", "dependency"),
                                                                              (7, "mistral", "config")]


def test_end_to_end_requirements_in_a_git_repository(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "repo", {"requirements.txt": "fastapi\nopenai==1.51.0\n# anthropic\n",
                                         "AI_USAGE.md": "placeholder\n"})
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    assert [(p, line, provider, j) for p, line, provider, j in result.usages()] == [
        ("requirements.txt", 2, "openai", "non-eu")]
    assert result.json["usages"][0]["kind"] == "dependency"
    assert "CDR101" in result.rules()


def test_repointed_sdk_is_not_a_dependency_of_its_own(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "repo", {
        "app.py": 'from openai import OpenAI\nclient = OpenAI(base_url="https://api.mistral.ai/v1")\n',
        "requirements.txt": "openai==1.51.0\n",
        "web/package.json": '{"dependencies": {"openai": "^4"}}\n',
        "web/llm.ts": 'import OpenAI from "openai";\n'
                      'export const c = new OpenAI({ baseURL: "https://api.mistral.ai/v1" });\n',
    })
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    providers = {(p, provider) for p, _, provider, _ in result.usages()}
    assert providers == {("app.py", "mistral"), ("web/llm.ts", "mistral")}
    assert "CDR101" not in result.rules()


def test_dependency_stays_when_one_client_keeps_it(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "repo", {
        "app.py": 'from openai import OpenAI\nclient = OpenAI(base_url="https://api.mistral.ai/v1")\n',
        "other.py": "from openai import OpenAI\nclient = OpenAI()\n",
        "requirements.txt": "openai==1.51.0\n",
    })
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    assert ("requirements.txt", 1, "openai", "non-eu") in result.usages()
