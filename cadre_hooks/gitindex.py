"""The content staged in git's index, for `cadre scan --staged`: what the commit will record, not
what the working tree holds (a staged `import anthropic` reverted in the working tree is still
committed, so it is still reported).

Blobs are read through gitpython's object database (one `git cat-file --batch` process for the
whole scan), size-capped before they are read; a symlink or a submodule entry is never followed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cadre_hooks.errors import UsageError
from cadre_hooks.safeio import NOT_REGULAR, TOO_LARGE, UNREADABLE, Refused

REGULAR_MODES = ("100644", "100755")


class IndexReader:
    """Staged blobs of the repository at `root`, by repository-relative path (stage 0 only)."""

    def __init__(self, root: Path) -> None:
        try:
            import git

            self.repo: Any = git.Repo(root)
            listing = str(self.repo.git.ls_files("-s", "-z"))
        except Exception as err:  # gitpython raises many types (no git, not a repository)
            raise UsageError(f"--staged needs a git repository: cannot read the index of {root} ({err})") from None
        self.entries: dict[str, tuple[str, str]] = {}
        for record in listing.split("\0"):
            meta, _, path = record.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[2] in ("0", "2"):  # stage 0, or "ours" during a merge
                self.entries.setdefault(path, (parts[0], parts[1]))

    def read(self, rel: str, max_size: int) -> bytes | None:
        """The staged bytes of `rel`; None when it is not in the index (not part of the commit)."""
        entry = self.entries.get(rel)
        if entry is None:
            return None
        mode, sha = entry
        if mode not in REGULAR_MODES:
            what = "a symlink" if mode == "120000" else "a submodule" if mode == "160000" else f"mode {mode}"
            raise Refused(NOT_REGULAR, f"staged as {what}, not a regular file; not read")
        try:
            stream = self.repo.odb.stream(bytes.fromhex(sha))
            if stream.size > max_size:
                raise Refused(TOO_LARGE, f"file of {stream.size} bytes exceeds max_file_size ({max_size}); not scanned")
            data: bytes = stream.read()
        except Refused:
            raise
        except Exception as err:
            raise Refused(UNREADABLE, f"cannot read the staged content ({err}); not scanned") from None
        return data
