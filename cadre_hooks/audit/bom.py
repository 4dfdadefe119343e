"""CycloneDX 1.6 AI bills of materials, built with cyclonedx-python-lib from inventory records.

External AI APIs the code calls are `services` (provider, endpoints, outbound prompts and inbound
model output, `x-trust-boundary` unless the model runs locally); models are `machine-learning-model`
components. What the format has no field for (jurisdiction, charter status, the provider's cadre
id, counts) goes in `properties` under the `cadre:` namespace. Serial numbers and timestamps come
from the audited commit, so the same audit gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cyclonedx.model import DataClassification, DataFlow, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.dependency import Dependency
from cyclonedx.model.service import Service
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion

NAMESPACE = uuid.UUID("6c1d3c2e-2f4a-5b7e-9d1a-7a0c4e5f8b21")


def _props(values: Mapping[str, object]) -> list[Property]:
    return [Property(name=f"cadre:{k}", value=str(v)) for k, v in values.items() if v is not None and v != ""]


def _tools(version: str) -> ToolRepository:
    return ToolRepository(components=[Component(type=ComponentType.APPLICATION, name="cadre-hooks",
                                                version=version, bom_ref="tool:cadre-hooks")])


def _status(rules: Iterable[str]) -> str:
    codes = sorted(set(rules))
    return "compliant" if not codes else "findings: " + ", ".join(codes)


def _services(repos: Sequence[Mapping[str, Any]]) -> list[Service]:
    by_provider: dict[str, dict[str, Any]] = {}
    for repo in repos:
        for provider in repo["providers"]:
            entry = by_provider.setdefault(provider["id"], {"name": provider["name"],
                                                            "jurisdiction": provider["jurisdiction"],
                                                            "hosts": set(), "usages": 0, "rules": [],
                                                            "repositories": 0})
            entry["usages"] += provider["usages"]
            entry["repositories"] += 1
        for site in repo["call_sites"]:
            if site.get("host") and site.get("provider"):
                by_provider.setdefault(site["provider"], {"hosts": set()})["hosts"].add(site["host"])
        for finding in repo["findings"]["items"]:
            if finding["provider"] in by_provider and finding["severity"] == "error":
                by_provider[finding["provider"]]["rules"].append(finding["rule"])
    services = []
    for pid, entry in sorted(by_provider.items()):
        if "name" not in entry:
            continue
        local = entry["jurisdiction"] == "local"
        services.append(Service(
            name=entry["name"], bom_ref=f"service:{pid}",
            provider=OrganizationalEntity(name=entry["name"]),
            endpoints=[XsUri(f"https://{h}" if "://" not in h else h) for h in sorted(entry["hosts"])] or None,
            x_trust_boundary=not local,
            data=[DataClassification(flow=DataFlow.OUTBOUND, classification="prompts and application data"),
                  DataClassification(flow=DataFlow.INBOUND, classification="model output")],
            properties=_props({"provider-id": pid, "jurisdiction": entry["jurisdiction"],
                               "charter-status": _status(entry["rules"]), "usages": entry["usages"],
                               "repositories": entry["repositories"] if len(repos) > 1 else None}),
        ))
    return services


def _models(repos: Sequence[Mapping[str, Any]]) -> list[Component]:
    models: dict[str, dict[str, Any]] = {}
    for repo in repos:
        for model in repo["models"]:
            entry = models.setdefault(model["name"], {"providers": set(), "jurisdictions": set(), "places": 0,
                                                      "repositories": 0})
            if model["provider"]:
                entry["providers"].add(model["provider"])
            entry["jurisdictions"].add(model["jurisdiction"])
            entry["places"] += model["places"]
            entry["repositories"] += 1
    return [Component(type=ComponentType.MACHINE_LEARNING_MODEL, name=name, bom_ref=f"model:{name}",
                      properties=_props({"provider-id": ", ".join(sorted(e["providers"])) or None,
                                         "jurisdiction": ", ".join(sorted(e["jurisdictions"])),
                                         "places": e["places"],
                                         "repositories": e["repositories"] if len(repos) > 1 else None}))
            for name, e in sorted(models.items())]


def _timestamp(date: str | None) -> dt.datetime:
    if date:
        try:
            return dt.datetime.fromisoformat(date.replace("Z", "+00:00"))
        except ValueError:
            pass
    return dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _render(bom: Bom) -> str:
    """The JSON text; the described component depends on every service and model (the graph is complete)."""
    root = bom.metadata.component
    if root is not None:
        refs = [s.bom_ref for s in bom.services] + [c.bom_ref for c in bom.components]
        bom.dependencies.add(Dependency(ref=root.bom_ref, dependencies=[Dependency(ref=r) for r in refs]))
        for ref in refs:
            bom.dependencies.add(Dependency(ref=ref))
    return JsonV1Dot6(bom).output_as_string(indent=2) + "\n"


def repository_bom(repo: Mapping[str, Any], inventory: Mapping[str, Any]) -> str:
    component = Component(type=ComponentType.APPLICATION, name=repo["name"], bom_ref=f"repository:{repo['key']}",
                          version=(repo.get("head") or "")[:12] or None,
                          properties=_props({"source": repo["location"], "commit": repo.get("head"),
                                             "commit-date": repo.get("date"),
                                             "ai-usage-status": repo["ai_usage"]["status"],
                                             "ai-usage-last-review": repo["ai_usage"]["last_review"],
                                             "charter-status": _status(f["rule"] for f in repo["findings"]["items"]
                                                                       if f["severity"] == "error"),
                                             "public-facing": "yes" if repo["public_facing"] else "no"}))
    bom = Bom(serial_number=uuid.uuid5(NAMESPACE, f"{repo['key']}:{repo.get('head')}"),
              metadata=BomMetaData(component=component, tools=_tools(inventory["cadre_version"]),
                                   timestamp=_timestamp(repo.get("date"))),
              services=_services([repo]), components=_models([repo]))
    return _render(bom)


def estate_bom(inventory: Mapping[str, Any]) -> str:
    repos = [r for r in inventory["repositories"] if r["status"] == "audited"]
    dates = sorted(r["date"] for r in repos if r.get("date"))
    summary = inventory["summary"]
    component = Component(type=ComponentType.PLATFORM, name="estate", bom_ref="estate",
                          components=[Component(type=ComponentType.APPLICATION, name=r["name"],
                                                bom_ref=f"repository:{r['key']}",
                                                version=(r.get("head") or "")[:12] or None,
                                                properties=_props({"source": r["location"],
                                                                   "ai-usage-status": r["ai_usage"]["status"]}))
                                      for r in repos],
                          properties=_props({"repositories": summary["repositories"], "audited": summary["audited"],
                                             "policy-sha256": inventory["policy"]["sha256"],
                                             "at": inventory.get("at")}))
    key = "|".join(f"{r['key']}:{r.get('head')}" for r in repos)
    bom = Bom(serial_number=uuid.uuid5(NAMESPACE, key),
              metadata=BomMetaData(component=component, tools=_tools(inventory["cadre_version"]),
                                   timestamp=_timestamp(dates[-1] if dates else None)),
              services=_services(repos), components=_models(repos))
    return _render(bom)


def validate(text: str) -> str | None:
    """None when `text` is a valid CycloneDX 1.6 JSON document, else the validator's message."""
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    return None if error is None else str(error)
