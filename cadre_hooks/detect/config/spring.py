"""Spring Boot settings: the `spring.ai.<provider>.*` properties of Spring AI, read from
`application*.properties` and from the nested keys of `application*.yml` (any YAML file whose
document has a top-level `spring` key: Spring Cloud Config repositories name files freely).

The provider of each group comes from the registry (`[settings] spring` of each provider); the
profile (`application-dev.yml`, or a document's `spring.config.activate.on-profile`) is shown in
the evidence, since a profile may reach another provider than production does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cadre_hooks.detect.config.settings import Setting, group_detections, role
from cadre_hooks.detect.context import DetectContext
from cadre_hooks.model import Detection, ModelRef

if TYPE_CHECKING:
    from yaml import Node

PROFILE_KEYS = ("spring.config.activate.on-profile", "spring.profiles")
_FILE_PROFILE = re.compile(r"(?:application|bootstrap)-([^/]+?)\.(?:properties|ya?ml)\Z", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Pair:
    """A flattened `dotted.key = value`, with where the key and the value start (1-based)."""

    key: str
    value: str | None
    line: int
    column: int
    value_line: int
    value_column: int


def file_profile(path: str) -> str | None:
    match = _FILE_PROFILE.search(path.rsplit("/", 1)[-1])
    return match.group(1) if match else None


def document_profiles(path: str, items: Iterable[tuple[int, str, str | None]]) -> dict[int, str | None]:
    """The profile of each document (number → profile): its own `on-profile`, else the file's."""
    base = file_profile(path)
    profiles: dict[int, str | None] = {}
    for document, key, value in items:
        profiles.setdefault(document, base)
        if key in PROFILE_KEYS and value and value.strip():
            profiles[document] = value.strip()
    return profiles


def endpoints(ctx: DetectContext, pairs: Iterable[Pair]) -> dict[str, str]:
    """The endpoint each `spring.ai.*` group sets among `pairs` (prefix → value), for profiles to inherit."""
    found: dict[str, str] = {}
    for pair in pairs:
        group = ctx.registry.spring_prefix(pair.key)
        if group is not None and pair.value and pair.value.strip() and role(pair.key.rsplit(".", 1)[-1]) == "endpoint":
            found.setdefault(group[0], pair.value)
    return found


def default_profile_endpoints(ctx: DetectContext, path: str) -> tuple[dict[str, str], list[str]]:
    """For a profile file (`application-dev.yml`), the endpoints set by the default profile's files
    of the same folder (`application.properties`, `application.yml`), and the files that set them."""
    if file_profile(path) is None:
        return {}, []
    from cadre_hooks.safeio import Refused, read_in_root

    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    base = path.rsplit("/", 1)[-1].split("-", 1)[0]  # application, bootstrap
    found: dict[str, str] = {}
    used: list[str] = []
    for name in (f"{base}.properties", f"{base}.yml", f"{base}.yaml"):
        rel = f"{folder}/{name}" if folder else name
        try:
            data = read_in_root(ctx.root, rel, 2_000_000)  # never a FIFO, a device or a link out
        except Refused:
            continue
        these = endpoints(ctx, _first_document(name, data))
        if these:
            used.append(rel)
            for prefix, value in these.items():
                found.setdefault(prefix, value)
    return found, used


def _first_document(name: str, data: bytes) -> list[Pair]:
    """The pairs of the first document of a default-profile file (what every profile inherits)."""
    text = data.decode("utf-8", "replace")
    if name.endswith(".properties"):
        from cadre_hooks.detect.config.properties import parse

        return [Pair(p.key, p.value, p.line, p.column, p.value_line, p.value_column) for p in parse(text)
                if p.document == 0]
    import yaml

    from cadre_hooks.detect.config.yamlfile import compose

    try:
        documents = compose(text)
    except (yaml.YAMLError, RecursionError):
        return []
    return list(yaml_pairs(documents[0])) if documents else []


def detections(ctx: DetectContext, path: str, pairs: Iterable[Pair], profile: str | None,
               models: list[ModelRef] | None = None, inherited: dict[str, str] | None = None) -> list[Detection]:
    """The usages of the `spring.ai.*` groups among `pairs` (one document)."""
    groups: dict[tuple[str, str], list[Setting]] = {}
    for pair in pairs:
        found = ctx.registry.spring_prefix(pair.key)
        if found is None or pair.key == found[0]:
            continue
        leaf = pair.key.rsplit(".", 1)[-1]
        groups.setdefault(found, []).append(
            Setting(pair.key, leaf, pair.value, pair.line, pair.column, pair.value_line, pair.value_column))
    suffix = f" (profile {profile})" if profile else ""
    out: list[Detection] = []
    for (prefix, provider), settings in groups.items():
        out += group_detections(ctx, path, provider, settings, suffix, models, (inherited or {}).get(prefix))
    return out


def has_spring_keys(nodes: Iterable[Node]) -> bool:
    """A document whose top level has a `spring` key (or a dotted `spring.ai...` one)."""
    import yaml

    for node in nodes:
        if isinstance(node, yaml.MappingNode):
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and (key.value == "spring" or key.value.startswith("spring.")):
                    return True
    return False


def yaml_pairs(node: Node) -> Iterator[Pair]:
    """The scalar leaves of one YAML document as dotted keys (`spring: ai: openai: base-url:`)."""
    import yaml

    stack: list[tuple[str, Node]] = [("", node)]
    seen: set[int] = set()
    while stack:
        prefix, current = stack.pop()
        if id(current) in seen or not isinstance(current, yaml.MappingNode):
            continue
        seen.add(id(current))
        children = []
        for key, value in current.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            dotted = f"{prefix}.{key.value}" if prefix else str(key.value)
            if isinstance(value, yaml.ScalarNode):
                column = value.start_mark.column + 1 + (1 if value.style in ('"', "'") else 0)
                yield Pair(dotted, value.value, key.start_mark.line + 1, key.start_mark.column + 1,
                           value.start_mark.line + 1, column)
            elif isinstance(value, yaml.MappingNode):
                children.append((dotted, value))
        stack.extend(reversed(children))


def yaml_detections(ctx: DetectContext, path: str, documents: list[Node], models: list[ModelRef] | None = None,
                    depends: list[str] | None = None) -> list[Detection]:
    """The Spring AI usages of every document of a YAML file."""
    return document_detections(ctx, path, [list(yaml_pairs(node)) for node in documents], models, depends)


def document_detections(ctx: DetectContext, path: str, documents: list[list[Pair]],
                        models: list[ModelRef] | None = None, depends: list[str] | None = None) -> list[Detection]:
    """The Spring AI usages of the documents of one file. A profile inherits the endpoints of the
    default profile: the file's first document when it has no profile of its own, and for a
    profile file the `application.properties`/`.yml` beside it (added to `depends`)."""
    if not any(p.key.startswith("spring.ai.") for document in documents for p in document):
        return []
    profiles = document_profiles(path, ((n, p.key, p.value) for n, group in enumerate(documents) for p in group))
    base, used = default_profile_endpoints(ctx, path)
    if depends is not None:
        depends += used
    first = endpoints(ctx, documents[0]) if documents and profiles.get(0) is None else {}
    out: list[Detection] = []
    for number, group in enumerate(documents):
        inherited = {**base, **first} if number else base
        out += detections(ctx, path, group, profiles.get(number, file_profile(path)), models, inherited)
    return out
