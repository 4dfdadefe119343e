"""Where a project tells the Hugging Face libraries not to reach huggingface.co: the environment
variables `HF_HUB_OFFLINE`, `TRANSFORMERS_OFFLINE` (no download at all) and `HF_ENDPOINT` (a
mirror), set in a Python file, a `.env*` file, a Dockerfile or a compose file; and, per model
load, what the call itself says (`local_files_only=True`, `pipeline(task, model=...)`).

These are per-file facts: the detection pass records them in each file's FileScan (`hub_loads`,
`hub_settings`), once, in parallel and cached, and CDR105 (checks/downloads.py) only reads them.

Each reader returns `(variable, value)` pairs; `value` is None when it is set from something
that cannot be read statically (a deliberate setting all the same). Readers never raise on bad
input: an unreadable file simply sets nothing, and the download is reported.
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cadre_hooks.detect.hubnames import is_compose_file, is_dockerfile
from cadre_hooks.model import HubLoad, HubSetting

HUB_VARS = frozenset({"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_ENDPOINT"})
_ENVIRON = ("os.environ", "environ")
_TRUE = frozenset({"1", "ON", "YES", "TRUE"})  # huggingface_hub's own reading of a boolean variable
_INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?::?-(?P<default>[^}]*))?\}")

Setting = tuple[str, str | None]


def disables_hub(settings: Iterable[Setting | HubSetting]) -> bool:
    """True when the settings keep the libraries off huggingface.co (offline, or a mirror)."""
    for setting in settings:
        name, value = (setting.name, setting.value) if isinstance(setting, HubSetting) else setting
        if name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
            if value is None or value.strip().upper() in _TRUE:
                return True
        elif name == "HF_ENDPOINT":
            if value is None or (value.strip() and "huggingface.co" not in value):
                return True
    return False


# --- Python -------------------------------------------------------------------------------
def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_settings(tree: ast.AST) -> list[Setting]:
    """`os.environ["X"] = v`, `os.environ.setdefault("X", v)`, `os.environ.update(...)`, `os.putenv("X", v)`."""
    found: list[Setting] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and _dotted(target.value) in _ENVIRON:
                    key = _text(target.slice)
                    if key in HUB_VARS:
                        found.append((key, _text(node.value)))
        elif isinstance(node, ast.Call):
            func = _dotted(node.func)
            if func in ("os.environ.setdefault", "environ.setdefault", "os.putenv", "putenv") and len(node.args) >= 2:
                key = _text(node.args[0])
                if key in HUB_VARS:
                    found.append((key, _text(node.args[1])))
            elif func in ("os.environ.update", "environ.update"):
                for kw in node.keywords:
                    if kw.arg in HUB_VARS:
                        found.append((kw.arg, _text(kw.value)))
                for arg in node.args:
                    if isinstance(arg, ast.Dict):
                        for k, v in zip(arg.keys, arg.values):
                            key = _text(k)
                            if key in HUB_VARS:
                                found.append((key, _text(v)))
    return found


def local_only_calls(tree: ast.AST) -> set[tuple[int, int]]:
    """(line, byte column) of the calls that pass `local_files_only=True`."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "local_files_only" and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                    out.add((node.lineno, node.col_offset))
    return out


# --- dotenv files ---------------------------------------------------------------------------
def dotenv_settings(text: str) -> list[Setting]:
    """`KEY=value` lines, with an optional `export`, quotes and trailing comments."""
    found: list[Setting] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        key, _, value = line.partition("=")
        key = key.strip()
        if key not in HUB_VARS:
            continue
        found.append((key, _unquote(value.strip())))
    return found


def _unquote(value: str) -> str:
    if value[:1] in ("'", '"'):
        end = value.find(value[0], 1)
        return value[1:end] if end > 0 else value[1:]
    return value.split(" #", 1)[0].strip()


# --- Dockerfiles ----------------------------------------------------------------------------
def _instructions(text: str) -> Iterator[str]:
    """Logical lines of a Dockerfile: continuations joined, comments and blank lines dropped."""
    escape = "`" if re.match(r"#\s*escape\s*=\s*`", text) else "\\"
    current = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") and not current:
            continue
        if stripped.startswith("#"):
            continue  # a comment inside a continued instruction is skipped
        if stripped.endswith(escape):
            current += stripped[:-1] + " "
            continue
        current += stripped
        if current:
            yield current
        current = ""
    if current:
        yield current


def dockerfile_settings(text: str) -> list[Setting]:
    """`ENV KEY=value ...` and the legacy `ENV KEY value` form."""
    found: list[Setting] = []
    for line in _instructions(text):
        word, _, rest = line.partition(" ")
        if word.upper() != "ENV" or not rest.strip():
            continue
        try:
            tokens = shlex.split(rest, posix=True)
        except ValueError:
            continue
        if not tokens:
            continue
        if "=" in tokens[0]:
            pairs = [t.partition("=") for t in tokens]
            found.extend((k, _expand(v)) for k, _, v in pairs if k in HUB_VARS)
        elif tokens[0] in HUB_VARS:
            found.append((tokens[0], _expand(" ".join(tokens[1:]))))
    return found


def _expand(value: str) -> str | None:
    """`${X:-default}` stands for its default; another `$X` cannot be read (None)."""
    m = _INTERPOLATION.fullmatch(value.strip())
    if m:
        return m.group("default")
    return None if value.startswith("$") else value


