"""The front end: one source file's tree-sitter tree turned into the shared intermediate form
(imports and their aliases, bindings, calls and constructions with their arguments, key/value
pairs, string literals, comments), read with the node types of the language's data file.

Node types are matched by one query built from the data (the matching runs in C); the few nodes
captured are then decoded with the field specs of the data file:
`field` (a named field), `@N` (the Nth named child, negative from the end), `type:T` (the first
named child of type T), `^T` (the nearest enclosing node of type T), joined with `/`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cadre_hooks.detect.treesitter.language import Language, env_query, import_query, parser_for
from cadre_hooks.registry.index import qualified

if TYPE_CHECKING:
    from tree_sitter import Node, Query, Tree

_SIMPLE_PATH = re.compile(r"[\w$@\\:.]+\Z")


def text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def named(node: Node) -> list[Node]:
    return [c for c in node.named_children if "comment" not in c.type]


def pick(node: Node | None, spec: str) -> Node | None:
    """The node a field spec of the data file designates, from `node`."""
    for part in spec.split("/"):
        if node is None or not part:
            return node
        if part.startswith("@"):
            children = named(node)
            index = int(part[1:])
            node = children[index] if -len(children) <= index < len(children) else None
        elif part.startswith("type:"):
            node = next((c for c in node.named_children if c.type == part[5:]), None)
        elif part.startswith("^"):
            current, depth = node.parent, 0
            while current is not None and current.type != part[1:] and depth < 4:
                current, depth = current.parent, depth + 1
            node = current if current is not None and current.type == part[1:] else None
        else:
            node = node.child_by_field_name(part)
    return node


@dataclass(frozen=True)
class Import:
    node: Node
    path: str  # qualified: `github.com/openai/openai-go`, `dev.langchain4j.model.openai.OpenAiChatModel`
    alias: str | None
    module: str = ""  # the module a member import comes from (`pkg` of `import { A } from "pkg"`)


@dataclass(frozen=True)
class Arg:
    name: str | None
    value: Node


@dataclass(frozen=True)
class Call:
    """A call or a construction: `receiver.name(args)`, `name(args)`, `new name(args)`."""

    node: Node
    receiver: Node | None
    name: str
    args: tuple[Arg, ...]
    new: bool = False


@dataclass
class Facts:
    """The intermediate form of one file, the same for every language."""

    lang: Language
    data: bytes
    imports: list[Import] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    calls_by_node: dict[int, Call] = field(default_factory=dict)
    bindings: dict[str, list[Node]] = field(default_factory=dict)  # name → values assigned to it
    bound_to: dict[int, str] = field(default_factory=dict)  # value node id → the name it is assigned to
    binding_sites: list[tuple[str, Node, Node]] = field(default_factory=list)  # (name, value, assignment)
    pairs: list[tuple[str, Node, Node]] = field(default_factory=list)  # (key, value, pair node)
    strings: list[Node] = field(default_factory=list)
    subscripts: list[Node] = field(default_factory=list)
    comments: list[Node] = field(default_factory=list)
    env_reads: list[Node] = field(default_factory=list)  # `process.env.X`

    # --- names -----------------------------------------------------------------------------
    def unwrap(self, node: Node | None) -> Node | None:
        while node is not None and node.type in self.lang.wrappers:
            children = named(node)
            if len(children) != 1:
                break
            node = children[0]
        return node

    def dotted(self, node: Node | None) -> str | None:
        """`a.b.C` for a name or a member access (`OpenAI::Client`, `$this->client`), else None."""
        node = self.unwrap(node)
        if node is None:
            return None
        spec = self.lang.members.get(node.type)
        if spec is not None:
            obj, name = pick(node, spec["object"]), pick(node, spec["name"])
            left = self.dotted(obj)
            if left is None or name is None:
                return None
            return f"{left}.{text(name)}"
        raw = text(node)
        if node.type in self.lang.names or _SIMPLE_PATH.match(raw):
            return self.strip_self(qualified(raw.replace("->", ".")))
        return None

    def strip_self(self, name: str) -> str:
        for prefix in self.lang.self_names:
            if name.startswith(prefix + "."):
                return name[len(prefix) + 1:]
        return name

    def key_text(self, node: Node | None) -> str:
        """The text of a key: `model`, `:model`, `"model"`, `'model'` → model."""
        node = self.unwrap(node)
        if node is None:
            return ""
        if node.type in self.lang.strings:
            return "".join(text(c) for c in node.named_children if c.type in self.lang.string_parts)
        return text(node).strip().lstrip(":").rstrip(":").strip("\"'")


def _node_query(lang: Language) -> Query:
    return _node_query_for(lang.id, lang)


_QUERIES: dict[str, Query] = {}


def _node_query_for(lang_id: str, lang: Language) -> Query:
    if lang_id in _QUERIES:
        return _QUERIES[lang_id]
    from tree_sitter import Query

    groups = {"call": lang.calls, "binding": lang.bindings, "pair": lang.pairs, "string": lang.strings,
              "comment": lang.comments, "subscript": lang.subscripts}
    parts = []
    for capture, types in groups.items():
        if types:
            parts.append("[" + " ".join(f"({t})" for t in sorted(types)) + f"] @{capture}")
    query = _QUERIES[lang_id] = Query(parser_for(lang.id).language, "\n".join(parts))  # type: ignore[arg-type]
    return query


def parse(lang: Language, data: bytes) -> Tree:
    return parser_for(lang.id).parse(data)


def collect(lang: Language, data: bytes, tree: Tree, relevant: Callable[[Facts], bool] | None = None) -> Facts:
    """The intermediate form of a file. `relevant` is asked once imports, strings and comments
    are known (all found by queries, in C): when it says no, the calls, bindings and pairs (the
    costly part, decoded node by node) are left out."""
    from tree_sitter import QueryCursor

    facts = Facts(lang, data)
    root = tree.root_node
    for match in QueryCursor(import_query(lang.id)).matches(root):
        captures: dict[str, Any] = match[1]
        node = captures.get("import", [None])[0]
        path = captures.get("path", [None])[0]
        if node is None or path is None:
            continue
        alias = captures.get("alias", [None])[0]
        member = captures.get("member", [None])[0]
        value = facts.key_text(path) if path.type in lang.strings else qualified(text(path))
        module = value
        if member is not None and value:  # `import { A as B } from "pkg"`: B is pkg.A
            value, alias = f"{value}.{facts.key_text(member)}", alias or member
        if captures.get("wildcard") or text(node).rstrip("; \n").endswith("*"):
            value += ".*"  # `import a.b.*`: opens the package
        if value:
            facts.imports.append(Import(node, value, text(alias) if alias is not None else None, module))
    found = QueryCursor(_node_query(lang)).captures(root)
    facts.comments = list(found.get("comment", ()))
    facts.strings = list(found.get("string", ()))
    facts.subscripts = list(found.get("subscript", ()))
    env = env_query(lang.id)
    if env is not None:
        facts.env_reads = list(QueryCursor(env).captures(root).get("env", ()))
    if relevant is not None and not relevant(facts):
        return facts
    for node in found.get("binding", ()):
        _binding(facts, node)
    for node in found.get("pair", ()):
        spec = lang.pairs[node.type]
        key_node, value_node = pick(node, spec["key"]), pick(node, spec["value"])
        if key_node is not None and value_node is not None and (key_node.id != value_node.id or not spec["key"]):
            # (a shorthand `{ baseURL }` is its own key and value)
            facts.pairs.append((facts.key_text(key_node), value_node, node))
    for node in sorted(found.get("call", ()), key=lambda n: n.start_byte):
        call = _call(facts, node)
        if call is not None:
            facts.calls.append(call)
            facts.calls_by_node[node.id] = call
    return facts


def _binding(facts: Facts, node: Node) -> None:
    spec = facts.lang.bindings[node.type]
    names, values = pick(node, spec["name"]), pick(node, spec["value"])
    if names is None or values is None or names.id == values.id:
        return
    name_nodes = named(names) if names.type in facts.lang.wrappers and len(named(names)) > 1 else [names]
    value_nodes = named(values) if values.type in facts.lang.wrappers and len(named(values)) > 1 else [values]
    if len(value_nodes) != len(name_nodes):  # `client, err := NewClient()`: the first name holds the value
        name_nodes, value_nodes = name_nodes[:1], value_nodes[:1] if len(value_nodes) == 1 else []
    for name_node, value_node in zip(name_nodes, value_nodes):
        name = facts.dotted(name_node)
        value = facts.unwrap(value_node)
        if name and value is not None:
            facts.bindings.setdefault(name, []).append(value)
            facts.bound_to[value.id] = name
            facts.binding_sites.append((name, value, node))


def _call(facts: Facts, node: Node) -> Call | None:
    spec = facts.lang.calls[node.type]
    receiver: Node | None = None
    name = ""
    if "type" in spec:
        type_node = pick(node, spec["type"])
        if type_node is None:
            return None
        name = facts.dotted(type_node) or ""
    elif "callee" in spec:
        callee = facts.unwrap(pick(node, spec["callee"]))
        if callee is None:
            return None
        member = facts.lang.members.get(callee.type)
        if member is not None:
            receiver, name = pick(callee, member["object"]), text(pick(callee, member["name"]))
        elif callee.type in facts.lang.names:
            name = text(callee)
        else:
            receiver = callee
    else:
        receiver = pick(node, spec["receiver"]) if "receiver" in spec else None
        name = text(pick(node, spec["name"]))
    args_node = pick(node, spec["arguments"]) if "arguments" in spec else None
    args = _arguments(facts, args_node) if args_node is not None else []
    if "block" in spec and (block := pick(node, spec["block"])) is not None:
        args.append(Arg(None, block))
    return Call(node, receiver, name, tuple(args), bool(spec.get("new", False)))


def _arguments(facts: Facts, node: Node) -> list[Arg]:
    args = []
    for child in named(node):
        wrapper = facts.lang.arguments.get(child.type)
        pair = facts.lang.pairs.get(child.type)
        if wrapper is not None:
            value = pick(child, wrapper["value"])
            label = pick(child, wrapper["name"]) if "name" in wrapper else None
            if value is None:
                continue
            args.append(Arg(facts.key_text(label) if label is not None and label.id != value.id else None, value))
        elif pair is not None:
            key, value = pick(child, pair["key"]), pick(child, pair["value"])
            if key is not None and value is not None and key.id != value.id:
                args.append(Arg(facts.key_text(key), value))
        else:
            args.append(Arg(None, child))
    return args
