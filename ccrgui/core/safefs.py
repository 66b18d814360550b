"""The one place that writes into an inbox: new files and moves, never overwriting.

Guarantees (tested with faults in tests/core/test_safefs.py):
- a ``*.ccr`` only appears complete: content is written under a temporary name the site
  server ignores (``*.tmp``), flushed to disk, then renamed;
- nothing is overwritten: the final rename fails with :class:`FileExistsError` when the
  destination exists, atomically (``renameat2(RENAME_NOREPLACE)`` on Linux, ``MoveFileEx``
  without REPLACE_EXISTING on Windows), falling back to hard link + unlink;
- a move across volumes copies to a temporary name in the destination, flushes, renames,
  and only then deletes the source: a crash in between leaves a duplicate, never a loss.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import secrets
import sys
from pathlib import Path

__all__ = ["TEMP_SUFFIX", "move_no_clobber", "rename_no_clobber", "write_new_file"]

TEMP_SUFFIX = ".tmp"
_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _temp_name(folder: Path, final_name: str) -> Path:
    return folder / f".{final_name}.{secrets.token_hex(4)}{TEMP_SUFFIX}"


def _load_renameat2() -> object | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_renameat2 = _load_renameat2()


def rename_no_clobber(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    """Rename ``src`` to ``dst`` on the same volume; FileExistsError if ``dst`` exists.

    FileNotFoundError when ``src`` is gone (someone else moved it first).
    """
    s, d = os.fspath(src), os.fspath(dst)
    if os.name == "nt":
        os.rename(s, d)  # MoveFileExW without MOVEFILE_REPLACE_EXISTING: fails if d exists
        return
    if _renameat2 is not None:
        rc = _renameat2(_AT_FDCWD, os.fsencode(s), _AT_FDCWD, os.fsencode(d), _RENAME_NOREPLACE)  # type: ignore[operator]
        if rc == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
            # OSError() picks the subclass: FileExistsError, FileNotFoundError, ...
            raise OSError(err, os.strerror(err), s, None, d)
    # The file system does not know RENAME_NOREPLACE: a hard link cannot clobber either.
    try:
        os.link(s, d)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        # No hard links either (some SMB mounts): check, then rename. Not atomic against
        # a second writer, which is the best such a file system allows.
        if os.path.lexists(d):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), d) from exc
        os.rename(s, d)
        return
    os.unlink(s)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not every file system (or share) syncs directories
    finally:
        os.close(fd)


def write_new_file(folder: str | os.PathLike[str], name: str, data: bytes) -> Path:
    """Create ``folder/name`` with ``data``; never visible half-written, never clobbers.

    Raises FileExistsError when ``name`` exists, OSError for I/O problems. On any error
    the temporary file is removed and nothing named ``name`` was created by this call.
    """
    folder_p = Path(folder)
    final = folder_p / name
    tmp = _temp_name(folder_p, name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        rename_no_clobber(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(folder_p)
    return final


def move_no_clobber(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    """Move ``src`` to ``dst`` without overwriting; safe across volumes.

    Same volume: one atomic rename. Across volumes: copy to a temporary name beside
    ``dst``, flush, rename into place, then delete ``src``. A crash between the last two
    steps leaves the request in both places, never in none; a ``src`` someone else took
    meanwhile is not an error (the copy at ``dst`` stands).
    """
    try:
        rename_no_clobber(src, dst)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    d = Path(dst)
    with open(src, "rb") as fh:
        data = fh.read()
    write_new_file(d.parent, d.name, data)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(src)
