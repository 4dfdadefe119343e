"""The guarded reader: regular files inside the root only, never more than the cap."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cadre_hooks.safeio import LOOP, NOT_REGULAR, OUTSIDE, TOO_LARGE, UNREADABLE, Refused, read_capped, read_in_root


def _refused(root: Path, rel: str, max_size: int = 1000) -> str:
    with pytest.raises(Refused) as caught:
        read_in_root(root, rel, max_size)
    return caught.value.kind


def test_reads_a_file_and_links_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_bytes(b"x = 1\n")
    (tmp_path / "b.py").symlink_to("pkg/a.py")
    (tmp_path / "alias").symlink_to("pkg")
    assert read_in_root(tmp_path, "pkg/a.py", 100) == b"x = 1\n"
    assert read_in_root(tmp_path, "b.py", 100) == b"x = 1\n"
    assert read_in_root(tmp_path, "alias/a.py", 100) == b"x = 1\n"
    assert read_in_root(tmp_path, "pkg/a.py", 100, head=3) == b"x ="


def test_refuses_what_leaves_the_root(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "secret.py").write_bytes(b"s")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.py").write_bytes(b"x")
    (root / "link.py").symlink_to(tmp_path / "secret.py")
    (root / "dirlink").symlink_to(tmp_path / "outside")
    assert _refused(root, "link.py") == OUTSIDE
    assert _refused(root, "dirlink/x.py") == OUTSIDE  # a folder link, not the file, leaves the root
    assert _refused(root, "../secret.py") == OUTSIDE
    assert _refused(root, "/etc/hostname") == OUTSIDE


def test_refuses_loops_non_regular_files_and_large_files(tmp_path: Path) -> None:
    (tmp_path / "loop.py").symlink_to("loop.py")
    (tmp_path / "big.py").write_bytes(b"x" * 101)
    (tmp_path / "folder.py").mkdir()
    assert _refused(tmp_path, "loop.py") == LOOP
    assert _refused(tmp_path, "big.py", 100) == TOO_LARGE
    assert _refused(tmp_path, "folder.py") == NOT_REGULAR
    assert _refused(tmp_path, "missing.py") == UNREADABLE
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.py")
        assert _refused(tmp_path, "fifo.py") == NOT_REGULAR


def test_read_capped(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_bytes(b"a = 1\n")
    assert read_capped(tmp_path / "c.toml", 10) == b"a = 1\n"
    with pytest.raises(Refused) as caught:
        read_capped(tmp_path / "c.toml", 3)
    assert caught.value.kind == TOO_LARGE
    if os.path.exists("/dev/zero"):
        with pytest.raises(Refused) as caught:
            read_capped("/dev/zero", 10)
        assert caught.value.kind == NOT_REGULAR
