"""JavaScript and TypeScript (.js .mjs .cjs .jsx .ts .tsx .mts .cts), parsed with tree-sitter, so
that comments, strings and template literals are never mistaken for code.

- an import of a registered npm package (`import x from "openai"`, `import {A} from "pkg"`,
  `require("pkg")`, `import("pkg")`, `export ... from "pkg"`) is a usage of its provider, at the
  import, unless every client built from it names its endpoint (as in the Python detector: the
  openai package used only with `baseURL: "https://api.scaleway.ai/v1"` is Scaleway, not OpenAI);
- a client built from such a package (`new OpenAI({ baseURL })`, `createOpenAI({ baseURL })`, also
  under LangChain's `configuration: {...}`) with an endpoint key is a usage of whoever serves it;
- a string holding an AI endpoint URL (`fetch("https://api.openai.com/v1/chat/completions")`).
Type-only imports (`import type`) carry no code and are not usages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.js_values import Evaluator, Unresolved, string_value, template_prefix, text
from cadre_hooks.detect.suppress import parse_comment
from cadre_hooks.model import Detection, FileScan, ModelRef, Notice, Suppression

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Query

ENDPOINT_KEYS = frozenset({"baseURL", "baseUrl", "basePath", "endpoint", "serverURL", "serverUrl", "host", "apiBase",
                           "apiUrl", "baseApiUrl"})
NESTED_OPTIONS = frozenset({"configuration", "clientOptions", "client", "options"})
_STATEMENTS = ("statement", "declaration")


@dataclass
class _Group:
    """One import of one AI package, and whether each client built from it names an endpoint."""

    provider: str
    node: Node
    uses: list[bool] = field(default_factory=list)
    always: bool = False


# What the detector looks at; everything else in the tree is never turned into Python objects.
QUERY = r"""
((comment) @comment (#match? @comment "cadre:"))
(import_statement) @import
(export_statement source: (_)) @export
(call_expression function: (identifier) @require_fn (#eq? @require_fn "require")
  arguments: (arguments . [(string) (template_string)])) @require
(call_expression function: (import)) @dynamic
(call_expression arguments: (arguments . (object))) @call
(new_expression) @new
(variable_declarator name: (identifier) value: (_)) @declarator
((string) @string (#match? @string "[.]|://"))
((template_string) @template (#match? @template "://"))
(pair key: [(property_identifier) (string)] @model_key
  (#match? @model_key "^[\"']?(model|modelName|modelId)[\"']?$")) @pair
"""


@functools.cache
def query_for(grammar: str) -> Query:
    from tree_sitter import Query

    return Query(parser_for(grammar).language, QUERY)  # type: ignore[arg-type]


@functools.cache
def parser_for(grammar: str) -> Parser:
    from tree_sitter import Language, Parser

    if grammar == "javascript":
        import tree_sitter_javascript

        return Parser(Language(tree_sitter_javascript.language()))
    import tree_sitter_typescript

    if grammar == "tsx":
        return Parser(Language(tree_sitter_typescript.language_tsx()))
    return Parser(Language(tree_sitter_typescript.language_typescript()))


def grammar_of(path: str) -> str:
    lower = path.lower()
    if lower.endswith(".tsx"):
        return "tsx"
    return "typescript" if lower.endswith((".ts", ".mts", ".cts")) else "javascript"


def package_of(specifier: str) -> str:
    """`@scope/name/sub` → `@scope/name`; `name/sub` → `name`."""
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def _first_argument(node: Node) -> Node | None:
    args = node.child_by_field_name("arguments")
    return next((a for a in args.named_children if a.type != "comment"), None) if args is not None else None


def _root_name(node: Node | None) -> str | None:
    while node is not None and node.type == "member_expression":
        node = node.child_by_field_name("object")
    return text(node) if node is not None and node.type == "identifier" else None


def _bound_names(node: Node) -> list[str]:
    """Names a `require(...)` / `await import(...)` result is bound to (`const {A, B: C} = ...`)."""
    parent = node.parent
    while parent is not None and parent.type in ("await_expression", "parenthesized_expression", "member_expression"):
        parent = parent.parent
    if parent is None or parent.type != "variable_declarator":
        return []
    target = parent.child_by_field_name("name")
    if target is None:
        return []
    if target.type == "identifier":
        return [text(target)]
    names = []
    for child in target.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            names.append(text(child))
        elif child.type == "pair_pattern" and (value := child.child_by_field_name("value")) is not None:
            names.append(text(value))
    return names


class _Scanner:
    def __init__(self, path: str, data: bytes, ctx: DetectContext) -> None:
        self.path, self.data, self.ctx = path, data, ctx
        self.groups: list[_Group] = []
        self.bindings: dict[str, _Group] = {}
        self.constants: dict[str, list[Node]] = {}
        self.calls: list[Node] = []
        self.strings: list[Node] = []
        self.sources: set[int] = set()
        self.detections: list[Detection] = []
        self.models: list[ModelRef] = []
        self.suppressions: list[Suppression] = []

    def position(self, node: Node) -> tuple[int, int]:
        line_start = node.start_byte - node.start_point.column
        prefix = self.data[line_start:node.start_byte].decode("utf-8", "replace")
        return node.start_point.row + 1, len(prefix) + 1

    def statement_line(self, node: Node) -> int:
        current: Node | None = node
        while current is not None and not current.type.endswith(_STATEMENTS):
            current = current.parent
        return (current or node).start_point.row + 1

    def detect(self, node: Node, kind: str, evidence: str, **fields: object) -> None:
        line, column = self.position(node)
        self.detections.append(Detection(self.path, line, column, kind, evidence,
                                         statement_line=self.statement_line(node), **fields))  # type: ignore[arg-type]

    def add_import(self, node: Node, source: Node | None, names: list[str], always: bool = False) -> None:
        specifier = string_value(source) if source is not None else None
        if not specifier:
            return
        self.sources.add(source.id)  # type: ignore[union-attr]
        provider = self.ctx.registry.npm(specifier) or self.ctx.registry.npm(package_of(specifier))
        if provider is None:
            return
        group = _Group(provider, node, always=always and not names)
        self.groups.append(group)
        for name in names:
            self.bindings[name] = group

    # --- first pass: imports, constants, strings, comments ---------------------------------------
    def collect(self, root: Node, grammar: str) -> None:
        """Runs the grammar's query (matching happens in C: no Python loop over every node)."""
        from tree_sitter import QueryCursor

        found = QueryCursor(query_for(grammar)).captures(root)
        for node in found.get("comment", ()):
            sup = parse_comment(self.path, node.start_point.row + 1, text(node))
            if sup is not None:
                self.suppressions.append(sup)
        for node in found.get("import", ()):
            self.visit_import(node)
        for node in found.get("export", ()):
            if not any(c.type == "type" for c in node.children):
                self.add_import(node, node.child_by_field_name("source"), [])
        for node in found.get("require", ()):
            self.add_import(node, _first_argument(node), _bound_names(node))
        for node in found.get("dynamic", ()):
            self.add_import(node, _first_argument(node), _bound_names(node), always=True)
        for node in found.get("declarator", ()):
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None and value is not None:
                self.constants.setdefault(text(name), []).append(value)
        for node in found.get("pair", ()):
            self.visit_pair(node)
        self.calls = [*found.get("new", ()), *found.get("call", ())]
        self.strings = [*found.get("string", ()), *found.get("template", ())]

    def visit_import(self, node: Node) -> None:
        if any(c.type == "type" for c in node.children):
            return  # `import type {...}`: no code at run time
        names: list[str] = []
        source = node.child_by_field_name("source")
        for clause in node.named_children:
            if clause.type == "import_require_clause":  # TypeScript `import x = require("pkg")`
                names += [text(c) for c in clause.named_children if c.type == "identifier"]
                source = next((c for c in clause.named_children if c.type == "string"), source)
            elif clause.type == "import_clause":
                for part in clause.named_children:
                    if part.type == "identifier":
                        names.append(text(part))
                    elif part.type == "namespace_import":
                        names += [text(c) for c in part.named_children if c.type == "identifier"]
                    elif part.type == "named_imports":
                        for spec in part.named_children:
                            if spec.type == "import_specifier":
                                alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                                names.append(text(alias))
        self.add_import(node, source, names)

    def visit_pair(self, node: Node) -> None:
        value = node.child_by_field_name("value")
        model = string_value(value) if value is not None else None
        parent = node.parent.parent if node.parent is not None else None
        if model and value is not None and parent is not None and parent.type == "arguments":
            line, column = self.position(value)
            self.models.append(ModelRef(self.path, line, column, model, self.statement_line(value)))

    # --- second pass: clients, then hard-coded endpoints ------------------------------------------
    def endpoint_pair(self, obj: Node, depth: int = 0) -> tuple[str, Node] | None:
        for child in obj.named_children:
            if child.type == "shorthand_property_identifier" and text(child) in ENDPOINT_KEYS:
                return text(child), child
            if child.type != "pair":
                continue
            key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
            name = (string_value(key) or text(key)) if key is not None else ""
            if value is None:
                continue
            if name in ENDPOINT_KEYS:
                return name, value
            if depth == 0 and name in NESTED_OPTIONS and value.type == "object":
                found = self.endpoint_pair(value, depth + 1)
                if found:
                    return found
        return None

    def visit_client(self, node: Node, evaluator: Evaluator) -> None:
        callee = node.child_by_field_name("constructor" if node.type == "new_expression" else "function")
        group = self.bindings.get(_root_name(callee) or "")
        if group is None:
            return
        options = _first_argument(node)
        if node.type == "call_expression" and (options is None or options.type != "object"):
            return  # a plain call (`openai("gpt-4o")`), not a client construction
        found = self.endpoint_pair(options) if options is not None and options.type == "object" else None
        group.uses.append(found is not None)
        if found is None:
            return
        key, value_node = found
        value = evaluator.evaluate(value_node)
        evidence = f"{' '.join(text(callee).split())}({{{key}: {' '.join(text(value_node).split())[:80]}}})"
        self.detect(value_node, "client", evidence, provider_hint=group.provider, generic=True,
                    endpoint=value if isinstance(value, str) else None,
                    endpoint_env=value.env if isinstance(value, Unresolved) else None,
                    endpoint_unresolved=isinstance(value, Unresolved))

    def finish(self) -> None:
        evaluator = Evaluator(self.constants)
        for node in self.calls:
            self.visit_client(node, evaluator)
        for node in self.strings:
            if node.id in self.sources or node.id in evaluator.consumed:
                continue
            value = string_value(node) or template_prefix(node)
            if value and "." in value and self.ctx.is_ai_url(value):
                self.detect(node, "endpoint", f"hard-coded endpoint {value}", endpoint=value, generic=True)
        for group in self.groups:
            if group.always or not group.uses or not all(group.uses):
                evidence = " ".join(text(group.node).split())
                self.detect(group.node, "import", evidence[:119] + "…" if len(evidence) > 120 else evidence,
                            provider_hint=group.provider)


def scan_javascript(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    try:
        parser = parser_for(grammar_of(path))
    except ImportError as err:
        return FileScan(path, notices=(Notice(path, f"JavaScript parser unavailable ({err}); not scanned"),))
    tree = parser.parse(data)
    scanner = _Scanner(path, data, ctx)
    scanner.collect(tree.root_node, grammar_of(path))
    scanner.finish()
    notices: tuple[Notice, ...] = ()
    if tree.root_node.has_error:
        notices = (Notice(path, "syntax errors; the parts that parse were scanned"),)
    detections = sorted(scanner.detections, key=lambda d: (d.line, d.column))
    return FileScan(path, detections=tuple(detections), suppressions=tuple(scanner.suppressions),
                    models=tuple(scanner.models), notices=notices)
