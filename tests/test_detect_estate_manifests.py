"""Manifests of the other languages of an estate (Gradle, .NET, Ruby, PHP, Rust): a declared AI SDK
is a `dependency` usage at the line of its declaration; comments, exclusions, BOMs and look-alike
packages are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadre_hooks.detect import detector_for
from cadre_hooks.registry import load_registry
from conftest import scan_tree

KTS = """plugins {
    kotlin("jvm") version "2.0.21"
    id("org.openapi.generator") version "7.10.0"
}

dependencies {
    implementation("dev.langchain4j:langchain4j-mistral-ai:0.36.2")
    implementation("dev.langchain4j:langchain4j-open-ai:$langchain4jVersion")
    // implementation("com.anthropic:anthropic-java:1.0.0")
    /* implementation("com.google.genai:google-genai:1.0.0") */
    implementation(platform("org.springframework.ai:spring-ai-bom:1.0.0"))
    implementation("org.springframework.ai:spring-ai-starter-model-ollama")
    implementation(group = "com.anthropic", name = "anthropic-java", version = "1.0.0")
    implementation("org.openapitools:openapi-generator:7.10.0")
    implementation("com.example:client:1.0") {
        exclude(group = "com.openai", module = "openai-java")
    }
    implementation(libs.langchain4j.openai)
    constraints {
        implementation("com.google.genai:google-genai:1.0.0")
    }
}
"""

GROOVY = """dependencies {
    implementation 'dev.langchain4j:langchain4j-mistral-ai:0.36.2'
    implementation group: 'com.openai', name: 'openai-java', version: '1.0.0'
    // implementation 'com.anthropic:anthropic-java:1.0.0'
    implementation platform('org.springframework.ai:spring-ai-bom:1.0.0')
    implementation "org.springframework.ai:spring-ai-starter-model-mistral-ai"
    implementation('com.example:client:1.0') { exclude group: 'com.anthropic', module: 'anthropic-java' }
}
dependencyManagement {
    dependencies {
        dependency 'com.openai:openai-java:4.0.0'
    }
    imports {
        mavenBom "org.springframework.ai:spring-ai-bom:${springAiVersion}"
    }
}
"""

CATALOG = """[versions]
lc4j = "0.36.2"

[libraries]
lc4j-openai = { module = "dev.langchain4j:langchain4j-open-ai", version.ref = "lc4j" }
lc4j-mistral = "dev.langchain4j:langchain4j-mistral-ai:0.36.2"
# claude = "com.anthropic:anthropic-java:1.0.0"
openapi = { group = "org.openapitools", name = "openapi-generator", version = "7.10.0" }
claude = { group = "com.anthropic", name = "anthropic-java", version = "1.0.0" }

[plugins]
openapi = { id = "org.openapi.generator", version = "7.10.0" }
"""

CSPROJ = """<Project Sdk="Microsoft.NET.Sdk">
  <ItemGroup>
    <!-- <PackageReference Include="OpenAI" Version="2.1.0" /> -->
    <PackageReference Include="Azure.AI.OpenAI" Version="2.1.0" />
    <PackageReference Include="Microsoft.OpenApi" Version="1.6.0" />
    <PackageReference Include="Swashbuckle.AspNetCore" Version="6.5.0" />
    <PackageReference Include="ollamasharp">
      <Version>5.1.0</Version>
    </PackageReference>
  </ItemGroup>
</Project>
"""

GEMFILE = """source "https://rubygems.org"

gem "rails", "~> 7.2"
gem "ruby-openai", "~> 7.3"
# gem "anthropic"
gem "openai_utils"
gem "openapi_first"

group :development do
  gem 'anthropic', require: false
end
gem "langchainrb-#{flavour}"
"""

COMPOSER = """{
    "name": "ville/guichet",
    "description": "A web site that does not use anthropic-ai/sdk",
    "require": {
        "php": ">=8.2",
        "openai-php/client": "^0.10",
        "acme/openai-helpers": "^1.0"
    },
    "require-dev": {
        "google-gemini-php/client": "^1.0"
    }
}
"""

CARGO = """[package]
name = "assistant"
description = "uses async-openai"

[dependencies]
async-openai = "0.24"
# ollama-rs = "0.2"
openai-utils = "1"
llm = { package = "aws-sdk-bedrockruntime", version = "1" }

