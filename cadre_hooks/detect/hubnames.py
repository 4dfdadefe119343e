"""Which files hold settings of the Hugging Face libraries for the whole repository (CDR105), by
name alone: checked on every file of a scan, so nothing here imports anything."""

from __future__ import annotations


def is_dockerfile(name: str) -> bool:
    lower = name.lower()
    return lower in ("dockerfile", "containerfile") or lower.startswith(("dockerfile.", "containerfile.")) \
        or lower.endswith((".dockerfile", ".containerfile"))


def is_compose_file(name: str) -> bool:
    lower = name.lower()
    return lower.endswith((".yml", ".yaml")) and lower.startswith(("docker-compose", "compose"))


def is_settings_file(rel: str) -> bool:
    """A file whose settings hold for the whole repository: `.env*` at the root, a Dockerfile or a
    compose file anywhere (a `.env` in a sub-folder is one service's, not the repository's)."""
    name = rel.rsplit("/", 1)[-1]
    if name.endswith((".py", ".pyi", ".pyw", ".ipynb")):
        return False  # code: its settings hold for its own loads only
    return is_dockerfile(name) or is_compose_file(name) or ("/" not in rel and name.startswith(".env"))
