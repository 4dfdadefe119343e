"""Lock files: AI SDKs as `lockfile` usages (inventory, never a finding), every format, bad files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import make_repo, scan_tree

FORMATS = {
    "package-lock.json": ("""
        {
          "lockfileVersion": 3,
          "packages": {
            "node_modules/openapi-types": { "version": "12.1.3" },
            "node_modules/openai": { "version": "4.67.0" },
            "node_modules/langchain/node_modules/openai": { "version": "4.20.0" }
          }
        }
    """, [(5, "openai")]),
    "npm-shrinkwrap.json": ("""
        {
          "lockfileVersion": 1,
          "dependencies": {
            "express": { "version": "4.0.0" },
            "@mistralai/mistralai": { "version": "1.0.0" }
          }
        }
    """, [(5, "mistral")]),
    "yarn.lock": ("""
        # yarn lockfile v1


        "@anthropic-ai/sdk@^0.30.1", "@anthropic-ai/sdk@^0.30.0":
          version "0.30.1"

        openapi-types@^12.1.3:
          version "12.1.3"

        "openai@npm:^4.0.0":
          version: 4.67.0
    """, [(4, "anthropic"), (10, "openai")]),
    "pnpm-lock.yaml": ("""
        lockfileVersion: '9.0'
        packages:
          '@mistralai/mistralai@1.3.0':
            resolution: {integrity: sha512-x}
          openapi-types@12.1.3:
            resolution: {integrity: sha512-y}
          /openai@4.67.0(zod@3.23.8):
            resolution: {integrity: sha512-z}
    """, [(3, "mistral"), (7, "openai")]),
    "poetry.lock": ("""
        [[package]]
        name = "openapi-core"
        version = "0.19.0"

        [[package]]
        name = "mistralai"
        version = "1.2.0"
    """, [(5, "mistral")]),
    "uv.lock": ("""
        version = 1

        [[package]]
        name = "langchain-openai"
        version = "0.2.0"
    """, [(3, "openai")]),
    "Pipfile.lock": ("""
        {
            "_meta": {"hash": {"sha256": "x"}},
            "default": {
                "requests": {"version": "==2.32.0"},
                "anthropic": {"version": "==0.39.0"}
            },
            "develop": {}
        }
    """, [(5, "anthropic")]),
    "go.sum": ("""
        github.com/google/uuid v1.6.0 h1:abc=
        github.com/openai/openai-go v0.1.0-alpha.61 h1:def=
        github.com/openai/openai-go v0.1.0-alpha.61/go.mod h1:ghi=
    """, [(2, "openai")]),
    "gradle.lockfile": ("""
        # This is a Gradle generated file for dependency locking.
        dev.langchain4j:langchain4j-mistral-ai:0.36.2=compileClasspath,runtimeClasspath
        org.slf4j:slf4j-api:2.0.9=runtimeClasspath
    """, [(2, "mistral")]),
    "Gemfile.lock": ("""
        GEM
          remote: https://rubygems.org/
          specs:
            faraday (2.12.0)
            ruby-openai (7.3.1)
              faraday (>= 1)

        PLATFORMS
          ruby

        DEPENDENCIES
          ruby-openai
    """, [(5, "openai")]),
    "composer.lock": ("""
        {
            "packages": [
                {"name": "guzzlehttp/guzzle", "version": "7.9.2"},
                {"name": "openai-php/client", "version": "v0.10.3"}
            ],
            "packages-dev": []
        }
    """, [(4, "openai")]),
    "Cargo.lock": ("""
        version = 3

        [[package]]
        name = "serde"
        version = "1.0.0"

        [[package]]
        name = "async-openai"
        version = "0.24.1"
    """, [(7, "openai")]),
    "packages.lock.json": ("""
        {
          "version": 1,
          "dependencies": {
            "net8.0": {
              "Serilog": {"type": "Direct", "resolved": "4.1.0"},
              "Azure.AI.OpenAI": {"type": "Direct", "resolved": "2.1.0"},
              "OpenAI": {"type": "Transitive", "resolved": "2.1.0"}
            }
          }
        }
    """, [(6, "azure-openai"), (7, "openai")]),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format(tmp_path: Path, name: str) -> None:
    content, expected = FORMATS[name]
    report = scan_tree(tmp_path, {f"app/{name}": content})
    assert [(u.line, u.provider) for u in report.usages] == expected
    assert all(u.kind == "lockfile" and "(locked)" in u.evidence for u in report.usages)
    assert report.findings == () and report.notices == ()


def test_a_lock_file_alone_is_inventory_not_a_finding(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(tmp_path / "repo", {
        "package.json": '{"dependencies": {"react": "^18.3.1"}}',
        "package-lock.json": '{"packages": {"node_modules/openai": {"version": "4.67.0"}}}',
    })
    result = cadre("scan", "--format", "json", ".", cwd=root)
    assert result.status == 0
    assert [u["kind"] for u in result.json["usages"]] == ["lockfile"]
    assert result.rules() == []


def test_a_direct_dependency_still_fails_beside_its_lock_file(tmp_path: Path, cadre) -> None:  # type: ignore[no-untyped-def]
    root = make_repo(tmp_path / "repo", {
        "package.json": '{"dependencies": {"openai": "^4.67.0"}}',
        "package-lock.json": '{"packages": {"node_modules/openai": {"version": "4.67.0"}}}',
    })
    result = cadre("scan", "--format", "json", ".", cwd=root)
    assert result.status == 1
    assert [(f["rule"], f["path"]) for f in result.json["findings"] if f["rule"] == "CDR101"] == [
        ("CDR101", "package.json")]


@pytest.mark.parametrize(("name", "content"), [
    ("package-lock.json", '{"packages": {"node_modules/openai": '),
    ("poetry.lock", '[[package]\nname = "openai"\n'),
    ("pnpm-lock.yaml", "packages:\n  openai@4.0.0: [\n"),
    ("Pipfile.lock", '{"default": {"openai": '),
])
def test_unreadable_lock_files_give_a_notice(tmp_path: Path, name: str, content: str) -> None:
    report = scan_tree(tmp_path, {name: content})
    assert report.usages == ()
    assert [n.reason.startswith("lock file not readable") for n in report.notices] == [True]


def test_large_lock_files_are_read_in_linear_time(tmp_path: Path) -> None:
    entries = ",\n".join(f'    "node_modules/pkg-{i}": {{ "version": "1.0.{i}" }}' for i in range(120_000))
    text = '{\n  "packages": {\n' + entries + ',\n    "node_modules/openai": { "version": "4.0.0" }\n  }\n}\n'
    started = time.perf_counter()
    report = scan_tree(tmp_path, {"package-lock.json": text})
    elapsed = time.perf_counter() - started
    assert [(u.line, u.provider) for u in report.usages] == [(120_003, "openai")]
    assert elapsed < 10, elapsed


def test_a_lock_file_beyond_its_size_limit_gives_a_notice(tmp_path: Path) -> None:
    big = b'{"packages": {"node_modules/openai": {}}, "pad": "' + b"x" * 40_000 + b'"}'
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".cadre.toml").write_text("max_file_size = 2000\n")
    (root / "package-lock.json").write_bytes(big)
    from cadre_hooks.scan import ScanOptions, run

    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    assert report.usages == ()
    assert ["(32000)" in n.reason for n in report.notices] == [True]  # 16 times max_file_size
