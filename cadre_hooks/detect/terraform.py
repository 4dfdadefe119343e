"""Terraform and OpenTofu (`*.tf`, `*.tofu`): resources that provision an AI service, parsed as HCL
with the tree-sitter HCL grammar (every node keeps its position; a syntax error leaves the rest of
the file readable, with a notice).

Which resource types are AI services is registry data (`[terraform] resources` of each provider,
e.g. `azurerm_cognitive_account[kind=OpenAI]`, `aws_bedrockagent_*`): a storage account, a network
or a `ComputerVision` account is not a usage. Each matching resource is a usage at its `resource`
line, with:
- its region, which decides CDR103 for an approved provider: the resource's own `location` or
  `region`, else the region of a resource it references (a deployment's account, an account's
  resource group), else its provider block's `region` (chosen by the `provider = aws.eu` alias,
  or the default provider of its type);
- its model (`foundation_model`, `model_id`, a `model { name = ... }` block).

Values are followed through the module, which is every `.tf` file of the folder (Terraform reads
them as one): variables' defaults, overridden by `terraform.tfvars` and `*.auto.tfvars`; locals;
attributes of other resources and data sources. A value that comes from a function call, a
condition or a module's caller stays unknown: the usage then has no region.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import decode
from cadre_hooks.memo import per_scan
from cadre_hooks.model import Detection, FileScan, ModelRef, Notice

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

MODULE_SUFFIXES = (".tf", ".tofu")
MAX_SIBLING_SIZE = 2_000_000
MAX_DEPTH = 6
REGION_ATTRIBUTES = ("location", "region")
MODEL_ATTRIBUTES = ("foundation_model", "model_id", "model_name", "model_arn", "model")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


@lru_cache(maxsize=1)
def _parser() -> Parser:
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


@dataclass
class Block:
    """A block of HCL: `resource "type" "name" { ... }`, with its attributes' expressions."""

    kind: str
    labels: tuple[str, ...]
    line: int
    column: int
    attributes: dict[str, Node] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class ParsedFile:
    blocks: list[Block]
    error_line: int  # first line of a syntax error, 0 when the file parsed cleanly
    tree: Any  # keeps the nodes' tree alive


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole in ("$${", "%%{"):
            return whole[1:]
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, whole)

    return _ESCAPE.sub(one, text)


def _label(node: Node) -> str:
    return "".join(_unescape(_text(c)) for c in node.children if c.type == "template_literal")


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _block(node: Node) -> Block:
    name = node.children[0]
    labels = tuple(_label(c) if c.type == "string_lit" else _text(c) for c in node.children[1:]
                   if c.type in ("string_lit", "identifier"))
    block = Block(_text(name), labels, node.start_point[0] + 1, node.start_point[1] + 1)
    body = next((c for c in node.children if c.type == "body"), None)
    for child in body.children if body is not None else ():
        if child.type == "attribute" and child.children:
            expression = next((c for c in child.children if c.type == "expression"), None)
            if expression is not None:
                block.attributes[_text(child.children[0])] = expression
        elif child.type == "block" and child.children:
            block.blocks.append(_block(child))
    return block


def _first_error(node: Node) -> int:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "ERROR" or current.is_missing:
            return current.start_point[0] + 1
        stack.extend(reversed([c for c in current.children if c.has_error or c.is_missing or c.type == "ERROR"]))
    return 1


def parse(data: bytes) -> ParsedFile:
    tree = _parser().parse(data)
    root = tree.root_node
    blocks: list[Block] = []
    top: list[Node] = []
    for child in root.children:  # the body, and ERROR nodes whose blocks still parsed
        top += child.children if child.type in ("body", "ERROR") else []
    for child in top:
        if child.type == "block" and child.children:
            blocks.append(_block(child))
        elif child.type == "attribute" and child.children:  # a .tfvars file: top-level attributes
            expression = next((c for c in child.children if c.type == "expression"), None)
            if expression is not None:
                holder = Block("tfvars", (), child.start_point[0] + 1, 1)
                holder.attributes[_text(child.children[0])] = expression
                blocks.append(holder)
    return ParsedFile(blocks, _first_error(root) if root.has_error else 0, tree)


_CACHE: dict[tuple[str, int, int], ParsedFile] = per_scan({})  # the trees of one repository


def _parse_path(root: str, rel: str) -> ParsedFile | None:
    """A sibling file of the module, parsed once per scan while it is unchanged (read through
    the guarded reader: never a FIFO, a device or a link out of the repository)."""
    from cadre_hooks.safeio import Refused, read_in_root

    full = os.path.join(root, rel)
    try:
        st = os.stat(full)
        if st.st_size > MAX_SIBLING_SIZE:
            return None
        key = (full, st.st_size, st.st_mtime_ns)
        if key not in _CACHE:
            _CACHE[key] = parse(read_in_root(root, rel, MAX_SIBLING_SIZE))
        return _CACHE[key]
    except (OSError, Refused):
        return None


