"""Reading a file someone else controls without hanging or crashing on it.

``open()`` on a named pipe (FIFO) waits forever for a writer, on a device it may do
anything, and a folder or an unreadable file gives errors of its own. Every file ccrgui
reads by name (a ``.ccr`` from a box or the command line, a name list, the settings file,
the activity log) goes through :func:`read_regular_file`: it looks before it opens, opens
without blocking, checks again on the open file, and reads at most ``limit`` bytes. Each
kind of trouble is an :class:`OSError` whose ``strerror`` is a clear sentence.
"""

from __future__ import annotations

import errno
import os
import stat

__all__ = ["NotARegularFile", "describe_kind", "open_regular", "read_regular_file"]


class NotARegularFile(OSError):
    """The path is a folder, a named pipe, a device or a socket, not a file."""


def describe_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse(path: str, mode: int) -> NotARegularFile:
    code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
    return NotARegularFile(code, f"is {describe_kind(mode)}, not a file", path)


def open_regular(path: str | os.PathLike[str], flags: int = os.O_RDONLY) -> int:
    """A descriptor for the regular file ``path``; NotARegularFile for anything else
    (never opened, so a pipe or device is not touched), other OSError as ``os.open``."""
    p = os.fspath(path)
    st = os.stat(p)
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(p, st.st_mode)
    fd = os.open(p, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped for a pipe between the two looks
            raise _refuse(p, st.st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """At most ``limit`` bytes of the regular file ``path`` (read ``limit + 1`` to learn
    whether it is longer). Raises NotARegularFile or OSError."""
    fd = open_regular(path)
    try:
        chunks: list[bytes] = []
        left = limit
        while left > 0:
            data = os.read(fd, min(left, 1 << 20))
            if not data:
                break
            chunks.append(data)
            left -= len(data)
        return b"".join(chunks)
    finally:
        os.close(fd)
