"""The charter rules of issue 4: crowd labour (CDR301), model downloads from the hub (CDR105) and
AI facing the public from a web route (CDR302), through the real command line on real git repositories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import make_repo, write_files

HUB_LOAD = """\
from transformers import AutoModelForCausalLM, AutoTokenizer

NAME = "mistralai/Mistral-7B-Instruct-v0.3"
tok = AutoTokenizer.from_pretrained(NAME)
model = AutoModelForCausalLM.from_pretrained(NAME)
"""


def findings(result: Any, rule: str) -> list[tuple[str, int]]:
    return [(f["path"], f["line"]) for f in result.json["findings"] if f["rule"] == rule and not f["suppressed"]]


# --- CDR301 crowd-labour-platform ---------------------------------------------------------------
@pytest.mark.parametrize("config", ["", 'approve = ["mturk"]\n'])
def test_crowd_labour_replaces_the_jurisdiction_rule(  # type: ignore[no-untyped-def]
        tmp_path: Path, cadre, config: str) -> None:
    files = {"labelling.py": 'import boto3\n\nmturk = boto3.client("mturk", region_name="us-east-1")\n'}
    if config:
        files[".cadre.toml"] = config
    repo = make_repo(tmp_path / "r", files)
    result = cadre("scan", "--format", "json", "labelling.py", cwd=repo)
    assert result.status == 1
    assert findings(result, "CDR301") == [("labelling.py", 3)]
    assert findings(result, "CDR101") == []  # never both, approved or not


def test_crowd_labour_message_in_french_and_english(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"t.py": "import toloka.client as toloka\nc = toloka.TolokaClient('k', 'x')\n"})
    english = cadre("scan", "--lang", "en", "t.py", cwd=repo).out
    french = cadre("scan", "--lang", "fr", "t.py", cwd=repo).out
    assert "CDR301" in english and "micro-task labour platform" in english and "commitment 8" in english
    assert "plateforme de micro-travail" in french and "engagement 8" in french


# --- CDR105 model-hub-download -------------------------------------------------------------------
def test_hub_download_is_a_warning_never_a_non_eu_usage(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"local_llm.py": HUB_LOAD})
    result = cadre("scan", "--format", "json", cwd=repo)
    assert findings(result, "CDR105") == [("local_llm.py", 4), ("local_llm.py", 5)]
    assert findings(result, "CDR101") == []
    hub = [f for f in result.json["findings"] if f["rule"] == "CDR105"]
    assert {f["provider"] for f in hub} == {"huggingface"} and {f["severity"] for f in hub} == {"warning"}
    assert "mistralai/Mistral-7B-Instruct-v0.3" in hub[0]["message"]
    assert {u["provider"] for u in result.json["usages"]} == {"transformers"}


def test_hub_download_message_in_french(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"local_llm.py": HUB_LOAD})
    out = cadre("scan", "--lang", "fr", "local_llm.py", cwd=repo).out
    assert "téléchargés à l'exécution depuis le hub Hugging Face" in out and "[avertissement]" in out


@pytest.mark.parametrize(("where", "content"), [
    (".env", "HF_HUB_OFFLINE=1\n"),
    (".env.production", "export TRANSFORMERS_OFFLINE='true'  # no hub in production\n"),
    ("deploy/Dockerfile", "FROM python:3.12\nENV PYTHONUNBUFFERED=1 \\\n    HF_HUB_OFFLINE=1\n"),
    ("Containerfile", "FROM python:3.12\nENV HF_ENDPOINT https://hub-mirror.example.eu\n"),
    ("compose.yaml", "services:\n  app:\n    environment:\n      - HF_HUB_OFFLINE=1\n"),
    ("docker-compose.yml", "services:\n  app:\n    environment:\n      HF_ENDPOINT: https://mirror.example.eu\n"),
    ("docker-compose.override.yml", "services:\n  app:\n    env_file: [config/app.env]\n"),
])
def test_offline_or_mirror_setting_in_the_repository(  # type: ignore[no-untyped-def]
        tmp_path: Path, cadre, where: str, content: str) -> None:
    files = {"local_llm.py": HUB_LOAD, where: content, "config/app.env": "HF_HUB_OFFLINE=1\n"}
    repo = make_repo(tmp_path / "r", files)
    whole = cadre("scan", "--format", "json", cwd=repo)
    one_file = cadre("scan", "--format", "json", "local_llm.py", cwd=repo)  # what pre-commit does
    assert findings(whole, "CDR105") == findings(one_file, "CDR105") == []


@pytest.mark.parametrize("content", [
    ".env: HF_HUB_OFFLINE=0",
    "Dockerfile: ENV HF_ENDPOINT=https://huggingface.co",
    "compose.yaml: services: {app: {environment: [HF_HUB_OFFLINE=false]}}",
    ".env.sample: OTHER=1",
])
def test_settings_that_do_not_keep_the_hub_away(  # type: ignore[no-untyped-def]
        tmp_path: Path, cadre, content: str) -> None:
    name, _, text = content.partition(": ")
    repo = make_repo(tmp_path / "r", {"local_llm.py": HUB_LOAD, name: text + "\n", "sub/.env": "HF_HUB_OFFLINE=1\n"})
    result = cadre("scan", "--format", "json", "local_llm.py", cwd=repo)
    assert len(findings(result, "CDR105")) == 2  # sub/.env is not at the root


@pytest.mark.parametrize("code", [
    'import os\nos.environ["HF_HUB_OFFLINE"] = "1"\n',
    'import os\nos.environ.setdefault("TRANSFORMERS_OFFLINE", "1")\n',
    'from os import environ\nenviron.update(HF_ENDPOINT="https://mirror.example.eu")\n',
    'import os\nos.environ["HF_ENDPOINT"] = MIRROR\n',
])
def test_offline_setting_in_the_python_file(tmp_path: Path, cadre, code: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"local_llm.py": code + HUB_LOAD})
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR105") == []


def test_local_paths_and_local_files_only(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    code = """\
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, pipeline
    from llama_cpp import Llama

    a = AutoModel.from_pretrained("./models/camembert")
    b = AutoModel.from_pretrained("/opt/models/camembert")
    c = AutoModel.from_pretrained("models/camembert")
    d = AutoModel.from_pretrained("camembert-base",
                                  local_files_only=True)
    e = SentenceTransformer("dangvantuan/sentence-camembert-base")
    f = pipeline("ner")
    g = pipeline("ner", model="./models/ner")
    h = Llama.from_pretrained(repo_id="TheBloke/Mistral-7B-GGUF", filename="*Q4_K_M.gguf")
    i = Llama(model_path="./models/mistral.gguf")
    """
    repo = make_repo(tmp_path / "r", {"m.py": code, "models/camembert/config.json": "{}\n"})
    result = cadre("scan", "--format", "json", "m.py", cwd=repo)
    assert [line for _, line in findings(result, "CDR105")] == [10, 11, 13]


def test_hub_download_in_a_notebook(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    import json

    cells: list[dict[str, Any]] = [
        {"cell_type": "code", "source": ["import os\n", "print(os.getcwd())\n"]},
        {"cell_type": "code", "source": ["from transformers import AutoModel\n",
                                         "m = AutoModel.from_pretrained('camembert-base')\n"]}]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    repo = make_repo(tmp_path / "r", {"explore.ipynb": json.dumps(notebook, indent=1)})
    result = cadre("scan", "--format", "json", cwd=repo)
    assert len(findings(result, "CDR105")) == 1
    cells[0]["source"] = ["import os\n", "os.environ['HF_HUB_OFFLINE'] = '1'\n"]
    write_files(repo, {"explore.ipynb": json.dumps(notebook, indent=1)})
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR105") == []


def test_hub_download_severity_can_be_raised(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"m.py": HUB_LOAD, ".cadre.toml": '[severity]\nCDR105 = "error"\n'})
    result = cadre("scan", "--format", "json", "m.py", cwd=repo)
    assert result.status == 1 and {f["severity"] for f in result.json["findings"] if f["rule"] == "CDR105"} == {"error"}


# --- CDR302 ai-facing-the-public -----------------------------------------------------------------
FLASK = """\
from flask import Flask, request
from openai import OpenAI

