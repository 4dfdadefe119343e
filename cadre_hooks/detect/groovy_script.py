"""Groovy scripts (`*.groovy`): the dependencies a script fetches itself with Grape,
`@Grab('group:artifact:version')` or `@Grab(group='g', module='a', version='v')`, each a `dependency`
usage of its provider when `group:artifact` is a `[maven]` coordinate of the provider data; and,
as for every source language without a detector of its own, its hard-coded AI endpoints (the
safety net of `plain_source`, with Groovy's comment syntax from `rules/plain_sources.toml`).
Parsed with tree-sitter's Groovy grammar: a commented-out `// @Grab(...)` is a comment node.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.gradle import COORDINATE, STRING_NODES, parser_for, string_value
from cadre_hooks.detect.plain_source import endpoints, language_for
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.model import Detection, FileScan

if TYPE_CHECKING:
    from tree_sitter import Node

GRAB_ANNOTATIONS = frozenset({"Grab", "groovy.lang.Grab"})


def _annotation_name(node: Node) -> str:
    names = [c for c in node.named_children if c.type in ("identifier", "scoped_identifier")]
    return (names[0].text or b"").decode("utf-8", "replace") if names else ""


def grabs(root: Node) -> Iterator[tuple[str, Node]]:
    """(group:artifact, node to report at) of every `@Grab` of the script."""
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type != "annotation" or _annotation_name(node) not in GRAB_ANNOTATIONS:
            continue
        arguments = next((c for c in node.children if c.type == "annotation_argument_list"), None)
        if arguments is None:
            continue
        named: dict[str, Node] = {}
        for child in arguments.named_children:
            if child.type in STRING_NODES:
                match = COORDINATE.match(string_value(child))
                if match:
                    yield f"{match.group(1)}:{match.group(2)}", child
            elif child.type == "element_value_pair" and len(child.named_children) >= 2:
                key, value = child.named_children[0], child.named_children[-1]
                if value.type in STRING_NODES:
                    named.setdefault((key.text or b"").decode("utf-8", "replace"), value)
        group, module = named.get("group"), named.get("module")
        if group is not None and module is not None:
            yield f"{string_value(group)}:{string_value(module)}", module


def scan_groovy_script(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    found: list[Detection] = []
    for coordinate, node in grabs(parser_for(False).parse(text.encode("utf-8")).root_node):
        provider = ctx.registry.maven(coordinate)
        if provider:
            line, column = node.start_point[0] + 1, node.start_point[1] + 1
            found.append(Detection(path, line, column, "dependency", f"@Grab {coordinate}", provider_hint=provider,
                                   statement_line=line))
    language = language_for(path)
    if language is not None:
        found += endpoints(ctx, path, text, language)
    found.sort(key=lambda d: (d.line, d.column))
    return FileScan(path, detections=tuple(found), suppressions=scan_lines(path, text), notices=notices)
