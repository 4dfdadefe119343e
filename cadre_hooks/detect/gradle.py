"""Gradle build scripts (`build.gradle` in Groovy, `build.gradle.kts` in the Kotlin DSL, and any
other `*.gradle` / `*.gradle.kts` script they apply): each declared Maven coordinate of an AI SDK
is a `dependency` usage of its provider, at the line of the declaration.

Both dialects are parsed with tree-sitter, so a commented-out declaration is a comment node and
never read. The forms read are the ones Gradle accepts: a coordinate string
(`implementation("dev.langchain4j:langchain4j-open-ai:0.36.2")`, `implementation 'g:a:v'`,
`api(platform("g:a:v"))`) and named parts (`implementation(group = "g", name = "a")`, Groovy's
`implementation group: 'g', name: 'a'`), and a version catalog written in a settings script
(`library("openai", "com.openai", "openai-java")`). A coordinate inside `exclude(...)` is the opposite of a
usage, and one inside `constraints { }` or `dependencyManagement { }` only pins a version: both
are skipped. The provider is looked up with the `[maven]` coordinates of the provider
data, so a look-alike (`org.openapitools:openapi-generator`) is nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.model import Detection, FileScan, Notice

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

STRING_NODES = frozenset({"string_literal", "character_literal"})
CALL_NODES = frozenset({"call_expression", "method_invocation", "juxt_function_call"})
NAMED_ARGUMENT_NODES = frozenset({"value_argument", "map_item"})
# Calls whose coordinates remove a dependency instead of declaring one.
NEGATING_CALLS = frozenset({"exclude", "excludes"})
# Blocks that pin versions of what other declarations use: not declarations themselves.
PINNING_CALLS = frozenset({"constraints", "dependencyManagement"})
COORDINATE = re.compile(r"\s*([A-Za-z0-9_.\-]+):([A-Za-z0-9_.\-]+)(?::[^\s:]*){0,2}(?:@\w+)?\s*\Z")


@functools.cache
def parser_for(kotlin: bool) -> Parser:
    from tree_sitter import Language, Parser

    if kotlin:
        import tree_sitter_kotlin

        return Parser(Language(tree_sitter_kotlin.language()))
    import tree_sitter_groovy

    return Parser(Language(tree_sitter_groovy.language()))


def string_value(node: Node) -> str:
    """The characters of a string literal without its quotes (interpolations kept as written)."""
    text = (node.text or b"").decode("utf-8", "replace")
    for quote in ('"""', "'''", '"', "'"):
        if len(text) >= 2 * len(quote) and text.startswith(quote) and text.endswith(quote):
            return text[len(quote):-len(quote)]
    return text


def call_name(node: Node) -> str:
    """The name a call node invokes (`exclude` in `exclude(group = ...)`), empty when not a plain name."""
    first = node.child_by_field_name("name") or (node.named_children[0] if node.named_children else None)
    if first is not None and first.type in ("identifier", "simple_identifier"):
        return (first.text or b"").decode("utf-8", "replace")
    return ""


def _named_argument(node: Node) -> tuple[str, Node] | None:
    """(`group`, its string node) for `group = "g"` (Kotlin) or `group: 'g'` (Groovy)."""
    key = node.named_children[0] if node.named_children else None
    value = node.named_children[-1] if len(node.named_children) >= 2 else None
    if key is None or value is None or key.type not in ("identifier", "simple_identifier"):
        return None
    if value.type not in STRING_NODES:
        return None
    return (key.text or b"").decode("utf-8", "replace"), value


def _string_arguments(call: Node) -> list[Node]:
    """The string literals passed to a call, in order (`library("a", "g", "n")` in either dialect)."""
    arguments = next((c for c in call.children if c.type in ("value_arguments", "argument_list")), None)
    found: list[Node] = []
    for child in arguments.named_children if arguments is not None else ():
        node = child.named_children[0] if child.type == "value_argument" and child.named_children else child
        if node.type in STRING_NODES:
            found.append(node)
    return found


def coordinates(root: Node) -> Iterator[tuple[str, str, Node]]:
    """(group:artifact, evidence, node to report at) for every coordinate declared in the script.

    The walk carries down what the calls around a node say (tree-sitter's `parent` walks from the
    root, so asking it for every string would cost the square of the nesting): a coordinate whose
    nearest call is `exclude(...)` removes a dependency, and one inside `constraints { }` or
    `dependencyManagement { }` only pins a version; neither is a declaration."""
    stack: list[tuple[Node, bool, bool]] = [(root, False, False)]  # (node, nearest call negates, pinned)
    while stack:
        node, excluded, pinned = stack.pop()
        if node.type in CALL_NODES:
            name = call_name(node)
            excluded, pinned = name in NEGATING_CALLS if name else excluded, pinned or name in PINNING_CALLS
            if name == "library":  # a catalog in settings: library("alias", "group", "artifact")
                parts = _string_arguments(node)
                if len(parts) >= 3:
                    yield f"{string_value(parts[1])}:{string_value(parts[2])}", string_value(parts[2]), parts[2]
        skip = excluded or pinned
        stack.extend((child, excluded, pinned) for child in reversed(node.children))
        if node.type in STRING_NODES:
            value = string_value(node)
            match = COORDINATE.match(value)
            if match and not skip:
                yield f"{match.group(1)}:{match.group(2)}", value.strip(), node
        elif not skip and node.children and any(child.type in NAMED_ARGUMENT_NODES for child in node.children):
            named: dict[str, Node] = {}
            for child in node.children:
                pair = _named_argument(child) if child.type in NAMED_ARGUMENT_NODES else None
                if pair is not None:
                    named.setdefault(pair[0], pair[1])
            group, name_node = named.get("group"), named.get("name")
            if group is not None and name_node is not None:
                coordinate = f"{string_value(group)}:{string_value(name_node)}"
                if COORDINATE.match(coordinate):
                    yield coordinate, coordinate, name_node


def scan_gradle(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    suppressions = scan_lines(path, text)
    try:
        tree = parser_for(path.lower().endswith(".kts")).parse(text.encode("utf-8"))
    except ImportError as err:  # pragma: no cover - the grammars are dependencies of the package
        return FileScan(path, suppressions=suppressions,
                        notices=(*notices, Notice(path, f"Gradle grammar unavailable ({err}); not scanned")))
    found: dict[tuple[int, str], Detection] = {}
    for coordinate, evidence, node in coordinates(tree.root_node):
        provider = ctx.registry.maven(coordinate)
        if provider is None:
            continue
        line, column = node.start_point[0] + 1, node.start_point[1] + 1
        found.setdefault((line, coordinate), Detection(path, line, column, "dependency", evidence,
                                                       provider_hint=provider, statement_line=line))
    detections = tuple(sorted(found.values(), key=lambda d: (d.line, d.column)))
    return FileScan(path, detections=detections, suppressions=suppressions, notices=notices)