@dataclass
class Module:
    """Every named thing of the folder's files that a value may refer to."""

    providers: dict[tuple[str, str | None], Block] = field(default_factory=dict)
    variables: dict[str, Node] = field(default_factory=dict)
    tfvars: dict[str, Node] = field(default_factory=dict)
    locals: dict[str, Node] = field(default_factory=dict)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)

    def add(self, parsed: ParsedFile, tfvars: bool) -> None:
        for block in parsed.blocks:
            if tfvars:
                self.tfvars.update(block.attributes)
            elif block.kind == "provider" and block.labels:
                alias = value(block.attributes.get("alias"), self)
                self.providers.setdefault((block.labels[0], alias), block)
            elif block.kind == "variable" and block.labels and "default" in block.attributes:
                self.variables[block.labels[0]] = block.attributes["default"]
            elif block.kind == "locals":
                self.locals.update(block.attributes)
            elif block.kind == "resource" and len(block.labels) >= 2:
                self.resources.setdefault((block.labels[0], block.labels[1]), block)
            elif block.kind == "data" and len(block.labels) >= 2:
                self.data.setdefault((block.labels[0], block.labels[1]), block)


def _is_tfvars(name: str) -> bool:
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith(".auto.tfvars")


def load_module(ctx: DetectContext, path: str, own: ParsedFile) -> tuple[Module, list[str]]:
    """The module of the folder holding `path`, and the sibling files it was read from."""
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    module = Module()
    used: list[str] = []
    try:
        names = sorted(os.listdir(os.path.join(ctx.root, folder)))
    except OSError:
        names = []
    siblings = [n for n in names if n.endswith(MODULE_SUFFIXES) or _is_tfvars(n)]
    own_name = path.rsplit("/", 1)[-1]
    module.add(own, tfvars=False)
    for name in siblings:
        if name == own_name or name.endswith(".json"):
            continue
        parsed = _parse_path(str(ctx.root), f"{folder}/{name}" if folder else name)
        if parsed is not None:
            module.add(parsed, tfvars=_is_tfvars(name))
            used.append(f"{folder}/{name}" if folder else name)
    return module, used


# --- evaluation -----------------------------------------------------------------------------
def _reference(expression: Node) -> list[str] | None:
    """`var.region` → ["var", "region"]; None when the expression is not a plain reference."""
    children = [c for c in expression.named_children if c.type != "comment"]
    if not children or children[0].type != "variable_expr":
        return None
    parts = [_text(children[0])]
    for child in children[1:]:
        if child.type == "get_attr":
            parts += [_text(c) for c in child.named_children if c.type == "identifier"]
        elif child.type in ("index", "splat", "attr_splat", "full_splat", "new_index", "legacy_index"):
            continue  # `aws_x.y[0].region`: every instance shares the attribute written once
        else:
            return None
    return parts


def value(expression: Node | None, module: Module, depth: int = 0) -> str | None:
    """The string an expression evaluates to, when the module's files say it; else None."""
    if expression is None or depth > MAX_DEPTH:
        return None
    if expression.type == "expression":
        children = [c for c in expression.named_children if c.type != "comment"]
        if len(children) == 1 and children[0].type in ("literal_value", "template_expr"):
            return value(children[0], module, depth)
        parts = _reference(expression)
        return resolve(parts, module, depth + 1) if parts else None
    if expression.type == "literal_value":
        inner = expression.named_children[0] if expression.named_children else None
        if inner is None:
            return None
        if inner.type == "string_lit":
            return _label(inner)
        if inner.type in ("numeric_lit", "bool_lit"):
            return _text(inner)
        return None
    if expression.type == "template_expr" and expression.named_children:
        template = expression.named_children[0]
        out: list[str] = []
        for part in template.named_children:
            if part.type == "template_literal":
                out.append(_unescape(_text(part)) if template.type == "quoted_template" else _text(part))
            elif part.type == "template_interpolation":
                inner = next((c for c in part.named_children if c.type == "expression"), None)
                piece = value(inner, module, depth + 1)
                if piece is None:
                    return None
                out.append(piece)
            elif part.type in ("template_directive",):
                return None
        return "".join(out).removesuffix("\n") if template.type == "heredoc_template" else "".join(out)
    return None


