"""What a JavaScript/TypeScript expression evaluates to, statically, on a tree-sitter tree: a string
literal, a template literal's fixed prefix, a `const` of the file, or an environment variable
(`process.env.X`, `import.meta.env.X`, `Deno.env.get("X")`), with its literal default
(`process.env.X ?? "https://..."`) when it has one, as in the Python detector.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cadre_hooks.detect import urls

if TYPE_CHECKING:
    from tree_sitter import Node

WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
                      "type_assertion"})
MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Unresolved:
    env: str | None = None


Value = str | Unresolved


def text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def string_value(node: Node) -> str | None:
    """The value of a string literal, or of a template literal without `${...}`."""
    if node.type == "string":
        raw = text(node)[1:-1]
        if "\\" in raw and raw.isascii():
            try:
                decoded = json.loads('"' + raw.replace("\\'", "'").replace('"', '\\"') + '"')
                return decoded if isinstance(decoded, str) else raw
            except json.JSONDecodeError:
                return raw
        return raw
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.children):
        return text(node)[1:-1]
    return None


def template_prefix(node: Node) -> str | None:
    """`https://api.mistral.ai/${path}` → `https://api.mistral.ai/` (only when the host is whole)."""
    if node.type != "template_string":
        return None
    prefix = ""
    for child in node.children:
        if child.type == "template_substitution":
            break
        if child.type != "`":
            prefix += text(child)
    url = urls.parse(prefix) if "://" in prefix else None
    if url is None or "/" not in prefix.split("://", 1)[1]:
        return None
    return prefix


def env_name(node: Node) -> str | None:
    """`process.env.X`, `process.env["X"]`, `import.meta.env.X`, `Deno.env.get("X")` → X."""
    if node.type == "member_expression":
        obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
        if obj is not None and text(obj).replace(" ", "") in ("process.env", "import.meta.env") and prop is not None:
            return text(prop)
    if node.type == "subscript_expression":
        obj, index = node.child_by_field_name("object"), node.child_by_field_name("index")
        if obj is not None and text(obj).replace(" ", "") in ("process.env", "import.meta.env") and index is not None:
            return string_value(index)
    if node.type == "call_expression":
        func, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if func is not None and text(func).replace(" ", "") == "Deno.env.get" and args is not None:
            first = next((a for a in args.named_children if a.type != "comment"), None)
            return string_value(first) if first is not None else None
    return None


class Evaluator:
    def __init__(self, constants: dict[str, list[Node]]) -> None:
        self.constants = constants  # `const NAME = value` of the file, by name
        self.consumed: set[int] = set()  # string nodes read as an endpoint (not hard-coded endpoints again)

    def evaluate(self, node: Node, depth: int = 0) -> Value:
        if depth > MAX_DEPTH:
            return Unresolved()
        if node.type in WRAPPERS:
            inner = next((c for c in node.named_children if c.type != "comment"), None)
            return self.evaluate(inner, depth + 1) if inner is not None else Unresolved()
        literal = string_value(node) or template_prefix(node)
        if literal is not None:
            self.consumed.add(node.id)
            return literal
        env = env_name(node)
        if env is not None:
            return Unresolved(env)
        if node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if operator is not None and text(operator) in ("??", "||") and left is not None and right is not None:
                first = self.evaluate(left, depth + 1)
                if isinstance(first, str):
                    return first
                fallback = self.evaluate(right, depth + 1)
                return fallback if isinstance(fallback, str) else first
        if node.type in ("identifier", "shorthand_property_identifier"):
            bound = self.constants.get(text(node), [])
            if len(bound) == 1:
                return self.evaluate(bound[0], depth + 1)
        return Unresolved()
