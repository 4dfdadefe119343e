"""Call sites: every call that sends data through an AI client, its operation and model, and the
destination inferred from a name when the endpoint cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadre_hooks.model import Usage
from cadre_hooks.scan import ScanOptions, run
from conftest import scan_tree, write_files


def calls(usages: tuple[Usage, ...], path: str | None = None) -> list[tuple[int, str | None, str | None, str | None]]:
    return [(u.line, u.provider, u.operation, u.model) for u in usages
            if u.kind == "call" and (path is None or u.path == path)]


CLIENTS = {
    "llm/__init__.py": "",
    "llm/clients.py": """
        import os

        from mistralai import Mistral

        mistral = Mistral(api_key=os.environ["MISTRAL_API_KEY"])
        """,
    "documents/ocr.py": """
        from llm.clients import mistral


        def read_scan(path):
            uploaded = mistral.files.upload(file={"file_name": path, "content": b""}, purpose="ocr")
            url = mistral.files.get_signed_url(file_id=uploaded.id)
            return mistral.ocr.process(model="mistral-ocr-2505", document={"document_url": url.url})
        """,
}


def test_a_client_built_in_another_module(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, CLIENTS)
    assert calls(report.usages, "documents/ocr.py") == [
        (5, "mistral", "files", None), (6, "mistral", "files", None), (7, "mistral", "ocr", "mistral-ocr-2505")]


def test_one_file_gives_what_the_folder_scan_gives(tmp_path: Path) -> None:
    """A pre-commit run on the file that only calls gives the same call sites as the folder scan."""
    root = tmp_path / "repo"
    write_files(root, CLIENTS)
    folder, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1, use_cache=False))
    single, _ = run(ScanOptions(targets=(str(root / "documents/ocr.py"),), cwd=root, jobs=1, use_cache=False))
    assert calls(single.usages) == calls(folder.usages, "documents/ocr.py") != []


def test_an_edit_of_the_client_module_invalidates_the_caller(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_files(root, CLIENTS)
    first, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    assert {u.provider for u in first.usages if u.path == "documents/ocr.py"} == {"mistral"}
    (root / "llm/clients.py").write_text(
        "from openai import OpenAI\n\nmistral = OpenAI(base_url='https://api.openai.com/v1')\n", encoding="utf-8")
    second, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    # The cached result of documents/ocr.py depended on llm/clients.py: now the openai client has no `ocr`.
    assert [u for u in second.usages if u.path == "documents/ocr.py" and u.operation == "ocr"] == []
    assert [(u.line, u.provider) for u in second.usages if u.path == "documents/ocr.py"] == [
        (5, "openai"), (6, "openai")]


@pytest.mark.parametrize(("code", "expected"), [
    ("from openai import OpenAI\n\nclient = OpenAI(base_url='https://api.mistral.ai/v1')\n"
     "client.chat.completions.create(model='mistral-small-2409', messages=[])\n",
     [(4, "mistral", "chat", "mistral-small-2409")]),
    ("from openai import OpenAI\n\nMODEL = 'gpt-4o-2024-08-06'\n\n\nclass A:\n    def __init__(self):\n"
     "        self.client = OpenAI()\n\n    def ask(self, q):\n"
     "        return self.client.chat.completions.with_raw_response.create(model=MODEL, messages=[])\n",
     [(11, "openai", "chat", "gpt-4o-2024-08-06")]),
    ("from anthropic import Anthropic\n\n\ndef make():\n    return Anthropic()\n\n\n"
     "make().messages.create(model='claude-3-5-haiku-20241022', max_tokens=10, messages=[])\n",
     [(8, "anthropic", "chat", "claude-3-5-haiku-20241022")]),
    ("from openai import AsyncOpenAI\n\n\nasync def f():\n"
     "    async with AsyncOpenAI(base_url='https://api.scaleway.ai/v1') as c:\n"
     "        await c.embeddings.create(model='bge-multilingual-gemma2', input=['x'])\n",
     [(6, "scaleway", "embeddings", "bge-multilingual-gemma2")]),
    ("from openai import OpenAI\n\n\ndef make():\n    return OpenAI(base_url='https://api.mistral.ai/v1')\n\n\n"
     "def ask(client: OpenAI, q: str):\n    return client.chat.completions.create(model='m', messages=[])\n",
     [(9, "mistral", "chat", "m")]),
    ("import boto3\n\nMODEL_ID = 'amazon.nova-micro-v1:0'\n"
     "rt = boto3.client('bedrock-runtime', region_name='eu-west-3')\n"
     "rt.converse(modelId=MODEL_ID, messages=[])\n", [(5, "aws-bedrock", "chat", "amazon.nova-micro-v1:0")]),
    ("from langchain_mistralai import ChatMistralAI\n\nllm = ChatMistralAI(model='mistral-small-2409')\n"
     "llm.invoke('q')\n", [(4, "mistral", "chat", "mistral-small-2409")]),
    ("import httpx\n\nwith httpx.Client(base_url='https://api.mistral.ai/v1') as http:\n"
     "    http.post('/embeddings', json={})\n", [(4, "mistral", "embeddings", None)]),
    ("import requests\n\ns = requests.Session()\ns.post('https://api.openai.com/v1/audio/transcriptions', files={})\n",
     [(4, "openai", "audio", None)]),
    ("import litellm\n\nlitellm.embedding(model='mistral/mistral-embed', input=['x'])\n",
     [(3, "mistral", "embeddings", "mistral/mistral-embed")]),
    ("import httpx\n\nALBERT = 'https://albert.api.etalab.gouv.fr/v1'\n\n\nclass Albert(httpx.Client):\n"
     "    def __init__(self, token):\n        super().__init__(base_url=ALBERT, headers={'a': token})\n\n"
     "    def ask(self, q):\n        return self.post('/chat/completions', json={'q': q})\n\n\n"
     "Albert('t').post('/embeddings', json={})\n",
     [(11, "albert", "chat", None), (14, "albert", "embeddings", None)]),
], ids=["repointed sdk", "self attribute, constant model", "factory", "async with", "annotated parameter",
        "bedrock", "langchain", "httpx base_url", "requests session", "litellm", "session subclass"])
def test_call_sites(tmp_path: Path, code: str, expected: list[tuple[int, str, str, str | None]]) -> None:
    assert calls(scan_tree(tmp_path, {"app.py": code}).usages) == expected


@pytest.mark.parametrize("code", [
    # a test double is no client, and neither is an unrelated object with a method of the same name
    "from unittest.mock import Mock\nfrom openai import OpenAI\n\nclient = Mock(spec=OpenAI)\n"
    "client.chat.completions.create(model='gpt-4o', messages=[])\n",
    "from myproject.pipeline import chain\n\nchain.invoke({'q': 1})\n",
    "import requests\n\ns = requests.Session()\ns.post('https://example.org/api/orders', json={})\n",
    "from openai import OpenAI\n\n\ndef ask(client, q):\n"
    "    return client.chat.completions.create(model='m', messages=[])\n",
], ids=["mock", "own chain", "session to a non-AI host", "unannotated parameter"])
def test_no_call_site(tmp_path: Path, code: str) -> None:
    assert calls(scan_tree(tmp_path, {"app.py": code}).usages) == []


def test_only_trace_is_a_call_on_an_imported_client(tmp_path: Path) -> None:
    """No AI import, no provider name: the prefilter and the quick look still let the file through."""
    report = scan_tree(tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": "from openai import OpenAI\n\nclient = OpenAI(base_url='https://api.mistral.ai/v1')\n",
        "app/views.py": "from app.llm import client\n\n\ndef view(q):\n"
                        "    return client.chat.completions.create(model='mistral-small-2409', messages=[])\n",
    })
    assert calls(report.usages, "app/views.py") == [(5, "mistral", "chat", "mistral-small-2409")]


# --- names as evidence ---------------------------------------------------------------------

def _named(tmp_path: Path, endpoint: str, config: str = "") -> list[Usage]:
    files = {"app.py": f"import os\nfrom openai import OpenAI\n\nclient = OpenAI(base_url={endpoint})\n"}
    if config:
        files[".cadre.toml"] = config
    return [u for u in scan_tree(tmp_path, files).usages if u.line == 4]


@pytest.mark.parametrize(("endpoint", "provider"), [
    ("settings.albert_api_url", "albert"),
    ("cfg['scaleway_genai_url']", "scaleway"),
    ("os.environ['ALBERT_API_URL']", "albert"),
    ("os.getenv('OVH_AI_ENDPOINT')", "ovhcloud"),
    ("settings.azure_openai_endpoint", "azure-openai"),
    ("config.mistralBaseUrl", "mistral"),
])
def test_a_name_decides_an_unresolved_endpoint(tmp_path: Path, endpoint: str, provider: str) -> None:
    [usage] = _named(tmp_path, endpoint)
    assert (usage.provider, usage.resolved_by) == (provider, "name")


@pytest.mark.parametrize("endpoint", [
    "os.environ['LLM_BASE_URL']",  # generic
    "settings.albert_or_mistral_url",  # two providers
    "settings.openai_base_url",  # the SDK's own name: the usual setting of a repointed SDK, says nothing
])
def test_no_name_or_two_names_stay_unresolved(tmp_path: Path, endpoint: str) -> None:
    [usage] = _named(tmp_path, endpoint)
    assert (usage.provider, usage.resolved_by) == (None, None)


def test_the_configuration_beats_the_name(tmp_path: Path) -> None:
    [usage] = _named(tmp_path, "os.environ['ALBERT_API_URL']", '[endpoints]\nALBERT_API_URL = "scaleway"\n')
    assert (usage.provider, usage.resolved_by) == ("scaleway", None)


def test_the_message_says_the_name(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_files(root, {"app.py": "from openai import OpenAI\n\nclient = OpenAI(base_url=settings.anthropic_url)\n"})
    for lang, words in (("en", "inferred from the name settings.anthropic_url"),
                        ("fr", "déduit du nom settings.anthropic_url")):
        report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1, cli={"lang": lang}))
        [finding] = [f for f in report.findings if f.rule == "CDR101"]
        assert words in finding.message


@pytest.mark.parametrize("code", [
    # a name is evidence only for the endpoint of an AI client
    "from openai import OpenAI\nclient = OpenAI(base_url='https://albert.api.etalab.gouv.fr/v1')\n"
    "client.chat.completions.create(model=settings.openai_model_name, messages=[])\n",
    "import os\nPORT = int(os.environ['GEMINI_PROTOCOL_PORT'])\n",
    "from mistralclient.api import client\nwf = client.client(mistral_url=settings.mistral_url)\n",
    "import requests\nrequests.get(settings.mistral_url + '/workflows')\n",
])
def test_names_that_are_not_evidence(tmp_path: Path, code: str) -> None:
    report = scan_tree(tmp_path, {"app.py": code})
    assert {u.provider for u in report.usages} <= {"albert"}
    assert all(u.resolved_by is None for u in report.usages)


def test_an_ai_http_path_on_a_named_base(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {"app.py": "import requests\n\n"
                                            "requests.post(f'{settings.albert_url}/v1/chat/completions', json={})\n"})
    assert [(u.line, u.provider, u.operation, u.resolved_by) for u in report.usages] == [(3, "albert", "chat", "name")]


def test_text_report_groups_the_findings_of_one_file_and_provider(tmp_path: Path) -> None:
    from cadre_hooks.report.text import render

    root = tmp_path / "repo"
    write_files(root, {"app.py": "from openai import OpenAI\n\nclient = OpenAI()\n"
                                 "client.chat.completions.create(model='gpt-4o', messages=[])\n"
                                 "client.embeddings.create(model='text-embedding-3-small', input=['x'])\n",
                       "other.py": "import anthropic\n"})
    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    assert [f.line for f in report.findings if f.rule == "CDR101" and f.path == "app.py"] == [1, 3, 4, 5]
    text = render(report, "en").splitlines()
    assert [line.split(" CDR101")[0] for line in text if "CDR101" in line] == ["app.py:1:1:", "other.py:1:1:"]
    assert next(line for line in text if line.startswith("app.py:1:1:")).endswith("(also lines 3, 4, 5)")
    assert next(line for line in render(report, "fr").splitlines() if line.startswith("app.py:1:1:")).endswith(
        "(aussi lignes 3, 4, 5)")


def test_a_placeholder_url_in_a_sample_file_defers_to_the_key(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {".env.example": "ALBERT_API_URL=https://example.com/v1\n"
                                                  "SCALEWAY_GENAI_URL=https://your-endpoint.example.com/v1\n"
                                                  "LLM_BASE_URL=https://example.com/v1\n"
                                                  "SCALEWAY_PROJECT_COLOR=https://example.com\n"
                                                  "GEMINI_PROTOCOL_PORT=443\n"})
    assert [(u.line, u.provider, u.resolved_by) for u in report.usages] == [
        (1, "albert", None), (2, "scaleway", "name")]
