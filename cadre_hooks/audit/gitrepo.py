"""Git for audits, through gitpython: clones kept in a cache and brought up to date on the next run,
the commit to audit on the default branch (its HEAD, or its last commit before a date), and
snapshots of a commit written from `git archive`, so that the user's own clone is never checked
out, switched or given a worktree.

Dates are commit (committer) dates, never author dates: a rebased or cherry-picked change entered
the branch when it was committed there.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cadre_hooks.audit.sources import Target


class GitError(Exception):
    """The repository cannot be cloned, fetched or read: recorded as the source's failure."""


@dataclass(frozen=True)
class Revision:
    repo: Any  # git.Repo (gitpython is untyped)
    ref: str  # the default branch's ref the audit follows
    branch: str | None


def open_target(target: Target, cache_root: Path) -> tuple[Path, Revision | None]:
    """The working folder and the repository for `target`: a cached clone brought up to date for a
    URL; the folder itself for a local source (no repository when it is not a git work tree)."""
    import git

    if not target.remote:
        folder = Path(target.location)
        if not (folder / ".git").exists():
            return folder, None  # a plain folder (or one inside a repository): audited as a folder
        try:
            repo = git.Repo(folder)
            repo.head.commit  # noqa: B018 - reading HEAD is what tells a corrupt repository
        except (git.GitError, ValueError, OSError) as err:
            raise GitError(f"corrupt or unreadable git repository: {_reason(err)}") from None
        return folder, _local_revision(repo)
    clone = cache_root / target.key
    repo = _update_clone(target.location, clone)
    ref, branch = _remote_default(repo, target.default_branch)
    return clone, Revision(repo, ref, branch)


def remote_head(target: Target, cache_root: Path) -> str | None:
    """The commit at the tip of the remote's default branch, asked with one `git ls-remote` through
    the cached clone (no fetch): what `--resume` compares with the last record. None when unknown."""
    import git

    clone = cache_root / target.key
    if not target.remote or not (clone / ".git").exists():
        return None
    try:
        repo = git.Repo(clone)
        if target.default_branch:
            out = str(repo.git.ls_remote("origin", f"refs/heads/{target.default_branch}"))
        else:
            out = str(repo.git.ls_remote("--symref", "origin", "HEAD"))
    except (git.GitError, OSError, ValueError):
        return None
    for line in out.splitlines():
        sha, _, name = line.partition("\t")
        if not sha.startswith("ref:") and len(sha) == 40:
            return sha
    return None


def _local_revision(repo: Any) -> Revision:
    import git

    try:
        remote_head = repo.git.symbolic_ref("--quiet", "refs/remotes/origin/HEAD")
        return Revision(repo, remote_head, remote_head.rsplit("/", 1)[-1])
    except git.GitCommandError:
        pass
    try:
        branch = repo.active_branch.name
    except (TypeError, ValueError, git.GitError):
        branch = None
    return Revision(repo, "HEAD", branch)


def _update_clone(url: str, clone: Path) -> Any:
    import git

    if (clone / ".git").exists():
        try:
            repo = git.Repo(clone)
            repo.git.fetch("--prune", "--force", "origin")
            repo.git.remote("set-head", "origin", "--auto")
            return repo
        except (git.GitError, OSError, ValueError):
            shutil.rmtree(clone, ignore_errors=True)  # a broken cache: clone again
    clone.parent.mkdir(parents=True, exist_ok=True)
    if clone.exists():
        shutil.rmtree(clone, ignore_errors=True)
    try:
        return git.Repo.clone_from(url, clone, no_checkout=True, env={"GIT_TERMINAL_PROMPT": "0"})
    except (git.GitError, OSError) as err:
        shutil.rmtree(clone, ignore_errors=True)
        raise GitError(f"cannot clone {url}: {_reason(err)}") from None


def _remote_default(repo: Any, branch: str | None) -> tuple[str, str | None]:
    import git

    if branch:
        return f"refs/remotes/origin/{branch}", branch
    try:
        ref = repo.git.symbolic_ref("--quiet", "refs/remotes/origin/HEAD")
        return ref, ref.rsplit("/", 1)[-1]
    except git.GitCommandError:
        raise GitError("the remote has no default branch (an empty repository?)") from None


def commit_at(rev: Revision, before: str | None) -> Any:
    """The default branch's HEAD, or its last commit (first-parent, by commit date) before `before`."""
    import git

    try:
        if before is None:
            return rev.repo.commit(rev.ref)
        sha = rev.repo.git.rev_list("-1", "--first-parent", f"--before={before}", rev.ref)
    except (git.GitError, ValueError) as err:
        raise GitError(f"cannot read the default branch {rev.branch or rev.ref}: {_reason(err)}") from None
    if not sha:
        raise GitError(f"no commit before {before} on the default branch {rev.branch or rev.ref}")
    return rev.repo.commit(sha)


def checkout(repo: Any, commit: Any) -> None:
    """Put a cached clone's work tree at `commit` (only ever called on clones the audit owns)."""
    import git

    try:
        repo.git.checkout("--force", "--detach", commit.hexsha)
        repo.git.clean("-ffdxq")
    except git.GitError as err:
        raise GitError(f"cannot check out {commit.hexsha[:12]}: {_reason(err)}") from None


def snapshot(repo: Any, commit: Any) -> Path:
    """A temporary folder holding the tree of `commit` (from `git archive`); the caller removes it."""
    import git

    buffer = io.BytesIO()
    try:
        repo.archive(buffer, commit.hexsha, format="tar")
    except (git.GitError, ValueError) as err:
        raise GitError(f"cannot read the tree of {commit.hexsha[:12]}: {_reason(err)}") from None
    folder = Path(tempfile.mkdtemp(prefix="cadre-audit-"))
    buffer.seek(0)
    with tarfile.open(fileobj=buffer) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(folder, filter="data")
        else:  # pragma: no cover - Python < 3.10.12
            archive.extractall(folder, members=[m for m in archive.getmembers() if _safe(m)])
    return folder


def _safe(member: tarfile.TarInfo) -> bool:
    return not (member.name.startswith("/") or ".." in Path(member.name).parts or member.islnk())


def commit_date(commit: Any) -> str:
    """The commit (committer) date in UTC, ISO 8601."""
    when: dt.datetime = commit.committed_datetime
    return when.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def first_parent_since(rev: Revision, head: Any, since: str) -> list[Any]:
    """The default branch's commits (first parent) from `since` to `head`, oldest first."""
    import git

    try:
        shas = rev.repo.git.rev_list("--first-parent", "--reverse", f"--since={since}", head.hexsha).split()
    except git.GitError as err:
        raise GitError(f"cannot list the history since {since}: {_reason(err)}") from None
    return [rev.repo.commit(sha) for sha in shas]


def is_dirty(repo: Any) -> bool:
    try:
        return bool(repo.is_dirty(untracked_files=False))
    except Exception:  # noqa: BLE001 - a state we cannot read is reported as clean, never fatal
        return False


def _reason(err: BaseException) -> str:
    """One line: git's own message (stderr) rather than gitpython's multi-line repr."""
    stderr = getattr(err, "stderr", None)
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    text = stderr if isinstance(stderr, str) and stderr.strip() else str(err)
    lines = [line.strip() for line in text.replace("stderr:", "").splitlines() if line.strip()]
    lines = [line.strip("'") for line in lines if not line.startswith(("Cmd(", "cmdline:", "Cloning into"))]
    return " ".join(lines)[:300] or type(err).__name__
