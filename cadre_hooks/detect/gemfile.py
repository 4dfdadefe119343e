"""Ruby manifests: a `Gemfile` (or `gems.rb`) `gem "name"` line, and a `*.gemspec`
`add_dependency` / `add_runtime_dependency` / `add_development_dependency` call. Each gem of an AI
SDK is a `dependency` usage of its provider at the line of the call.

Parsed with tree-sitter's Ruby grammar: a commented-out `# gem "ruby-openai"` is a comment node,
a `gem` call with a receiver (`Bundler.gem`) or a name built at run time is not a declaration, and
only the gem names of the provider data count (`openai_utils` is nothing).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.tree_manifest import scan_tree_manifest
from cadre_hooks.model import FileScan

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

GEMFILE_METHODS = frozenset({"gem"})
GEMSPEC_METHODS = frozenset({"add_dependency", "add_runtime_dependency", "add_development_dependency"})


@functools.cache
def parser() -> Parser:
    from tree_sitter import Language, Parser
    import tree_sitter_ruby

    return Parser(Language(tree_sitter_ruby.language()))


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def literal(node: Node) -> str | None:
    """The value of a plain string literal (`"ruby-openai"`, `'x'`, `%q<x>`), None when interpolated."""
    if node.type != "string" or any(child.type == "interpolation" for child in node.children):
        return None
    return "".join(_text(child) for child in node.children if child.type == "string_content")


def declared_gems(root: Node, gemspec: bool) -> list[tuple[str, Node]]:
    """(gem name, its string node) for every declaration call of the file."""
    found: list[tuple[str, Node]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(reversed(node.children))
        if node.type != "call":
            continue
        method = node.child_by_field_name("method")
        receiver = node.child_by_field_name("receiver")
        name = _text(method) if method is not None else ""
        if gemspec:
            if name not in GEMSPEC_METHODS:
                continue
        elif name not in GEMFILE_METHODS or receiver is not None:
            continue
        arguments = node.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        value = literal(first) if first is not None else None
        if value:
            found.append((value, first))  # type: ignore[arg-type]
    return found


def scan_gemfile(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    gemspec = path.lower().endswith(".gemspec")
    return scan_tree_manifest(path, data, parser(), lambda root: declared_gems(root, gemspec), ctx.registry.gem)