# --- compose files --------------------------------------------------------------------------
def compose_settings(text: str, root: Path, rel: str, read: list[str] | None = None) -> list[Setting]:
    """`environment:` (list or mapping) and `env_file:` of every service (`rel`, the compose file's
    path in the repository at `root`: an `env_file` outside the repository is never read; `read`
    receives the paths of the `env_file`s looked for)."""
    import posixpath

    from cadre_hooks.safeio import Refused, read_in_root, transcode_bom

    import yaml  # only projects that download models from the hub pay for it

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict):
        return []
    found: list[Setting] = []
    for service in services.values():
        if not isinstance(service, dict):
            continue
        found += _compose_environment(service.get("environment"))
        env_files: Any = service.get("env_file")
        for entry in env_files if isinstance(env_files, list) else [env_files]:
            name = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(name, str):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), name))
                if read is not None and not target.startswith("../") and target != "..":
                    read.append(target)
                try:
                    data = transcode_bom(read_in_root(root, target, 1_000_000))
                except Refused:
                    continue
                found += dotenv_settings(data.decode("utf-8", errors="replace"))
    return found


def _compose_environment(environment: Any) -> list[Setting]:
    found: list[Setting] = []
    if isinstance(environment, dict):
        for key, value in environment.items():
            if key in HUB_VARS and value is not None:
                found.append((key, _expand(str(value).lower() if isinstance(value, bool) else str(value))))
    elif isinstance(environment, list):
        for item in environment:
            if isinstance(item, str) and "=" in item:
                key, _, value = item.partition("=")
                if key.strip() in HUB_VARS:
                    found.append((key.strip(), _expand(value.strip())))
    return found


# --- per-file facts -----------------------------------------------------------------------
_MARKERS = tuple(v.encode() for v in sorted(HUB_VARS))


def file_settings(rel: str, data: bytes, root: Path) -> tuple[tuple[HubSetting, ...], tuple[str, ...]]:
    """The hub settings a repository settings file makes (`data`: its bytes, BOM already decoded),
    and the other files read for them (a compose file's `env_file`s: the result depends on them)."""
    if not any(marker in data for marker in _MARKERS) and not (is_compose_file(rel.rsplit("/", 1)[-1])
                                                                and b"env_file" in data):
        return (), ()
    text = data.decode("utf-8", errors="replace")
    name = rel.rsplit("/", 1)[-1]
    read: list[str] = []
    if is_dockerfile(name):
        found = dockerfile_settings(text)
    elif is_compose_file(name):
        found = compose_settings(text, root, rel, read)
    else:
        found = dotenv_settings(text)
    return tuple(HubSetting(k, v) for k, v in found), tuple(read)


def python_facts(tree: ast.AST, text: str, loads: Sequence[tuple[int, int, str | None]], root: Path, path: str) \
        -> tuple[tuple[HubLoad, ...], tuple[HubSetting, ...], tuple[str, ...]]:
    """The hub facts of a parsed Python module at `path`: for each model load (line, character column
    from 1, model of its detection), whether the call passes `local_files_only=True`, what a
    `pipeline()` really loads, whether the model names a folder of the repository; the offline/mirror
    settings the module makes; and the paths looked at for those folders (the result depends on them)."""
    text_lines = text.splitlines()

    def at(line: int, col: int) -> tuple[int, int]:
        # ast columns count UTF-8 bytes, usages count characters (from 1).
        source = text_lines[line - 1] if 0 < line <= len(text_lines) else ""
        return line, len(source.encode("utf-8")[:col].decode("utf-8", errors="replace")) + 1

    local = {at(line, col) for line, col in local_only_calls(tree)}
    pipelines = {at(line, col): model for (line, col), model in _pipelines(tree).items()}
    found: list[HubLoad] = []
    looked: set[str] = set()
    for line, column, detected in loads:
        pipeline = (line, column) in pipelines
        model = pipelines[(line, column)] if pipeline else detected
        folders = _folders(model, path)
        looked.update(folders)
        found.append(HubLoad(line, column, (line, column) in local, pipeline, model,
                             any(_exists(root, rel) for rel in folders)))
    return tuple(found), tuple(HubSetting(k, v) for k, v in python_settings(tree)), tuple(sorted(looked))


# `name` or `namespace/name`: what a hub id looks like, and so what may also be a folder of the repository.
_RELATIVE = re.compile(r"[A-Za-z0-9][\w.-]{0,95}(?:/[A-Za-z0-9][\w.-]{0,95})?\Z")


def _folders(model: str | None, path: str) -> list[str]:
    """Where a model name would be a folder of the repository: at its root, and beside the code."""
    if not model or not _RELATIVE.match(model):
        return []
    here = path.rsplit("/", 1)[0] if "/" in path else ""
    return list(dict.fromkeys([model, f"{here}/{model}" if here else model]))


def _exists(root: Path, rel: str) -> bool:
    try:
        return (root / rel).exists()
    except OSError:
        return False


def _pipelines(tree: ast.AST) -> dict[tuple[int, int], str | None]:
    """`pipeline(task, model=...)`: the model is the keyword, not the task; no model means the task's default."""
    body = tree.body if isinstance(tree, ast.Module) else []
    constants = {t.id: n.value.value for n in body if isinstance(n, ast.Assign)
                 for t in n.targets if isinstance(t, ast.Name)
                 and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
    out: dict[tuple[int, int], str | None] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name != "pipeline":
            continue
        model = next((kw.value for kw in node.keywords if kw.arg == "model"), None)
        if model is None:
            task = node.args[0] if node.args else next((kw.value for kw in node.keywords if kw.arg == "task"), None)
            label = task.value if isinstance(task, ast.Constant) and isinstance(task.value, str) else "?"
            out[(node.lineno, node.col_offset)] = f"pipeline({label!r})" if label != "?" else None
        elif isinstance(model, ast.Constant) and isinstance(model.value, str):
            out[(node.lineno, node.col_offset)] = model.value
        elif isinstance(model, ast.Name):
            out[(node.lineno, node.col_offset)] = constants.get(model.id)
        else:
            out[(node.lineno, node.col_offset)] = None
    return out
