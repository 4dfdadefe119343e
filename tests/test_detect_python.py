"""The Python detector, snippet by snippet: usage versus mention, and who really receives the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadre_hooks.scan import ScanOptions, run
from conftest import scan_tree, write_files


def scan(tmp_path: Path, files: dict[str, str | bytes]) -> list[tuple[str, int, str | None, str]]:
    report = scan_tree(tmp_path, files)
    return [(u.path, u.line, u.provider, u.jurisdiction) for u in report.usages]


CASES = [
    # --- imports and aliases
    ("plain import", "import openai\n", [(1, "openai", "non-eu")]),
    ("alias", "import anthropic as ac\nc = ac.Anthropic()\n", [(1, "anthropic", "non-eu"), (2, "anthropic", "non-eu")]),
    ("from import", "from mistralai import Mistral\nc = Mistral(api_key='k')\n", [(1, "mistral", "eu"), (2, "mistral", "eu")]),
    ("submodule", "from google import genai\nc = genai.Client()\n",
     [(1, "google-gemini", "non-eu"), (2, "google-gemini", "non-eu")]),
    ("import inside function", "def f():\n    import cohere\n    return cohere.ClientV2()\n",
     [(2, "cohere", "non-eu"), (3, "cohere", "non-eu")]),
    ("importlib", "import importlib\nm = importlib.import_module('groq')\n", [(2, "groq", "non-eu")]),
    ("__import__", "m = __import__('anthropic')\n", [(1, "anthropic", "non-eu")]),
    ("errors and types only", "from openai import APIError, OpenAIError\nfrom openai.types.chat import ChatCompletion\n", []),
    ("import only for typing", "from openai import OpenAI\ndef f(c: OpenAI) -> None: ...\n", [(1, "openai", "non-eu")]),
    # --- mentions are not usages
    ("comment", "# import openai\nx = 1\n", []),
    ("docstring", '"""Uses https://api.openai.com/v1 and anthropic."""\nx = 1\n', []),
    ("variable names", "openai_enabled = False\nANTHROPIC = 'claude'\nmistral = None\n", []),
    ("look-alike module", "import openapi_spec_validator\nimport openai_utils\n", []),
    ("relative import", "from .openai import helpers\nfrom . import anthropic\n", []),
    ("doc link string", "DOCS = 'https://platform.openai.com/docs'\n", []),
    ("prose with url", "msg = 'see https://api.openai.com/v1 for details'\n", []),
    ("non-AI localhost", "import requests\nrequests.get('http://127.0.0.1:9200/_cluster/health')\n", []),
    ("boto3 s3", "import boto3\ns3 = boto3.client('s3')\n", []),
    # --- the endpoint decides
    ("base_url literal", "from openai import OpenAI\nc = OpenAI(\n    base_url='https://api.mistral.ai/v1',\n)\n",
     [(3, "mistral", "eu")]),
    ("base_url constant", "from openai import OpenAI\nURL = 'https://api.scaleway.ai/v1'\nc = OpenAI(base_url=URL)\n",
     [(3, "scaleway", "eu")]),
    ("f-string", "from openai import OpenAI\nH = 'api.mistral.ai'\nc = OpenAI(base_url=f'https://{H}/v1')\n",
     [(3, "mistral", "eu")]),
    ("concatenation", "from openai import OpenAI\nB = 'https://albert.api.etalab.gouv.fr'\nc = OpenAI(base_url=B + '/v1')\n",
     [(3, "albert", "eu")]),
    ("env default", "import os\nfrom openai import OpenAI\nc = OpenAI(base_url=os.getenv('X', 'https://api.mistral.ai/v1'))\n",
     [(3, "mistral", "eu")]),
    ("env unresolved", "import os\nfrom openai import OpenAI\nc = OpenAI(base_url=os.environ['LLM_URL'])\n",
     [(3, None, "unknown")]),
    ("class constant", "from openai import OpenAI\nclass S:\n    URL = 'https://api.mistral.ai/v1'\n"
     "    def c(self):\n        return OpenAI(base_url=self.URL)\n", [(5, "mistral", "eu")]),
    ("parameter default", "from openai import OpenAI\ndef make(url='https://api.scaleway.ai/v1'):\n"
     "    return OpenAI(base_url=url)\n", [(3, "scaleway", "eu")]),
    ("eu residency host stays non-eu", "from openai import OpenAI\nc = OpenAI(base_url='https://eu.api.openai.com/v1')\n",
     [(2, "openai", "non-eu")]),
    ("self-hosted", "from openai import OpenAI\nc = OpenAI(base_url='http://10.1.2.3:8000/v1')\n",
     [(2, "self-hosted", "local")]),
    ("unknown public host", "from openai import OpenAI\nc = OpenAI(base_url='https://llm.example.com/v1')\n",
     [(2, None, "unknown")]),
    ("module-level endpoint (openai < 1)", "import openai\nopenai.api_base = 'https://api.mistral.ai/v1'\n"
     "openai.ChatCompletion.create(model='mistral-small-2409', messages=[])\n", [(2, "mistral", "eu")]),
    ("settings unpacked", "from openai import OpenAI\nc = OpenAI(**settings)\n", [(2, None, "unknown")]),
    ("mixed clients", "from openai import OpenAI\na = OpenAI()\nb = OpenAI(base_url='https://api.mistral.ai/v1')\n",
     [(1, "openai", "non-eu"), (2, "openai", "non-eu"), (3, "mistral", "eu")]),
    ("azure single provider", "import os\nfrom openai import AzureOpenAI\nc = AzureOpenAI(azure_endpoint=os.environ['E'])\n",
     [(3, "azure-openai", "non-eu")]),
    ("anthropic bedrock", "from anthropic import AnthropicBedrock\nc = AnthropicBedrock(aws_region='eu-west-3')\n",
     [(2, "aws-bedrock", "non-eu")]),
    ("ollama cloud host", "import ollama\nc = ollama.Client(host='https://ollama.com')\n", [(2, "ollama-cloud", "non-eu")]),
    ("ollama local", "import ollama\nollama.chat(model='llama3.1:8b', messages=[])\n", [(1, "ollama", "local")]),
    # --- frameworks that route by name
    ("langchain partner", "from langchain_mistralai import ChatMistralAI\nm = ChatMistralAI()\n",
     [(1, "mistral", "eu"), (2, "mistral", "eu")]),
    ("langchain legacy", "from langchain_community.chat_models import ChatOllama\nm = ChatOllama()\n",
     [(1, "ollama", "local"), (2, "ollama", "local")]),
    ("langchain core is nobody", "from langchain_core.prompts import ChatPromptTemplate\n", []),
    ("litellm prefix", "import litellm\nlitellm.completion(model='mistral/mistral-small-2409', messages=[])\n",
     [(2, "mistral", "eu")]),
    ("litellm bare", "import litellm\nlitellm.completion(model='gpt-4o', messages=[])\n", [(2, "openai", "non-eu")]),
    ("litellm router", "from litellm import Router\nr = Router(model_list=[{'model_name': 'a', 'litellm_params': "
     "{'model': 'bedrock/anthropic.claude-3'}}])\n", [(2, "aws-bedrock", "non-eu")]),
    ("bedrock region", "import boto3\nr = boto3.client('bedrock-runtime', region_name='eu-west-3')\n",
     [(2, "aws-bedrock", "non-eu")]),
    ("bedrock session", "import boto3\ns = boto3.Session()\nr = s.client('bedrock-runtime')\n",
     [(3, "aws-bedrock", "non-eu")]),
    ("mturk", "import boto3\nm = boto3.client('mturk', region_name='us-east-1')\n", [(2, "mturk", "non-eu")]),
    # --- raw HTTP and hard-coded endpoints
    ("requests", "import requests\nrequests.post('https://api.anthropic.com/v1/messages', json={})\n",
     [(2, "anthropic", "non-eu")]),
    ("httpx client", "import httpx\nc = httpx.AsyncClient(base_url='https://api.openai.com/v1')\n", [(2, "openai", "non-eu")]),
    ("session post", "import requests\ns = requests.Session()\ns.post('https://api.mistral.ai/v1/chat/completions')\n",
     [(3, "mistral", "eu")]),
    ("local AI path", "import requests\nrequests.post('http://localhost:8080/v1/chat/completions', json={})\n",
     [(2, "self-hosted", "local")]),
    ("ollama port", "URL = 'http://localhost:11434'\n", [(1, "ollama", "local")]),
    ("hard-coded endpoint constant", "API = 'https://api.deepseek.com/v1'\n", [(1, "deepseek", "non-eu")]),
    # --- in-process models
    ("transformers", "from transformers import AutoModel\nm = AutoModel.from_pretrained('org/name')\n",
     [(1, "transformers", "local"), (2, "transformers", "local")]),
    ("sentence-transformers", "from sentence_transformers import SentenceTransformer\nm = SentenceTransformer('x/y')\n",
     [(1, "transformers", "local"), (2, "transformers", "local")]),
    ("hf inference is remote", "from huggingface_hub import InferenceClient\nc = InferenceClient()\n",
     [(2, "huggingface", "non-eu")]),
]


