"""What the command line names → the repositories to audit.

A source is a local folder, a git URL (https, ssh, `git@host:path`, `file://`), a text file that
lists sources (one a line, `#` comments), `github:ORG` (every repository of a GitHub organisation)
or `gitlab:GROUP` (every project of a GitLab group and its subgroups). A source that cannot be
expanded (an unreadable list, an API error) is a `SourceError`: recorded, never fatal to the others.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

_URL = re.compile(r"^(?:https?|ssh|git|file)://|^[\w.-]+@[\w.-]+:")
MAX_LIST_DEPTH = 4
MAX_LIST_BYTES = 10_000_000


@dataclass(frozen=True)
class Target:
    """One repository to audit."""

    name: str  # shown in reports: `group/project`, or the folder's name
    location: str  # a local folder (absolute) or a clone URL
    remote: bool  # cloned into the cache (True) or read where it is (False)
    source: str  # the command-line source it came from
    default_branch: str | None = None  # as the forge reports it, when known

    @property
    def key(self) -> str:
        """Stable identifier: file names in the output, shard assignment, resume."""
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", self.name).strip("-")[:60] or "repository"
        return f"{slug}-{hashlib.sha256(canonical(self.location).encode()).hexdigest()[:10]}"


@dataclass(frozen=True)
class SourceError:
    source: str
    reason: str


@dataclass
class ForgeOptions:
    include_archived: bool = False
    include_forks: bool = False
    protocol: str = "https"  # clone URLs: https or ssh
    github_api: str = field(default_factory=lambda: os.environ.get("CADRE_GITHUB_API", "https://api.github.com"))
    gitlab_url: str = field(default_factory=lambda: os.environ.get("CADRE_GITLAB_URL", "https://gitlab.com"))


def canonical(location: str) -> str:
    """The same repository written two ways gives one key (trailing `.git` or slash, case of host)."""
    text = location.strip()
    if _URL.match(text):
        text = text.rstrip("/")
        if text.endswith(".git"):
            text = text[:-4]
        return text
    return os.path.normpath(text)


def is_url(text: str) -> bool:
    return bool(_URL.match(text))


def expand(specs: Sequence[str], cwd: Path, forge: ForgeOptions) -> tuple[list[Target], list[SourceError]]:
    """Every repository the sources name, once each (first mention wins), and the sources that failed."""
    targets: list[Target] = []
    errors: list[SourceError] = []
    seen: set[str] = set()

    def add(target: Target) -> None:
        key = canonical(target.location)
        if key not in seen:
            seen.add(key)
            targets.append(target)

    def visit(spec: str, base: Path, depth: int) -> None:
        spec = spec.strip()
        if spec.startswith(("github:", "gitlab:")):
            from cadre_hooks.audit import forges

            try:
                for target in forges.list_repositories(spec, forge):
                    add(target)
            except forges.ForgeError as err:
                errors.append(SourceError(spec, str(err)))
            return
        if is_url(spec):
            add(Target(_url_name(spec), spec, True, spec))
            return
        path = (base / os.path.expanduser(spec)).resolve()
        if path.is_dir() and _is_bare(path):
            add(Target(path.name.removesuffix(".git"), path.as_uri(), True, spec))  # cloned like a URL
        elif path.is_dir():
            add(Target(path.name, str(path), False, spec))
        elif path.is_file():
            if depth >= MAX_LIST_DEPTH:
                errors.append(SourceError(spec, "lists of sources nested too deep"))
                return
            from cadre_hooks.safeio import Refused, read_capped

            try:
                lines = read_capped(path, MAX_LIST_BYTES, "list of sources").decode("utf-8").splitlines()
            except (Refused, UnicodeDecodeError) as err:
                errors.append(SourceError(spec, f"cannot read the list of sources: {_why(err)}"))
                return
            for line in lines:
                line = line.split(" #", 1)[0].strip()
                if line and not line.startswith("#"):
                    visit(line, path.parent, depth + 1)
        else:
            errors.append(SourceError(spec, "no such folder, file or URL"))

    for spec in specs:
        visit(spec, cwd, 0)
    return targets, errors


def _is_bare(path: Path) -> bool:
    """A bare repository (a server's copy): no work tree to read, so it is cloned."""
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def _url_name(url: str) -> str:
    """`group/project` from a clone URL (the last two path segments)."""
    path = re.sub(r"^[\w.-]+@[\w.-]+:", "", re.sub(r"^[a-z]+://[^/]*", "", url))
    parts = [p for p in path.rstrip("/").removesuffix(".git").split("/") if p]
    return "/".join(parts[-2:]) or url


def _why(err: BaseException) -> str:
    return getattr(err, "strerror", None) or str(err)


def in_shard(target: Target, index: int, total: int) -> bool:
    """Shard `index` of `total` (1-based) holds a stable share: by a hash of the repository's
    location, so adding a repository moves no other one to another shard."""
    digest = hashlib.sha256(canonical(target.location).encode()).digest()
    return int.from_bytes(digest[:8], "big") % total == index - 1


def parse_shard(text: str) -> tuple[int, int]:
    """`i/N` with 1 <= i <= N; ValueError otherwise."""
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match:
        raise ValueError(f"--shard must be i/N (for example 2/4), got {text!r}")
    index, total = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= total:
        raise ValueError(f"--shard {text}: i must be between 1 and N")
    return index, total
