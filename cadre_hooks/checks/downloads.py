"""CDR105: model weights downloaded at run time from the Hugging Face hub.

An in-process model load (`AutoModel.from_pretrained("org/name")`, `SentenceTransformer(...)`,
`Llama.from_pretrained(...)`, `vllm.LLM(...)`) sends no data, so it is never CDR101; but with a
hub id and no offline or mirror setting, the weights come from huggingface.co (a US company)
every time a machine starts without a cache: a dependency on a non-EU service the city does not
control (commitments 9 and 10).

The settings are looked for in the Python file itself, in `.env*` files at the repository root,
and in every Dockerfile and compose file of the repository. All of it is read by the per-file
detection pass (detect/hubenv.py: `FileScan.hub_loads`, `FileScan.hub_settings`; the repository's
settings files a partial scan did not select are added by cadre_hooks/settingsfiles.py), so a
pre-commit call on one file gives the same answer as a scan of the whole repository, and this rule
reads no file: it is a function of the scans, the usages and the configuration.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cadre_hooks.checks.context import CheckContext, Pair, ScanFacts
from cadre_hooks.detect.hubnames import is_settings_file
from cadre_hooks.findings import make_finding
from cadre_hooks.model import FileScan, Finding, HubLoad, Usage

RULE = "CDR105"
HUB_PROVIDER = "huggingface"
# A hub repository id: `name` or `namespace/name` (letters, digits, `-`, `_`, `.`; at most 96 characters each).
HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,95}(?:/[A-Za-z0-9][\w.-]{0,95})?\Z")
_WINDOWS_PATH = re.compile(r"[A-Za-z]:[\\/]")
DEFAULT_MODEL = "pipeline("  # `pipeline("ner")` without a model: the task's default model, from the hub


CODES = ("CDR105",)


def run(facts: ScanFacts, ctx: CheckContext) -> list[Pair]:
    """Imported only when the scan found a model load (checks/__init__ lists it)."""
    if not any(u.kind == "model" for u in facts.usages):
        return []
    return findings(ctx, facts.files, facts.usages)


def findings(sc: CheckContext, scans: Sequence[FileScan], usages: Sequence[Usage]) -> list[tuple[Finding, int]]:
    from cadre_hooks.detect.hubenv import disables_hub  # the settings readers: only with a model load

    rule = sc.rules.get(RULE)
    loads = [u for u in usages if u.kind == "model"]
    if rule is None or not loads:
        return []
    by_path = {scan.path: scan for scan in scans if scan.hub_loads or scan.hub_settings}
    calls: dict[str, dict[tuple[int, int], HubLoad]] = {}
    repository: bool | None = None
    out = []
    for usage in loads:
        scan = by_path.get(usage.path)
        if usage.path not in calls:
            calls[usage.path] = {(h.line, h.column): h for h in scan.hub_loads} if scan is not None else {}
        call = calls[usage.path].get((usage.line, usage.column))
        model = call.model if call is not None else usage.model
        if model is None or not (model.startswith(DEFAULT_MODEL) or is_hub_id(model)) \
                or (call is not None and call.local_folder):
            continue
        if (call is not None and call.local_only) or (
                scan is not None and not is_settings_file(usage.path) and disables_hub(scan.hub_settings)):
            continue
        if repository is None:
            repository = repository_disables_hub(scans)
        if repository:
            return []
        message = rule.format(sc.lang, model=model, provider=HUB_PROVIDER, path=usage.path)
        finding = make_finding(rule, sc.config, usage.path, usage.line, usage.column, HUB_PROVIDER, message,
                               usage.evidence)
        if finding is not None:
            out.append((finding, usage.statement_line))
    return out


def repository_disables_hub(scans: Sequence[FileScan]) -> bool:
    """True when a root `.env*`, a Dockerfile or a compose file of the repository sets offline or a mirror."""
    from cadre_hooks.detect.hubenv import disables_hub

    return disables_hub(s for scan in scans if is_settings_file(scan.path) for s in scan.hub_settings)


def is_hub_id(model: str) -> bool:
    """A hub repository id, not a path: `./models/x`, `/opt/models/x` are local (and so is a folder of the
    repository of that name: `HubLoad.local_folder`, seen by the detection pass)."""
    if model.startswith((".", "/", "~", "\\")) or "://" in model or _WINDOWS_PATH.match(model):
        return False
    return HUB_ID.match(model) is not None
