"""The data file of one source language (rules/languages/<id>.toml): its suffixes, its grammar
wheel, the tree-sitter query of its imports and the node types the front end reads.

A grammar is imported only when a file of its language is scanned; the data files are read once
per process.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cadre_hooks.registry import rules_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

if TYPE_CHECKING:
    from tree_sitter import Parser, Query


@dataclass(frozen=True)
class Shared:
    """What every language shares: option names, model keys, URL keys, operation words."""

    endpoint_options: frozenset[str]
    model_keys: frozenset[str]
    model_methods: frozenset[str]
    url_keys: frozenset[str]
    operations: Mapping[str, str]  # word → operation


@dataclass(frozen=True, eq=False)
class Language:
    id: str
    name: str
    suffixes: tuple[str, ...]
    grammar: str  # "module:function"
    section: str  # provider-file section of this language's SDK facts
    import_binding: str  # package, member, namespace, global
    import_query: str
    comments: frozenset[str]
    strings: frozenset[str]
    string_parts: frozenset[str]
    interpolations: frozenset[str]
    names: frozenset[str]
    wrappers: frozenset[str]
    concat_operators: frozenset[str]
    fallback_operators: frozenset[str]
    self_names: tuple[str, ...]
    env_functions: frozenset[str]
    env_default_functions: frozenset[str]
    env_objects: frozenset[str]
    url_wrappers: frozenset[str]
    calls: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    members: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    bindings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    pairs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    arguments: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    binaries: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    subscripts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    interpolation_marker: str = ""  # a text part that starts an interpolation (Kotlin `$`)
    package_clients: bool = False  # any construction of a name bound from an SDK package is a client (npm)
    option_objects: frozenset[str] = frozenset()  # node types of an options argument (`{ baseURL }`)
    client_at_endpoint: bool = False  # a client is reported at its endpoint's value, not its construction
    env_query: str = ""  # query capturing @env reads spelled as members (`process.env.X`)
    env_member_objects: frozenset[str] = frozenset()  # objects whose members are variables (`process.env`)
    endpoint_options: frozenset[str] = frozenset()  # this language's own endpoint option names


def _load(path: Any) -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    return data


@functools.cache
def languages() -> tuple[Language, ...]:
    found = []
    for path in sorted((rules_dir() / "languages").glob("*.toml")):
        base = _load(path)
        if base.get("id") == "shared":
            continue
        for variant in [{}, *base.get("variants", ())]:  # one data file, several grammars (.js, .ts, .tsx)
            data = {**base, **variant}
            data["import_query"] = base["import_query"] + variant.get("import_query_extra", "")
            found.append(_language(data))
    return tuple(found)


def _language(data: dict[str, Any]) -> Language:
    sets = {key: frozenset(data.get(key, ())) for key in (
        "comments", "strings", "string_parts", "interpolations", "names", "wrappers", "concat_operators",
        "fallback_operators", "env_functions", "env_default_functions", "env_objects", "url_wrappers",
        "option_objects", "env_member_objects", "endpoint_options")}
    return Language(
        id=data["id"], name=data["name"], suffixes=tuple(data["suffixes"]), grammar=data["grammar"],
        section=data["section"], import_binding=data["import_binding"], import_query=data["import_query"],
        self_names=tuple(data.get("self_names", ())), calls=data.get("calls", {}),
        members=data.get("members", {}), bindings=data.get("bindings", {}), pairs=data.get("pairs", {}),
        arguments=data.get("arguments", {}), binaries=data.get("binaries", {}),
        subscripts=data.get("subscripts", {}), interpolation_marker=data.get("interpolation_marker", ""),
        package_clients=bool(data.get("package_clients", False)),
        client_at_endpoint=bool(data.get("client_at_endpoint", False)), env_query=data.get("env_query", ""),
        **sets)


@functools.cache
def shared() -> Shared:
    data = _load(rules_dir() / "languages" / "shared.toml")
    operations = {word: op for op, words in data.get("operations", {}).items() for word in words}
    return Shared(frozenset(data["endpoint_options"]), frozenset(data["model_keys"]),
                  frozenset(data.get("model_methods", ())), frozenset(data["url_keys"]), operations)


@functools.cache
def suffixes() -> tuple[str, ...]:
    return tuple(s for lang in languages() for s in lang.suffixes)


def language_of(path: str) -> Language | None:
    lower = path.lower()
    return next((lang for lang in languages() if lower.endswith(lang.suffixes)), None)


@functools.cache
def parser_for(lang_id: str) -> Parser:
    """The grammar wheel of the language, imported on first use."""
    from tree_sitter import Language as TSLanguage, Parser

    lang = next(item for item in languages() if item.id == lang_id)
    module, _, function = lang.grammar.partition(":")
    return Parser(TSLanguage(getattr(importlib.import_module(module), function)()))


@functools.cache
def import_query(lang_id: str) -> Query:
    from tree_sitter import Query

    lang = next(item for item in languages() if item.id == lang_id)
    return Query(parser_for(lang_id).language, lang.import_query)  # type: ignore[arg-type]


@functools.cache
def env_query(lang_id: str) -> Query | None:
    from tree_sitter import Query

    lang = next(item for item in languages() if item.id == lang_id)
    return Query(parser_for(lang_id).language, lang.env_query) if lang.env_query else None  # type: ignore[arg-type]
