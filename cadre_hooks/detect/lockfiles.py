"""Lock files: what is really installed, including what a framework pulls in. An AI SDK found there
is a `lockfile` usage: inventory (JSON report, AI_USAGE.md, audits), never a policy finding on
its own, since a direct dependency or the code is what decides (the policy skips this kind).

Each format is read with its own parser, in time linear in the file's size: JSON (npm, Composer,
Pipfile, NuGet), TOML (Poetry, uv, PDM, Cargo), YAML (pnpm) and the line formats of yarn (v1 and
Berry), Bundler (`Gemfile.lock`), Go (`go.sum`) and Gradle (`gradle.lockfile`). A package is
reported once per file, at its first entry; the registry's package names decide, so a look-alike
(`openapi-types`) is nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cadre_hooks.detect.context import DetectContext
from cadre_hooks.detect.suppress import scan_lines
from cadre_hooks.detect.textfile import Lines, decode
from cadre_hooks.model import Detection, FileScan, Notice



@dataclass(frozen=True, slots=True)
class Locked:
    """One locked package. JSON readers leave `line` at 0 and say which string to look for
    (`needle`, a key when `key`): lines are only searched for the few packages reported."""

    ecosystem: str
    name: str
    version: str
    line: int = 0
    needle: str = ""
    key: bool = True


Reader = Callable[[str], Iterator[Locked]]

_TOML_PACKAGE = re.compile(r"^\[\[package\]\]\s*(?:#.*)?$", re.MULTILINE)
_YARN_NAME = re.compile(r'^"?((?:@[^@/"\s]+/)?[^@"\s,:]+)@')
_GEM_SPEC = re.compile(r"^    ([A-Za-z0-9_.-]+) \(([^)]*)\)\s*$")
_GO_SUM = re.compile(r"^(\S+) (v[^\s/]+)(?:/go\.mod)? h1:")
_GRADLE_LOCK = re.compile(r"^([^:#\s]+):([^:\s]+):([^=\s]+)=")


def _json_lines(text: str, wanted: list[Locked]) -> list[int]:
    """Line of each wanted string, searched forward in document order (one pass over the text)."""
    lines = Lines(text)
    out: list[int] = []
    cursor = 0
    for item in wanted:
        needle = json.dumps(item.needle or item.name)
        pos = text.find(needle, cursor)
        while pos >= 0 and item.key and not text[pos + len(needle):pos + len(needle) + 32].lstrip().startswith(":"):
            pos = text.find(needle, pos + 1)
        if pos < 0:
            out.append(1)
            continue
        out.append(lines.position(pos)[0])
        cursor = pos + len(needle)
    return out


def _npm_name(key: str) -> str:
    return key.rsplit("node_modules/", 1)[-1]


def read_package_lock(text: str) -> Iterator[Locked]:
    document = json.loads(text)
    if not isinstance(document, dict):
        return
    packages = document.get("packages")
    found = False
    if isinstance(packages, dict):
        for key, entry in packages.items():
            if key and isinstance(entry, dict):
                found = True
                yield Locked("npm", _npm_name(key), str(entry.get("version", "")), needle=key)
    if found:
        return
    stack = [document.get("dependencies")]  # lockfileVersion 1: nested dependencies, in document order
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for name, entry in node.items():
                if isinstance(entry, dict):
                    yield Locked("npm", name, str(entry.get("version", "")))
                    stack.append(entry.get("dependencies"))


def read_pipfile_lock(text: str) -> Iterator[Locked]:
    document = json.loads(text)
    for section in ("default", "develop"):
        packages = document.get(section) if isinstance(document, dict) else None
        if isinstance(packages, dict):
            for name, entry in packages.items():
                version = entry.get("version", "") if isinstance(entry, dict) else ""
                yield Locked("pypi", name, str(version).lstrip("="))


def read_composer_lock(text: str) -> Iterator[Locked]:
    document = json.loads(text)
    for section in ("packages", "packages-dev"):
        packages = document.get(section) if isinstance(document, dict) else None
        for entry in packages if isinstance(packages, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                yield Locked("composer", entry["name"], str(entry.get("version", "")), key=False)


def read_nuget_lock(text: str) -> Iterator[Locked]:
    document = json.loads(text)
    frameworks = document.get("dependencies") if isinstance(document, dict) else None
    for packages in frameworks.values() if isinstance(frameworks, dict) else ():
        if isinstance(packages, dict):
            for name, entry in packages.items():
                version = entry.get("resolved", "") if isinstance(entry, dict) else ""
                yield Locked("nuget", name, str(version))


def _toml_packages(ecosystem: str) -> Reader:
    def read(text: str) -> Iterator[Locked]:
        from cadre_hooks.detect.config.tomltext import loads

        document = loads(text)
        packages = document.get("package")
        headers = [text.count("\n", 0, m.start()) + 1 for m in _TOML_PACKAGE.finditer(text)]
        for index, entry in enumerate(packages if isinstance(packages, list) else ()):
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                line = headers[index] if index < len(headers) else 0
                yield Locked(ecosystem, entry["name"], str(entry.get("version", "")), line or 1)

    return read


def read_pnpm_lock(text: str) -> Iterator[Locked]:
    import yaml

    loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    node = yaml.compose(text, Loader=loader)
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value in ("packages", "snapshots")
                and isinstance(value, yaml.MappingNode)):
            continue
        for entry, _ in value.value:
            if isinstance(entry, yaml.ScalarNode):
                spec = entry.value.lstrip("/").split("(", 1)[0]  # `/@scope/name@1.0.0(peer@2)`, `name/1.0.0` (v5)
                name, _, version = spec[1:].partition("@") if spec.startswith("@") else spec.partition("@")
                name = "@" + name if spec.startswith("@") else name
                if not version and "/" in name.lstrip("@"):
                    name, _, version = name.rpartition("/")
                yield Locked("npm", name, version, entry.start_mark.line + 1)


def read_yarn_lock(text: str) -> Iterator[Locked]:
    """yarn v1 (`"@scope/name@^1.0.0", name@^1.1:`) and Berry (`"name@npm:^1.0.0":`): an entry
    starts at column 0 and ends with `:`; its `version` line follows, indented."""
    current: tuple[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] == "#":
            continue
        if not line[0].isspace():
            if current is not None:
                yield Locked("npm", current[0], "", current[1])
            match = _YARN_NAME.match(line)
            current = (match.group(1), number) if match and line.rstrip().endswith(":") else None
        elif current is not None and line.strip().startswith("version"):
            version = line.strip().split(None, 1)[-1].strip(':" ')
            yield Locked("npm", current[0], version, current[1])
            current = None
    if current is not None:
        yield Locked("npm", current[0], "", current[1])


def read_gemfile_lock(text: str) -> Iterator[Locked]:
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if line and not line[0].isspace():
            section = line.strip()
            continue
        match = _GEM_SPEC.match(line) if section == "GEM" else None
        if match:
            yield Locked("gem", match.group(1), match.group(2), number)


def read_go_sum(text: str) -> Iterator[Locked]:
    for number, line in enumerate(text.splitlines(), start=1):
        match = _GO_SUM.match(line)
        if match:
            yield Locked("go", match.group(1), match.group(2), number)


def read_gradle_lock(text: str) -> Iterator[Locked]:
    for number, line in enumerate(text.splitlines(), start=1):
        match = _GRADLE_LOCK.match(line)
        if match:
            yield Locked("maven", f"{match.group(1)}:{match.group(2)}", match.group(3), number)


READERS: dict[str, Reader] = {
    "package-lock.json": read_package_lock,
    "npm-shrinkwrap.json": read_package_lock,
    "yarn.lock": read_yarn_lock,
    "pnpm-lock.yaml": read_pnpm_lock,
    "poetry.lock": _toml_packages("pypi"),
    "uv.lock": _toml_packages("pypi"),
    "pdm.lock": _toml_packages("pypi"),
    "pipfile.lock": read_pipfile_lock,
    "gemfile.lock": read_gemfile_lock,
    "gems.locked": read_gemfile_lock,
    "composer.lock": read_composer_lock,
    "go.sum": read_go_sum,
    "cargo.lock": _toml_packages("cargo"),
    "packages.lock.json": read_nuget_lock,
    "gradle.lockfile": read_gradle_lock,
}


def is_lock_file(path: str) -> bool:
    return path.rsplit("/", 1)[-1].lower() in READERS


def lookups(ctx: DetectContext) -> dict[str, Callable[[str], str | None]]:
    """The registry's look-up of each ecosystem's package names."""
    from cadre_hooks.detect.gomod import module_provider

    registry = ctx.registry
    return {"npm": registry.npm, "pypi": registry.pypi, "maven": registry.maven, "nuget": registry.nuget,
            "gem": registry.gem, "composer": registry.composer, "cargo": registry.cargo,
            "go": lambda name: module_provider(ctx, name)}


_ERRORS: tuple[type[Exception], ...] = (ValueError, RecursionError, KeyError, TypeError)


def scan_lockfile(path: str, data: bytes, ctx: DetectContext) -> FileScan:
    text, notices = decode(path, data)
    reader = READERS[path.rsplit("/", 1)[-1].lower()]
    hits: list[tuple[str, Locked]] = []
    seen: set[str] = set()
    lookup = lookups(ctx)
    try:
        for item in reader(text):
            if item.name in seen:
                continue
            provider = lookup[item.ecosystem](item.name)
            if provider is not None:
                seen.add(item.name)
                hits.append((provider, item))
    except _ERRORS + _parse_errors() as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        return FileScan(path, suppressions=scan_lines(path, text),
                        notices=(*notices, Notice(path, f"lock file not readable ({reason[:120]}); not scanned")))
    located = iter(_json_lines(text, [item for _, item in hits if not item.line]))
    found = []
    for provider, item in hits:
        line = item.line or next(located)
        evidence = f"{item.name} {item.version}".strip() + " (locked)"
        found.append(Detection(path, line, 1, "lockfile", evidence, provider_hint=provider, statement_line=line))
    return FileScan(path, detections=tuple(found), suppressions=scan_lines(path, text), notices=notices)


def _parse_errors() -> tuple[type[Exception], ...]:
    from cadre_hooks.detect.config.tomltext import TOMLDecodeError

    errors: list[type[Exception]] = [TOMLDecodeError]
    try:
        import yaml

        errors.append(yaml.YAMLError)
    except ImportError:  # pragma: no cover - PyYAML is a dependency
        pass
    return tuple(errors)
