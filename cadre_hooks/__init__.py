"""cadre-hooks: find where a repository uses AI, who receives the data, and check it against a charter policy."""

from __future__ import annotations

__version__ = "0.1.0"
