"""`python -m cadre_hooks`: the `cadre` command."""

from __future__ import annotations

from cadre_hooks.cli import entry

if __name__ == "__main__":
    entry()
