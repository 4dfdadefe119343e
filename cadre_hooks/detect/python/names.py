"""Names as evidence: the words of the expression an endpoint is read from.

When the endpoint of an AI client cannot be evaluated (`settings.albert_api_url`,
`cfg["scaleway_genai_url"]`, `os.environ["ALBERT_API_URL"]`), the names the expression is built
from may still say where the data goes. This module only extracts the words; the registry says
which provider they name (`Registry.named_provider`), and only the endpoint of an AI client or of
an AI HTTP call is ever asked: a variable `openai_model_name` or a setting `mistral_url` passed to
a workflow client is never looked at.
"""

from __future__ import annotations

import ast
import re

from cadre_hooks.detect.python.values import dotted

_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
MAX_NODES = 40


def words(text: str) -> list[str]:
    """`ALBERT_API_URL`, `albertApiUrl`, `albert-api.url` -> ["albert", "api", "url"]."""
    return [w.lower() for w in _SPLIT.split(text) if w]


def expression_names(node: ast.expr, env: str | None = None) -> list[str]:
    """The names an endpoint expression is built from: attribute and variable names, constant
    subscript keys and arguments (`settings.get("albert_url")`), the environment variable it reads.
    URL literals are left out: a host decides by itself, and a placeholder host says nothing."""
    found: list[str] = [env] if env else []
    stack: list[ast.AST] = [node]
    seen = 0
    while stack and seen < MAX_NODES:
        current = stack.pop()
        seen += 1
        if isinstance(current, ast.Name):
            found.append(current.id)
        elif isinstance(current, ast.Attribute):
            found.append(current.attr)
            stack.append(current.value)
        elif isinstance(current, ast.Subscript):
            stack.extend([current.value, current.slice])
        elif isinstance(current, ast.Constant):
            if isinstance(current.value, str) and "/" not in current.value and " " not in current.value:
                found.append(current.value)
        elif isinstance(current, ast.Call):
            name = dotted(current.func) or ""
            found.extend(part for part in name.split(".") if part not in ("os", "environ", "get", "getenv"))
            stack.extend(current.args)
            stack.extend(k.value for k in current.keywords)
        elif isinstance(current, (ast.JoinedStr, ast.FormattedValue, ast.BinOp, ast.BoolOp, ast.IfExp)):
            stack.extend(ast.iter_child_nodes(current))
    return found


def named_words(node: ast.expr, env: str | None = None) -> list[list[str]]:
    """The words of each name of the expression, one list per name."""
    return [words(name) for name in expression_names(node, env)]
