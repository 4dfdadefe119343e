"""sbt build definitions (`build.sbt`, any `*.sbt`): a Scala or Java library declared as
`"group" % "artifact" % "version"` (or `%%` for a Scala cross-built one) is a `dependency` usage of
its provider when `group:artifact` is a `[maven]` coordinate of the provider data, at the line of
the declaration. Parsed with tree-sitter's Scala grammar, so a commented-out line is a comment node;
`exclude("group", "artifact")` is a call with a tuple, not a declaration, and is not read.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.tree_manifest import scan_tree_manifest
from cadre_hooks.model import FileScan

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

MODULE_OPERATORS = frozenset({"%", "%%", "%%%"})


@functools.cache
def parser() -> Parser:
    from tree_sitter import Language, Parser
    import tree_sitter_scala

    return Parser(Language(tree_sitter_scala.language()))


def _string(node: Node) -> str | None:
    text = (node.text or b"").decode("utf-8", "replace")
    if node.type != "string" or len(text) < 2 or not text.startswith('"') or not text.endswith('"'):
        return None
    return text.strip('"')


def modules(root: Node) -> Iterator[tuple[str, Node]]:
    """(group:artifact, the group's string node) of every `"g" % "a"` expression."""
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type != "infix_expression" or len(node.children) != 3:
            continue
        left, operator, right = node.children
        if operator.type != "operator_identifier" or (operator.text or b"").decode() not in MODULE_OPERATORS:
            continue
        group, artifact = _string(left), _string(right)
        if group and artifact:
            yield f"{group}:{artifact}", left


def scan_sbt(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    return scan_tree_manifest(path, data, parser(), modules, ctx.registry.maven)