def resolve(parts: list[str], module: Module, depth: int) -> str | None:
    if len(parts) >= 2 and parts[0] == "var":
        return value(module.tfvars.get(parts[1]) or module.variables.get(parts[1]), module, depth)
    if len(parts) >= 2 and parts[0] == "local":
        return value(module.locals.get(parts[1]), module, depth)
    if len(parts) >= 4 and parts[0] == "data":
        block = module.data.get((parts[1], parts[2]))
        return value(block.attributes.get(parts[3]), module, depth) if block else None
    if len(parts) >= 3:
        block = module.resources.get((parts[0], parts[1]))
        return value(block.attributes.get(parts[2]), module, depth) if block else None
    return None


def _referenced_blocks(expression: Node, module: Module) -> list[Block]:
    """The resources and data sources an expression refers to, in order."""
    found: list[Block] = []
    stack = [expression]
    while stack:
        node = stack.pop()
        if node.type == "expression":
            parts = _reference(node)
            if parts and parts[0] == "data" and len(parts) >= 3:
                block = module.data.get((parts[1], parts[2]))
            elif parts and len(parts) >= 2 and parts[0] not in ("var", "local", "module", "each", "count", "path"):
                block = module.resources.get((parts[0], parts[1]))
            else:
                block = None
            if block is not None:
                found.append(block)
                continue
        stack.extend(reversed(node.named_children))
    return found


def region_of(block: Block, module: Module, depth: int = 0, seen: set[int] | None = None) -> str | None:
    seen = seen if seen is not None else set()
    if depth > MAX_DEPTH or id(block) in seen:
        return None
    seen.add(id(block))
    for name in REGION_ATTRIBUTES:
        found = value(block.attributes.get(name), module)
        if found:
            return found
    for name, expression in block.attributes.items():
        if name in ("provider", "depends_on"):
            continue
        for other in _referenced_blocks(expression, module):
            found = region_of(other, module, depth + 1, seen)
            if found:
                return found
    if block.kind in ("resource", "data") and block.labels:
        provider = _provider(block, module)
        if provider is not None:
            for name in REGION_ATTRIBUTES:
                found = value(provider.attributes.get(name), module)
                if found:
                    return found
    return None


def _provider(block: Block, module: Module) -> Block | None:
    meta = block.attributes.get("provider")
    parts = _reference(meta) if meta is not None else None
    if parts and len(parts) >= 2:
        return module.providers.get((parts[0], parts[1]))
    return module.providers.get((block.labels[0].split("_", 1)[0], None))


def model_of(block: Block, module: Module) -> str | None:
    for name in MODEL_ATTRIBUTES:
        found = value(block.attributes.get(name), module)
        if found:
            return found
    for nested in block.blocks:
        if nested.kind in ("model", "foundation_model"):
            found = value(nested.attributes.get("name") or nested.attributes.get("id"), module)
            if found:
                return found
    return None


def _literal_attributes(block: Block, module: Module) -> dict[str, str | None]:
    return {name: value(expression, module) for name, expression in block.attributes.items()}


def scan_terraform(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    try:
        parsed = parse(data)
    except (ImportError, OSError) as err:  # the grammar is missing from this installation
        return FileScan(path, notices=(*notices, Notice(path, f"HCL parser unavailable ({err}); not scanned")),
                        suppressions=scan_lines(path, text))
    if parsed.error_line:
        notices = (*notices, Notice(path, f"not valid HCL (syntax error at line {parsed.error_line}); "
                                          "read what parsed"))
    candidates = [b for b in parsed.blocks if (b.kind == "resource" and len(b.labels) >= 2)
                  or (b.kind == "module" and b.labels and "source" in b.attributes)]
    if not candidates:
        return FileScan(path, suppressions=scan_lines(path, text), notices=notices)
    module: Module | None = None
    siblings: list[str] = []
    found: list[Detection] = []
    models: list[ModelRef] = []
    for block in candidates:
        if module is None:
            module, siblings = load_module(ctx, path, parsed)
        if block.kind == "module":  # a registry module that provisions the service (`Azure/openai/azurerm`)
            source = value(block.attributes["source"], module) or ""
            provider = ctx.registry.terraform_module(source)
            heading = f'module "{block.labels[0]}" ({source})'
        else:
            provider = ctx.registry.terraform_resource(block.labels[0], _literal_attributes(block, module))
            heading = f'resource "{block.labels[0]}" "{block.labels[1]}"'
        if provider is None:
            continue
        region = region_of(block, module)
        model = model_of(block, module)
        detail = ", ".join(x for x in (f"region {region}" if region else "", f"model {model}" if model else "") if x)
        evidence = heading + (f" ({detail})" if detail else "")
        found.append(Detection(path, block.line, block.column, "config", evidence, provider_hint=provider,
                               region=region, model=model, statement_line=block.line))
        if model:
            models.append(ModelRef(path, block.line, block.column, model, block.line))
    return FileScan(path, detections=tuple(found), suppressions=scan_lines(path, text), notices=notices,
                    models=tuple(models), depends_on=tuple(siblings) if found else ())
