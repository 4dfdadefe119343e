"""The organisation policy: a TOML file maintained by the city, with the same keys as
`[tool.cadre]`, named by `policy_url` and pinned by `policy_sha256` in the project's settings.

It joins the settings just before the defaults: a project's own values win for single settings,
while lists merge, so the city's `deny` still applies whatever the project approves (the policy
checks `deny` before `approve`). The file is fetched once per version, checked against its
sha256, and kept in the user's cache directory under that hash: later scans read the cache and
never touch the network, and a file that does not match the pinned hash is refused (exit 2),
never used. `file://` URLs are read directly (a policy on a shared drive).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cadre_hooks.config import SCHEMA, ConfigError, Source
from cadre_hooks.safeio import TOO_LARGE, Refused, read_capped

TIMEOUT = 10  # seconds, for connecting and for each read
MAX_BYTES = 1_000_000  # a policy is a few kilobytes; anything larger is not one
OWN_KEYS = ("policy_url", "policy_sha256")  # only a project names its organisation policy


def sources(project: list[Source], root: Path) -> list[Source]:
    """The organisation policy layer named by the project's settings (none when no `policy_url`)."""
    url = _first(project, "policy_url")
    if url is None:
        return []
    digest = _first(project, "policy_sha256")
    if not SCHEMA["policy_url"][0](url) or (digest is not None and not SCHEMA["policy_sha256"][0](digest)):
        return []  # a bad value is reported by the validation of the project's own settings (exit 2)
    if digest is None:
        raise ConfigError(f"policy_url is set ({url}) but policy_sha256 is not: pin the organisation policy with "
                          "the sha256 of the file (sha256sum FILE)")
    origin = f"organisation policy {url}"
    data = load(url, digest.lower())
    return [Source(origin, parse(data, origin))]


def _first(project: list[Source], key: str) -> Any:
    return next((s.values[key] for s in project if key in s.values), None)


def parse(data: bytes, origin: str) -> Mapping[str, Any]:
    """The policy's settings: top-level keys, or a `[tool.cadre]` table (a pyproject-style file)."""
    if sys.version_info >= (3, 11):  # imported here: most calls read no policy file
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        values = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{origin}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{origin}: not valid TOML: {err}") from None
    except (RecursionError, MemoryError):
        raise ConfigError(f"{origin}: not valid TOML: nested too deep") from None
    tool = values.get("tool")
    if isinstance(tool, dict) and isinstance(tool.get("cadre"), dict) and len(values) == 1:
        values = tool["cadre"]
    for key in OWN_KEYS:
        if key in values:
            raise ConfigError(f"{origin}: '{key}' cannot be set by the organisation policy (only a project names it)")
    return values


def cache_path(digest: str) -> Path:
    from cadre_hooks.registry.load import cache_dir

    return cache_dir() / "policies" / f"{digest}.toml"


def load(url: str, digest: str) -> bytes:
    """The policy's bytes: from the cache when it holds this hash (no network), else fetched and checked."""
    cached = cache_path(digest)
    try:
        data = read_capped(cached, MAX_BYTES, "policy")
        if hashlib.sha256(data).hexdigest() == digest:
            return data
    except Refused:
        pass
    data = fetch(url, digest)
    actual = hashlib.sha256(data).hexdigest()
    if actual != digest:
        raise ConfigError(f"organisation policy {url}: its sha256 is {actual} but policy_sha256 is {digest}: the file "
                          "changed; review the new policy, then update policy_sha256")
    _store(cached, data)
    return data


def fetch(url: str, digest: str) -> bytes:
    if url.startswith("file://"):
        return _read_file(url)
    import requests  # only when a policy is not in the cache yet

    hint = f" (no cached copy of the policy {digest[:12]}…; cadre needs the network once per policy version)"
    try:
        with requests.get(url, timeout=TIMEOUT, stream=True, headers={"User-Agent": "cadre-hooks"}) as response:
            if response.status_code >= 400:
                raise ConfigError(f"cannot fetch the organisation policy {url}: HTTP {response.status_code} "
                                  f"{response.reason or ''}".rstrip() + hint)
            data = b""
            for chunk in response.iter_content(chunk_size=65536):
                data += chunk
                if len(data) > MAX_BYTES:
                    raise ConfigError(f"organisation policy {url}: larger than {MAX_BYTES} bytes; not a policy file")
            return data
    except requests.exceptions.Timeout:
        raise ConfigError(f"cannot fetch the organisation policy {url}: no answer within {TIMEOUT} s" + hint) from None
    except requests.exceptions.SSLError as err:
        raise ConfigError(f"cannot fetch the organisation policy {url}: TLS error ({_reason(err)})" + hint) from None
    except requests.exceptions.ConnectionError as err:
        raise ConfigError(f"cannot fetch the organisation policy {url}: cannot connect ({_reason(err)})" + hint) \
            from None
    except requests.exceptions.RequestException as err:
        raise ConfigError(f"cannot fetch the organisation policy {url}: {_reason(err)}" + hint) from None


def _reason(err: BaseException) -> str:
    """The innermost cause of a requests error, on one line (not the whole urllib3 repr)."""
    for _ in range(10):
        inner = getattr(err, "reason", None)
        if isinstance(inner, BaseException):
            err = inner
        elif err.args and isinstance(err.args[0], BaseException):
            err = err.args[0]
        elif err.__cause__ is not None:
            err = err.__cause__
        else:
            break
    text = str(err)
    if "object at 0x" in text and ": " in text:
        text = text.split(": ", 1)[1]
    return " ".join(text.split())[:200] or type(err).__name__


def _read_file(url: str) -> bytes:
    from urllib.parse import unquote, urlparse
    from urllib.request import url2pathname

    parsed = urlparse(url)
    if parsed.netloc not in ("", "localhost"):
        raise ConfigError(f"organisation policy {url}: only local file:// URLs are supported")
    path = Path(url2pathname(unquote(parsed.path)))
    try:
        return read_capped(path, MAX_BYTES, "policy")
    except Refused as refused:
        if refused.kind == TOO_LARGE:
            raise ConfigError(f"organisation policy {url}: larger than {MAX_BYTES} bytes; not a policy file") from None
        raise ConfigError(f"cannot read the organisation policy {url}: {refused.reason}") from None


def _store(target: Path, data: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only cache only means fetching again next time
