"""CDR105: model weights downloaded at run time from the Hugging Face hub.

An in-process model load (`AutoModel.from_pretrained("org/name")`, `SentenceTransformer(...)`,
`Llama.from_pretrained(...)`, `vllm.LLM(...)`) sends no data, so it is never CDR101; but with a
hub id and no offline or mirror setting, the weights come from huggingface.co (a US company)
every time a machine starts without a cache: a dependency on a non-EU service the city does not
control (commitments 9 and 10).

The settings are looked for in the Python file itself, in `.env*` files at the repository root,
and in every Dockerfile and compose file of the repository. The repository files are read from
the root even when one file is scanned, so a pre-commit call on one file gives the same answer
as a scan of the whole repository.
"""

from __future__ import annotations

import ast
import json
import os
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cadre_hooks.charter import hubenv
from cadre_hooks.findings import make_finding
from cadre_hooks.memo import per_scan
from cadre_hooks.model import Finding, Usage
from cadre_hooks.safeio import Refused, read_in_root, transcode_bom

MAX_SETTINGS_BYTES = 1_000_000  # a .env, Dockerfile or compose file; anything larger is not one

if TYPE_CHECKING:
    from cadre_hooks.scan import ScanContext

RULE = "CDR105"
HUB_PROVIDER = "huggingface"
# A hub repository id: `name` or `namespace/name` (letters, digits, `-`, `_`, `.`; at most 96 characters each).
HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,95}(?:/[A-Za-z0-9][\w.-]{0,95})?\Z")
_WINDOWS_PATH = re.compile(r"[A-Za-z]:[\\/]")
DEFAULT_MODEL = "pipeline("  # `pipeline("ner")` without a model: the task's default model, from the hub


def findings(sc: ScanContext, usages: Sequence[Usage]) -> list[tuple[Finding, int]]:
    rule = sc.rules.get(RULE)
    loads = [u for u in usages if u.kind == "model"]
    if rule is None or not loads:
        return []
    files: dict[str, FileSettings] = {}
    repository: bool | None = None
    out = []
    for usage in loads:
        if usage.path not in files:
            files[usage.path] = file_settings(sc.root, usage.path, sc.config.max_file_size)
        local = files[usage.path]
        model = local.models.get((usage.line, usage.column), usage.model)
        if model is None or not (model.startswith(DEFAULT_MODEL) or is_hub_id(model, sc.root, usage.path)):
            continue
        if local.offline or (usage.line, usage.column) in local.local_only:
            continue
        if repository is None:
            repository = repository_disables_hub(sc.root, sc.config.exclude)
        if repository:
            return []
        message = rule.format(sc.lang, model=model, provider=HUB_PROVIDER, path=usage.path)
        finding = make_finding(rule, sc.config, usage.path, usage.line, usage.column, HUB_PROVIDER, message,
                               usage.evidence)
        if finding is not None:
            out.append((finding, usage.statement_line))
    return out


def is_hub_id(model: str, root: Path, path: str) -> bool:
    """A hub repository id, not a path: `./models/x`, `/opt/models/x` or a folder of the repository is local."""
    if model.startswith((".", "/", "~", "\\")) or "://" in model or _WINDOWS_PATH.match(model):
        return False
    if not HUB_ID.match(model):
        return False
    for base in (root, (root / path).parent):
        try:
            if (base / model).exists():
                return False
        except OSError:
            continue
    return True


# --- the scanned file -------------------------------------------------------------------------
@dataclass(frozen=True)
class FileSettings:
    offline: bool = False  # the file sets an offline or mirror variable
    local_only: frozenset[tuple[int, int]] = frozenset()  # (line, column) of loads with local_files_only=True
    models: dict[tuple[int, int], str | None] = field(default_factory=dict)  # pipeline(): the real model


