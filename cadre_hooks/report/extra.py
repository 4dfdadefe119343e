"""The CI formats, loaded by cadre_hooks.report when present: SARIF (GitHub code scanning),
GitLab Code Quality, and a Markdown summary for merge-request comments."""

from __future__ import annotations

from cadre_hooks.report import Reporter, gitlab, markdown, sarif

REPORTERS: dict[str, Reporter] = {
    "sarif": sarif.render,
    "gitlab": gitlab.render,
    "markdown": markdown.render,
}
