"""conda environment files (`environment.yml`, `environment-dev.yaml`, `conda.yml`): the
`dependencies` list (conda specs such as `conda-forge::openai=1.51`, and the `pip:` sub-list of
PEP 508 strings) gives `dependency` usages; the rest of the file (`variables:` sets environment
variables) is read as configuration. Conda package names of the SDKs are their PyPI names.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cadre_hooks.detect.config import linescan
from cadre_hooks.detect.config.entries import decide, unique
from cadre_hooks.detect.config.yamlfile import entries, read_yaml
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.requirements import requirement_name
from cadre_hooks.model import Detection, FileScan

if TYPE_CHECKING:
    import yaml
    from yaml import ScalarNode

_CONDA_SPEC = re.compile(r"^\s*(?:[\w./:-]+::)?(?P<name>[A-Za-z0-9_][A-Za-z0-9._-]*)")
_LIST_ITEM = re.compile(r"^\s*-\s*['\"]?(?P<spec>[^'\"#\s][^'\"#]*)")


def conda_name(spec: str) -> str | None:
    """`conda-forge::openai>=1.0=py_0` → openai."""
    match = _CONDA_SPEC.match(spec)
    return match.group("name") if match else None


def _dependency(ctx: DetectContext, path: str, node: ScalarNode, pip: bool) -> Detection | None:
    name = requirement_name(node.value) if pip else conda_name(node.value)
    provider = ctx.registry.pypi(name) if name else None
    if provider is None:
        return None
    line = node.start_mark.line + 1
    column = node.start_mark.column + 1 + (1 if node.style in ('"', "'") else 0)
    return Detection(path, line, column, "dependency", str(node.value), provider_hint=provider, statement_line=line)


def dependencies(ctx: DetectContext, path: str, root: yaml.Node) -> tuple[list[Detection | None], set[int]]:
    """Dependency usages of one document, and the ids of the nodes they came from."""
    import yaml

    found: list[Detection | None] = []
    used: set[int] = set()
    if not isinstance(root, yaml.MappingNode):
        return found, used
    for key, value in root.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value == "dependencies"):
            continue
        if not isinstance(value, yaml.SequenceNode):
            continue
        used.add(id(value))
        for item in value.value:
            if isinstance(item, yaml.ScalarNode):
                found.append(_dependency(ctx, path, item, pip=False))
            elif isinstance(item, yaml.MappingNode):
                for sub_key, sub_value in item.value:
                    if isinstance(sub_key, yaml.ScalarNode) and sub_key.value == "pip" and isinstance(
                            sub_value, yaml.SequenceNode):
                        found += [_dependency(ctx, path, s, pip=True) for s in sub_value.value
                                  if isinstance(s, yaml.ScalarNode)]
    return found, used


def _fallback(ctx: DetectContext, path: str, text: str) -> list[Detection | None]:
    found: list[Detection | None] = list(linescan.scan_text(ctx, path, text))
    for number, line in enumerate(text.splitlines(), start=1):
        match = _LIST_ITEM.match(line)
        if match:
            spec = match.group("spec").strip()
            name = requirement_name(spec) or conda_name(spec)
            provider = ctx.registry.pypi(name) if name else None
            if provider:
                found.append(Detection(path, number, match.start("spec") + 1, "dependency", spec,
                                       provider_hint=provider, statement_line=number))
    return found


def scan_environment_yml(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = read_yaml(path, data, lambda text: unique(_fallback(ctx, path, text)))
    if isinstance(read, FileScan):
        return read
    documents, text = read.document, read.text
    found: list[Detection | None] = []
    skip: set[int] = set()
    for document in documents:
        declared, used = dependencies(ctx, path, document)
        found += declared
        skip |= used
    lines = text.splitlines()
    found += [decide(ctx, path, e) for e in entries(documents, lines, ctx, frozenset(skip))]
    return read.result(unique(found))
