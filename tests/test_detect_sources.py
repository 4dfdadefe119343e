"""The tree-sitter engine for Go, Java, Kotlin, C#, Ruby and PHP: imports of AI SDKs, clients whose
endpoint decides the provider, calls through them, raw HTTP calls and hard-coded endpoints, reads
of a provider's key; comments, strings that only mention a provider and look-alike packages are
not usages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

from cadre_hooks.detect import detector_for
from cadre_hooks.detect.treesitter.engine import go_package_names, words
from cadre_hooks.detect.treesitter.language import languages
from cadre_hooks.model import Usage
from cadre_hooks.registry import load_registry, rules_dir
from cadre_hooks.scan import drop_repointed_dependencies
from conftest import make_repo
from conftest import scan_tree as scan

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

GO_OPENAI = 'import (\n\toai "github.com/sashabaranov/go-openai"\n)\n\n'

CASES = [
    # --- Go
    ("main.go", 'package main\n\nimport "github.com/openai/openai-go"\n\nvar c = openai.NewClient()\n',
     [(3, "openai", "import"), (5, "openai", "client")]),
    ("main.go", 'package main\n\nimport (\n\t"github.com/openai/openai-go/v2"\n\t"github.com/openai/openai-go/v2/option"\n'
     ')\n\nconst base = "https://api.scaleway.ai" + "/v1"\n\nvar c = openai.NewClient(option.WithBaseURL(base))\n',
     [(8, "scaleway", "endpoint"), (10, "scaleway", "client")]),
    ("main.go", "package main\n\n" + GO_OPENAI + 'func f() {\n\tconfig := oai.DefaultConfig("k")\n'
     '\tconfig.BaseURL = "https://albert.api.etalab.gouv.fr/v1"\n\tc := oai.NewClientWithConfig(config)\n'
     '\tc.CreateChatCompletion(ctx, oai.ChatCompletionRequest{Model: "mistral-small"})\n}\n',
     [(8, "albert", "client"), (11, "albert", "call")]),
    ("main.go", "package main\n\n" + GO_OPENAI + 'var c = oai.DefaultAzureConfig(key, "https://ville.openai.azure.com")\n',
     [(7, "azure-openai", "client")]),
    ("main.go", 'package main\n\nimport "github.com/openai/openai-go"\n\n'
     'var c = openai.NewClient(option.WithBaseURL(os.Getenv("LLM_BASE_URL")))\n', [(5, None, "client")]),
    ("main.go", 'package main\n\nimport "net/http"\n\nfunc f() {\n'
     '\thttp.Post("https://api.openai.com/v1/chat/completions", "application/json", body)\n}\n',
     [(6, "openai", "call")]),
    ("main.go", 'package main\n\nimport "os"\n\nvar key = os.Getenv("MISTRAL_API_KEY")\nvar db = os.Getenv("DB_URL")\n',
     [(5, "mistral", "config")]),
    ("main.go", 'package main\n\nimport "github.com/ollama/ollama/api"\n\nfunc f() {\n'
     '\tbase, _ := url.Parse("http://gpu-01.internal:11434")\n\tc := api.NewClient(base, http.DefaultClient)\n'
     '\tc.Generate(ctx, &api.GenerateRequest{Model: "llama3.2"}, fn)\n}\n',
     [(6, "ollama", "endpoint"), (7, "ollama", "client"), (8, "ollama", "call")]),
    # mentions are not usages
    ("main.go", 'package main\n\n// import "github.com/openai/openai-go"\n// https://api.openai.com/v1\n'
     'var s = "github.com/openai/openai-go and api.openai.com"\n', []),
    ("main.go", 'package main\n\nimport "git.sr.ht/~adnano/go-gemini"\n\nvar c = gemini.NewClient()\n', []),
    ("main.go", 'package main\n\nimport "github.com/example/openai-utils"\n\nvar c = openai.NewClient()\n', []),
    # --- Java and Kotlin
    ("A.java", 'import dev.langchain4j.model.openai.*;\n\nclass A {\n'
     '  static final String BASE = "https://api.mistral.ai/v1";\n'
     '  ChatLanguageModel m = OpenAiChatModel.builder().baseUrl(BASE).modelName("mistral-small").build();\n}\n',
     [(4, "mistral", "endpoint"), (5, "mistral", "client")]),
    ("A.java", "import org.springframework.ai.openai.api.OpenAiApi;\n\nclass A {\n"
     '  OpenAiApi api = new OpenAiApi("https://api.scaleway.ai", key);\n}\n', [(4, "scaleway", "client")]),
    ("A.java", "import org.springframework.ai.openai.api.OpenAiApi;\n\nclass A {\n"
     '  OpenAiApi api = OpenAiApi.builder().baseUrl("https://api.mistral.ai").apiKey(k).build();\n}\n',
     [(4, "mistral", "client")]),
    ("A.java", "import dev.langchain4j.model.openai.OpenAiChatModel;\nimport dev.langchain4j.model.mistralai.*;\n\n"
     "class A {\n  ChatModel m = MistralAiChatModel.builder().apiKey(k).build();\n}\n",
     [(2, "mistral", "import"), (5, "mistral", "client")]),
    ("A.java", 'class A {\n  String k = System.getenv("OPENAI_API_KEY");\n  // OpenAiChatModel.builder()\n}\n',
     [(2, "openai", "config")]),
    ("A.kt", 'import dev.langchain4j.model.openai.OpenAiChatModel as M\n\nval url = System.getenv("X") ?: '
     '"https://api.scaleway.ai/v1"\nval m = M.builder().baseUrl(url).build()\n',
     [(3, "scaleway", "endpoint"), (4, "scaleway", "client")]),
    ("A.kt", 'const val DOC = "see OpenAI"\nfun f() = println("MistralAiChatModel.builder()")\n', []),
    # --- C#
    ("P.cs", 'using OpenAI.Chat;\n\nChatClient chat = new(model: "gpt-4o", apiKey: k,\n'
     '  options: new OpenAIClientOptions { Endpoint = new Uri("https://api.mistral.ai/v1") });\n',
     [(3, "mistral", "client")]),
    ("P.cs", 'using Microsoft.SemanticKernel;\n\nvar b = Kernel.CreateBuilder();\n'
     'b.AddAzureOpenAIChatCompletion("gpt-4o", Environment.GetEnvironmentVariable("AZURE_OPENAI_ENDPOINT")!, k);\n',
     [(4, "azure-openai", "client")]),
    ("P.cs", 'using Azure.AI.OpenAI;\n\nconst string Base = "https://ville.openai.azure.com/";\n'
     "var c = new AzureOpenAIClient(new Uri(Base), cred);\n",
     [(3, "azure-openai", "endpoint"), (4, "azure-openai", "client")]),
    ("P.cs", 'using Azure.Storage.Blobs;\n// using Azure.AI.OpenAI;\nvar s = "Azure.AI.OpenAI";\n', []),
    # --- Ruby
    ("a.rb", 'require "openai"\n\nclient = OpenAI::Client.new(access_token: ENV.fetch("K"), '
     'uri_base: ENV.fetch("LLM_URL", "https://api.mistral.ai/"))\nclient.chat(parameters: { model: "m" })\n',
     [(3, "mistral", "client"), (4, "mistral", "call")]),
    ("a.rb", 'llm = Langchain::LLM::OpenAI.new(api_key: k, llm_options: { uri_base: "https://api.mistral.ai" })\n'
     'llm.chat(messages: [])\n', [(1, "mistral", "client"), (2, "mistral", "call")]),
    ("a.rb", 'OpenAI.configure do |config|\n  config.uri_base = "https://albert.api.etalab.gouv.fr/v1"\nend\n',
     [(1, "albert", "client")]),
    ("a.rb", 'conn = Faraday.new(url: "https://api.mistral.ai")\n', [(1, "mistral", "call")]),
    ("a.rb", 'r = HTTParty.post("https://api.openai.com/v1/chat/completions", body: { "model" => "gpt-4o" }.to_json)\n',
     [(1, "openai", "call")]),
    ("a.rb", 'key = ENV["ANTHROPIC_API_KEY"]\nother = ENV["HOME"]\n', [(1, "anthropic", "config")]),
    ("a.rb", '# OpenAI::Client.new(uri_base: "https://api.openai.com")\nputs "We left OpenAI"\n'
     "class CoherenceCheck; end\nCohere.new(text)\n", []),
    # --- PHP
    ("a.php", "<?php\nuse OpenAI;\n\nconst BASE = 'https://api.scaleway.ai/v1';\n"
     "$c = OpenAI::factory()->withBaseUri(BASE)->make();\n$c->chat()->create(['model' => 'llama']);\n",
     [(4, "scaleway", "endpoint"), (5, "scaleway", "client"), (6, "scaleway", "call")]),
    ("a.php", "<?php\n$http = new \\GuzzleHttp\\Client(['base_uri' => 'https://api.mistral.ai/v1/']);\n",
     [(2, "mistral", "call")]),
    ("a.php", "<?php\n$u = $_ENV['OPENAI_API_KEY'] ?? '';\n$v = getenv('PATH');\n", [(2, "openai", "config")]),
    ("a.php", "<?php\n// OpenAI::client('k');\n$doc = 'https://platform.openai.com/docs';\n", []),
]


@pytest.mark.parametrize("path, content, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_sources(tmp_path: Path, path: str, content: str, expected: list[tuple[int, str | None, str]]) -> None:
    report = scan(tmp_path, {path: content})
    assert [(u.line, u.provider, u.kind) for u in report.usages] == expected, report.usages


def test_calls_carry_model_and_operation(tmp_path: Path) -> None:
    report = scan(tmp_path, {"a.kt": "import dev.langchain4j.model.openai.OpenAiEmbeddingModel\n\n"
                             'val e = OpenAiEmbeddingModel.builder().modelName("text-embedding-3-small").build()\n'
                             "fun v(t: String) = e.embed(t).content()\n"})
    calls = [(u.line, u.operation, u.model) for u in report.usages if u.kind == "call"]
    assert calls == [(4, "embeddings", "text-embedding-3-small")]


def test_unresolved_endpoint_names_its_variable(tmp_path: Path) -> None:
    report = scan(tmp_path, {"a.rb": 'OpenAI::Client.new(uri_base: ENV["LLM_URL"])\n'})
    assert [(u.provider, u.endpoint_env) for u in report.usages] == [(None, "LLM_URL")]


def test_syntax_errors_keep_what_parses_and_say_so(tmp_path: Path) -> None:
    report = scan(tmp_path, {"a.go": 'package main\n\nimport "github.com/openai/openai-go"\n\nfunc {{{\n'})
    assert [(u.line, u.provider) for u in report.usages] == [(3, "openai")]
    assert any("syntax errors" in n.reason for n in report.notices)


def test_suppression_comment(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo(tmp_path / "repo", {
        "main.go": 'package main\n\n// cadre: ignore[CDR101] approved by the DPO for the pilot\n'
                   'import "github.com/anthropics/anthropic-sdk-go"\n'})
    result = cadre("scan", "--format", "json", ".", cwd=repo)
    assert [(f["line"], f["rule"], f["suppressed"]) for f in result.json["findings"] if f["path"] == "main.go"] == [
        (4, "CDR101", False)]
    repo2 = make_repo(tmp_path / "repo2", {
        "main.go": 'package main\n\nimport "github.com/anthropics/anthropic-sdk-go" '
                   "// cadre: ignore[CDR101] approved by the DPO for the pilot\n"})
    result = cadre("scan", "--format", "json", ".", cwd=repo2)
    assert [(f["rule"], f["suppressed"]) for f in result.json["findings"] if f["path"] == "main.go"] == [
        ("CDR101", True)]


def test_repointed_sdk_dependency_is_dropped_but_not_for_raw_http() -> None:
    """openai-php pointed at Scaleway is not OpenAI, even beside a Guzzle call to api.openai.com."""
    def usage(path: str, kind: str, provider: str, sdk: str | None) -> Usage:
        return Usage(path, 1, 1, kind, provider, "eu", "e", sdk=sdk)

    usages = [usage("composer.json", "dependency", "openai", "openai"),
              usage("a.php", "client", "scaleway", "openai"),
              usage("b.php", "call", "openai", None)]
    assert [u.path for u in drop_repointed_dependencies(usages, True)] == ["a.php", "b.php"]
    usages.append(usage("c.php", "client", "openai", "openai"))
    assert [u.path for u in drop_repointed_dependencies(usages, True)] == ["composer.json", "a.php", "b.php",
                                                                           "c.php"]


def test_go_package_names() -> None:
    assert "openai" in go_package_names("github.com/sashabaranov/go-openai")
    assert "anthropic" in go_package_names("github.com/anthropics/anthropic-sdk-go")
    assert "openai" in go_package_names("github.com/openai/openai-go/v2")
    assert words("CompleteChatAsync") == ["complete", "chat", "async"]


def test_detectors_by_suffix() -> None:
    for name in ("a.go", "A.java", "A.kt", "P.cs", "a.rb", "a.php"):
        assert detector_for(name) is not None and detector_for(name).__name__ == "scan_source"  # type: ignore[union-attr]
    assert detector_for("build.gradle.kts") is None or detector_for("build.gradle.kts").__name__ != "scan_source"  # type: ignore[union-attr]


def test_grammars_load_only_when_needed(tmp_path: Path) -> None:
    """A scan of Python files never imports a grammar wheel of another language."""
    import subprocess

    (tmp_path / "a.py").write_text("import openai\n")
    code = ("import sys; from cadre_hooks.scan import ScanOptions, run; from pathlib import Path;"
            f"run(ScanOptions(targets=('{tmp_path}',), cwd=Path('{tmp_path}'), jobs=1, use_cache=False));"
            "print(sorted(m for m in sys.modules if m.startswith('tree_sitter_')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_language_files_match_schema() -> None:
    schema = json.loads((rules_dir() / "schema" / "language.schema.json").read_text())
    for path in sorted((rules_dir() / "languages").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
        assert path.stem == data["id"]


def test_every_language_has_provider_examples() -> None:
    """Each language's data is exercised by at least one provider example (invalid and valid)."""
    suffixes = {lang.id: lang.suffixes for lang in languages()}
    seen: dict[str, set[str]] = {lang: set() for lang in suffixes}
    for path in (rules_dir() / "providers").glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for verdict in ("invalid", "valid"):
            for example in data["examples"].get(verdict, []):
                for lang, ends in suffixes.items():
                    if example.get("file", "app.py").endswith(ends):
                        seen[lang].add(verdict)
    assert {lang: verdicts for lang, verdicts in seen.items() if verdicts != {"invalid", "valid"}} == {}


