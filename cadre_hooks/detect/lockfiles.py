"""Lock files: what is really installed, including what a framework pulls in. An AI SDK found there
is a `lockfile` usage: inventory (JSON report, AI_USAGE.md, audits), never a policy finding on
its own, since a direct dependency or the code is what decides (the policy skips this kind).

Each format is read with its own parser, in time linear in the file's size: JSON (npm, Composer,
Pipfile, NuGet), TOML (Poetry, uv, PDM, Cargo) and the line formats of pnpm (its fixed block-YAML
layout), yarn (v1 and Berry), Bundler (`Gemfile.lock`), Go (`go.sum`) and Gradle (`gradle.lockfile`). A package is
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

_TOML_PACKAGE = re.compile(r"^\[\[package\]\]\s*(?:#.*)?$")
_TOML_FIELD = re.compile(r"""^(name|version)\s*=\s*(?:"([^"\\]*)"|'([^']*)')\s*(?:#.*)?$""")
TOML_PARSE_LIMIT = 1_000_000
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
        pos = _find(text, needle, cursor, item.key)
        if pos < 0:  # out of document order (a nested entry of lockfileVersion 1): from the start
            pos = _find(text, needle, 0, item.key)
        if pos < 0:
            out.append(1)
            continue
        out.append(lines.position(pos)[0])
        cursor = pos + len(needle)
    return out


def _find(text: str, needle: str, start: int, key: bool) -> int:
    pos = text.find(needle, start)
    while pos >= 0 and key and not text[pos + len(needle):pos + len(needle) + 32].lstrip().startswith(":"):
        pos = text.find(needle, pos + 1)
    return pos


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
    """`[[package]]` tables (Poetry, uv, PDM, Cargo): tools write one `name = "..."` and one
    `version = "..."` line at the start of each, which are read line by line (tomllib takes 40 s on a
    7 MB uv.lock); a file small enough is also parsed with tomllib, so that a broken one gets a notice."""

    def read(text: str) -> Iterator[Locked]:
        if len(text) <= TOML_PARSE_LIMIT:
            from cadre_hooks.detect.config.tomltext import loads

            loads(text)
        header, name, version, at = 0, "", "", 0
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith("["):
                if header and name:
                    yield Locked(ecosystem, name, version, at)
                header, name, version = (number, "", "") if _TOML_PACKAGE.match(line) else (0, "", "")
            elif header and (match := _TOML_FIELD.match(line)) is not None:
                found = match.group(2) if match.group(2) is not None else match.group(3)
                if match.group(1) == "name" and not name:
                    name, at = found, number  # the package is reported where it is named
                elif match.group(1) == "version" and not version:
                    version = found
        if header and name:
            yield Locked(ecosystem, name, version, at)

    return read


def read_pnpm_lock(text: str) -> Iterator[Locked]:
    """pnpm writes its lock file as block YAML with a fixed layout: the entries of the top-level
    `packages:` and `snapshots:` mappings are the keys indented by two spaces. They are read line by
    line (a YAML parser takes half a minute on a 14 MB lock file); a key's quotes are YAML's."""
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] == "#":
            continue
        if line[0] != " ":
            section = line.split(":", 1)[0].strip()
            continue
        if section not in ("packages", "snapshots") or line[2:3] in (" ", "") or not line.startswith("  "):
            continue
        key = _yaml_key(line[2:])
        if key is None:
            continue
        spec = key.lstrip("/").split("(", 1)[0]  # `/@scope/name@1.0.0(peer@2)`, `name/1.0.0` (v5)
        scoped = spec.startswith("@")
        name, _, version = spec[1:].partition("@") if scoped else spec.partition("@")
        name = "@" + name if scoped else name
        if not version and "/" in name.lstrip("@"):
            name, _, version = name.rpartition("/")
        yield Locked("npm", name, version, number)


def _yaml_key(text: str) -> str | None:
    """The key of a `key:` line of block YAML (plain, 'single' or "double" quoted); None otherwise."""
    text = text.rstrip()
    if text[:1] in ("'", '"'):
        quote = text[0]
        end = text.find(quote, 1)
        while quote == "'" and end >= 0 and text[end + 1:end + 2] == "'":
            end = text.find(quote, end + 2)
        if end < 0 or not text[end + 1:].lstrip().startswith(":"):
            return None
        inner = text[1:end]
        return inner.replace("''", "'") if quote == "'" else inner.replace('\\"', '"')
    if not text.endswith(":") or text.startswith(("-", "{", "[")):
        return None
    return text[:-1].strip()


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

    return (TOMLDecodeError,)
