"""What an expression of the intermediate form evaluates to, statically: a string literal, the
fixed prefix of an interpolated string, a concatenation, a constant or variable of the file
assigned once, a URL wrapper (`URI("...")`, `new Uri(...)`, `url.Parse(...)`), or an environment
read (`os.Getenv`, `System.getenv`, `ENV.fetch`, `$_ENV[...]`) with its literal default when it
has one, as in the Python and JavaScript detectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cadre_hooks.detect import urls
from cadre_hooks.detect.treesitter.facts import Call, Facts, pick, text

if TYPE_CHECKING:
    from tree_sitter import Node

MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Unresolved:
    env: str | None = None


Value = str | Unresolved


def _url_prefix(prefix: str) -> str | None:
    """`https://api.mistral.ai/` + something unknown: the host is whole, so the prefix decides."""
    url = urls.parse(prefix) if "://" in prefix else None
    if url is None or "/" not in prefix.split("://", 1)[1]:
        return None
    return prefix


class Evaluator:
    def __init__(self, facts: Facts, qualify: Callable[[Call], str]) -> None:
        self.facts = facts
        self.lang = facts.lang
        self.qualify = qualify

    def string(self, node: Node) -> Value | None:
        """A string literal's value; an interpolated one gives its fixed URL prefix, else Unresolved."""
        parts = []
        interpolated = False
        children = node.named_children
        for child in children:
            if child.type in self.lang.interpolations:
                interpolated = True
                break
            if child.type in self.lang.string_parts:
                piece = text(child)
                marker = self.lang.interpolation_marker
                if marker and marker in piece:
                    parts.append(piece.split(marker, 1)[0])
                    interpolated = True
                    break
                parts.append(piece)
        if not any(c.type in self.lang.string_parts or c.type in self.lang.interpolations for c in children):
            raw = text(node).lstrip("@$").strip("\"'`")  # a literal without parts: `@"..."`, '...'
            return raw
        value = "".join(parts)
        if interpolated:
            return _url_prefix(value) or Unresolved()
        return value

    def evaluate(self, node: Node | None, depth: int = 0) -> Value:
        node = self.facts.unwrap(node)
        if node is None or depth > MAX_DEPTH:
            return Unresolved()
        wrapper = self.lang.arguments.get(node.type)
        if wrapper is not None:
            return self.evaluate(pick(node, wrapper["value"]), depth + 1)
        if node.type in self.lang.strings:
            return self.string(node) or ""
        binary = self.lang.binaries.get(node.type)
        if binary is not None:
            return self._binary(node, binary, depth)
        call = self.facts.calls_by_node.get(node.id)
        if call is not None:
            return self._call(call, depth)
        subscript = self.lang.subscripts.get(node.type)
        if subscript is not None:
            obj, index = pick(node, subscript["object"]), pick(node, subscript["index"])
            if self.facts.dotted(obj) in self.lang.env_objects and index is not None:
                variable = self.evaluate(index, depth + 1)
                return Unresolved(variable if isinstance(variable, str) else None)
            return Unresolved()
        name = self.facts.dotted(node)
        if name is not None and self.lang.env_member_objects:
            owner, _, variable = name.rpartition(".")
            if owner in self.lang.env_member_objects:  # `process.env.X`
                return Unresolved(variable)
        if name is not None:
            values = self.facts.bindings.get(name, [])
            if len(values) == 1:
                return self.evaluate(values[0], depth + 1)
            if "." in name:  # `self::BASE`, `Config.BASE`, `static::BASE`: the constant's own name
                values = self.facts.bindings.get(name.rsplit(".", 1)[1], [])
                if len(values) == 1:
                    return self.evaluate(values[0], depth + 1)
        return Unresolved()

    def _binary(self, node: Node, spec: Any, depth: int) -> Value:
        left, right = pick(node, spec["left"]), pick(node, spec["right"])
        operator = text(pick(node, spec["operator"])) if "operator" in spec else ""
        if not operator and left is not None and right is not None:
            operator = self.facts.data[left.end_byte:right.start_byte].decode("utf-8", "replace").strip()
        if operator in self.lang.fallback_operators:
            first = self.evaluate(left, depth + 1)
            if isinstance(first, str):
                return first
            fallback = self.evaluate(right, depth + 1)
            return fallback if isinstance(fallback, str) else first
        if operator in self.lang.concat_operators:
            first = self.evaluate(left, depth + 1)
            if not isinstance(first, str):
                return first
            second = self.evaluate(right, depth + 1)
            if isinstance(second, str):
                return first + second
            return _url_prefix(first) or second
        return Unresolved()

    def _call(self, call: Call, depth: int) -> Value:
        name = self.qualify(call)
        if name in self.lang.env_functions or name in self.lang.env_default_functions:
            args = [a.value for a in call.args if a.name is None]
            env = self.evaluate(args[0], depth + 1) if args else Unresolved()
            if name in self.lang.env_default_functions and len(args) > 1:
                default = self.evaluate(args[1], depth + 1)
                if isinstance(default, str):
                    return default
            return Unresolved(env if isinstance(env, str) else None)
        if name in self.lang.url_wrappers:
            args = [a.value for a in call.args if a.name is None]
            return self.evaluate(args[0], depth + 1) if args else Unresolved()
        return Unresolved()
