"""Which detector reads a file that is not Python source: manifests, configuration files,
JavaScript and TypeScript, Go, Java, Kotlin, C#, Ruby and PHP, chosen from the file name alone (no file is opened here).

Each detector module is imported only when a file of its kind passes the prefilter, so the
per-file hot path stays cheap (PyYAML and tree-sitter are loaded only when needed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cadre_hooks.detect.context import DetectContext
    from cadre_hooks.model import FileScan

Detector = Callable[[str, bytes, "DetectContext"], "FileScan"]

# Lock files pin what a manifest declares: the ones in _LOCKFILE_NAMES are read as inventory (kind
# `lockfile`, never a finding); the others are skipped.
LOCK_FILES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "pipfile.lock",
    "uv.lock", "pdm.lock", "composer.lock", "cargo.lock", "gemfile.lock", "conda-lock.yml", "conda-lock.yaml",
    "bun.lock", "deno.lock",
})
# cadre's own settings name providers on purpose; they are not usages.
OWN_CONFIG = frozenset({".cadre.toml", "cadre.toml"})
REQUIREMENT_DIRS = frozenset({"requirements", "requirements.d", "reqs", "requirement"})
_REQUIREMENTS = re.compile(r"(?:.*[-_.])?requirements?(?:[-_.].*)?\.(?:txt|in)\Z")
_CONDA = re.compile(r"(?:environment|conda)(?:[-_.].*)?\.ya?ml\Z")
_DOCKERFILE = re.compile(r"(?:dockerfile|containerfile)(?:\..*)?\Z|.*\.dockerfile\Z")


def _lazy(module: str, function: str) -> Detector:
    def run(path: str, data: bytes, ctx: DetectContext) -> FileScan:
        import importlib

        scan: FileScan = getattr(importlib.import_module(module), function)(path, data, ctx)
        return scan

    run.__name__ = function
    return run


setup_py = _lazy("cadre_hooks.detect.setup_files", "scan_setup_py")
_REQUIREMENTS_DETECTOR = _lazy("cadre_hooks.detect.requirements", "scan_requirements")
_BY_NAME: dict[str, Detector] = {
    "pyproject.toml": _lazy("cadre_hooks.detect.pyproject", "scan_pyproject"),
    "pipfile": _lazy("cadre_hooks.detect.pyproject", "scan_pipfile"),
    "setup.cfg": _lazy("cadre_hooks.detect.setup_files", "scan_setup_cfg"),
    "package.json": _lazy("cadre_hooks.detect.package_json", "scan_package_json"),
    "go.mod": _lazy("cadre_hooks.detect.gomod", "scan_go_mod"),
    "pom.xml": _lazy("cadre_hooks.detect.maven", "scan_pom"),
    ".envrc": _lazy("cadre_hooks.detect.config.envfile", "scan_env"),
}
# Manifests of the other languages of an estate: .NET, Ruby, PHP, Rust, Gradle (by name, then suffix).
_NUGET = _lazy("cadre_hooks.detect.nuget", "scan_nuget")
_GEMS = _lazy("cadre_hooks.detect.gemfile", "scan_gemfile")
_BY_NAME.update({
    "packages.config": _NUGET, "directory.packages.props": _NUGET, "directory.build.props": _NUGET,
    "gemfile": _GEMS, "gems.rb": _GEMS,
    "composer.json": _lazy("cadre_hooks.detect.composer", "scan_composer_json"),
    "cargo.toml": _lazy("cadre_hooks.detect.cargo", "scan_cargo_toml"),
})
_MANIFEST_SUFFIXES: tuple[tuple[tuple[str, ...], Detector], ...] = (
    ((".gradle", ".gradle.kts"), _lazy("cadre_hooks.detect.gradle", "scan_gradle")),
    ((".versions.toml",), _lazy("cadre_hooks.detect.gradle_catalog", "scan_version_catalog")),
    ((".csproj", ".fsproj", ".vbproj", ".nuspec"), _NUGET),
    ((".gemspec",), _GEMS),
    ((".sbt",), _lazy("cadre_hooks.detect.sbt", "scan_sbt")),
    ((".groovy",), _lazy("cadre_hooks.detect.groovy_script", "scan_groovy_script")),  # @Grab, then the safety net
)
# Source files of languages without a detector: only their hard-coded AI endpoints (rules/plain_sources.toml).
_PLAIN_SOURCE = _lazy("cadre_hooks.detect.plain_source", "scan_plain_source")
_CONDA_DETECTOR = _lazy("cadre_hooks.detect.conda", "scan_environment_yml")
# JavaScript/TypeScript, Go, Java, Kotlin, C#, Ruby, PHP: one tree-sitter engine, languages described in rules/languages/.
_SOURCE = _lazy("cadre_hooks.detect.treesitter.engine", "scan_source")
_ENV = _BY_NAME[".envrc"]
_DOCKER = _lazy("cadre_hooks.detect.config.dockerfile", "scan_dockerfile")
_YAML = _lazy("cadre_hooks.detect.config.yamlfile", "scan_yaml")
_TOML = _lazy("cadre_hooks.detect.config.tomlfile", "scan_toml")
_JSON = _lazy("cadre_hooks.detect.config.jsonfile", "scan_json")
_INI = _lazy("cadre_hooks.detect.config.inifile", "scan_ini")
_PROPERTIES = _lazy("cadre_hooks.detect.config.properties", "scan_properties")
_TERRAFORM = _lazy("cadre_hooks.detect.terraform", "scan_terraform")
# Lock files are inventory (kind `lockfile`, never a finding): the names cadre_hooks.detect.lockfiles reads.
_LOCKFILE = _lazy("cadre_hooks.detect.lockfiles", "scan_lockfile")
_LOCKFILE_NAMES = frozenset({
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "uv.lock", "pdm.lock",
    "pipfile.lock", "gemfile.lock", "gems.locked", "composer.lock", "go.sum", "cargo.lock", "packages.lock.json",
    "gradle.lockfile",
})


def is_lock_file(path: str) -> bool:
    """A lock file cadre reads (they may be larger than source files): answered without importing
    the lock-file readers, which a pre-commit call on source files never needs."""
    return path.rsplit("/", 1)[-1].lower() in _LOCKFILE_NAMES


def source_suffixes() -> tuple[str, ...]:
    from cadre_hooks.detect.treesitter.language import suffixes

    return suffixes()


def is_requirements_file(path: str) -> bool:
    """`requirements*.txt`, `dev-requirements.in`, pip-tools `*.in`, any .txt under `requirements/`."""
    parts = path.lower().rsplit("/", 2)
    name = parts[-1]
    if name == "manifest.in" or not name.endswith((".txt", ".in")):
        return False
    if _REQUIREMENTS.match(name) or name.endswith(".in"):
        return True
    return len(parts) > 1 and parts[-2] in REQUIREMENT_DIRS


def detector_by_name(path: str) -> Detector | None:
    """The detector for a manifest, configuration or source file; None for any other file."""
    name = path.rsplit("/", 1)[-1]
    lower = name.lower()
    found = _BY_NAME.get(lower)
    if found is not None:
        return found
    for suffixes, manifest in _MANIFEST_SUFFIXES:
        if lower.endswith(suffixes):
            return manifest
    if lower.endswith(source_suffixes()):  # a `.gradle.kts` build script was taken by _MANIFEST_SUFFIXES above
        return _SOURCE
    if lower in _LOCKFILE_NAMES:
        return _LOCKFILE
    if lower in LOCK_FILES or lower.endswith(".lock") or lower in OWN_CONFIG:
        return None
    if is_requirements_file(path):
        return _REQUIREMENTS_DETECTOR
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return _ENV
    if _DOCKERFILE.match(lower):
        return _DOCKER
    if lower.endswith((".yml", ".yaml")):
        return _CONDA_DETECTOR if _CONDA.match(lower) else _YAML
    if lower.endswith(".toml"):
        return _TOML
    if lower.endswith(".json"):
        return _JSON
    if lower.endswith((".ini", ".cfg", ".conf", ".cnf")):
        return _INI
    if lower.endswith(".properties"):
        return _PROPERTIES
    if lower.endswith((".tf", ".tofu")):
        return _TERRAFORM
    return _plain_source(lower)


def _plain_source(lower: str) -> Detector | None:
    """The last resort: a source file of a language no other detector reads."""
    from cadre_hooks.detect.plain_source import suffixes

    return _PLAIN_SOURCE if lower.endswith(suffixes()) else None
