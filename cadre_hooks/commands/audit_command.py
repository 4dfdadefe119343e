"""`cadre audit SOURCE... --out DIR` and `cadre audit merge DIR... --out DIR`: the estate audit.

Exit status: 0 every source audited, 1 a source failed (or, with --fail-on-findings, a finding at
error severity), 2 bad arguments (an unusable policy, a malformed date or shard).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from cadre_hooks.cli import EXIT_CLEAN, EXIT_FINDINGS, UsageError, command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="local folders, git URLs (https, ssh, file://), files listing sources, github:ORG, "
                             "gitlab:GROUP; or `merge DIR...` to merge shard outputs")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    parser.add_argument("--policy", metavar="FILE|URL", help="the organisation policy (TOML); default: cadre's")
    parser.add_argument("--policy-sha256", metavar="HEX", help="sha256 of the policy (required for a URL)")
    parser.add_argument("--at", metavar="YYYY-MM-DD", help="audit each repository as at its last commit before DATE "
                                                           "on its default branch")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="also list when each provider first appeared")
    parser.add_argument("--shard", metavar="i/N", help="audit only shard i of N (a stable share of the sources)")
    parser.add_argument("--resume", action="store_true", help="skip repositories already audited in DIR at the same "
                                                              "commit with the same cadre and policy")
    parser.add_argument("--jobs", "-j", type=int, default=0, help="repositories audited at once (default: cores)")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                        help="time limit per repository (default: 600)")
    parser.add_argument("--fail-on-findings", action="store_true", help="exit 1 when a finding at error severity "
                                                                        "is found (default: findings are reported)")
    parser.add_argument("--cache", type=Path, metavar="DIR", help="where clones are kept between runs "
                                                                  "(default: the user's cache directory)")
    parser.add_argument("--include-archived", action="store_true", help="also archived repositories of a forge")
    parser.add_argument("--include-forks", action="store_true", help="also forks in a forge's listing")
    parser.add_argument("--protocol", choices=("https", "ssh"), default="https", help="clone URLs of a forge")
    parser.add_argument("--lang", choices=("fr", "en"), default="en", help="language of the finding messages")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="date the reviews are checked against")


def _date(text: str | None, option: str) -> str | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"{option} must be a date YYYY-MM-DD, got {text!r}") from None


@command("audit", "audit many repositories under the organisation policy: inventory and AI bill of materials")(
    add_arguments)
def audit(args: argparse.Namespace) -> int:
    try:
        import cyclonedx  # noqa: F401  (the AI-BOMs)
    except ImportError:
        raise UsageError('`cadre audit` needs the audit extra: pip install "cadre-hooks[audit]"') from None
    if args.sources[0] == "merge":
        return merge(args)
    from cadre_hooks.audit import inventory, runner
    from cadre_hooks.audit.audit_one import AuditSettings
    from cadre_hooks.audit.policy import load_policy
    from cadre_hooks.audit.sources import ForgeOptions, expand, in_shard, parse_shard
    from cadre_hooks.registry.load import cache_dir

    # Never wait for a password: an audit runs unattended, a repository that asks is a failed source.
    os.environ.setdefault("GIT_TERMINAL_PROMPT", "0")
    os.environ.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    at, since = _date(args.at, "--at"), _date(args.since, "--since")
    _date(args.today, "--today")
    if args.jobs < 0 or args.timeout <= 0:
        raise UsageError("--jobs must be >= 0 and --timeout > 0")
    shard = None
    if args.shard:
        try:
            shard = parse_shard(args.shard)
        except ValueError as err:
            raise UsageError(str(err)) from None
    policy = load_policy(args.policy, args.policy_sha256)
    out: Path = args.out
    forge = ForgeOptions(include_archived=args.include_archived, include_forks=args.include_forks,
                         protocol=args.protocol)
    targets, source_errors = expand(args.sources, Path(os.getcwd()), forge)
    if shard is not None:
        targets = [t for t in targets if in_shard(t, *shard)]
    jobs = args.jobs or (os.cpu_count() or 1)
    settings = AuditSettings(policy=policy, cache_root=(args.cache or cache_dir() / "audit-clones").resolve(),
                             at=at, since=since, today=args.today, jobs=1 if jobs > 1 else 0, lang=args.lang)
    previous = inventory.records_in(out) if args.resume else {}
    line = runner.ProgressLine()
    try:
        outcome = runner.run_all(targets, settings, out / ".work", jobs=jobs, timeout=args.timeout,
                                 previous=previous, progress=line)
    finally:
        line.close()
        try:
            (out / ".work").rmdir()  # the workers' results, all read back
        except OSError:
            pass
    for record in outcome.records:
        if not record.get("resumed"):
            inventory.write_json(out / "repos" / f"{record['key']}.json", record)
    header = inventory.header(policy.origin, policy.sha256, at, since)
    header["shard"] = args.shard
    data = inventory.assemble(outcome.records, source_errors, header)
    write_outputs(out, data, keep={r["key"] for r in outcome.records if r.get("resumed")})
    failed = [r for r in outcome.records if r["status"] != "audited"]
    for record in failed:
        print(f"cadre: {record['name']}: {record['error']}", file=sys.stderr)
    for error in source_errors:
        print(f"cadre: {error.source}: {error.reason}", file=sys.stderr)
    summary = data["summary"]
    print(f"cadre: audited {summary['audited']} of {summary['repositories']} repositories "
          f"({outcome.resumed} unchanged since the last run), {len(failed) + len(source_errors)} failed, "
          f"{summary['using_ai']} using AI; {out / 'inventory.json'}", file=sys.stderr)
    if failed or source_errors:
        return EXIT_FINDINGS
    if args.fail_on_findings and any(r["findings"]["errors"] for r in outcome.records):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def write_outputs(out: Path, data: dict[str, Any], keep: set[str] | frozenset[str] = frozenset()) -> None:
    """inventory.json, one AI-BOM per audited repository and one for the estate; the BOMs of the
    repositories in `keep` (unchanged since the last run) are left as they are when present."""
    import json

    from cadre_hooks.audit import inventory

    target = out / "inventory.json"
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    expected = {f"{r['key']}.cdx.json" for r in data["repositories"] if r["status"] == "audited"}
    from cadre_hooks.safeio import Refused, read_capped

    try:
        if read_capped(target, 4_000_000_000, "inventory").decode("utf-8") == text and (out / "estate.cdx.json").is_file() and \
                {p.name for p in (out / "bom").glob("*.cdx.json")} == expected:
            return  # nothing changed since the last run (--resume): every output is already there
    except (Refused, OSError, UnicodeDecodeError):
        pass
    from cadre_hooks.audit import bom

    inventory.write_json(target, data)
    folder = out / "bom"
    folder.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for repo in data["repositories"]:
        if repo["status"] == "audited":
            name = f"{repo['key']}.cdx.json"
            wanted.add(name)
            if repo["key"] not in keep or not (folder / name).is_file():
                (folder / name).write_text(bom.repository_bom(repo, data), encoding="utf-8")
    for stale in folder.glob("*.cdx.json"):
        if stale.name not in wanted:
            stale.unlink()
    (out / "estate.cdx.json").write_text(bom.estate_bom(data), encoding="utf-8")


def merge(args: argparse.Namespace) -> int:
    """`cadre audit merge DIR... --out DIR`: the shards' inventories as one."""
    from cadre_hooks.audit import inventory

    folders = [Path(p) for p in args.sources[1:]]
    if not folders:
        raise UsageError("cadre audit merge DIR... --out DIR: name the shard output folders")
    records: dict[str, dict[str, Any]] = {}
    errors: list[dict[str, str]] = []
    header: dict[str, Any] | None = None
    for folder in folders:
        try:
            data = inventory.read_json(folder / "inventory.json")
        except (OSError, ValueError) as err:
            raise UsageError(f"{folder}: no readable inventory.json ({err})") from None
        this = {k: data.get(k) for k in ("cadre_version", "registry_hash", "policy", "at", "since")}
        if header is not None and this != header:
            raise UsageError(f"{folder}: audited with another cadre, rule data, policy or date than {folders[0]}; "
                             "shards must share them")
        header = this
        for record in data.get("repositories", []):
            records.setdefault(record["key"], record)
        errors += data.get("source_errors", [])
    assert header is not None
    header["shard"] = None
    merged = inventory.assemble(records.values(), errors, header)
    write_outputs(args.out, merged)
    for record in merged["repositories"]:
        inventory.write_json(args.out / "repos" / f"{record['key']}.json", record)
    failed = merged["summary"]["failed"]
    print(f"cadre: merged {len(folders)} audits: {merged['summary']['repositories']} repositories, {failed} failed; "
          f"{args.out / 'inventory.json'}", file=sys.stderr)
    return EXIT_FINDINGS if failed else EXIT_CLEAN
