"""YAML configuration (settings files, docker-compose, Kubernetes manifests, CI workflows, LiteLLM
proxy configs), read with PyYAML's composer: its nodes keep the line and column of every key and
value, and comments never reach them.

Besides `key: value` pairs it reads the two ways YAML tools write environment variables:
docker-compose's `environment: ["OPENAI_API_KEY=..."]` lists, and Kubernetes' `env:` entries
`{name: OPENAI_API_KEY, value: ...}`.
"""

from __future__ import annotations

import dataclasses

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from cadre_hooks.detect.config import linescan, spring, templates
from cadre_hooks.detect.config.entries import Entry, assignment, decide, key_provider, unique
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.textfile import Parsed, read_structured
from cadre_hooks.model import Detection, FileScan, ModelRef

if TYPE_CHECKING:
    from yaml import Node, ScalarNode


def compose(text: str) -> list[Node]:
    """Every document of the file, as nodes (raises yaml.YAMLError). Composing never builds objects,
    so the base loader is safe, and it skips the implicit-type regexes run on every scalar."""
    import yaml

    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    return [node for node in yaml.compose_all(text, Loader=loader) if node is not None]


def _value_entry(key: ScalarNode | None, value: ScalarNode, lines: list[str]) -> Entry:
    line, column = value.start_mark.line + 1, value.start_mark.column + 1
    if value.style in ('"', "'"):
        column += 1
    elif value.style in ("|", ">") and line < len(lines):
        following = lines[line]  # the block's first line of content
        line, column = line + 1, len(following) - len(following.lstrip()) + 1
    if key is None:
        return Entry(None, value.value, line, column, line, column)
    return Entry(key.value, value.value, key.start_mark.line + 1, key.start_mark.column + 1, line, column)


def _named(node: Node, lines: list[str], ctx: DetectContext) -> Entry | None:
    """Kubernetes-style `{name: OPENAI_API_KEY, value: ...}`: the name is the key."""
    import yaml

    pairs = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    name = pairs.get("name")
    if not isinstance(name, yaml.ScalarNode) or key_provider(ctx, name.value) is None:
        return None
    value = pairs.get("value")
    text = value.value if isinstance(value, yaml.ScalarNode) else None
    at = _value_entry(None, value, lines) if isinstance(value, yaml.ScalarNode) else None
    return Entry(name.value, text, name.start_mark.line + 1, name.start_mark.column + 1,
                 at.line if at else 0, at.column if at else 0)


def entries(nodes: Iterable[Node], lines: list[str], ctx: DetectContext,
            skip: frozenset[int] = frozenset()) -> Iterator[Entry]:
    """The key/value pairs of the documents, in order; `skip` holds ids of nodes not to enter."""
    import yaml

    stack = list(reversed(list(nodes)))
    seen: set[int] = set(skip)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        children: list[Node] = []
        if isinstance(node, yaml.MappingNode):
            named = _named(node, lines, ctx)
            if named is not None:
                yield named
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
                    yield _value_entry(key, value, lines)
                elif isinstance(key, yaml.ScalarNode):
                    if id(value) not in seen:
                        yield Entry(key.value, None, key.start_mark.line + 1, key.start_mark.column + 1)
                    children.append(value)
                else:
                    children += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if isinstance(item, yaml.ScalarNode):
                    entry = _value_entry(None, item, lines)
                    pair = assignment(item.value)
                    if pair is not None:
                        entry = Entry(pair[0], pair[1], entry.line, entry.column, entry.line,
                                      entry.column + len(pair[0]) + 1)
                    elif key_provider(ctx, item.value.strip()) is not None:  # compose: `- OPENAI_API_KEY`
                        entry = Entry(item.value.strip(), None, entry.line, entry.column)
                    yield entry
                else:
                    children.append(item)
        elif isinstance(node, yaml.ScalarNode):
            yield _value_entry(None, node, lines)
        stack.extend(reversed(children))


RECORDING_KEYS = frozenset({"interactions", "http_interactions"})


def is_http_recording(nodes: list[Node]) -> bool:
    """A recording of HTTP exchanges for tests (vcrpy and pytest-recording cassettes, Betamax):
    the API hosts in it are what a test once called, replayed offline, not configuration."""
    import yaml

    for node in nodes:
        if isinstance(node, yaml.MappingNode):
            keys = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
            if keys & RECORDING_KEYS:
                return True
    return False


def yaml_reason(err: Exception) -> str:
    """One line: what is wrong and where (PyYAML's messages span several lines)."""
    problem = getattr(err, "problem", None)
    mark = getattr(err, "problem_mark", None)
    if problem and mark is not None:
        return f"{problem} at line {mark.line + 1}"
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def scan_yaml(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    read = read_yaml(path, data, lambda text: linescan.scan_text(ctx, path, text))
    if isinstance(read, FileScan):
        return read
    if is_http_recording(read.document):
        return read.result()
    lines = read.text.splitlines()
    found: list[Detection | None] = []
    models: list[ModelRef] = []
    depends: list[str] = []
    if spring.has_spring_keys(read.document):  # Spring Boot settings: `spring.ai.<provider>` groups decide
        found += spring.yaml_detections(ctx, path, read.document, models, depends)
    taken = {d.line for d in found if d is not None}
    found += (d for d in (decide(ctx, path, e) for e in entries(read.document, lines, ctx))
              if d is not None and d.line not in taken)
    return dataclasses.replace(read.result(unique(found)), models=tuple(models), depends_on=tuple(depends))


def compose_templated(text: str) -> list[Node]:
    """Every document of the file; a file that is YAML only once its `{{ ... }}` template actions are
    rendered (a Helm template) is read with the actions blanked (raises yaml.YAMLError)."""
    import yaml

    try:
        return compose(text)
    except yaml.YAMLError:
        if not templates.has_templates(text):
            raise
    return compose(templates.blank_templates(text))


def read_yaml(path: str, data: bytes,
              line_scan: Callable[[str], Iterable[Detection | None]]) -> Parsed[list[Node]] | FileScan:
    """Every document of a YAML file as nodes, or a line scan when PyYAML rejects the file."""
    import yaml

    return read_structured(path, data, compose_templated, (yaml.YAMLError, RecursionError), "valid YAML",
                           yaml_reason, line_scan)