def file_settings(root: Path, rel: str, max_size: int) -> FileSettings:
    try:
        data = transcode_bom(read_in_root(root, rel, max_size))
    except Refused:
        return FileSettings()
    if rel.endswith(".ipynb"):
        cells = list(_notebook_cells(data))
    else:
        from cadre_hooks.detect.python.source import decode

        text, _, _ = decode(data)
        cells = [(text.lstrip("\ufeff"), None)]
    settings: list[hubenv.Setting] = []
    local_only: set[tuple[int, int]] = set()
    models: dict[tuple[int, int], str | None] = {}
    for text, lines in cells:
        tree = _parse(text)
        if tree is None:
            continue
        settings += hubenv.python_settings(tree)
        text_lines = text.splitlines()

        def at(line: int, col: int, lines: list[int] | None = lines, text_lines: list[str] = text_lines) -> \
                tuple[int, int]:
            # ast columns count UTF-8 bytes, usages count characters (from 1); notebook lines map to the file.
            source = text_lines[line - 1] if 0 < line <= len(text_lines) else ""
            column = len(source.encode("utf-8")[:col].decode("utf-8", errors="replace")) + 1
            return (lines[line - 1] if lines and 0 < line <= len(lines) else line), column

        local_only |= {at(line, col) for line, col in hubenv.local_only_calls(tree)}
        for (line, col), model in _pipelines(tree).items():
            models[at(line, col)] = model
    return FileSettings(hubenv.disables_hub(settings), frozenset(local_only), models)


def _parse(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _notebook_cells(data: bytes) -> Iterator[tuple[str, list[int] | None]]:
    """The notebook's code cells, as the one module they run as (see detect/notebook.py)."""
    from cadre_hooks.detect.notebook import python_module

    module = python_module(data)
    if module is not None:
        yield module


def _pipelines(tree: ast.Module) -> dict[tuple[int, int], str | None]:
    """`pipeline(task, model=...)`: the model is the keyword, not the task; no model means the task's default."""
    constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
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


# --- the repository ---------------------------------------------------------------------------
_REPOSITORIES: dict[tuple[str, tuple[str, ...]], tuple[tuple[tuple[str, int, int], ...], bool]] = per_scan({})


def repository_disables_hub(root: Path, exclude: Sequence[str]) -> bool:
    """True when a root `.env*`, a Dockerfile or a compose file of the repository sets offline or a mirror.

    Cached per root (and exclude patterns) for the life of the process, re-checked against the
    size and modification time of the files it read and of the root folder.
    """
    key = (str(root), tuple(exclude))
    cached = _REPOSITORIES.get(key)
    if cached is not None and _stamp(root, [p for p, _, _ in cached[0][1:]]) == cached[0]:
        return cached[1]
    paths = settings_files(root, exclude)
    settings: list[hubenv.Setting] = []
    for rel in paths:
        full = root / rel
        try:
            text = transcode_bom(read_in_root(root, rel, MAX_SETTINGS_BYTES)).decode("utf-8", errors="replace")
        except Refused:
            continue
        name = full.name
        if hubenv.is_dockerfile(name):
            settings += hubenv.dockerfile_settings(text)
        elif hubenv.is_compose_file(name):
            settings += hubenv.compose_settings(text, root, rel)
        else:
            settings += hubenv.dotenv_settings(text)
    value = hubenv.disables_hub(settings)
    _REPOSITORIES[key] = (_stamp(root, paths), value)
    return value


def _stamp(root: Path, paths: Sequence[str]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for rel in ("", *paths):
        try:
            st = os.stat(root / rel)
            out.append((rel, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((rel, -1, -1))
    return tuple(out)


def settings_files(root: Path, exclude: Sequence[str]) -> list[str]:
    """`.env*` at the root, Dockerfiles and compose files anywhere (installed and vendored code excluded)."""
    from cadre_hooks.select import EXCLUDED_DIRS, Excluder

    excluder = Excluder(root, exclude)
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDED_DIRS
                             and not os.path.isfile(os.path.join(dirpath, d, "pyvenv.cfg")))
        for name in sorted(filenames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            wanted = hubenv.is_dockerfile(name) or hubenv.is_compose_file(name) or (
                not rel_dir and name.startswith(".env"))
            if wanted and not excluder.excluded(rel):
                found.append(rel)
    return found
