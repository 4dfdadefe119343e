"""What the Python analysis knows about one module while it walks it: positions and snippets,
the imports and the qualified names they give, the constants in scope, and the detections so far."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.python.crossfile import import_bindings
from cadre_hooks.detect.python.source import Source
from cadre_hooks.detect.python.values import (
    Evaluator,
    ImportResolver,
    Scope,
    Table,
    Value,
    assignments,
    dotted,
    module_scope,
)
from cadre_hooks.model import Detection, ModelRef
from cadre_hooks.relevance import LANGCHAIN_LEGACY, LANGCHAIN_ROUTERS as LANGCHAIN_ROUTERS

# Submodules that only hold data types or errors: importing them sends nothing anywhere.
PASSIVE_SUBMODULES = frozenset({"types", "_types", "type", "typing", "errors", "_exceptions", "exceptions"})


@dataclass
class _ImportGroup:
    """Names imported by one statement from the modules of one provider."""

    provider: str
    line: int
    column: int
    names: list[str]
    evidence: str
    statement_line: int
    uses: list[bool] = field(default_factory=list)  # per client built: True when it names its endpoint
    always: bool = False  # dynamic import: nothing to decide


@dataclass(frozen=True, slots=True)
class Owner:
    provider: str
    generic: bool
    single: bool  # a single-provider class (keeps its provider whatever the module)


class ModuleState:
    """The state of one module's analysis and the lookups every handler needs."""

    def __init__(self, path: str, source: Source, tree: ast.Module, ctx: DetectContext,
                 resolve_import: ImportResolver | None) -> None:
        self.path = path
        self.source = source
        self.lines = source.text.splitlines()
        self.tree = tree
        self.registry = ctx.registry
        self.filters = ctx.filters  # False: no expression is skipped (relevance.py)
        self.is_ai_url = ctx.is_ai_url
        self.scope = module_scope(tree)
        self.evaluator = Evaluator(resolve_import)
        self.detections: list[Detection] = []
        self.models: list[ModelRef] = []
        self.groups: list[_ImportGroup] = []
        self.strings: list[tuple[ast.Constant | ast.JoinedStr, int]] = []
        self.model_strings: list[tuple[ast.Constant, int]] = []  # "provider:model" candidates
        self.docstrings: set[int] = set()
        self.mentions: set[int] = set()
        self.uses_boto3 = False
        # Names bound to AI clients (`client = OpenAI(...)`, `self.llm = ChatMistralAI()`) -> provider hint
        self.ai_names: dict[str, str | None] = {}
        self.bound: dict[str, str] = {}  # local name -> qualified name, from the imports
        self._functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self._classes: list[ast.ClassDef] = []
        self._statement = 0
        self._tables: dict[int, Table] = {}
        self._shadows: dict[int, frozenset[str]] = {}

    def _pos(self, node: ast.expr | ast.stmt) -> tuple[int, int]:
        line = node.lineno
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return line, node.col_offset + 1
        # ast columns count UTF-8 bytes; editors count characters.
        return line, len(text.encode("utf-8")[: node.col_offset].decode("utf-8", "replace")) + 1

    def _code(self, node: ast.AST, limit: int = 120) -> str:
        start: int = getattr(node, "lineno", 0)
        end: int = getattr(node, "end_lineno", None) or start
        col: int = getattr(node, "col_offset", 0)
        end_col: int | None = getattr(node, "end_col_offset", None)
        if not start or start > len(self.lines):
            return ""
        if start == end:
            raw = _cut(self.lines[start - 1], col, end_col)
        else:
            raw = " ".join([_cut(self.lines[start - 1], col, None), *self.lines[start:end - 1],
                            _cut(self.lines[end - 1], 0, end_col)])
        text = " ".join(raw.split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def _note_docstring(self, node: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            self.docstrings.add(id(body[0].value))

    def _collect_imports(self) -> None:
        """Bind every imported name (function-level imports included) to its qualified name."""
        self.bound, roots = import_bindings(self.tree)
        self.uses_boto3 = bool(roots & {"boto3", "aioboto3"})

    def _routes_by_name(self) -> bool:
        """The module imports LangChain's init_chat_model: "provider:model" strings then name providers."""
        cached = getattr(self, "_router_imported", None)
        if cached is None:
            cached = any(q.startswith("langchain") and q.rsplit(".", 1)[-1] in LANGCHAIN_ROUTERS
                         for q in self.bound.values())
            self._router_imported = cached
        return cached

    def _shadowed(self) -> frozenset[str]:
        """Names the enclosing functions bind themselves (parameters, assignments): not the imports."""
        if not self._functions:
            return frozenset()
        key = id(self._functions[-1])
        cached = self._shadows.get(key)
        if cached is None:
            names: set[str] = set()
            for fn in self._functions:
                a = fn.args
                names.update(p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs))
                names.update(p.arg for p in (a.vararg, a.kwarg) if p is not None)
                names.update(n for n in self._table(fn) if not n.startswith("self."))
            cached = self._shadows[key] = frozenset(names)
        return cached

    def _qname(self, node: ast.expr) -> str | None:
        """The qualified name `node` refers to through the module's imports (None when none)."""
        name = dotted(node)
        if not name:
            return None
        head, _, rest = name.partition(".")
        if head in self._shadowed():
            return None
        target = self.bound.get(head)
        if target is None:
            return "builtins.__import__" if name == "__import__" else None
        return f"{target}.{rest}" if rest else target

    def _table(self, fn: ast.AST) -> Table:
        table = self._tables.get(id(fn))
        if table is None:
            table = assignments(fn)
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = fn.args
                positional = [*a.posonlyargs, *a.args]
                for param, default in zip(positional[len(positional) - len(a.defaults):], a.defaults):
                    table.setdefault(param.arg, []).insert(0, default)
                for param, kw_default in zip(a.kwonlyargs, a.kw_defaults):
                    if kw_default is not None:
                        table.setdefault(param.arg, []).insert(0, kw_default)
            self._tables[id(fn)] = table
        return table

    def _current_scope(self) -> Scope:
        function = self._table(self._functions[-1]) if self._functions else None
        klass = init = None
        if self._classes:
            cls = self._classes[-1]
            klass = self.scope.classes.get(cls.name) or self._table(cls)
            for stmt in cls.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__init__":
                    init = self._table(stmt)
        return Scope(self.scope.module_names, self.scope.imports, self.scope.classes, function, klass, init)

    def _evaluate(self, node: ast.expr) -> Value:
        return self.evaluator.evaluate(node, self._current_scope())

    def owner(self, qname: str) -> Owner | None:
        """Which provider a called or imported qualified name belongs to."""
        spec = self.registry.client(qname)
        module_provider = self.registry.module_provider(qname)
        if spec is not None:
            return Owner(spec.provider, spec.generic, single=not spec.generic and spec.provider != module_provider)
        if module_provider is not None:
            return Owner(module_provider, False, False)
        if qname.startswith(LANGCHAIN_LEGACY):
            pid = self.registry.langchain_class(qname.rsplit(".", 1)[-1])
            if pid is not None:
                return Owner(pid, pid == "openai", False)
        return None

    def _detect(self, node: ast.expr | ast.stmt, kind: str, evidence: str, **fields: object) -> None:
        line, column = self._pos(node)
        statement = self._statement if self._statement and self._statement <= line else line
        self.detections.append(Detection(path=self.path, line=line, column=column, kind=kind, evidence=evidence,
                                         statement_line=statement, **fields))  # type: ignore[arg-type]

    def _import(self, node: ast.expr | ast.stmt, qnames: list[str], evidence: str, always: bool = False) -> None:
        owners = [(q, o) for q in qnames if not passive(q) and (o := self.owner(q)) is not None]
        if not owners:
            return
        # An SDK import is its SDK's usage; a group holding only single-provider classes is theirs.
        plain = [o for _, o in owners if not o.single]
        provider = (plain or [owners[0][1]])[0].provider
        line, column = self._pos(node)
        self.groups.append(_ImportGroup(provider, line, column, [q for q, _ in owners], evidence,
                                        self._statement or line, always=always))

    def _group_of(self, qname: str) -> _ImportGroup | None:
        for group in self.groups:
            for name in group.names:
                if qname == name or qname.startswith(name + "."):
                    return group
        return None

def _cut(line: str, start: int, end: int | None) -> str:
    """A slice of `line` by UTF-8 byte offsets (what `ast` positions count)."""
    if line.isascii():
        return line[start:end]
    return line.encode("utf-8")[start:end].decode("utf-8", "replace")


def passive(qname: str) -> bool:
    """`openai.types.chat.ChatCompletion`, `openai.APIError`: a data type or an error, not a way to send data."""
    parts = qname.split(".")
    return parts[-1].endswith(("Error", "Exception", "Warning")) or any(p in PASSIVE_SUBMODULES for p in parts[1:])
