"""The organisation policy (a TOML file maintained by the city, named by `policy_url`).

Placeholder until the organisation-policy issue: no policy layer is added yet.
"""

from __future__ import annotations

from pathlib import Path

from cadre_hooks.config import Source


def sources(project: list[Source], root: Path) -> list[Source]:
    return []
