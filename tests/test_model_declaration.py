"""CDR206's comparison of model names (the end-to-end checks are in test_ai_usage.py)."""

from __future__ import annotations

from cadre_hooks.model import Usage
from cadre_hooks.registry import load_registry
from cadre_hooks.transparency.models import compare, forms, used_models


def usage(line: int, model: str | None = None, models: tuple[str, ...] = ()) -> Usage:
    return Usage("app.py", line, 1, "call", "mistral", "eu", "x", model=model, models=models)


def test_forms() -> None:
    registry = load_registry()
    assert forms("mistral/Mistral-Small-2409", registry) == {"mistral/mistral-small-2409", "mistral-small-2409"}
    assert "gpt-4o" in forms("openai:gpt-4o", registry)
    # a colon that is no LangChain prefix is part of the id (Bedrock's version suffix)
    assert forms("anthropic.claude-3-5-sonnet-20240620-v1:0", registry) == {"anthropic.claude-3-5-sonnet-20240620-v1:0"}


def test_compare_both_ways() -> None:
    registry = load_registry()
    used = used_models([usage(3, "mistral/mistral-small-2409"), usage(9, "pixtral-12b-2409")])
    undeclared, stale = compare(used, ["Mistral-Small-2409", "mistral-large-2411"], registry)
    assert undeclared == ["pixtral-12b-2409"] and stale == [1]
    assert compare(used, [], registry) == (["mistral/mistral-small-2409", "pixtral-12b-2409"], [])
    assert compare({}, ["mistral-large-2411"], registry) == ([], [0])


def test_the_usage_that_carries_a_model_is_where_it_is_used() -> None:
    used = used_models([usage(1, models=("m-1",)), usage(12, "m-1"), usage(1, models=("m-2",))])
    assert [u.line for u in used["m-1"]] == [12] and [u.line for u in used["m-2"]] == [1]
