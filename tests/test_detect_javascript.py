"""The JavaScript/TypeScript detector (tree-sitter): imports of AI packages, clients whose base URL
decides the provider, hard-coded endpoints; comments, strings and look-alike packages are not usages."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_repo
from conftest import scan_tree as scan


CASES = [
    # --- imports
    ("a.js", 'import OpenAI from "openai";\nconst c = new OpenAI();\n', [(1, "openai", "import")]),
    ("a.js", "const Anthropic = require('@anthropic-ai/sdk');\nconst c = new Anthropic();\n",
     [(1, "anthropic", "import")]),
    ("a.ts", 'import { Mistral } from "@mistralai/mistralai";\nconst c = new Mistral({ apiKey: "" });\n',
     [(1, "mistral", "import")]),
    ("a.mjs", 'const { default: Groq } = await import("groq-sdk");\n', [(1, "groq", "import")]),
    ("a.cjs", 'const m = require("openai/resources/chat");\n', [(1, "openai", "import")]),
    ("a.ts", 'import oa = require("openai");\n', [(1, "openai", "import")]),
    ("a.ts", 'export { ChatMistralAI } from "@langchain/mistralai";\n', [(1, "mistral", "import")]),
    ("a.tsx", 'import { useChat } from "@ai-sdk/anthropic";\nexport const A = () => <div>{useChat()}</div>;\n',
     [(1, "anthropic", "import")]),
    ("a.mts", 'import * as cohere from "cohere-ai";\n', [(1, "cohere", "import")]),
    # --- mentions are not usages
    ("a.js", '// import OpenAI from "openai";\n/* require("@anthropic-ai/sdk") */\nconst x = 1;\n', []),
    ("a.js", 'const s = `import OpenAI from "openai"`;\nconst t = "require(\'openai\')";\n', []),
    ("a.ts", 'import type { ChatCompletion } from "openai/resources";\nlet c: ChatCompletion;\n', []),
    ("a.js", 'import { x } from "openai-utils";\nimport y from "./openai";\nimport ai from "ai";\n', []),
    ("a.js", '// see https://api.openai.com/v1/chat/completions\nconst db = "http://localhost:5432/db";\n', []),
    ("a.jsx", 'const el = <a title="openai">OpenAI and mistral</a>;\n', []),
    # --- the endpoint decides (a constant holding the URL is reported too, as in Python and the
    # other languages of the shared engine: it was not, before JavaScript moved onto that engine)
    ("llm.ts", 'import OpenAI from "openai";\n\nexport const client = new OpenAI({\n'
     '  apiKey: process.env.SCW_SECRET_KEY,\n'
     '  baseURL: "https://api.scaleway.ai/v1",\n});\n', [(5, "scaleway", "client")]),
    ("llm.ts", 'import OpenAI from "openai";\nconst BASE = "https://api.mistral.ai/v1";\n'
     "const c = new OpenAI({ baseURL: BASE });\n", [(2, "mistral", "endpoint"), (3, "mistral", "client")]),
    ("llm.ts", 'import OpenAI from "openai";\nconst baseURL = "https://api.mistral.ai/v1";\n'
     "const c = new OpenAI({ baseURL });\n", [(2, "mistral", "endpoint"), (3, "mistral", "client")]),
    ("llm.js", 'import OpenAI from "openai";\nconst c = new OpenAI({ baseURL: process.env.LLM_URL ?? '
     '"https://albert.api.etalab.gouv.fr/v1" });\n', [(2, "albert", "client")]),
    ("llm.js", 'import OpenAI from "openai";\nconst c = new OpenAI({ baseURL: process.env.LLM_URL });\n',
     [(2, None, "client")]),
    ("llm.js", 'import OpenAI from "openai";\nconst c = new OpenAI({ baseURL: "http://localhost:11434/v1" });\n',
     [(2, "ollama", "client")]),
    ("llm.js", 'import OpenAI from "openai";\nconst a = new OpenAI({ baseURL: "https://api.mistral.ai/v1" });\n'
     "const b = new OpenAI();\n", [(1, "openai", "import"), (2, "mistral", "client")]),
    ("llm.js", 'import * as lc from "@langchain/openai";\n'
     'const m = new lc.ChatOpenAI({ configuration: { baseURL: "https://api.mistral.ai/v1" } });\n',
     [(2, "mistral", "client")]),
    ("llm.js", 'import { createOpenAI } from "@ai-sdk/openai";\n'
     "const p = createOpenAI({ baseURL: `https://api.scaleway.ai/${'v1'}` });\n", [(2, "scaleway", "client")]),
    ("llm.js", 'import { openai } from "@ai-sdk/openai";\nconst m = openai("gpt-4o");\n', [(1, "openai", "import")]),
    ("llm.ts", 'const { AzureOpenAI } = require("openai");\n'
     'const c = new AzureOpenAI({ endpoint: "https://acme.openai.azure.com" });\n', [(2, "azure-openai", "client")]),
    # --- hard-coded endpoints
    # a raw HTTP call to an AI endpoint is a call site (it was an `endpoint` before the shared engine)
    ("call.js", 'await fetch("https://api.anthropic.com/v1/messages", { method: "POST" });\n',
     [(1, "anthropic", "call")]),
    ("call.js", 'const URL_ = "https://api.anthropic.com/v1/messages";\nconsole.log("see docs");\n',
     [(1, "anthropic", "endpoint")]),
    ("call.js", "const u = `https://api.openai.com/v1/${path}`;\n", [(1, "openai", "endpoint")]),
    # --- the shared engine: named imports with aliases, destructured require, calls through clients
    ("llm.ts", 'import { Mistral as M } from "@mistralai/mistralai";\n'
     'const c = new M({ serverURL: "https://api.mistral.ai" });\n', [(2, "mistral", "client")]),
    ("llm.js", 'const { OpenAI } = require("openai");\n'
     'const c = new OpenAI({ baseURL: "https://api.scaleway.ai/v1" });\n', [(2, "scaleway", "client")]),
    ("llm.js", 'import OpenAI from "openai";\nclass A { constructor() { this.c = new OpenAI(); }\n'
     '  run() { return this.c.embeddings.create({ input: "x" }); } }\n',
     [(1, "openai", "import"), (3, "openai", "call")]),
    ("llm.js", 'import OpenAI from "openai";\nconst c = new OpenAI();\nc.models.list();\n',
     [(1, "openai", "import")]),  # listing models sends no data
    ("llm.js", 'import OpenAI from "openai";\nconst c = new OpenAI({ baseURL: "https://api.mistral.ai/v1" });\n'
     'await c.chat.completions.create({ model: "mistral-small-latest" });\n',
     [(2, "mistral", "client"), (3, "mistral", "call")]),
    # --- the Vercel AI SDK: a call whose model is a provider's model
    ("ai.ts", 'import { generateText, embed } from "ai";\nimport { anthropic } from "@ai-sdk/anthropic";\n'
     'const r = await generateText({ model: anthropic("claude-3-5-haiku-latest"), prompt: "hi" });\n',
     [(2, "anthropic", "import"), (3, "anthropic", "call")]),
    ("ai.ts", 'import { generateText } from "ai";\nimport { createOpenAI } from "@ai-sdk/openai";\n'
     'const scw = createOpenAI({ baseURL: "https://api.scaleway.ai/v1" });\n'
     'await generateText({ model: scw("llama-3.1-8b-instruct"), prompt: "hi" });\n',
     [(3, "scaleway", "client"), (4, "scaleway", "call")]),
    ("ai.ts", 'import { generateText } from "ai";\nimport { pick } from "./models";\n'
     'await generateText({ model: pick("gpt-4o"), prompt: "hi" });\n', []),
    # --- a provider's variable read in code; a look-alike object is not the environment
    ("key.js", 'const k = process.env.MISTRAL_API_KEY;\n', [(1, "mistral", "config")]),
    ("key.ts", 'const k = import.meta.env.ANTHROPIC_API_KEY;\n', [(1, "anthropic", "config")]),
    ("key.js", 'const k = config.env.MISTRAL_API_KEY;\nconst l = process.env.HOME;\n', []),
    # a look-alike package whose name only starts like an SDK's
    ("a.js", 'import x from "openai.js";\nimport y from "@mistralai/mistralai-utils";\n', []),
]


@pytest.mark.parametrize("path, content, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_javascript(tmp_path: Path, path: str, content: str, expected: list[tuple[int, str | None, str]]) -> None:
    report = scan(tmp_path, {path: content})
    assert [(u.line, u.provider, u.kind) for u in report.usages] == expected


def test_unresolved_endpoint_names_its_environment_variable(tmp_path: Path) -> None:
    report = scan(tmp_path, {"a.js": 'import OpenAI from "openai";\n'
                                     'new OpenAI({ baseURL: process.env["LLM_URL"] });\n'})
    assert [(u.provider, u.endpoint_env) for u in report.usages] == [(None, "LLM_URL")]


def test_typed_expressions_are_read_through(tmp_path: Path) -> None:
    report = scan(tmp_path, {"a.ts": 'import OpenAI from "openai";\n'
                                     'new OpenAI({ baseURL: process.env.LLM_URL as string });\n'
                                     'new OpenAI({ baseURL: <string>"https://api.mistral.ai/v1" });\n'})
    assert [(u.line, u.provider, u.endpoint_env) for u in report.usages] == [(2, None, "LLM_URL"),
                                                                           (3, "mistral", None)]


def test_syntax_errors_keep_what_parses_and_say_so(tmp_path: Path) -> None:
    report = scan(tmp_path, {"broken.js": 'import OpenAI from "openai";\nconst = = ;\n'})
    assert [(u.line, u.provider) for u in report.usages] == [(1, "openai")]
    assert any("syntax errors" in n.reason for n in report.notices)


def test_model_names_are_attached(tmp_path: Path) -> None:
    report = scan(tmp_path, {"a.js": 'import OpenAI from "openai";\nconst c = new OpenAI();\n'
                                     'await c.chat.completions.create({ model: "gpt-4o", messages: [] });\n'})
    # the call through the client is a usage of its own (the shared engine), with its model
    assert [(u.kind, u.models) for u in report.usages] == [("import", ("gpt-4o",)), ("call", ("gpt-4o",))]
    assert [u.operation for u in report.usages if u.kind == "call"] == ["chat"]


def test_suppression_comment_covers_the_statement(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "repo", {
        "a.js": "// cadre: ignore[CDR101] translation benchmark approved by the DPO\n"
                'import OpenAI from "openai";\n'
                'const s = "// cadre: ignore[CDR101] not a comment";\n'
                "const c = new (require(\"@anthropic-ai/sdk\"))();\n",
    })
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    findings = {(f["line"], f["rule"]): f["suppressed"] for f in result.json["findings"] if f["path"] == "a.js"}
    # a comment covers its own line and statement only; a string that looks like one is nothing (no CDR901)
    assert findings == {(2, "CDR101"): False, (4, "CDR101"): False}
    repo2 = make_repo(tmp_path / "repo2", {
        "a.js": 'import OpenAI from "openai"; // cadre: ignore[CDR101] approved by the DPO\n'})
    result = cadre("scan", "--format", "json", ".", cwd=repo2)
    assert [(f["rule"], f["suppressed"]) for f in result.json["findings"] if f["path"] == "a.js"] == [("CDR101", True)]
    repo3 = make_repo(tmp_path / "repo3", {
        "a.js": 'import OpenAI from "openai";\n'
                "export const c = new OpenAI({  // cadre: ignore[CDR101] EU residency contract, reviewed 2026-01\n"
                '  baseURL: "https://eu.api.openai.com/v1",\n});\n'})
    result = cadre("scan", "--format", "json", ".", cwd=repo3)
    assert [(f["line"], f["rule"], f["suppressed"]) for f in result.json["findings"] if f["path"] == "a.js"] == [
        (3, "CDR101", True)]


def test_end_to_end_javascript_in_a_git_repository(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "repo", {
        "web/chat.js": 'import OpenAI from "openai";\nconst Anthropic = require("@anthropic-ai/sdk");\n'
                       "export const openai = new OpenAI();\n",
        "web/mistral.ts": 'import { Mistral } from "@mistralai/mistralai";\n'
                          'export const client = new Mistral({ apiKey: process.env.MISTRAL_API_KEY ?? "" });\n',
        "web/notes.js": '// import OpenAI from "openai"\n',
    })
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    assert result.usages() == [("web/chat.js", 1, "openai", "non-eu"), ("web/chat.js", 2, "anthropic", "non-eu"),
                               ("web/mistral.ts", 1, "mistral", "eu")]
    assert result.status == 1 and "CDR101" in result.rules()


def test_operation_prefers_the_specific_word(tmp_path: Path) -> None:
    """`images.generate`: `generate` is also a chat word, `images` says what is sent."""
    report = scan(tmp_path, {"a.js": 'import OpenAI from "openai";\nconst c = new OpenAI();\n'
                                     'await c.images.generate({ prompt: "a cat" });\n'
                                     'await c.chat.completions.create({ messages: [] });\n'})
    assert [(u.line, u.operation) for u in report.usages if u.kind == "call"] == [(3, "image"), (4, "chat")]
