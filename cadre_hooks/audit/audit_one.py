"""One repository of an audit: bring it up to date, pick the commit, scan it under the organisation's
policy, and turn the report into its inventory record. Runs in a worker process (see runner.py)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cadre_hooks import __version__
from cadre_hooks.audit import gitrepo, inventory
from cadre_hooks.audit.policy import Policy, audit_sources
from cadre_hooks.audit.sources import Target
from cadre_hooks.checks.context import CheckContext
from cadre_hooks.config import ConfigError
from cadre_hooks.model import Report
from cadre_hooks.registry.load import registry_hash
from cadre_hooks.scan import ScanOptions
from cadre_hooks.scanner import Scanner


@dataclass(frozen=True)
class AuditSettings:
    policy: Policy
    cache_root: Path
    at: str | None = None  # audit each repository as at its last commit before this date
    since: str | None = None  # list when each provider first appeared since this date
    today: str | None = None
    jobs: int = 1  # worker processes of each scan
    lang: str = "en"


def stamp(settings: AuditSettings) -> dict[str, Any]:
    """What must be unchanged for a previous record to stand (--resume)."""
    return {"cadre_version": __version__, "registry_hash": registry_hash(), "policy_sha256": settings.policy.sha256,
            "at": settings.at, "since": settings.since}


def audit(target: Target, settings: AuditSettings, scanner: Scanner,
          previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The record of `target` (status `audited`, or `failed` with the reason); never raises for the
    repository's own faults."""
    started = time.monotonic()
    try:
        record = _audit(target, settings, scanner, previous)
    except gitrepo.GitError as err:
        record = inventory.failed(target, str(err), stamp(settings))
    except ConfigError as err:
        record = inventory.failed(target, f"configuration: {err}", stamp(settings))
    except (RecursionError, MemoryError, OSError) as err:
        record = inventory.failed(target, f"scan error: {type(err).__name__}: {err}", stamp(settings))
    if "resumed" not in record:
        record["duration_s"] = round(time.monotonic() - started, 3)
    return record


def unchanged(target: Target, settings: AuditSettings, previous: Mapping[str, Any]) -> dict[str, Any] | None:
    """The previous record when the repository is still at the same commit, audited with the same
    cadre, rule data, policy and dates (--resume); None when it must be audited again. Cheap: one
    `git ls-remote` for a URL (no fetch, no checkout), a look at HEAD for a local clone."""
    if settings.at is not None and target.remote:
        return None  # the commit before a date needs the fetched history
    try:
        if target.remote:
            tip = gitrepo.remote_head(target, settings.cache_root)
            dirty = False
        else:
            folder, rev = gitrepo.open_target(target, settings.cache_root)
            if rev is None:
                return None
            tip = gitrepo.commit_at(rev, settings.at).hexsha
            dirty = settings.at is None and gitrepo.is_dirty(rev.repo)
    except gitrepo.GitError:
        return None
    if tip is not None and _still_valid(previous, tip, dirty, settings):
        return {**previous, "resumed": True}
    return None


def _audit(target: Target, settings: AuditSettings, scanner: Scanner,
           previous: Mapping[str, Any] | None) -> dict[str, Any]:
    if previous is not None and target.remote and settings.at is None:
        kept = unchanged(target, settings, previous)
        if kept is not None:
            return kept
    folder, rev = gitrepo.open_target(target, settings.cache_root)
    if not folder.is_dir():
        raise gitrepo.GitError(f"no such folder: {folder}")
    if rev is None and (settings.at or settings.since):
        raise gitrepo.GitError("not a git repository: --at and --since need its history")
    commit = gitrepo.commit_at(rev, settings.at) if rev is not None else None
    dirty = rev is not None and not target.remote and settings.at is None and gitrepo.is_dirty(rev.repo)
    head = commit.hexsha if commit is not None else None
    if previous is not None and _still_valid(previous, head, dirty, settings):
        return {**previous, "resumed": True}
    tree, temporary = folder, False
    if rev is not None and commit is not None:
        if settings.at is not None:
            tree, temporary = gitrepo.snapshot(rev.repo, commit), True
        elif target.remote:
            gitrepo.checkout(rev.repo, commit)
    try:
        report, ctx, repo_settings = _scan(tree, settings, scanner, use_cache=not temporary)
        history = None
        if settings.since and rev is not None and commit is not None:
            history = first_appearances(rev, commit, settings, scanner, report)
        # While the tree is still there: the record reads AI_USAGE.md's review date.
        return inventory.record(target, report, ctx, stamp(settings), head=head,
                                date=gitrepo.commit_date(commit) if commit is not None else None,
                                branch=rev.branch if rev is not None else None, dirty=dirty,
                                repo_settings=repo_settings, first_seen=history)
    finally:
        if temporary:
            shutil.rmtree(tree, ignore_errors=True)


