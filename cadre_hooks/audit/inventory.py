"""The audit's inventory: one record per repository (kept in `DIR/repos/KEY.json`, which `--resume`
and `cadre audit merge` read back), assembled into `DIR/inventory.json`.

The format is versioned (`format`, `version`) and described by `docs/inventory.schema.json`. It
holds no timestamp of its own and lists repositories in a fixed order, so an audit run in shards
and merged gives the same bytes as one run. It names repositories and providers, never people:
dates are commit dates, no author is read.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cadre_hooks.audit import INVENTORY_FORMAT, INVENTORY_VERSION
from cadre_hooks.audit.sources import SourceError, Target
from cadre_hooks.model import Report

CALL_KINDS = ("client", "call", "endpoint")
PUBLIC_RULE = "CDR302"


def failed(target: Target, reason: str, stamp: Mapping[str, Any]) -> dict[str, Any]:
    return {**_identity(target), **stamp, "status": "failed", "error": reason}


def _identity(target: Target) -> dict[str, Any]:
    return {"key": target.key, "name": target.name, "source": target.source, "location": target.location}


def record(target: Target, report: Report, ctx: Any, stamp: Mapping[str, Any], *, head: str | None,
           date: str | None, branch: str | None, dirty: bool, repo_settings: Mapping[str, Any],
           first_seen: Mapping[str, Any] | None) -> dict[str, Any]:
    """One repository's inventory entry from its scan report (`ctx` is the scan's CheckContext)."""
    registry = ctx.registry
    usages = report.usages
    by_provider: dict[str, list[Any]] = {}
    for usage in usages:
        by_provider.setdefault(usage.provider or "unknown", []).append(usage)
    providers = []
    for pid, items in sorted(by_provider.items()):
        known = registry.providers.get(pid)
        providers.append({
            "id": pid, "name": known.name if known else pid,
            "jurisdiction": _jurisdiction(items, known.jurisdiction if known else "unknown"),
            "usages": len(items), "kinds": dict(sorted(Counter(u.kind for u in items).items())),
            "findings": sum(1 for f in report.findings if f.provider == pid),
        })
    models: dict[tuple[str, str | None], dict[str, Any]] = {}
    for usage in usages:
        for name in dict.fromkeys([*([usage.model] if usage.model else []), *usage.models]):
            entry = models.setdefault((name, usage.provider), {"name": name, "provider": usage.provider,
                                                               "jurisdiction": usage.jurisdiction, "places": 0})
            entry["places"] += 1
    findings: list[dict[str, Any]] = [
        {"rule": f.rule, "name": f.name, "severity": f.severity, "path": f.path, "line": f.line,
         "provider": f.provider, "commitments": list(f.commitments),
         "suppressed_in_repository": f.suppression_reason if f.suppressed else None}
        for f in report.findings]
    suppressions = report.extra.get("suppressions", ())
    from cadre_hooks.audit.policy import declared_mappings

    return {
        **_identity(target), **stamp, "status": "audited", "error": None,
        "head": head, "date": date, "branch": branch, "dirty": dirty,
        "files": report.files_scanned,
        "providers": providers,
        "usages": {"total": len(usages), "by_kind": dict(sorted(Counter(u.kind for u in usages).items()))},
        "call_sites": [{"path": u.path, "line": u.line, "kind": u.kind, "provider": u.provider,
                        "operation": u.operation, "model": u.model, "host": u.host} for u in usages
                       if u.kind in CALL_KINDS],
        "models": sorted(models.values(), key=lambda m: (m["name"], m["provider"] or "")),
        "ai_usage": ai_usage_status(report, ctx),
        "findings": {
            "total": len(findings),
            "errors": sum(1 for f in findings if f["severity"] == "error"),
            "warnings": sum(1 for f in findings if f["severity"] == "warning"),
            "by_rule": dict(sorted(Counter(f["rule"] for f in findings).items())),
            "by_commitment": {str(k): v for k, v in sorted(Counter(c for f in findings
                                                                   for c in f["commitments"]).items())},
            "items": findings,
        },
        "public_facing": [{"path": f.path, "line": f.line} for f in report.findings if f.rule == PUBLIC_RULE],
        "suppressions": {
            "count": len(suppressions),  # type: ignore[arg-type]
            "items": [{"path": s.path, "line": s.line, "codes": list(s.codes), "reason": s.reason}
                      for s in suppressions],  # type: ignore[attr-defined]
        },
        "repository_settings": {**repo_settings, "declared": declared_mappings(repo_settings.get("ignored", ()))},
        "notices": len(report.notices),
        "first_seen": first_seen,
        "provenance": {"interpreter": report.provenance.interpreter,
                       "configuration": list(report.provenance.configuration)},
    }


def _jurisdiction(items: Sequence[Any], default: str) -> str:
    found = {u.jurisdiction for u in items}
    if len(found) == 1:
        return found.pop()  # type: ignore[no-any-return]
    return "non-eu" if "non-eu" in found else default


def ai_usage_status(report: Report, ctx: Any) -> dict[str, Any]:
    """missing, incomplete, complete or not-required; with the review date it declares."""
    rules = {f.rule for f in report.findings}
    path = ctx.config.ai_usage
    full = ctx.root / path
    last_review = None
    if full.is_file():
        try:
            import datetime as dt

            from cadre_hooks.transparency import document
            from cadre_hooks.transparency.spec import load_spec

            from cadre_hooks.safeio import Refused, read_capped

            text = read_capped(full, ctx.config.max_file_size, "AI_USAGE.md").decode("utf-8")
            declaration = document.read(text, load_spec(), dt.date.today())
            if declaration.last_review is not None:
                last_review = declaration.last_review[0].isoformat()
        except (Refused, UnicodeDecodeError, ValueError):
            pass
    if "CDR201" in rules:
        status = "missing"
    elif "CDR202" in rules:
        status = "incomplete"
    elif full.is_file():
        status = "complete"
    else:
        status = "not-required" if not report.usages else "missing"
    return {"path": path, "status": status, "last_review": last_review,
            "review_overdue": "CDR205" in rules, "undeclared_providers": sorted(
                {f.provider for f in report.findings if f.rule == "CDR203" and f.provider})}


# --- the whole inventory -------------------------------------------------------------------------
def assemble(records: Iterable[Mapping[str, Any]], source_errors: Iterable[SourceError | Mapping[str, str]],
             header: Mapping[str, Any]) -> dict[str, Any]:
    repos = sorted((dict(r) for r in records), key=lambda r: (str(r["name"]), str(r["key"])))
    for repo in repos:
        repo.pop("resumed", None)
        repo.pop("duration_s", None)
    errors = sorted({(e.source, e.reason) if isinstance(e, SourceError) else (e["source"], e["reason"])
                     for e in source_errors})
    audited = [r for r in repos if r["status"] == "audited"]
    providers: dict[str, dict[str, Any]] = {}
    for repo in audited:
        for p in repo["providers"]:
            entry = providers.setdefault(p["id"], {"id": p["id"], "name": p["name"],
                                                   "jurisdiction": p["jurisdiction"], "repositories": 0,
                                                   "usages": 0})
            entry["repositories"] += 1
            entry["usages"] += p["usages"]
    return {
        "format": INVENTORY_FORMAT,
        "version": INVENTORY_VERSION,
        **header,
        "summary": {
            "repositories": len(repos),
            "audited": len(audited),
            "failed": len(repos) - len(audited) + len(errors),
            "using_ai": sum(1 for r in audited if r["usages"]["total"]),
            "ai_usage_complete": sum(1 for r in audited if r["ai_usage"]["status"] == "complete"),
            "public_facing": sum(1 for r in audited if r["public_facing"]),
            "findings_by_commitment": _sum_counts(r["findings"]["by_commitment"] for r in audited),
            "findings_by_rule": _sum_counts(r["findings"]["by_rule"] for r in audited),
            "providers": sorted(providers.values(), key=lambda p: (-p["repositories"], p["id"])),
        },
        "repositories": repos,
        "source_errors": [{"source": s, "reason": r} for s, r in errors],
    }


def _sum_counts(counts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    return dict(sorted(total.items(), key=lambda kv: (len(kv[0]), kv[0])))


def header(policy_origin: str, policy_sha256: str | None, at: str | None, since: str | None) -> dict[str, Any]:
    from cadre_hooks import __version__
    from cadre_hooks.registry.load import registry_hash

    return {"cadre_version": __version__, "registry_hash": registry_hash(),
            "policy": {"origin": policy_origin, "sha256": policy_sha256}, "at": at, "since": since}


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


MAX_JSON = 1 << 30  # an inventory of thousands of repositories stays far below


def read_json(path: Path) -> Any:
    """An inventory or record file; ValueError when it is not a readable regular file holding JSON."""
    from cadre_hooks.safeio import Refused, read_capped

    try:
        data = read_capped(path, MAX_JSON, "inventory")
    except Refused as err:
        raise ValueError(str(err)) from None
    return json.loads(data.decode("utf-8"))


def records_in(folder: Path) -> dict[str, dict[str, Any]]:
    """The records of an output folder, by key (unreadable ones are skipped: audited again)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((folder / "repos").glob("*.json")):
        try:
            data = read_json(path)
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("key"), str):
            out[data["key"]] = data
    return out
