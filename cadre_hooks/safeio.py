"""The one way cadre reads a file it did not ship: guarded, because the repository may be hostile.

A scanned repository can hold a symlink to `/dev/zero`, a FIFO named `views.py`, a 20 GB file or
a link into the user's home; a configuration path or a policy URL can name any of those too.
Every read of such a file goes through here:

- `read_in_root(root, rel, max_size)`: a file of the repository. Only a regular file whose real
  path (symlinks resolved) lies inside the root is read, and never more than `max_size` bytes.
- `read_capped(path, max_size)`: a file named by the user (configuration, policy, baseline,
  cache): a regular file, at most `max_size` bytes, wherever it is.

Anything else raises `Refused`, whose `reason` is the notice to show and whose `kind` lets the
summary count the files skipped for their size. The file is opened without blocking and checked
again on the open descriptor, so a file swapped for a FIFO between the check and the open still
cannot hang the scan.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from pathlib import Path

TOO_LARGE, OUTSIDE, NOT_REGULAR, LOOP, UNREADABLE = "too-large", "outside", "not-regular", "loop", "unreadable"
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


class Refused(Exception):
    """A file that is not read, and why (the text of the notice)."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def _what(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def _not_regular(mode: int) -> Refused:
    what = _what(mode)
    return Refused(NOT_REGULAR, f"{what}, not a regular file; not read" if what != "not a regular file"
                   else "not a regular file; not read")


def _too_large(size: int, max_size: int, setting: str) -> Refused:
    return Refused(TOO_LARGE, f"file of {size} bytes exceeds {setting} ({max_size}); not scanned")


def _read_fd(path: str, max_size: int, setting: str, head: int | None) -> bytes:
    fd = os.open(path, _FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode)
        if st.st_size > max_size:
            raise _too_large(st.st_size, max_size, setting)
        want = max_size + 1 if head is None else min(head, max_size + 1)
        chunks: list[bytes] = []
        got = 0
        while got < want:
            chunk = os.read(fd, min(want - got, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_size:  # the file grew after the check
        raise _too_large(len(data), max_size, setting)
    return data


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=8192)
def real_folder(folder: str) -> str:
    """The real path of a folder (cached: thousands of files share a few folders; the scan clears
    the cache when it starts, so a folder replaced by a link between two scans is seen)."""
    return os.path.realpath(folder)


def read_in_root(root: str | Path, rel: str, max_size: int, real_root: str | None = None,
                 head: int | None = None) -> bytes:
    """The bytes of `rel`, a file of the repository at `root` (at most `head` bytes when given).

    Raises `Refused` for a path that leaves the repository (through `..` or a symlink, at any
    level), a symlink loop, anything but a regular file, a file over `max_size`, or a read error.
    """
    root_str = os.fspath(root)
    real_root = real_root or real_folder(root_str)  # cached: callers read thousands of files of one root
    full = os.path.join(root_str, rel)
    try:
        st = os.lstat(full)
        folder, name = os.path.split(full)
        real = os.path.join(real_folder(folder), name)
        if stat.S_ISLNK(st.st_mode):
            real = os.path.realpath(real)
        if not _inside(real, real_root):
            raise Refused(OUTSIDE, "symlink pointing outside the repository; not followed" if stat.S_ISLNK(st.st_mode)
                          else "outside the repository; not read")
        if stat.S_ISLNK(st.st_mode) or real != full:
            st = os.stat(real)  # raises ELOOP on a loop
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode)
        if st.st_size > max_size:
            raise _too_large(st.st_size, max_size, "max_file_size")
        return _read_fd(real, max_size, "max_file_size", head)
    except Refused:
        raise
    except (OSError, RuntimeError, ValueError) as err:
        if isinstance(err, RuntimeError) or getattr(err, "errno", None) == errno.ELOOP:
            raise Refused(LOOP, "symlink loop; not followed") from None
        raise Refused(UNREADABLE, f"cannot read ({getattr(err, 'strerror', None) or err}); not scanned") from None


def read_capped(path: str | Path, max_size: int, what: str = "file", head: int | None = None) -> bytes:
    """The bytes of a file named by the user (`--config`, a policy, a baseline, a cache file):
    a regular file of at most `max_size` bytes (its first `head` bytes when given), or `Refused`."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(st.st_mode)
        if st.st_size > max_size:
            raise Refused(TOO_LARGE, f"{what} of {st.st_size} bytes is larger than {max_size} bytes")
        return _read_fd(os.fspath(path), max_size, f"the limit for a {what}", head)
    except Refused:
        raise
    except (OSError, ValueError) as err:
        if getattr(err, "errno", None) == errno.ELOOP:
            raise Refused(LOOP, "symlink loop") from None
        raise Refused(UNREADABLE, f"cannot read ({getattr(err, 'strerror', None) or err})") from None


def transcode_bom(data: bytes) -> bytes:
    """UTF-16 and UTF-32 text marked by a byte-order mark, as UTF-8 (what every detector reads);
    other bytes unchanged. pip, npm and dotenv loaders read such files, so cadre must too."""
    if not data[:1] in (b"\xff", b"\xfe", b"\x00"):
        return data
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec).encode("utf-8")
            except UnicodeError:
                return data  # not really text in that encoding: the binary check decides
    return data
