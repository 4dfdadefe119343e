"""Exit statuses and the errors that map to them, in a module of their own so that any part of
cadre (baselines, diffs, the configuration) can raise a usage error without importing the
command line.

Exit status: 0 clean, 1 findings at error severity, 2 usage or input error, 3 internal error.
"""

from __future__ import annotations

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """A mistake in how cadre was called, or input it cannot use (exit status 2)."""


class ConfigError(Exception):
    """A configuration problem the user must fix (exit status 2)."""