@pytest.mark.parametrize(("name", "code", "expected"), CASES, ids=[c[0] for c in CASES])
def test_snippet(tmp_path: Path, name: str, code: str, expected: list[tuple[int, str | None, str]]) -> None:
    got = [(line, provider, jurisdiction) for _, line, provider, jurisdiction in scan(tmp_path, {"app.py": code})]
    assert got == expected


def test_constant_imported_from_the_project(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/settings.py": "BASE = 'https://api.scaleway.ai'\nURL = BASE + '/v1'\n",
        "pkg/client.py": "from openai import OpenAI\nfrom .settings import URL\nc = OpenAI(base_url=URL)\n",
        "other.py": "from openai import OpenAI\nfrom pkg import settings\nc = OpenAI(base_url=settings.URL)\n",
    }
    got = scan(tmp_path, files)
    assert ("pkg/client.py", 3, "scaleway", "eu") in got
    assert ("other.py", 3, "scaleway", "eu") in got
    assert not any(p == "openai" for _, _, p, _ in got)


def test_result_does_not_depend_on_files_scanned_together(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_files(root, {
        "settings.py": "URL = 'https://api.mistral.ai/v1'\n",
        "client.py": "from openai import OpenAI\nfrom settings import URL\nc = OpenAI(base_url=URL)\n",
    })
    alone, _ = run(ScanOptions(targets=("client.py",), cwd=root, jobs=1))
    assert [(u.path, u.provider) for u in alone.usages] == [("client.py", "mistral")]


def test_pep263_latin1(tmp_path: Path) -> None:
    got = scan(tmp_path, {"vieux.py": "# -*- coding: latin-1 -*-\n# Résumé\nimport mistralai\n".encode("latin-1")})
    assert got == [("vieux.py", 3, "mistral", "eu")]


def test_wrong_encoding_is_a_notice_not_a_crash(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_files(root, {"bad.py": b"# \xff\xfe caf\xe9\nimport openai\n"})
    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    assert [(u.path, u.provider) for u in report.usages] == [("bad.py", "openai")]
    assert any("latin-1" in n.reason for n in report.notices)


def test_broken_file_scanned_by_fallback(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_files(root, {"half.py": "import openai\n# import anthropic\n\ndef broken(:\n    pass\n"})
    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    assert [(u.line, u.provider) for u in report.usages] == [(1, "openai")]
    assert any("line by line" in n.reason for n in report.notices)


def test_notebook_code_cells(tmp_path: Path) -> None:
    import json

    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["import anthropic\n"]},
                    {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": ["%pip install openai\n", "from openai import OpenAI\n", "c = OpenAI()\n"]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    got = scan(tmp_path, {"a.ipynb": json.dumps(nb, indent=1)})
    assert [(p, prov) for p, _, prov, _ in got] == [("a.ipynb", "openai")] * 2  # the import, the client
    text = json.dumps(nb, indent=1).splitlines()
    assert text[got[0][1] - 1].strip().startswith('"from openai import OpenAI')


@pytest.mark.parametrize(("code", "expected"), [
    ("from langchain.chat_models import init_chat_model\nm = init_chat_model('mistralai:mistral-large-2411')\n",
     [(2, "mistral", "eu")]),
    ("from langchain.chat_models import init_chat_model\nm = init_chat_model('claude-x', model_provider='anthropic')\n",
     [(2, "anthropic", "non-eu")]),
    ("from langchain.chat_models import init_chat_model\nMODELS = {'a': 'openai:gpt-4o-2024-08-06'}\n"
     "m = init_chat_model(model=pick())\n", [(2, "openai", "non-eu"), (3, None, "unknown")]),
    ("TIME = 'openai:12'\n", []),  # no init_chat_model imported: just a string
])
def test_langchain_init_chat_model(tmp_path: Path, code: str, expected: list[tuple[int, str | None, str]]) -> None:
    assert [(line, p, j) for _, line, p, j in scan(tmp_path, {"app.py": code})] == expected


def test_prefilter_engines_agree() -> None:
    """RE2 (fast) and `re` (fallback) give the same verdicts, word edges included."""
    from cadre_hooks.prefilter import Prefilter, _re_pattern
    from cadre_hooks.registry import load_registry

    prefilter = Prefilter.from_registry(load_registry())
    fallback = _re_pattern(prefilter.words)
    samples = [b"import openai\n", b"import openapi\n", b"my_openai = 1", b"x=openai", b"openai", b"nothing here",
               b"@anthropic-ai/sdk", b"url = 'https://api.mistral.ai/v1'", b"altogether", b"# together with",
               b"-r base.txt", b"OPENAI_API_KEY=", b"XOPENAI_API_KEYX"]
    for sample in samples:
        assert prefilter.may_hold_ai(sample) == (fallback.search(sample) is not None), sample
    assert not prefilter.may_hold_ai(b"import openapi\n") and prefilter.may_hold_ai(b"import openai\n")