app = Flask(__name__)
client = OpenAI(base_url="https://albert.api.etalab.gouv.fr/v1", api_key="k")


@app.route("/aide", methods=["POST"])
def aide():
    answer = client.chat.completions.create(model="albert-large", messages=[{"role": "user", "content": "q"}])
    return answer.choices[0].message.content


@app.route("/sante")
def sante():
    return "ok"


def batch():
    return client.chat.completions.create(model="albert-large", messages=[])
"""


def test_flask_route_calling_ai(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": FLASK})
    result = cadre("scan", "--format", "json", "app.py", cwd=repo)
    assert result.status == 1
    assert findings(result, "CDR302") == [("app.py", 8)]
    finding = next(f for f in result.json["findings"] if f["rule"] == "CDR302")
    assert finding["provider"] == "albert" and finding["severity"] == "error"
    assert "aide" in finding["message"] and "human" in finding["message"] and "line 10" in finding["message"]
    french = cadre("scan", "--lang", "fr", "app.py", cwd=repo).out
    assert "placer un humain entre le modèle et le public" in french and "ligne 10" in french


@pytest.mark.parametrize("where", ["decorator", "def"])
def test_internal_route_suppressed_with_its_reason(  # type: ignore[no-untyped-def]
        tmp_path: Path, cadre, where: str) -> None:
    marker = "  # cadre: ignore[CDR302] internal route, agents only"
    code = FLASK.replace('methods=["POST"])', 'methods=["POST"])' + marker) if where == "decorator" \
        else FLASK.replace("def aide():", "def aide():" + marker)
    repo = make_repo(tmp_path / "r", {"app.py": code})
    result = cadre("scan", "--format", "json", "app.py", cwd=repo)
    assert findings(result, "CDR302") == []
    suppressed = [f for f in result.json["findings"] if f["rule"] == "CDR302"]
    assert [(f["suppressed"], f["suppression_reason"]) for f in suppressed] == [(True, "internal route, agents only")]


FRAMEWORKS = {
    "fastapi": """\
        import ollama
        from fastapi import APIRouter

        router = APIRouter()


        def summarise(text: str) -> str:
            return ollama.chat(model="mistral:7b", messages=[])["message"]["content"]


        @router.post("/resume")
        async def resume(text: str) -> str:
            return summarise(text)
        """,
    "aiohttp": """\
        import litellm
        from aiohttp import web

        routes = web.RouteTableDef()


        @routes.get("/a")
        async def a(request):
            return web.json_response(await litellm.acompletion(model="mistral/mistral-small-2409", messages=[]))


        async def b(request):
            return web.json_response(await litellm.acompletion(model="mistral/mistral-small-2409", messages=[]))


        async def c(request):
            return web.json_response(await litellm.acompletion(model="mistral/mistral-small-2409", messages=[]))


        app = web.Application()
        app.add_routes([web.get("/b", b)])
        app.router.add_post("/c", c)
        """,
    "starlette": """\
        from mistralai import Mistral
        from starlette.applications import Starlette
        from starlette.routing import Route

        client = Mistral(api_key="k")


        class Assistant:
            def reply(self, text):
                return client.chat.complete(model="mistral-small-2409", messages=[])


        assistant = Assistant()


        async def chat(request):
            return assistant.reply("q")


        app = Starlette(routes=[Route("/chat", endpoint=chat)])
        """,
    "django": """\
        from django.http import JsonResponse
        from django.views import View
        from mistralai import Mistral

        client = Mistral(api_key="k")


        def chat(request):
            return JsonResponse({"a": client.chat.complete(model="mistral-small-2409", messages=[])})


        class AskView(View):
            def post(self, request):
                return JsonResponse({"a": self._answer()})

            def _answer(self):
                return client.chat.complete(model="mistral-small-2409", messages=[])
        """,
    "flask-factory": """\
        import ollama
        from flask import Flask


        def create_app():
            app = Flask(__name__)

            @app.get("/r")
            def r():
                return ollama.generate(model="mistral:7b", prompt="q")

            return app
        """,
}
EXPECTED = {"fastapi": [11], "aiohttp": [7, 12, 16], "starlette": [16], "django": [8, 13], "flask-factory": [8]}


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_handlers_of_each_framework(tmp_path: Path, cadre, framework: str) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"web.py": FRAMEWORKS[framework]})
    result = cadre("scan", "--format", "json", "web.py", cwd=repo)
    assert [line for _, line in findings(result, "CDR302")] == EXPECTED[framework]


def test_not_routes(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    code = """\
    import httpx
    import ollama
    import typer
    from fastapi import FastAPI

    app = FastAPI()
    cli = typer.Typer()
    client = ollama.Client(host="http://localhost:11434")


    @cli.command()
    def summarise(path: str) -> None:
        print(client.chat(model="mistral:7b", messages=[]))


    @app.get("/proxy")
    def proxy() -> str:
        client = httpx.Client()  # a local name that is not the AI client
        return client.get("https://example.org").text


    class Cache:
        @staticmethod
        def get(key: str) -> str:
            return key
    """
    repo = make_repo(tmp_path / "r", {"app.py": code})
    assert findings(cadre("scan", "--format", "json", "app.py", cwd=repo), "CDR302") == []


CROSS_FILE = {
    "app/__init__.py": "",
    "app/llm.py": """\
        from mistralai import Mistral

        client = Mistral(api_key="k")


        def answer(question: str) -> str:
            return client.chat.complete(model="mistral-small-2409", messages=[])
        """,
    "app/service.py": """\
        from app.llm import answer


        class Helper:
            def run(self, q):
                return answer(q)
        """,
    "web/routes.py": """\
        from fastapi import APIRouter
        from app.service import Helper

        router = APIRouter()
        helper = Helper()


        @router.get("/ask")
        def ask(q: str):
            return helper.run(q)


        @router.get("/health")
        def health():
            return "ok"
        """,
    "web/__init__.py": "",
    "web/views.py": """\
        from django.http import JsonResponse
        from app import llm


        def chat(request):
            return JsonResponse({"a": llm.answer(request.GET["q"])})
        """,
    "web/urls.py": """\
        from django.urls import path

        from . import plain

        urlpatterns = [path("plain/", plain.page)]
        """,
    "web/plain.py": """\
        from .. import app as application
        from app.llm import answer as ask_model


        def page(request):
            return ask_model("q")


        def unused(request):
            return "no AI"
        """,
}


def test_calls_followed_across_files_on_a_whole_repository(  # type: ignore[no-untyped-def]
        tmp_path: Path, cadre) -> None:
    repo = make_repo(tmp_path / "r", CROSS_FILE)
    result = cadre("scan", "--format", "json", cwd=repo)
    assert findings(result, "CDR302") == [("web/plain.py", 5), ("web/routes.py", 8), ("web/views.py", 5)]
    routes = next(f for f in result.json["findings"] if f["path"] == "web/routes.py")
    assert "app/llm.py:7" in routes["message"] and routes["provider"] == "mistral"
    # One file at a time (pre-commit), calls into other files are not followed.
    assert findings(cadre("scan", "--format", "json", "web/routes.py", cwd=repo), "CDR302") == []


def test_route_rule_can_be_turned_off(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app.py": FLASK, ".cadre.toml": '[severity]\nCDR302 = "off"\n'})
    result = cadre("scan", "--format", "json", "app.py", cwd=repo)
    assert findings(result, "CDR302") == [] and result.status == 0


def test_routes_of_an_application_imported_from_the_package(  # type: ignore[no-untyped-def]
        tmp_path: Path, cadre) -> None:
    files = {
        "portal/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "portal/llm.py": "import ollama\n\n\ndef ask(q):\n    return ollama.chat(model='mistral:7b', messages=[])\n",
        "portal/views.py": "from portal import app\nfrom portal.llm import ask\n\n\n@app.route('/q')\ndef q():\n"
                           "    return ask('q')\n",
        "portal/direct.py": "import ollama\nfrom . import app\n\n\n@app.post('/d')\ndef d():\n"
                            "    return ollama.generate(model='mistral:7b', prompt='q')\n",
    }
    repo = make_repo(tmp_path / "r", files)
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR302") == [("portal/direct.py", 5),
                                                                                 ("portal/views.py", 5)]
    assert findings(cadre("scan", "--format", "json", "portal/direct.py", cwd=repo), "CDR302") == [
        ("portal/direct.py", 5)]