[dependencies.ollama-rs]
version = "0.2"

[target.'cfg(unix)'.dev-dependencies]
async_openai = "0.24"

[workspace.dependencies]
ollama-rs = "0.2"
"""

POM = """<project>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>com.openai</groupId>
        <artifactId>openai-java</artifactId>
        <version>4.0.0</version>
      </dependency>
      <dependency>
        <groupId>org.springframework.ai</groupId>
        <artifactId>spring-ai-bom</artifactId>
        <version>1.0.0</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.springframework.ai</groupId>
      <artifactId>spring-ai-starter-model-mistral-ai</artifactId>
    </dependency>
    <dependency>
      <groupId>org.springframework.ai</groupId>
      <artifactId>spring-ai-openai-spring-boot-starter</artifactId>
    </dependency>
  </dependencies>
</project>
"""

CASES = [
    ("pom.xml", POM, [(21, "mistral"), (25, "openai")]),
    ("build.gradle.kts", KTS, [(7, "mistral"), (8, "openai"), (12, "ollama"), (13, "anthropic")]),
    ("app/build.gradle", GROOVY, [(2, "mistral"), (3, "openai"), (6, "mistral")]),
    ("gradle/libs.versions.toml", CATALOG, [(5, "openai"), (6, "mistral"), (9, "anthropic")]),
    ("Assistant/Assistant.csproj", CSPROJ, [(4, "azure-openai"), (7, "ollama")]),
    ("packages.config", '<?xml version="1.0"?>\n<packages>\n  <package id="Newtonsoft.Json" version="13" />\n'
     '  <package id="OpenAI" version="2.1.0" targetFramework="net48" />\n</packages>\n', [(4, "openai")]),
    ("Directory.Packages.props", '<Project>\n  <ItemGroup>\n    <PackageVersion Include="Anthropic" Version="1" />\n'
     '    <GlobalPackageReference Include="OllamaSharp" Version="5" />\n  </ItemGroup>\n</Project>\n',
     [(4, "ollama")]),
    ("Assistant.nuspec", '<?xml version="1.0"?>\n<package>\n  <metadata>\n    <id>Ville.Assistant</id>\n'
     '    <dependencies>\n      <group targetFramework="net8.0">\n        <dependency id="Anthropic" version="1.0" />\n'
     '        <dependency id="Polly" version="8" />\n      </group>\n    </dependencies>\n  </metadata>\n</package>\n',
     [(7, "anthropic")]),
    ("build.sbt", 'libraryDependencies += "dev.langchain4j" % "langchain4j-open-ai" % "0.36.2"\n'
     'libraryDependencies ++= Seq(\n  // "dev.langchain4j" % "langchain4j-mistral-ai" % "0.36.2",\n'
     '  "com.anthropic" % "anthropic-java" % v exclude("com.openai", "openai-java"),\n'
     '  "org.openapitools" % "openapi-generator" % "7.10.0"\n)\n', [(1, "openai"), (4, "anthropic")]),
    ("Gemfile", GEMFILE, [(4, "openai"), (10, "anthropic")]),
    ("tools/assistant.gemspec", 'Gem::Specification.new do |spec|\n  spec.name = "openai-tools"\n'
     '  spec.add_dependency "anthropic", "~> 1.0"\n  spec.add_development_dependency "rspec"\nend\n',
     [(3, "anthropic")]),
    ("composer.json", COMPOSER, [(6, "openai"), (10, "google-gemini")]),
    ("Cargo.toml", CARGO, [(6, "openai"), (9, "aws-bedrock"), (11, "ollama"), (15, "openai")]),
]


@pytest.mark.parametrize("path, content, expected", CASES, ids=[c[0] for c in CASES])
def test_manifest(tmp_path: Path, path: str, content: str, expected: list[tuple[int, str]]) -> None:
    report = scan_tree(tmp_path, {path: content})
    found = [(u.line, u.provider) for u in report.usages if u.path == path]
    assert found == expected, report.usages
    assert all(u.kind == "dependency" for u in report.usages)
    assert not report.notices


def test_version_catalog_alias_is_not_reported_twice(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {"gradle/libs.versions.toml": CATALOG,
                                  "build.gradle.kts": "dependencies {\n    implementation(libs.lc4j.openai)\n}\n"})
    assert {u.path for u in report.usages} == {"gradle/libs.versions.toml"}


@pytest.mark.parametrize("path, content, reason", [
    ("App.csproj", "<Project><ItemGroup><PackageReference Include='OpenAI'></ItemGroup>\n", "not valid XML"),
    ("Cargo.toml", '[dependencies\nasync-openai = "0.24"\n', "not valid TOML"),
    ("composer.json", '{"require": {"openai-php/client": "^0.10",}}\n', "not valid JSON"),
])
def test_broken_manifests_give_a_notice(tmp_path: Path, path: str, content: str, reason: str) -> None:
    report = scan_tree(tmp_path, {path: content})
    assert any(reason in n.reason for n in report.notices), report.notices


def test_broken_manifests_still_give_their_declarations(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {"Cargo.toml": '[dependencies\nasync-openai = "0.24"\n',
                                  "composer.json": '{"require": {\n"openai-php/client": "^0.10",}}\n'})
    assert sorted((u.path, u.line, u.provider) for u in report.usages) == [
        ("Cargo.toml", 2, "openai"), ("composer.json", 2, "openai")]


def test_gradle_script_that_does_not_parse_is_still_read(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {"build.gradle.kts": 'dependencies {\n    implementation("com.openai:openai-java:1.0"\n'})
    assert [(u.line, u.provider) for u in report.usages] == [(2, "openai")]


@pytest.mark.parametrize("path, module", [
    ("build.gradle", "gradle"), ("app/build.gradle.kts", "gradle"), ("gradle/dependencies.gradle", "gradle"),
    ("gradle/libs.versions.toml", "gradle_catalog"), ("src/App/App.csproj", "nuget"), ("Lib.fsproj", "nuget"),
    ("packages.config", "nuget"), ("Directory.Packages.props", "nuget"), ("Gemfile", "gemfile"),
    ("x.gemspec", "gemfile"), ("composer.json", "composer"), ("crates/a/Cargo.toml", "cargo"), ("build.sbt", "sbt"),
])
def test_manifests_are_routed_by_name(path: str, module: str) -> None:
    detector = detector_for(path)
    assert detector is not None and detector.__name__.startswith("scan_")
    expected = {"gradle": "scan_gradle", "gradle_catalog": "scan_version_catalog", "nuget": "scan_nuget",
                "gemfile": "scan_gemfile", "composer": "scan_composer_json", "cargo": "scan_cargo_toml",
                "sbt": "scan_sbt"}[module]
    assert detector.__name__ == expected


@pytest.mark.parametrize("name", ["Gemfile.lock", "composer.lock", "Cargo.lock"])
def test_lock_files_stay_with_their_own_reader(name: str) -> None:
    detector = detector_for(name)
    assert detector is None or detector.__name__ not in ("scan_gemfile", "scan_composer_json", "scan_cargo_toml")


def test_registry_lookups_follow_each_ecosystem_s_name_rules() -> None:
    registry = load_registry()
    assert registry.nuget("azure.ai.openai") == registry.nuget("Azure.AI.OpenAI") == "azure-openai"
    assert registry.nuget("Microsoft.OpenApi") is None
    assert registry.gem("ruby-openai") == "openai" and registry.gem("ruby_openai") is None
    assert registry.composer("OpenAI-PHP/Client") == "openai" and registry.composer("acme/openai") is None
    assert registry.cargo("async_openai") == registry.cargo("async-openai") == "openai"
    assert registry.cargo("async-openapi") is None


def test_prefilter_lets_the_manifests_through() -> None:
    from cadre_hooks.prefilter import Prefilter

    prefilter = Prefilter.from_registry(load_registry())
    for text in ('<PackageReference Include="Azure.AI.OpenAI" />', 'gem "ruby-openai"', '"openai-php/client": "^0"',
                 'async-openai = "0.24"', 'ollama-rs = "0.2"', 'implementation("com.openai:openai-java:1")',
                 '<PackageReference Include="OllamaSharp" />'):
        assert prefilter.may_hold_ai(text.encode()), text


def test_a_raw_call_to_the_sdk_s_provider_does_not_keep_a_repointed_dependency(tmp_path: Path) -> None:
    """The openai package used only for Mistral is not OpenAI, even when the code also posts to
    OpenAI's API with plain HTTP: that call does not go through the package."""
    files = {"app.py": 'import requests\nfrom openai import OpenAI\n'
                       'client = OpenAI(base_url="https://api.mistral.ai/v1")\n'
                       'requests.post("https://api.openai.com/v1/embeddings", json={})\n',
             "requirements.txt": "openai==1.51.0\nrequests\n"}
    report = scan_tree(tmp_path, files)
    assert [(u.path, u.line, u.provider) for u in report.usages if u.path == "requirements.txt"] == []
    assert ("app.py", 4, "openai") in [(u.path, u.line, u.provider) for u in report.usages]
    (tmp_path / "kept").mkdir()
    kept = scan_tree(tmp_path / "kept", {**files, "other.py": "from openai import OpenAI\nclient = OpenAI()\n"})
    assert [(u.line, u.provider) for u in kept.usages if u.path == "requirements.txt"] == [(1, "openai")]


