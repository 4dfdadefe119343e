"""Credentials and settings read in Python code: a provider's API key or endpoint variable
(`os.environ["OPENAI_API_KEY"]`, `os.getenv("MISTRAL_API_KEY")`, `environ.get(...)` after
`from os import environ`, python-decouple's `config(...)`, django-environ / environs `env(...)`,
pydantic `BaseSettings` fields) is a usage of kind `config` of that provider.

The variable names are the registry's `env_vars`, exactly as the provider spells them; any other
variable (`DATABASE_URL`, `GEMINI_PROTOCOL_PORT`) is not evidence. A read passed straight into an
AI client's constructor, or assigned to a name that is, belongs to that client: the client's own
usage (decided by its endpoint) says who receives the data, so `OpenAI(base_url=<Mistral>,
api_key=os.environ["OPENAI_API_KEY"])` is not an OpenAI usage. A read whose default is a URL is
decided by that URL, as in configuration files (`os.getenv("OPENAI_BASE_URL", "http://localhost:8000/v1")`
is a self-hosted server). The evidence names the variable, never a default value (it may be a secret).

Runs after the module's main pass, on its own walk of the tree, and only on modules whose text
quotes a provider variable or that import a settings base class: most modules pay one regex.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cadre_hooks.detect import urls
from cadre_hooks.detect.python.calls import BOTO3_FACTORIES
from cadre_hooks.detect.python.state import LANGCHAIN_ROUTERS, ModuleState, passive
from cadre_hooks.detect.python.values import dotted
from cadre_hooks.model import Detection
from cadre_hooks.relevance import SETTINGS_BASES as SETTINGS_BASES  # one list for the reader and the quick filter

# Functions and mappings that read one environment variable, by qualified name.
ENV_MAPPINGS = frozenset({"os.environ"})
ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "decouple.config",
                         "decouple.AutoConfig"})
# Classes whose instances read variables when called (`env("X")`, `env.str("X")`).
ENV_READER_CLASSES = frozenset({"environ.Env", "environ.FileAwareEnv", "environs.Env"})
FIELD_FACTORIES = frozenset({"pydantic.Field", "pydantic.fields.Field", "pydantic.v1.Field"})
ALIAS_CHOICES = frozenset({"pydantic.AliasChoices", "pydantic.aliases.AliasChoices"})
_QUOTED_NAME = re.compile(r"""["']([A-Z][A-Z0-9_]{2,})["']""")
# Every reader above is spelled with one of these: a module without any is settled by a substring search.
_READER_WORDS = ("environ", "getenv", "decouple")


@dataclass(frozen=True, slots=True)
class _Read:
    node: ast.expr  # the expression that reads the variable
    variable: str
    provider: str
    accessor: str  # how it is read, for the evidence: "os.getenv", "os.environ[...]"
    default: ast.expr | None
    statement: int
    call: ast.Call | None  # the call it is passed to directly, if any


def key_reads(state: ModuleState) -> list[Detection]:
    """The `config` detections of the module analysed by `state` (after its main pass)."""
    registry = state.registry
    text = state.source.text
    lines: list[int] = []
    if any(word in text for word in _READER_WORDS):
        found: set[int] = set()
        line, at = 1, 0
        for match in _QUOTED_NAME.finditer(text):
            if registry.env_var(match.group(1)):
                line += text.count("\n", at, match.start())
                at = match.start()
                found.add(line)
        # `VAR = "COHERE_API_KEY"` then `os.environ[VAR]`: the lines naming such a constant too.
        constants = {name for name, values in state.scope.module_names.items()
                     if any(isinstance(v, ast.Constant) and isinstance(v.value, str) and registry.env_var(v.value)
                            for v in values)}
        if constants:
            found.update(_lines_naming(state.lines, constants))
        lines = sorted(found)
    settings = any(target in SETTINGS_BASES for target in state.bound.values())
    if not lines and not settings:
        return []
    reader = _Reader(state)
    out: list[Detection] = []
    if lines:
        out += reader.reads(lines)
    if settings:
        out += reader.settings_fields()
    return out


class _Reader:
    def __init__(self, state: ModuleState) -> None:
        self.state = state
        self.env_objects = self._env_objects()

    # --- helpers ----------------------------------------------------------------------------
    def qname(self, node: ast.expr) -> str | None:
        name = dotted(node)
        if not name:
            return None
        head, _, rest = name.partition(".")
        target = self.state.bound.get(head)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def text(self, node: ast.expr) -> str | None:
        """The string `node` stands for (a literal or a module constant), else None."""
        if isinstance(node, ast.Constant):
            return node.value if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            value = self.state.evaluator.evaluate(node, self.state.scope)
            return value if isinstance(value, str) else None
        return None

    def _env_objects(self) -> frozenset[str]:
        """Names bound to django-environ / environs readers (`env = environ.Env()`)."""
        names: set[str] = set()
        if not any(t.split(".")[0] in ("environ", "environs") for t in self.state.bound.values()):
            return frozenset()
        for node in ast.walk(self.state.tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                    and self.qname(node.value.func) in ENV_READER_CLASSES:
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        return frozenset(names)

    def is_ai_call(self, call: ast.Call) -> bool:
        """A call that builds an AI client (or sends through one): its arguments belong to it."""
        qname = self.qname(call.func)
        if qname is None:
            return isinstance(call.func, ast.Attribute) and dotted(call.func.value) in self.state.ai_names
        if qname in BOTO3_FACTORIES or qname.startswith("litellm."):
            return True
        if qname.startswith("langchain") and qname.rsplit(".", 1)[-1] in LANGCHAIN_ROUTERS:
            return True
        return not passive(qname) and self.state.owner(qname) is not None

    # --- environment reads --------------------------------------------------------------------
    def read_of(self, node: ast.AST) -> tuple[str, ast.expr, ast.expr | None] | None:
        """(accessor, key expression, default expression) when `node` reads one environment variable."""
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if self.qname(node.value) in ENV_MAPPINGS:
                return "os.environ[...]", node.slice, None
            return None
        if not isinstance(node, ast.Call) or not node.args:
            return None
        default = node.args[1] if len(node.args) > 1 else next(
            (k.value for k in node.keywords if k.arg == "default"), None)
        qname = self.qname(node.func)
        if qname in ENV_GETTERS:
            return qname, node.args[0], default
        func = node.func
        owner = func.value if isinstance(func, ast.Attribute) else func
        if isinstance(owner, ast.Name) and owner.id in self.env_objects:
            return dotted(func) or owner.id, node.args[0], default
        return None

    def _walk(self, lines: Sequence[int]) -> Iterator[tuple[ast.AST, int, ast.Call | None]]:
        """Every node of the statements that span one of `lines` (sorted), with the line of its
        statement and the call it is a direct argument of. Statements spanning none are skipped
        whole: a read is written on a line that quotes a provider's variable."""
        stack: list[tuple[ast.AST, int, ast.Call | None]] = [(self.state.tree, 0, None)]
        while stack:
            node, statement, call = stack.pop()
            if isinstance(node, ast.stmt):
                statement = node.lineno
            yield node, statement, call
            if isinstance(node, ast.Call):
                children: list[tuple[ast.AST, ast.Call | None]] = [(node.func, None)]
                children += [(a.value if isinstance(a, ast.Starred) else a, node) for a in node.args]
                children += [(k.value, node) for k in node.keywords]
            else:
                children = [(child, None) for child in ast.iter_child_nodes(node)
                            if not isinstance(child, ast.stmt) or _spans(child, lines)]
            stack.extend((child, statement, parent) for child, parent in reversed(children))

    def reads(self, lines: Sequence[int]) -> list[Detection]:
        registry = self.state.registry
        found: list[_Read] = []
        assigned: dict[int, str] = {}  # id of an assigned value -> the name it is assigned to
        ai_calls: set[int] = set()
        for node, statement, call in self._walk(lines):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    name = dotted(target)
                    if name:
                        assigned[id(node.value)] = name
            elif isinstance(node, ast.Call) and self.is_ai_call(node):
                ai_calls.add(id(node))
            read = self.read_of(node)
            if read is None:
                continue
            accessor, key_node, default = read
            key = self.text(key_node)
            provider = registry.env_var(key) if key else None
            if key is None or provider is None:
                continue
            assert isinstance(node, ast.expr)
            found.append(_Read(node, key, provider, accessor, default, statement, call))
        names = {assigned[id(item.node)] for item in found if id(item.node) in assigned}
        client_args = self._client_args(names) if names else set()
        out = []
        for item in found:
            if item.call is not None and id(item.call) in ai_calls:
                continue  # the client's own usage decides
            if assigned.get(id(item.node)) in client_args:
                continue
            detection = self._detection(item)
            if detection is not None:
                out.append(detection)
        return out

    def _client_args(self, names: set[str]) -> set[str]:
        """Which of `names` are passed straight to an AI call somewhere in the module (only the
        statements whose lines spell one of them are walked)."""
        passed: set[str] = set()
        for node, _, _ in self._walk(_lines_naming(self.state.lines, names)):
            if isinstance(node, ast.Call) and self.is_ai_call(node):
                passed.update(n for a in [*node.args, *(k.value for k in node.keywords)] if (n := dotted(a)) in names)
        return passed

    def _detection(self, item: _Read) -> Detection | None:
        line, column = self.state._pos(item.node)
        statement = item.statement if 0 < item.statement <= line else line
        evidence = f"{item.accessor} reads {item.variable}"
        if item.default is not None:
            value = self.state.evaluator.evaluate(item.default, self.state.scope)
            if isinstance(value, str) and "://" in value and urls.parse(value) is not None:
                if self.state.is_ai_url(value):
                    return None  # reported as the hard-coded endpoint it is
                return Detection(self.state.path, line, column, "config", f"{evidence}, default {value}",
                                 provider_hint=item.provider, endpoint=value, generic=True,
                                 endpoint_env=item.variable, statement_line=statement)
        # Unresolved through its variable: `[tool.cadre.endpoints]` may name the provider behind it.
        return Detection(self.state.path, line, column, "config", evidence, provider_hint=item.provider,
                         endpoint_env=item.variable, endpoint_unresolved=True, statement_line=statement)

    # --- pydantic settings ------------------------------------------------------------------
    def settings_fields(self) -> list[Detection]:
        """Fields of `BaseSettings` classes named (with the class's `env_prefix`) or aliased after a
        provider's variable: pydantic fills them from the environment."""
        registry = self.state.registry
        prefixes: dict[str, str | None] = {}  # settings classes of the module -> env_prefix (None: inherit)
        out: list[Detection] = []
        for cls in (s for s in ast.walk(self.state.tree) if isinstance(s, ast.ClassDef)):
            inherited: str | None = None
            is_settings = False
            for base in cls.bases:
                name = dotted(base)
                if self.qname(base) in SETTINGS_BASES:
                    is_settings = True
                elif name in prefixes:
                    is_settings = True
                    inherited = inherited or prefixes[name]
            if not is_settings:
                continue
            prefix, case_sensitive = self._config(cls)
            prefix = prefix if prefix is not None else inherited
            prefixes[cls.name] = prefix
            for stmt in cls.body:
                if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
                    continue
                field = stmt.target.id
                if field == "model_config":
                    continue
                names = self._aliases(stmt.value) or [(prefix or "") + field]
                for name in names:
                    variable = name if case_sensitive else name.upper()
                    provider = registry.env_var(variable)
                    if provider is None:
                        continue
                    line, column = self.state._pos(stmt.target)
                    out.append(Detection(self.state.path, line, column, "config",
                                         f"settings field {cls.name}.{field} reads {variable}",
                                         provider_hint=provider, endpoint_env=variable, endpoint_unresolved=True,
                                         statement_line=stmt.lineno))
                    break
        return out

    def _config(self, cls: ast.ClassDef) -> tuple[str | None, bool]:
        """`env_prefix` and `case_sensitive` from `model_config = SettingsConfigDict(...)` / a dict, or
        from pydantic 1's inner `class Config`."""
        prefix: str | None = None
        case_sensitive = False
        for stmt in cls.body:
            pairs: list[tuple[str, ast.expr]] = []
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                if any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
                    value = stmt.value
                    if isinstance(value, ast.Call):
                        pairs = [(k.arg, k.value) for k in value.keywords if k.arg]
                    elif isinstance(value, ast.Dict):
                        pairs = [(k.value, v) for k, v in zip(value.keys, value.values)
                                 if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            elif isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
                for inner in stmt.body:
                    if isinstance(inner, ast.Assign) and len(inner.targets) == 1 \
                            and isinstance(inner.targets[0], ast.Name):
                        pairs.append((inner.targets[0].id, inner.value))
            for key, value in pairs:
                if key == "env_prefix":
                    prefix = self.text(value)
                elif key == "case_sensitive" and isinstance(value, ast.Constant):
                    case_sensitive = value.value is True
        return prefix, case_sensitive

    def _aliases(self, value: ast.expr | None) -> list[str]:
        """The variables a `Field(alias=..., validation_alias=..., env=...)` reads instead of its name."""
        if not isinstance(value, ast.Call) or self.qname(value.func) not in FIELD_FACTORIES:
            return []
        out: list[str] = []
        for kw in value.keywords:
            if kw.arg not in ("alias", "validation_alias", "env"):
                continue
            node = kw.value
            items: list[ast.expr] = [node]
            if isinstance(node, (ast.List, ast.Tuple)):
                items = list(node.elts)
            elif isinstance(node, ast.Call) and self.qname(node.func) in ALIAS_CHOICES:
                items = list(node.args)
            out += [t for item in items if (t := self.text(item))]
        return out


def _spans(stmt: ast.stmt, lines: Sequence[int]) -> bool:
    """`stmt` covers one of the sorted `lines`."""
    i = bisect_left(lines, stmt.lineno)
    return i < len(lines) and lines[i] <= (stmt.end_lineno or stmt.lineno)


def _lines_naming(lines: Sequence[str], names: set[str]) -> list[int]:
    """The (1-based, sorted) lines where one of the Python names `names` is written: a cheap way to
    choose which statements to walk, the walk deciding on the tree."""
    words = re.compile("|".join(rf"(?<![\w]){re.escape(n)}(?!\w)" for n in sorted(names)))
    return [i + 1 for i, line in enumerate(lines) if words.search(line)]
