"""The yearly public report: `report.md` and a self-contained `report.html` from an inventory.

Figures are computed here, words come from `templates/strings.toml` (French and English), layout
from the Jinja2 templates, charts are drawn by pygal as inline SVG without its JavaScript, so the
HTML needs no network. The report names repositories and providers, never a person: it reads no
author, contact, or suppression reason from the inventory.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cadre_hooks.audit import INVENTORY_FORMAT, INVENTORY_VERSION

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEMPLATES = Path(__file__).parent / "templates"
JURISDICTIONS = ("eu", "local", "non-eu", "unknown")
COLOURS = {"eu": "#1f5fa8", "local": "#2e8540", "non-eu": "#c0392b", "unknown": "#7f8c8d"}
STATUSES = ("complete", "incomplete", "missing")


class InventoryError(Exception):
    """Not an inventory this version of cadre can read."""


def check(data: Any, origin: str) -> Mapping[str, Any]:
    if not isinstance(data, dict) or data.get("format") != INVENTORY_FORMAT:
        raise InventoryError(f"{origin}: not a cadre inventory (written by `cadre audit`)")
    if data.get("version") != INVENTORY_VERSION:
        raise InventoryError(f"{origin}: inventory format version {data.get('version')}, this cadre reads "
                             f"{INVENTORY_VERSION}")
    return data


def strings(lang: str) -> dict[str, Any]:
    data = tomllib.loads((TEMPLATES / "strings.toml").read_text(encoding="utf-8"))
    table: dict[str, Any] = data[lang]
    return table


def figures(inventory: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the report shows, as plain numbers and names."""
    repos = [r for r in inventory["repositories"] if r["status"] == "audited"]
    using = [r for r in repos if r["usages"]["total"]]
    by_jurisdiction: Counter[str] = Counter()
    for repo in using:
        for jurisdiction in {p["jurisdiction"] for p in repo["providers"]}:
            by_jurisdiction[jurisdiction] += 1
    statuses = Counter(r["ai_usage"]["status"] for r in using)
    commitments: Counter[int] = Counter()
    for repo in repos:
        for key, count in repo["findings"]["by_commitment"].items():
            commitments[int(key)] += count
    dates = sorted(r["date"] for r in repos if r.get("date"))
    return {
        "as_at": inventory.get("at") or (dates[-1][:10] if dates else None),
        "repositories": len(repos),
        "failed": len([r for r in inventory["repositories"] if r["status"] != "audited"])
        + len(inventory["source_errors"]),
        "using_ai": len(using),
        "complete": statuses.get("complete", 0),
        "complete_share": round(100 * statuses.get("complete", 0) / len(using)) if using else 0,
        "statuses": {s: statuses.get(s, 0) for s in STATUSES},
        "by_jurisdiction": {j: by_jurisdiction.get(j, 0) for j in JURISDICTIONS},
        "providers": inventory["summary"]["providers"],
        "commitments": dict(sorted(commitments.items())),
        "public": sorted(r["name"] for r in repos if r["public_facing"]),
        "table": [{"name": r["name"], "providers": [p["id"] for p in r["providers"]],
                   "ai_usage": r["ai_usage"]["status"], "findings": r["findings"]["total"]}
                  for r in repos if r["usages"]["total"]],
        "errors": sorted({r["name"] for r in inventory["repositories"] if r["status"] != "audited"}
                         | {e["source"] for e in inventory["source_errors"]}),
        "provider_ids": sorted(p["id"] for p in inventory["summary"]["providers"]),
    }


def trend(now: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, Any]:
    rows = [("using_ai", before["using_ai"], now["using_ai"]),
            ("complete_share", f"{before['complete_share']} %", f"{now['complete_share']} %"),
            ("public_facing", len(before["public"]), len(now["public"]))]
    rows += [(f"jurisdiction:{j}", before["by_jurisdiction"][j], now["by_jurisdiction"][j]) for j in JURISDICTIONS]
    return {"as_at": before["as_at"], "rows": rows,
            "added": sorted(set(now["provider_ids"]) - set(before["provider_ids"])),
            "removed": sorted(set(before["provider_ids"]) - set(now["provider_ids"]))}


def charts(fig: Mapping[str, Any], text: Mapping[str, Any]) -> dict[str, str]:
    """Inline SVG charts (pygal, its JavaScript left out: the page works offline)."""
    import pygal
    from pygal.style import Style

    def style(colours: tuple[str, ...]) -> Style:
        return Style(background="white", plot_background="white", colors=colours, font_family="sans-serif",
                     label_font_size=13, major_label_font_size=13, legend_font_size=13, value_font_size=12)

    common = {"js": [], "disable_xml_declaration": True, "width": 640, "height": 320, "print_values": True,
              "show_legend": False, "truncate_legend": -1, "legend_at_bottom": True}
    top = max([*fig["by_jurisdiction"].values(), *fig["commitments"].values(), 1])
    ticks = list(range(0, top + 1, max(1, top // 8)))  # counts: whole numbers on the axis
    names = text["jurisdiction_names"]
    jurisdictions = pygal.HorizontalBar(style=style(tuple(COLOURS[j] for j in JURISDICTIONS)), y_labels=ticks,
                                        **common)
    for j in JURISDICTIONS:
        jurisdictions.add(names[j], [{"value": fig["by_jurisdiction"][j], "color": COLOURS[j]}])
    jurisdictions.config.show_legend = True
    status_names = text["status_names"]
    transparency = pygal.Pie(style=style(("#2e8540", "#e67e22", "#c0392b")), inner_radius=0.45, **common)
    for status in STATUSES:
        transparency.add(status_names[status], fig["statuses"][status])
    transparency.config.show_legend = True
    commitments = pygal.Bar(style=style(("#1f5fa8",)), y_labels=ticks, **common)
    commitments.x_labels = [str(c) for c in fig["commitments"]] or ["-"]
    commitments.add(text["findings_column"], list(fig["commitments"].values()) or [0])
    return {name: _static(chart.render(is_unicode=True), name) for name, chart in
            (("jurisdictions", jurisdictions), ("transparency", transparency), ("commitments", commitments))}


def _static(svg: str, name: str) -> str:
    """The chart without pygal's inline configuration script (nothing runs in the report) and with a
    stable id instead of a random one (the same inventory gives the same bytes)."""
    import xml.etree.ElementTree as ET

    ns = "http://www.w3.org/2000/svg"
    ET.register_namespace("", ns)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ET.fromstring(svg)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == f"{{{ns}}}script":
                parent.remove(child)
    random_id = root.get("id", "")
    text = ET.tostring(root, encoding="unicode")
    return text.replace(random_id, f"chart-{name}-svg") if random_id else text


def render(inventory: Mapping[str, Any], previous: Mapping[str, Any] | None, lang: str) -> tuple[str, str]:
    """(report.md, report.html)."""
    import jinja2

    text = strings(lang)
    fig = figures(inventory)
    context = {"t": text, "f": fig, "lang": lang, "version": inventory["cadre_version"],
               "policy": inventory["policy"]["sha256"][:12] if inventory["policy"]["sha256"]
               else text["default_policy"],
               "trend": trend(fig, figures(previous)) if previous is not None else None}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=jinja2.select_autoescape(
        enabled_extensions=("html.j2",), default_for_string=False), keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    markdown = env.get_template("report.md.j2").render(**context)
    html = env.get_template("report.html.j2").render(charts=charts(fig, text), **context)
    return markdown, html
