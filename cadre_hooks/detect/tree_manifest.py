"""A manifest written in a programming language (a Ruby `Gemfile`, an sbt build), read with
tree-sitter: its declarations are (package name, node) pairs, and each name the registry knows is
a `dependency` usage at the node's first character. What differs between languages is the grammar
and which calls declare a package; the step from declarations to usages is the same, so it is here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.model import Detection, FileScan

if TYPE_CHECKING:
    from tree_sitter import Node, Parser


def scan_tree_manifest(path: str, data: bytes, parser: Parser,
                       declarations: Callable[[Node], Iterable[tuple[str, Node]]],
                       provider_of: Callable[[str], str | None]) -> FileScan:
    """The registered packages of `declarations` (run on the file's syntax tree) as usages."""
    text, notices = decode(path, data)
    tree = parser.parse(text.encode("utf-8"))
    found = []
    for name, node in declarations(tree.root_node):
        provider = provider_of(name)
        if provider:
            line, column = node.start_point[0] + 1, node.start_point[1] + 1
            found.append(Detection(path, line, column, "dependency", name, provider_hint=provider,
                                   statement_line=line))
    return FileScan(path, detections=tuple(found), suppressions=scan_lines(path, text), notices=notices)
