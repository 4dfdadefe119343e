"""Qualified names of the names a module uses, from its import statements.

libcst's QualifiedNameProvider answers the same question through a full scope analysis that
costs about a second on a 1,500-line file; imports are all we need, so we read them directly:
`import a.b as x` binds x → a.b, `from a.b import c as d` binds d → a.b.c, a relative import
binds to a name starting with "." (the project's own modules, never a provider). A local name
that shadows an import inside a function (a parameter, an assignment) is not resolved.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

BUILTINS = frozenset({"__import__"})


class ImportNames:
    def __init__(self) -> None:
        self.bound: dict[str, str] = {}

    def add(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = get_full_name_for_node(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.bound[alias.asname.name.value] = full
                else:
                    head = full.split(".")[0]
                    self.bound.setdefault(head, head)
            return
        module = get_full_name_for_node(node.module) if node.module is not None else ""
        prefix = "." * len(node.relative) + (module or "")
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = get_full_name_for_node(alias.name) or ""
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) \
                else name
            self.bound[local] = f"{prefix}.{name}" if prefix and not prefix.endswith(".") else prefix + name

    def collect(self, module: cst.Module) -> None:
        """Bind every import of the module, at any depth (function-level imports included)."""
        names = self

        class _Imports(cst.CSTVisitor):
            def visit_Import(self, node: cst.Import) -> bool:
                names.add(node)
                return False

            def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
                names.add(node)
                return False

        module.visit(_Imports())

    def qualify(self, node: cst.BaseExpression, shadowed: frozenset[str] | set[str] = frozenset()) -> str | None:
        """`oa.OpenAI` → `openai.OpenAI` when `import openai as oa`; None when not from an import."""
        dotted = get_full_name_for_node(node)
        if not dotted:
            return None
        head, _, rest = dotted.partition(".")
        if head in shadowed:
            return None
        target = self.bound.get(head)
        if target is None:
            return f"builtins.{head}" if head in BUILTINS and not rest else None
        return f"{target}.{rest}" if rest else target
