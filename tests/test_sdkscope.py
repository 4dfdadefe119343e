"""One resolution per SDK in the repository: imports, test doubles and key reads in files without a
client of their own follow where the repository's clients of that SDK go, alone or in a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_repo, write_files

LLM_OVH = ("from openai import APITimeoutError, OpenAI\n\nOVH = 'https://oai.endpoints.kepler.ai.cloud.ovh.net/v1'\n\n\n"
           "def make_client(token: str) -> OpenAI:\n    return OpenAI(base_url=OVH, api_key=token)\n")
TEST_DOUBLE = ("from unittest.mock import Mock\n\nfrom openai import OpenAI\n\n\n"
               "def test_ask():\n    client = Mock(spec=OpenAI)\n    assert client\n")
TYPES = "from openai import OpenAI\n\n\ndef ask(client: OpenAI, q: str) -> None:\n    ...\n"
KEY = "import os\n\nTOKEN = os.environ['OPENAI_API_KEY']\n"
DEFAULT = "from openai import OpenAI\n\nclient = OpenAI()\n"
ALBERT = "from openai import OpenAI\n\nclient = OpenAI(base_url='https://albert.api.etalab.gouv.fr/v1')\n"
UNRESOLVED = "import os\nfrom openai import OpenAI\n\nclient = OpenAI(base_url=os.environ['LLM_URL'])\n"


def usages(result) -> list[tuple[str, int, str | None]]:  # type: ignore[no-untyped-def]
    return sorted((u["path"], u["line"], u["provider"]) for u in result.json["usages"])


def test_every_client_repointed(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app/llm.py": LLM_OVH, "tests/test_llm.py": TEST_DOUBLE, "app/api.py": TYPES,
                                      "settings.py": KEY, "requirements.txt": "openai==1.50.0\n"})
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    assert usages(result) == [("app/api.py", 1, "ovhcloud"), ("app/llm.py", 7, "ovhcloud"),
                              ("settings.py", 3, "ovhcloud"), ("tests/test_llm.py", 3, "ovhcloud")]
    assert {u["resolved_by"] for u in result.json["usages"] if u["path"] != "app/llm.py"} == {"repository"}
    assert "CDR101" not in result.rules() and "CDR203" not in result.rules()


@pytest.mark.parametrize("other", [DEFAULT, UNRESOLVED], ids=["default endpoint", "unresolved endpoint"])
def test_a_default_or_unknown_client_keeps_the_sdk_provider(tmp_path: Path, cadre, other: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app/llm.py": LLM_OVH, "app/other.py": other, "tests/test_llm.py": TEST_DOUBLE,
                                      "settings.py": KEY})
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    assert ("tests/test_llm.py", 3, "openai") in usages(result)
    assert ("settings.py", 3, "openai") in usages(result)


def test_no_client_at_all_keeps_the_sdk_provider(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"tests/test_llm.py": TEST_DOUBLE, "settings.py": KEY})
    assert usages(cadre("scan", "--format", "json", ".", cwd=repo)) == [("settings.py", 3, "openai"),
                                                                        ("tests/test_llm.py", 3, "openai")]


def test_clients_reaching_several_other_providers(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app/llm.py": LLM_OVH, "app/albert.py": ALBERT, "tests/test_llm.py": TEST_DOUBLE})
    assert usages(cadre("scan", "--format", "json", ".", cwd=repo)) == [("app/albert.py", 3, "albert"),
                                                                        ("app/llm.py", 7, "ovhcloud")]


def test_a_file_alone_gives_what_the_folder_gives(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    files = {"app/llm.py": LLM_OVH, "tests/test_llm.py": TEST_DOUBLE, "app/api.py": TYPES, "settings.py": KEY}
    repo = make_repo(tmp_path / "r", files)
    whole = cadre("scan", "--format", "json", ".", cwd=repo).json
    for no_cache in ([], ["--no-cache"]):
        parts = [cadre("scan", *no_cache, "--format", "json", name, cwd=repo).json for name in sorted(files)]
        assert sorted((u["path"], u["line"], u["provider"]) for p in parts for u in p["usages"]) == \
            sorted((u["path"], u["line"], u["provider"]) for u in whole["usages"])
        assert sorted(f["fingerprint"] for p in parts for f in p["findings"] if f["path"] != "AI_USAGE.md") == \
            sorted(f["fingerprint"] for f in whole["findings"] if f["path"] != "AI_USAGE.md")


def test_a_new_default_client_elsewhere_changes_the_verdict(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app/llm.py": LLM_OVH, "tests/test_llm.py": TEST_DOUBLE})
    assert usages(cadre("scan", "--format", "json", "tests/test_llm.py", cwd=repo)) == [("tests/test_llm.py", 3, "ovhcloud")]
    write_files(repo, {"app/other.py": DEFAULT})  # untracked, not ignored: part of the repository
    assert usages(cadre("scan", "--format", "json", "tests/test_llm.py", cwd=repo)) == [("tests/test_llm.py", 3, "openai")]


def test_a_client_of_its_own_decides_for_its_file(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    mixed = DEFAULT + "\n\ndef f(c: OpenAI) -> None:\n    ...\n"
    repo = make_repo(tmp_path / "r", {"app/llm.py": LLM_OVH, "app/mixed.py": mixed})
    assert ("app/mixed.py", 1, "openai") in usages(cadre("scan", "--format", "json", ".", cwd=repo))


def test_a_default_client_in_a_notebook_counts(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    import json

    cells = [{"cell_type": "markdown", "source": ["# Exploration\n"], "metadata": {}},
             {"cell_type": "code", "source": ["from openai import OpenAI\n", "client = OpenAI()\n"], "metadata": {},
              "outputs": []}]
    notebook = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    repo = make_repo(tmp_path / "r", {"app/llm.py": LLM_OVH, "explore.ipynb": notebook, "tests/test_llm.py": TEST_DOUBLE})
    found = usages(cadre("scan", "--format", "json", "tests/test_llm.py", cwd=repo))
    assert found == [("tests/test_llm.py", 3, "openai")]


def test_the_resolution_is_cached_and_a_bad_cache_is_ignored(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    import os

    repo = make_repo(tmp_path / "r", {"app/llm.py": LLM_OVH, "tests/test_llm.py": TEST_DOUBLE})
    first = usages(cadre("scan", "--format", "json", "tests/test_llm.py", cwd=repo))
    saved = list((Path(os.environ["CADRE_CACHE_DIR"]) / "sdk").glob("*.json"))
    assert first == [("tests/test_llm.py", 3, "ovhcloud")] and len(saved) == 1
    for content in ('{"format": "cadre-sdk-resolution", "stamp": "x", "reached": {"openai": ["openai"]}}',
                    '{"format": "cadre-sdk-resolution", "reached": {"openai": [1]}}', "not json", "[]"):
        saved[0].write_text(content)
        assert usages(cadre("scan", "--format", "json", "tests/test_llm.py", cwd=repo)) == first
    # an unchanged repository is answered from the cache (here doctored to prove it is read)
    import json

    cadre("scan", "--format", "json", "tests/test_llm.py", cwd=repo)
    data = json.loads(saved[0].read_text())
    data["reached"] = {"openai": ["albert"]}
    saved[0].write_text(json.dumps(data))
    assert usages(cadre("scan", "--format", "json", "tests/test_llm.py", cwd=repo)) == [("tests/test_llm.py", 3, "albert")]