def test_registry_knows_the_new_sections() -> None:
    registry = load_registry()
    assert registry.source_import("jvm", "dev.langchain4j.model.openai.OpenAiChatModel") == "openai"
    assert registry.source_import("go", "github.com/openai/openai-go/option") == "openai"
    assert registry.source_import("csharp", "Azure.AI.OpenAI") == "azure-openai"
    assert registry.source_import("php", "OpenAI\\Client") == "openai"
    assert registry.source_import("go", "github.com/example/openai-utils") is None
    spec = registry.source_client("ruby", "OpenAI.Client.new")
    assert spec is not None and spec.generic


def test_type_only_imports_of_a_repointed_sdk_are_not_its_provider(tmp_path: Path) -> None:
    """openai-go pointed at Mistral everywhere: a file that only names its types is not OpenAI;
    once another file builds a client with the default endpoint, every import is OpenAI again."""
    client = ('package main\n\nimport (\n\t"github.com/openai/openai-go"\n\t"github.com/openai/openai-go/option"\n)\n\n'
              'var c = openai.NewClient(option.WithBaseURL("https://api.mistral.ai/v1"))\n')
    types = 'package main\n\nimport "github.com/openai/openai-go"\n\nvar m []openai.ChatCompletionMessageParamUnion\n'
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    report = scan(tmp_path / "a", {"client.go": client, "types.go": types})
    assert sorted({(u.path, u.provider) for u in report.usages}) == [("client.go", "mistral")]
    direct = 'package main\n\nimport "github.com/openai/openai-go"\n\nvar d = openai.NewClient()\n'
    report = scan(tmp_path / "b", {"client.go": client, "types.go": types, "direct.go": direct})
    assert sorted({(u.path, u.provider) for u in report.usages}) == [
        ("client.go", "mistral"), ("direct.go", "openai"), ("types.go", "openai")]