def _still_valid(previous: Mapping[str, Any], head: str | None, dirty: bool, settings: AuditSettings) -> bool:
    if previous.get("status") != "audited" or head is None or dirty or previous.get("head") != head:
        return False
    return all(previous.get(key) == value for key, value in stamp(settings).items())


def _scan(tree: Path, settings: AuditSettings, scanner: Scanner,
          use_cache: bool) -> tuple[Report, CheckContext, dict[str, Any]]:
    layers, repo_settings = audit_sources(tree, settings.policy, scanner.rules)
    options = ScanOptions(cwd=tree, targets=(str(tree),), cli={"lang": settings.lang}, settings=layers,
                          honour_suppressions=True, repository_checks=True, jobs=settings.jobs,
                          today=settings.today, use_cache=use_cache, progress=False)
    try:
        report, ctx = scanner.scan(options)
    except ConfigError as err:
        if len(layers) == 1:
            raise  # the policy itself is wrong
        # The repository's stricter settings name something unknown: the policy alone applies.
        repo_settings.error = f"not applied: {err}"
        repo_settings.applied = {}
        options = ScanOptions(cwd=tree, targets=(str(tree),), cli={"lang": settings.lang}, settings=layers[-1:],
                              honour_suppressions=True, repository_checks=True, jobs=settings.jobs,
                              today=settings.today, use_cache=use_cache, progress=False)
        report, ctx = scanner.scan(options)
    return report, ctx, repo_settings.as_dict()


def providers_of(report: Report) -> set[str]:
    return {u.provider for u in report.usages if u.provider}


def first_appearances(rev: gitrepo.Revision, head: Any, settings: AuditSettings, scanner: Scanner,
                      report: Report) -> dict[str, Any]:
    """For each provider found at `head`: the first commit since `--since` (first parent, by
    commit date) from which the repository uses it, found by bisection over the snapshots;
    `before_since` when it was already there at the last commit before that date."""
    assert settings.since is not None
    commits = gitrepo.first_parent_since(rev, head, settings.since)
    seen: dict[str, set[str]] = {head.hexsha: providers_of(report)}

    def providers_at(commit: Any) -> set[str]:
        if commit.hexsha not in seen:
            tree = gitrepo.snapshot(rev.repo, commit)
            try:
                scanned, _, _ = _scan(tree, settings, scanner, use_cache=False)
            finally:
                shutil.rmtree(tree, ignore_errors=True)
            seen[commit.hexsha] = providers_of(scanned)
        return seen[commit.hexsha]

    try:
        base = gitrepo.commit_at(rev, settings.since) if commits else head
    except gitrepo.GitError:
        base = None  # the repository starts after --since
    out: dict[str, Any] = {}
    for provider in sorted(seen[head.hexsha]):
        if base is not None and (not commits or provider in providers_at(base)):
            out[provider] = {"before_since": True, "commit": None, "date": None}
            continue
        low, high = 0, len(commits) - 1  # the head is the last commit, and it has the provider
        while low < high:
            middle = (low + high) // 2
            if provider in providers_at(commits[middle]):
                high = middle
            else:
                low = middle + 1
        first = commits[low]
        out[provider] = {"before_since": False, "commit": first.hexsha, "date": gitrepo.commit_date(first)}
    return out
