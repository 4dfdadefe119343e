"""CDR105 and CDR302 as pure consumers of the per-file facts (issue 9, item 1): what they need is
computed once, in the detection pass, and stored in the scan cache; the rules read no file.

The proof used here: after a first scan, the files are overwritten with junk of the same size and
given back their modification time, so the scan cache still holds for them. A rule that read a file
again would see the junk; the findings must stay the same."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from conftest import make_repo

from cadre_hooks.cache import Entry, dump_entries, load_entries
from cadre_hooks.model import FileScan, HubLoad, HubSetting, RouteFunction

HUB_LOAD = """\
from transformers import AutoModel, pipeline

a = AutoModel.from_pretrained("camembert-base", local_files_only=True)
b = AutoModel.from_pretrained("dangvantuan/sentence-camembert-base")
c = pipeline("ner")
"""

# A route module without AI, in a sub-package, reaching the AI through two modules of the project.
TWO_HOPS = {
    "pkg/__init__.py": "",
    "pkg/web/__init__.py": "",
    "pkg/web/api.py": """\
        from fastapi import APIRouter

        from ..core import services

        router = APIRouter()


        @router.post("/ask")
        def ask(question: str):
            return services.answer(question)


        @router.get("/health")
        def health():
            return services.status()
        """,
    "pkg/core/__init__.py": "",
    "pkg/core/services.py": """\
        from .llm import complete


        def answer(question):
            cleaned = question.strip()
            return complete(cleaned)


        def status():
            return "ok"
        """,
    "pkg/core/llm.py": """\
        import requests


        def complete(prompt):
            reply = requests.post("https://api.mistral.ai/v1/chat/completions", json={"q": prompt})
            return reply.json()
        """,
}


def findings(result: Any, rule: str) -> list[tuple[str, int, str]]:
    return [(f["path"], f["line"], f["message"]) for f in result.json["findings"]
            if f["rule"] == rule and not f["suppressed"]]


def junk(repo: Path, *paths: str) -> None:
    """Overwrite each file with as many bytes of junk, keeping its modification time (the cache's key)."""
    for rel in paths:
        path = repo / rel
        st = path.stat()
        path.write_bytes(b"\xff" * st.st_size)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_route_module_without_ai_reaches_it_through_two_modules(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", TWO_HOPS)
    result = cadre("scan", "--format", "json", cwd=repo)
    found = findings(result, "CDR302")
    assert [(p, line) for p, line, _ in found] == [("pkg/web/api.py", 8)]  # not /health: it calls no AI
    assert "pkg/core/llm.py:5" in found[0][2]
    # The module the handler reaches first has no AI and no web import: found through the route links.
    assert findings(cadre("scan", "--format", "json", "pkg/web/api.py", cwd=repo), "CDR302") == []


def test_route_findings_come_from_the_cache_not_from_the_files(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", TWO_HOPS)
    first = cadre("scan", "--format", "json", cwd=repo)
    assert findings(first, "CDR302")
    junk(repo, "pkg/web/api.py", "pkg/core/services.py", "pkg/core/llm.py")
    again = cadre("scan", "--format", "json", cwd=repo)
    assert findings(again, "CDR302") == findings(first, "CDR302")
    assert again.json["usages"] == first.json["usages"]
    # Near-miss: a changed size is a changed file; the cache gives nothing, nothing is found.
    (repo / "pkg/core/services.py").write_text("def answer(q):\n    return q\n")
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR302") == []


def test_a_changed_module_down_the_chain_is_analysed_again(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", TWO_HOPS)
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR302")
    # services.py no longer calls the AI module: the handler module's cached links must not be reused.
    (repo / "pkg/core/services.py").write_text("def answer(question):\n    return question\n\n\n"
                                                "def status():\n    return 'ok'\n")
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR302") == []


def test_hub_findings_come_from_the_cache_not_from_the_files(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"m.py": HUB_LOAD})
    first = cadre("scan", "--format", "json", cwd=repo)
    assert [line for _, line, _ in findings(first, "CDR105")] == [4, 5]  # line 3 is local_files_only
    junk(repo, "m.py")
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR105") == findings(first, "CDR105")


def test_a_folder_of_the_model_s_name_appearing_makes_the_load_local(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"app/m.py": HUB_LOAD})
    assert len(findings(cadre("scan", "--format", "json", cwd=repo), "CDR105")) == 2
    (repo / "app/dangvantuan/sentence-camembert-base").mkdir(parents=True)  # beside the code: local
    assert [line for _, line, _ in findings(cadre("scan", "--format", "json", cwd=repo), "CDR105")] == [5]
    (repo / "app/dangvantuan/sentence-camembert-base").rmdir()
    assert len(findings(cadre("scan", "--format", "json", cwd=repo), "CDR105")) == 2


def test_repository_settings_come_from_the_cache(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "r", {"m.py": HUB_LOAD, "deploy/Dockerfile": "FROM python\nENV HF_HUB_OFFLINE=1\n"})
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR105") == []
    junk(repo, "deploy/Dockerfile")
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR105") == []


def test_an_ignored_root_env_file_counts_on_every_kind_of_scan(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    files = {"m.py": HUB_LOAD, ".gitignore": ".env\n", ".env": "HF_HUB_OFFLINE=1\n", "other.py": "x = 1\n"}
    repo = make_repo(tmp_path / "r", files)
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR105") == []
    assert findings(cadre("scan", "--format", "json", "m.py", cwd=repo), "CDR105") == []
    assert findings(cadre("scan", "--format", "json", "m.py", "other.py", cwd=repo), "CDR105") == []


def test_settings_files_without_a_detector_of_their_own(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    for name, text in ((".envrc", "export HF_HUB_OFFLINE=1\n"), ("ops/app.containerfile", "ENV HF_HUB_OFFLINE=1\n")):
        repo = make_repo(tmp_path / name.replace("/", "_"), {"m.py": HUB_LOAD, name: text})
        assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR105") == []
        assert findings(cadre("scan", "--format", "json", "m.py", cwd=repo), "CDR105") == []


def test_settings_files_a_partial_scan_does_not_count(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    # Near-misses: installed code, a `.env` below the root, a file excluded by the configuration.
    files = {"m.py": HUB_LOAD, "node_modules/x/Dockerfile": "ENV HF_HUB_OFFLINE=1\n",
             "svc/.env": "HF_HUB_OFFLINE=1\n", "old/compose.yaml": "services: {a: {environment: [HF_HUB_OFFLINE=1]}}\n",
             ".cadre.toml": 'exclude = ["old/**"]\n'}
    repo = make_repo(tmp_path / "r", files)
    whole = findings(cadre("scan", "--format", "json", cwd=repo), "CDR105")
    assert len(whole) == 2 and findings(cadre("scan", "--format", "json", "m.py", cwd=repo), "CDR105") == whole


def test_a_compose_env_file_is_a_dependency_of_the_compose_file(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    files = {"m.py": HUB_LOAD, "compose.yaml": "services:\n  app:\n    env_file: [conf/app.env]\n",
             "conf/app.env": "HF_HUB_OFFLINE=1\n"}
    repo = make_repo(tmp_path / "r", files)
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR105") == []
    (repo / "conf/app.env").write_text("HF_HUB_OFFLINE=0\nOTHER=1\n")  # another size: the compose file's result is stale
    assert len(findings(cadre("scan", "--format", "json", cwd=repo), "CDR105")) == 2


def test_the_new_facts_survive_the_scan_cache() -> None:
    scan = FileScan(
        "web/api.py", hub_loads=(HubLoad(3, 5, local_only=True), HubLoad(7, 1, pipeline=True, model=None),
                                 HubLoad(9, 1, pipeline=True, model="pipeline('ner')")),
        hub_settings=(HubSetting("HF_HUB_OFFLINE", "1"), HubSetting("HF_ENDPOINT", None)),
        route_links=(RouteFunction("core/llm.py", "complete", 4, 1, ai_line=5, ai_evidence="requests.post(…)",
                                   calls=("core/x.py:f",), end_line=6),),
        facts=("routes-analysed",))
    entries = {"web/api.py": Entry(10, 20, "d", (("core/llm.py", 1, 2),), scan)}
    import json

    path = Path(os.environ["CADRE_CACHE_DIR"]) / "round-trip.json"
    path.write_text(dump_entries(entries))
    assert load_entries(path) == entries
    # A damaged fact is not read back: the whole cache is dropped.
    data = json.loads(path.read_text())
    data["extra"][str(data["paths"].index("web/api.py"))][1]["hub_loads"][0]["line"] = "three"  # [depends_on, result]
    path.write_text(json.dumps(data))
    assert load_entries(path) == {}


def test_a_route_module_without_ai_keeps_its_suppressions(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    files = dict(TWO_HOPS)
    files["pkg/web/api.py"] = files["pkg/web/api.py"].replace(
        '@router.post("/ask")', '@router.post("/ask")  # cadre: ignore[CDR302] internal route, agents only')
    repo = make_repo(tmp_path / "r", files)
    result = cadre("scan", "--format", "json", cwd=repo)
    suppressed = [f for f in result.json["findings"] if f["rule"] == "CDR302"]
    assert [(f["path"], f["suppressed"], f["suppression_reason"]) for f in suppressed] == [
        ("pkg/web/api.py", True, "internal route, agents only")]


def test_the_route_marker() -> None:
    import re

    from cadre_hooks import relevance
    from cadre_hooks.relevance import may_declare_routes

    engine = relevance._web_import()
    standard = re.compile(engine.pattern if isinstance(engine.pattern, bytes) else b"")  # type: ignore[attr-defined]
    for header in (b"from aiohttp import ClientSession, web\n", b"import aiohttp.web\n", b"import aiohttp\n",
                   b"from flask_restx import Api\n", b"import flaskish\n", b"from  django.urls import path\n",
                   b"x = 1  # from fastapi import nothing\n", b"from\tbottle import route\n", b"import ninja2\n"):
        assert (engine.search(header) is None) == (standard.search(header) is None), header

    assert may_declare_routes("app/urls.py", b"")  # Django's by name
    assert may_declare_routes("a.py", b"from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef f(): ...\n")
    assert may_declare_routes("a.py", b"from aiohttp import web\n\nclass V(web.View):\n    pass\n")
    # Near-misses: aiohttp's client, a framework imported below the first function, no route at all,
    # a module that is not Python source.
    assert not may_declare_routes("a.py", b"import aiohttp\n\nasync def f(s):\n    await s.get('/')\n")
    assert not may_declare_routes("a.py", b"import os\n\ndef f():\n    from flask import request\n    return path('x')\n")
    assert not may_declare_routes("a.py", b"from fastapi import HTTPException\n\nraise HTTPException(404)\n")
    assert not may_declare_routes("a.pyi", b"from flask import Flask\n@app.route('/')\ndef f(): ...\n")


def test_the_two_rules_read_no_file() -> None:
    """CDR105 and CDR302 look at no file, folder or listing: everything comes from the FileScans."""
    import ast

    import cadre_hooks.checks as checks

    folder = Path(checks.__file__).parent
    for name in ("downloads.py", "public.py"):
        tree = ast.parse((folder / name).read_text(encoding="utf-8"))
        calls = {node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                 for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, (ast.Attribute, ast.Name))}
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert calls.isdisjoint({"open", "read_bytes", "read_text", "listdir", "scandir", "walk", "read_in_root",
                                 "exists", "stat", "is_file", "is_dir", "run"}), name
        assert imported.isdisjoint({"cadre_hooks.safeio", "cadre_hooks.scan", "cadre_hooks.scanner", "os",
                                    "subprocess", "cadre_hooks.detect.python.project"}), name


def test_detections_placed_afterwards_give_what_the_analysis_gives_with_them(tmp_path: Path) -> None:
    """route_links analyses a module without its detections; with_detections must land on the same records."""
    import ast
    import textwrap

    from cadre_hooks.detect.context import DetectContext
    from cadre_hooks.detect.python import scan_python
    from cadre_hooks.detect.python.crossfile import import_bindings
    from cadre_hooks.detect.python.routes import RouteAnalyzer, with_detections
    from cadre_hooks.registry import load_registry

    code = textwrap.dedent("""\
        import requests
        from mistralai import Mistral

        client = Mistral(api_key="k")


        def outer(q):
            def inner():
                return requests.post("https://api.openai.com/v1/chat/completions", json={})
            helper(q)
            return client.chat.complete(model="m", messages=[]) or inner()


        def helper(q):
            x = 1
            requests.post("https://api.mistral.ai/v1/embeddings", json={})  # same line as nothing else
            return q


        def quiet():
            return 2
        """)
    registry = load_registry()
    ctx = DetectContext(registry, tmp_path, frozenset())
    detections = scan_python("m.py", code.encode(), ctx).detections
    assert any(d.kind == "endpoint" or d.kind == "call" for d in detections)
    tree = ast.parse(code)
    bound, _ = import_bindings(tree)
    expected = RouteAnalyzer("m.py", tree, registry, tmp_path, None, bound, detections=detections).run()
    bare = RouteAnalyzer("m.py", tree, registry, tmp_path, None, bound, every_function=True).run()
    placed = {r.name: r for r in with_detections(bare, detections, registry)}
    assert expected and all(placed[r.name] == r for r in expected)
    assert placed["quiet"].ai_line == 0 and "quiet" not in {r.name for r in expected}
    # The case that needs the detections: helper's only AI is a raw HTTP call the route pass cannot see.
    assert {r.name: r.ai_line for r in bare}["helper"] == 0 and placed["helper"].ai_line == 16


def test_settings_files_of_a_folder_without_git(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    from conftest import write_files

    repo = tmp_path / "plain"
    write_files(repo, {"m.py": HUB_LOAD, "deploy/Dockerfile": "FROM python\nENV HF_HUB_OFFLINE=1\n",
                       ".venv/pyvenv.cfg": "home = /usr\n", ".venv/Dockerfile": "ENV HF_HUB_OFFLINE=1\n"})
    assert findings(cadre("scan", "--format", "json", cwd=repo), "CDR105") == []
    assert findings(cadre("scan", "--format", "json", "m.py", cwd=repo), "CDR105") == []
    (repo / "deploy/Dockerfile").unlink()
    assert len(findings(cadre("scan", "--format", "json", "m.py", cwd=repo), "CDR105")) == 2
