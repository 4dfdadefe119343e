"""The project's settings: `--config FILE`, `.cadre.toml`, `[tool.cadre]` of pyproject.toml.

Sources merge key by key and the first source that sets a key wins (command line, `--config`,
`.cadre.toml`, `[tool.cadre]`, the organisation policy, then the defaults); `approve` and `deny`
are unions, and tables (`endpoints`, `hosts`, `severity`) merge entry by entry. An unknown key or
a bad value is a `ConfigError` naming the key and the file (exit 2): a misspelt `aprove` must
never silently fall back to the defaults.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cadre_hooks.errors import ConfigError as ConfigError  # re-exported: where it was first defined

SEVERITIES = ("error", "warning", "off")
LANGS = ("fr", "en")


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _str_table(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


# key -> (check, human description of the expected type)
SCHEMA: dict[str, tuple[Any, str]] = {
    "approve": (_str_list, "a list of provider ids"),
    "deny": (_str_list, "a list of provider ids"),
    "allowlist": (lambda v: isinstance(v, bool), "true or false"),
    "deny_hosts": (_str_list, "a list of host names"),
    "exclude": (_str_list, "a list of glob patterns"),
    "endpoints": (_str_table, "a table: environment variable = provider id"),
    "hosts": (_str_table, "a table: host = provider id"),
    "severity": (_str_table, "a table: rule code = error, warning or off"),
    "ai_usage": (lambda v: isinstance(v, str) and bool(v), "a path"),
    "review_months": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0, "a positive integer"),
    "review_grace_months": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "an integer >= 0"),
    "lang": (lambda v: v in LANGS, "\"fr\" or \"en\""),
    "policy_url": (lambda v: isinstance(v, str) and v.startswith(("https://", "http://", "file://")), "an http(s) URL"),
    "policy_sha256": (lambda v: isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v.lower()),
                      "a sha256 hex digest"),
    "max_file_size": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0, "a size in bytes"),
    "submodules": (lambda v: isinstance(v, bool), "true or false"),
}
UNIONS = ("approve", "deny", "deny_hosts", "exclude")
TABLES = ("endpoints", "hosts", "severity")


@dataclass(frozen=True)
class Source:
    """One layer of settings and where it came from (for error messages and `-v`)."""

    origin: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Config:
    approve: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()
    allowlist: bool = False
    deny_hosts: frozenset[str] = frozenset()
    exclude: tuple[str, ...] = ()
    endpoints: Mapping[str, str] = field(default_factory=dict)
    hosts: Mapping[str, str] = field(default_factory=dict)
    severity: Mapping[str, str] = field(default_factory=dict)
    ai_usage: str = "AI_USAGE.md"
    review_months: int = 12
    review_grace_months: int = 3
    lang: str | None = None
    policy_url: str | None = None
    policy_sha256: str | None = None
    max_file_size: int = 2_000_000
    origins: tuple[str, ...] = ()
    submodules: bool = False  # scan the files of git submodules too


def _validate(source: Source) -> None:
    for key, value in source.values.items():
        if key not in SCHEMA:
            close = _closest(key, SCHEMA)
            hint = f" (did you mean '{close}'?)" if close else ""
            raise ConfigError(f"{source.origin}: unknown key '{key}'{hint}")
        check, expected = SCHEMA[key]
        if not check(value):
            raise ConfigError(f"{source.origin}: '{key}' must be {expected}, got {value!r}")
        if key == "severity":
            for code, level in value.items():
                if level not in SEVERITIES:
                    raise ConfigError(f"{source.origin}: severity of '{code}' must be error, warning or off, got {level!r}")


def _closest(key: str, known: Mapping[str, Any]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, list(known), n=1, cutoff=0.7)
    return matches[0] if matches else None


MAX_CONFIG_BYTES = 4_000_000  # a settings file (pyproject.toml included); anything larger is not one


def read_toml(path: Path, root: Path | None = None) -> dict[str, Any]:
    """A settings file as TOML: any file the user names (`--config /dev/zero` included) is read
    guarded and capped, and anything wrong with it is a ConfigError (exit 2), never a crash. A
    file of the repository (`root` given) must also lie inside it: a `.cadre.toml` linked to a
    file elsewhere on the machine is not read."""
    if sys.version_info >= (3, 11):  # imported here: a call that reads no TOML (the registry's cache) skips it
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    from cadre_hooks.safeio import Refused, read_capped, read_in_root

    try:
        data = (read_capped(path, MAX_CONFIG_BYTES, "settings file") if root is None
                else read_in_root(root, path.relative_to(root).as_posix(), MAX_CONFIG_BYTES))
        text = data.decode("utf-8")
        return tomllib.loads(text.removeprefix("\ufeff"))
    except Refused as refused:
        raise ConfigError(f"{path}: cannot read: {refused.reason}") from None
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not valid UTF-8 (byte {err.start}); TOML files are UTF-8") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    except (RecursionError, MemoryError):
        raise ConfigError(f"{path}: not valid TOML: nested too deep") from None


def project_sources(root: Path, explicit: Path | None = None) -> list[Source]:
    """The file layers for a project at `root`, most specific first."""
    sources = []
    if explicit is not None:
        data = read_toml(explicit)
        if "tool" in data and "cadre" in data.get("tool", {}) and explicit.name == "pyproject.toml":
            data = data["tool"]["cadre"]
        sources.append(Source(str(explicit), data))
    dot = root / ".cadre.toml"
    if os.path.lexists(dot):  # a FIFO or a link out of the repository: refused by read_toml (exit 2)
        sources.append(Source(".cadre.toml", read_toml(dot, root)))
    pyproject = root / "pyproject.toml"
    if os.path.lexists(pyproject):
        section = read_toml(pyproject, root).get("tool", {}).get("cadre")
        if section is not None:
            if not isinstance(section, dict):
                raise ConfigError("pyproject.toml: [tool.cadre] must be a table")
            sources.append(Source("pyproject.toml [tool.cadre]", section))
    return sources


def merge(sources: Sequence[Source], known_providers: set[str] | None = None,
          known_rules: set[str] | None = None) -> Config:
    """Merge validated layers into one Config (first source wins; unions for approve/deny)."""
    merged: dict[str, Any] = {}
    for source in sources:
        _validate(source)
        for key, value in source.values.items():
            if key in UNIONS:
                merged.setdefault(key, [])
                merged[key] = merged[key] + [v for v in value if v not in merged[key]]
            elif key in TABLES:
                table = merged.setdefault(key, {})
                for k, v in value.items():
                    table.setdefault(k, v)
            else:
                merged.setdefault(key, value)
        if known_providers is not None:
            _check_ids(source, known_providers)
        if known_rules is not None:
            for code in source.values.get("severity", {}):
                if code not in known_rules:
                    raise ConfigError(f"{source.origin}: severity names an unknown rule '{code}'")
    return Config(
        approve=frozenset(merged.get("approve", ())),
        deny=frozenset(merged.get("deny", ())),
        allowlist=merged.get("allowlist", False),
        deny_hosts=frozenset(h.lower() for h in merged.get("deny_hosts", ())),
        exclude=tuple(merged.get("exclude", ())),
        endpoints=dict(merged.get("endpoints", {})),
        hosts={k.lower(): v for k, v in merged.get("hosts", {}).items()},
        severity=dict(merged.get("severity", {})),
        ai_usage=merged.get("ai_usage", "AI_USAGE.md"),
        review_months=merged.get("review_months", 12),
        review_grace_months=merged.get("review_grace_months", 3),
        lang=merged.get("lang"),
        policy_url=merged.get("policy_url"),
        policy_sha256=merged.get("policy_sha256"),
        max_file_size=merged.get("max_file_size", 2_000_000),
        origins=tuple(s.origin for s in sources),
        submodules=merged.get("submodules", False),
    )


def _check_ids(source: Source, known: set[str]) -> None:
    for key in ("approve", "deny"):
        for pid in source.values.get(key, ()):
            if pid not in known:
                raise ConfigError(f"{source.origin}: '{key}' names an unknown provider '{pid}'{_hint(pid, known)}")
    for key in ("endpoints", "hosts"):
        for name, pid in source.values.get(key, {}).items():
            if pid not in known:
                raise ConfigError(f"{source.origin}: [{key}] {name} names an unknown provider '{pid}'{_hint(pid, known)}")


def _hint(pid: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(pid, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
