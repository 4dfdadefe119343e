"""Generated estates for the audit tests: real git repositories with dated history, made with gitpython."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import git

ACTOR = git.Actor("builder", "builder@example.org")


def commit_files(repo: git.Repo, files: Mapping[str, str | None], when: str, message: str = "change") -> git.Commit:
    """Write (or delete, for None) `files` and commit them with commit and author date `when` (ISO)."""
    root = Path(repo.working_tree_dir or ".")
    for rel, content in files.items():
        path = root / rel
        if content is None:
            repo.index.remove([rel], working_tree=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        repo.index.add([rel])
    stamp = dt.datetime.fromisoformat(when).replace(tzinfo=dt.timezone.utc)
    return repo.index.commit(message, author=ACTOR, committer=ACTOR, author_date=stamp, commit_date=stamp)


def make_history(root: Path, steps: Sequence[tuple[str, Mapping[str, str | None]]]) -> git.Repo:
    """A repository on branch `main` whose commits are `steps` (date, files), oldest first."""
    root.mkdir(parents=True, exist_ok=True)
    repo = git.Repo.init(root, initial_branch="main")
    for when, files in steps:
        commit_files(repo, files, when)
    return repo


def bare_copy(repo: git.Repo, target: Path) -> str:
    """A bare clone of `repo` at `target` (a local "server"); returns its file:// URL."""
    git.Repo.clone_from(repo.working_tree_dir, target, bare=True)
    return target.as_uri()


def ai_usage(provider: str, model: str, review: str = "2026-10-01") -> str:
    """A complete AI_USAGE.md declaring one provider."""
    return f"""
    ---
    cadre: 1
    project: Meeting notes
    owner: Digital services
    contact: ai@example.org
    last_review: {review}
    user_facing: false
    providers:
      - id: {provider}
        purpose: Summarise internal meeting notes
        personal_data: false
        hosting: eu
    models:
      - {model}
    ---
    # AI usage

    ## Purpose and benefit
    Saves drafting time for staff.

    ## Interaction with the public
    None: staff only.

    ## Human oversight
    Every summary is read and approved by its author.

    ## Personal data
    No personal data is sent; names are removed first.

    ## Bias and non-discrimination
    Summaries are reviewed; no individual decision relies on the model.

    ## Transparency
    This file, and the register of processing activities.

    ## Working conditions
    Optional use, training offered.

    ## Click work
    The provider documents no use of micro-task platforms.

    ## Sovereignty
    EU provider, EU hosting, pinned model.

    ## Environmental impact
    Small model, about 200 requests a month.

    ## Reversibility
    OpenAI-compatible API: a self-hosted model can replace it in a day.
    """