def test_a_workspace_member_declares_what_the_workspace_pins(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["bot"]\n\n[workspace.dependencies]\n'
                                                'async-openai = "0.24"\n',
                                  "bot/Cargo.toml": '[package]\nname = "bot"\n\n[dependencies]\n'
                                                    'async-openai.workspace = true\n'})
    assert [(u.path, u.line, u.provider) for u in report.usages] == [("bot/Cargo.toml", 5, "openai")]


def test_deeply_nested_build_script_is_read_in_linear_time(tmp_path: Path) -> None:
    """Thousands of nested blocks around thousands of declarations once took minutes (every string
    asked tree-sitter for its parents, each a walk from the root); the walk now carries them."""
    from limited import run_cadre

    depth = 4000
    script = "a {\n" * depth + 'implementation("com.openai:openai-java:1")\n' * 1000 + "}\n" * depth
    root = tmp_path / "repo"
    root.mkdir()
    (root / "build.gradle.kts").write_text(script, encoding="utf-8")
    done = run_cadre(["scan", "--no-cache", "--jobs", "1", "-f", "json", "."], root,
                     {"CADRE_CACHE_DIR": str(tmp_path / "cache")}, timeout=60)
    assert done.returncode == 1, done.stderr
    import json

    assert len(json.loads(done.stdout)["usages"]) == 1000


