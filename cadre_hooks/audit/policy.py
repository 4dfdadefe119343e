"""In an audit the organisation's policy decides; a repository's own settings may only make it stricter.

A repository's `.cadre.toml` or `[tool.cadre]` cannot approve providers, lower a severity, exclude
paths, map endpoints or hosts to providers, lengthen its review period or skip files by size: those
values are listed in the inventory as *ignored*, with the reason, never applied. What only tightens
the policy (`deny`, `deny_hosts`, a severity raised, `allowlist = true`, a shorter review period)
applies, and `ai_usage` still says where the declaration is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cadre_hooks.config import ConfigError, Source, project_sources
from cadre_hooks.rules import Rule

_RANK = {"off": 0, "warning": 1, "error": 2}
_IGNORED = {
    "approve": "a repository cannot approve providers",
    "exclude": "a repository cannot exclude paths from an audit",
    "endpoints": "a repository cannot map endpoints to providers (listed, not applied)",
    "hosts": "a repository cannot map hosts to providers (listed, not applied)",
    "policy_url": "the audit's --policy decides",
    "policy_sha256": "the audit's --policy decides",
    "lang": "the audit's language decides",
}


@dataclass(frozen=True)
class Policy:
    """The organisation policy of an audit: its settings, where they came from and their hash."""

    values: Mapping[str, Any] = field(default_factory=dict)
    origin: str = "default policy"
    sha256: str | None = None  # None: cadre's defaults, no policy file


def load_policy(spec: str | None, sha256: str | None) -> Policy:
    """`--policy FILE|URL` (and `--policy-sha256`): a URL must be pinned; a file's hash is recorded
    and, when given, checked. ConfigError (exit 2) when it cannot be used."""
    from cadre_hooks import orgpolicy

    if spec is None:
        if sha256:
            raise ConfigError("--policy-sha256 without --policy")
        return Policy()
    if sha256 is not None and not (len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256.lower())):
        raise ConfigError(f"--policy-sha256 must be a sha256 hex digest, got {sha256!r}")
    if spec.startswith(("http://", "https://", "file://")):
        if sha256 is None:
            raise ConfigError(f"--policy {spec}: give its --policy-sha256 (sha256sum of the file) so that a changed "
                              "policy is never applied unseen")
        data = orgpolicy.load(spec, sha256.lower())
    else:
        from cadre_hooks.safeio import Refused, read_capped

        try:
            data = read_capped(Path(spec), orgpolicy.MAX_BYTES, "policy")
        except Refused as err:
            raise ConfigError(f"--policy {spec}: {err}") from None
    actual = hashlib.sha256(data).hexdigest()
    if sha256 is not None and actual != sha256.lower():
        raise ConfigError(f"--policy {spec}: its sha256 is {actual}, not {sha256}")
    origin = f"organisation policy {spec}"
    values = orgpolicy.parse(data, origin)
    _validate(Source(origin, values))
    return Policy(values, origin, actual)


def _validate(source: Source) -> None:
    """A misspelt key or an unknown provider in the policy is the audit's own error (exit 2), found
    before any repository is cloned, not once per repository."""
    from cadre_hooks.config import merge
    from cadre_hooks.registry import load_registry
    from cadre_hooks.rules import catalogue

    registry = load_registry()
    merge([source], set(registry.providers), set(catalogue(registry)))


@dataclass
class RepositorySettings:
    """What a repository's own settings asked for, and what the audit did with it."""

    applied: dict[str, Any] = field(default_factory=dict)
    ignored: list[dict[str, Any]] = field(default_factory=list)  # {origin, key, value, reason}
    error: str | None = None  # unreadable settings: none applied

    def as_dict(self) -> dict[str, Any]:
        return {"applied": self.applied, "ignored": self.ignored, "error": self.error}


def audit_sources(root: Path, policy: Policy, rules: Mapping[str, Rule]) -> tuple[tuple[Source, ...],
                                                                                    RepositorySettings]:
    """The configuration layers of one repository in an audit: its stricter settings, then the policy."""
    settings = RepositorySettings()
    try:
        own = project_sources(root)
    except ConfigError as err:
        settings.error = str(err)
        own = []
    for source in own:
        _filter(source, policy.values, rules, settings)
    layers: list[Source] = []
    if settings.applied:
        layers.append(Source("repository settings (stricter than the policy only)", dict(settings.applied)))
    layers.append(Source(policy.origin, dict(policy.values)))
    return tuple(layers), settings


def _filter(source: Source, policy: Mapping[str, Any], rules: Mapping[str, Rule], out: RepositorySettings) -> None:
    def ignore(key: str, value: Any, reason: str) -> None:
        out.ignored.append({"origin": source.origin, "key": key, "value": value, "reason": reason})

    for key, value in source.values.items():
        if key in _IGNORED:
            ignore(key, value, _IGNORED[key])
        elif key in ("deny", "deny_hosts"):
            if isinstance(value, list):
                merged = out.applied.setdefault(key, [])
                merged += [v for v in value if v not in merged]
        elif key == "allowlist":
            if value is True:
                out.applied[key] = True
            else:
                ignore(key, value, "a repository cannot turn the allowlist off")
        elif key == "severity" and isinstance(value, dict):
            for code, level in value.items():
                current = policy.get("severity", {}).get(code) or (rules[code].severity if code in rules else None)
                if current is not None and _RANK.get(str(level), -1) > _RANK.get(current, 3):
                    out.applied.setdefault("severity", {})[code] = level
                else:
                    ignore(f"severity.{code}", level, "a repository cannot lower a severity")
        elif key in ("review_months", "review_grace_months"):
            limit = policy.get(key, 12 if key == "review_months" else 3)
            if isinstance(value, int) and value <= limit:
                out.applied[key] = value
            else:
                ignore(key, value, "a repository cannot lengthen its review period")
        elif key == "max_file_size":
            limit = policy.get(key, 2_000_000)
            if isinstance(value, int) and value >= limit:
                out.applied[key] = value
            else:
                ignore(key, value, "a repository cannot skip files by size")
        elif key == "ai_usage":
            out.applied[key] = value
        else:
            ignore(key, value, "not a setting a repository may change in an audit")


def declared_mappings(ignored: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """The repository's `[endpoints]` and `[hosts]`, for the inventory (declared, not applied)."""
    out: dict[str, dict[str, str]] = {"endpoints": {}, "hosts": {}}
    for item in ignored:
        if item["key"] in out and isinstance(item["value"], dict):
            out[item["key"]].update({str(k): str(v) for k, v in item["value"].items()})
    return out
