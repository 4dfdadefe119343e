"""The rule data is reviewed data: every file is checked against its schema, and no signature
belongs to two providers (a host or a package must name exactly one receiver of the data)."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cadre_hooks.registry import load_registry, rules_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RULES = rules_dir()


def _load(kind: str) -> list[tuple[Path, dict[str, Any]]]:
    return [(p, tomllib.loads(p.read_text(encoding="utf-8"))) for p in sorted((RULES / kind).glob("*.toml"))]


def _validator(name: str) -> jsonschema.protocols.Validator:
    schema_dir = RULES / "schema"
    schema = json.loads((schema_dir / name).read_text(encoding="utf-8"))
    registry: Any = None
    try:
        from referencing import Registry, Resource

        resources = [(s["$id"], Resource.from_contents(s))
                     for s in (json.loads(p.read_text()) for p in schema_dir.glob("*.json"))]
        registry = Registry().with_resources(resources)
    except ImportError:  # pragma: no cover
        pass
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER) if registry else cls(schema)


@pytest.mark.parametrize(("path", "data"), _load("providers"), ids=lambda v: v.stem if isinstance(v, Path) else "")
def test_provider_matches_schema(path: Path, data: dict[str, Any]) -> None:
    _validator("provider.schema.json").validate(data)
    assert path.stem == data["id"]


@pytest.mark.parametrize(("path", "data"), _load("checks"), ids=lambda v: v.stem if isinstance(v, Path) else "")
def test_check_matches_schema(path: Path, data: dict[str, Any]) -> None:
    _validator("check.schema.json").validate(data)
    assert path.stem == data["code"]


def test_shared_operations_match_schema() -> None:
    data = tomllib.loads((RULES / "operations.toml").read_text(encoding="utf-8"))
    _validator("operations.schema.json").validate(data)
    bad = {"operations": [{"path": "chat..create", "operation": "talk"}], "http_paths": [], "examples": data["examples"]}
    assert len(list(_validator("operations.schema.json").iter_errors(bad))) == 2


def test_schema_rejects_a_bad_provider() -> None:
    bad = {"id": "Not Kebab", "name": "x", "seat": "x", "parent": "", "jurisdiction": "mars", "category": "model-api",
           "hosting": "", "examples": {"invalid": [{"code": "x"}], "valid": [{"code": "y"}]}}
    errors = list(_validator("provider.schema.json").iter_errors(bad))
    assert {e.json_path for e in errors} >= {"$.id", "$.jurisdiction"}


def test_no_signature_names_two_providers() -> None:
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for _, data in _load("providers"):
        for section, keys in (("python", ("modules", "packages", "generic_clients", "clients", "boto3_services")),
                              ("javascript", ("packages",)), ("endpoints", ("hosts", "env_vars", "ports")),
                              ("models", ("litellm_prefixes",))):
            for key in keys:
                for value in data.get(section, {}).get(key, ()):
                    owners[(f"{section}.{key}", str(value))].add(data["id"])
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert clashes == {}


def test_jurisdiction_rules_from_the_brief() -> None:
    providers = load_registry().providers
    assert providers["mistral"].jurisdiction == "eu"
    assert providers["aleph-alpha"].jurisdiction == "eu"  # an announced acquisition changes nothing
    assert providers["huggingface"].jurisdiction == "non-eu"  # a Delaware corporation
    assert providers["azure-openai"].jurisdiction == "non-eu"
    assert providers["transformers"].jurisdiction == "local"
    assert providers["self-hosted"].jurisdiction == "local"
    required = """openai azure-openai anthropic mistral google-gemini google-vertex aws-bedrock cohere huggingface
    ollama vllm llama-cpp lm-studio localai scaleway ovhcloud albert aleph-alpha deepl ionos stackit lighton nebius
    deepseek groq together fireworks replicate perplexity xai openrouter mturk scale-ai toloka labelbox transformers
    self-hosted""".split()
    assert set(required) <= set(providers)


def test_region_table_keeps_uk_and_switzerland_out() -> None:
    registry = load_registry()
    assert registry.region_in_eu("eu-west-3")
    assert not registry.region_in_eu("eu-west-2")  # London
    assert not registry.region_in_eu("eu-central-2")  # Zurich
    assert not registry.region_in_eu("europe-west6")  # Zurich
    assert registry.region_in_eu("francecentral")
    assert not registry.region_in_eu("uksouth")