@pytest.mark.parametrize("path, script", [
    ("settings.gradle.kts", 'dependencyResolutionManagement {\n    versionCatalogs {\n        create("libs") {\n'
     '            library("openai", "com.openai", "openai-java").version("4.0.0")\n'
     '            library("mistral", "dev.langchain4j:langchain4j-mistral-ai:0.36.2")\n        }\n    }\n}\n'),
    ("settings.gradle", "dependencyResolutionManagement {\n    versionCatalogs {\n        libs {\n"
     "            library('openai', 'com.openai', 'openai-java').version('4.0.0')\n"
     "            library('mistral', 'dev.langchain4j:langchain4j-mistral-ai:0.36.2')\n        }\n    }\n}\n"),
])
def test_a_catalog_written_in_the_settings_script(tmp_path: Path, path: str, script: str) -> None:
    report = scan_tree(tmp_path, {path: script})
    assert [(u.line, u.provider) for u in report.usages] == [(4, "openai"), (5, "mistral")]


def test_suppressions_in_each_manifest_syntax(tmp_path: Path) -> None:
    reason = "cadre: ignore[CDR101] approved by the DPO on 2026-03-02"
    report = scan_tree(tmp_path, {
        "build.gradle.kts": f'dependencies {{\n    implementation("com.openai:openai-java:1.0") // {reason}\n}}\n',
        "Gemfile": f'gem "ruby-openai" # {reason}\n',
        "App.csproj": f'<Project><ItemGroup>\n<PackageReference Include="OpenAI" /> <!-- {reason} -->\n'
                      '</ItemGroup></Project>\n',
        "Cargo.toml": f'[dependencies]\nasync-openai = "0.24" # {reason}\n',
        "src/a.rs": f'let u = "https://api.openai.com/v1"; // {reason}\n'})
    cdr101 = [f for f in report.findings if f.rule == "CDR101"]
    assert len(cdr101) == 5 and all(f.suppressed for f in cdr101), cdr101
    assert {f.suppression_reason for f in cdr101} == {"approved by the DPO on 2026-03-02"}
