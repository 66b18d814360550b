"""The one place that writes into an inbox: new files and moves, never overwriting.

Guarantees (tested with faults in tests/core/test_safefs.py):
- a ``*.ccr`` only appears complete: content is written under a temporary name the site
  server ignores (``.NAME.<owner>.tmp``), flushed to disk, then renamed;
- nothing is overwritten: the final rename fails with :class:`FileExistsError` when the
  destination exists, atomically (``renameat2(RENAME_NOREPLACE)`` on Linux, ``MoveFileEx``
  without REPLACE_EXISTING on Windows). Where the file system has no such rename (NFS,
  many SMB mounts, macOS) the destination name is locked with an exclusive create
  (``.NAME.lock``), checked, and the file renamed with one plain rename; every ccrgui
  writer takes that lock, so two of them never both "win" a name, and a process killed
  in between leaves either the source or the destination, never both;
- a move across volumes copies to a temporary name in the destination, flushes, renames,
  and only then deletes the source: a crash in between leaves a duplicate, never a loss
  (:mod:`resubmit` adds the claim protocol on top, which leaves no duplicate either);
- every temporary, lock and claim name carries its owner (a hash of the host name, the
  process id and its start time, and the time it was made): :func:`owner_gone` tells a
  stale one left by a killed process from one still in use, and
  :func:`remove_stale_temps` cleans the stale ones of a box.

``CCRGUI_NO_RENAME_NOREPLACE=1`` in the environment makes this module behave as on a file
system without ``RENAME_NOREPLACE`` (the stress tests use it to prove the fallback).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import os
import re
import secrets
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "STALE_SECONDS",
    "TEMP_SUFFIX",
    "Owner",
    "break_stale_lock",
    "move_no_clobber",
    "owner_gone",
    "parse_private_name",
    "private_name",
    "remove_stale_temps",
    "rename_no_clobber",
    "write_new_file",
    "write_temp_file",
]

TEMP_SUFFIX = ".tmp"
LOCK_SUFFIX = ".lock"
_RENAME_NOREPLACE = 1
_AT_FDCWD = -100
# A private file whose owner runs on another machine counts as abandoned after this long
# (its time is in its name). Domain members keep their clocks within Kerberos's 5
# minutes, and a claim or lock is held for a fraction of a second.
STALE_SECONDS = 15 * 60
# A lock with no owner in it yet: its writer was killed between creating and filling it
# (only possible where hard links are missing, see _NameLock).
LOCK_EMPTY_STALE_SECONDS = 10
_LOCK_WAIT_SECONDS = 20.0


# --------------------------------------------------------------------------- owners


def _process_start(pid: int) -> int:
    """The process's start time in clock ticks since boot (Linux), 0 where unknown: with
    the pid it names one process even after the pid is reused."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return int(stat.rsplit(b")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return 0


def _host_hash(host: str) -> str:
    return hashlib.sha1(host.casefold().encode("utf-8", "surrogateescape")).hexdigest()[:6]


@dataclass(frozen=True, slots=True)
class Owner:
    """Who made a private file: host hash, process id, process start, and when (epoch
    seconds). ``str()`` is the form used in file names: ``3fa2c1-4242-81723-65a1b2c3``."""

    host: str
    pid: int
    start: int
    time: int

    def __str__(self) -> str:
        return f"{self.host}-{self.pid}-{self.start}-{self.time:x}"

    @classmethod
    def parse(cls, text: str) -> Owner | None:
        m = re.fullmatch(r"([0-9a-f]{6})-(\d{1,10})-(\d{1,20})-([0-9a-f]{1,12})", text)
        if m is None:
            return None
        return cls(m[1], int(m[2]), int(m[3]), int(m[4], 16))

    @classmethod
    def me(cls) -> Owner:
        pid = os.getpid()
        return cls(_host_hash(socket.gethostname()), pid, _process_start(pid), int(time.time()))


def owner_gone(owner: Owner, now: float | None = None, stale_after: float = STALE_SECONDS) -> bool:
    """True when ``owner`` can no longer be using its file: on this machine, its process
    has ended (or the pid now names another process); elsewhere, after ``stale_after``."""
    now = time.time() if now is None else now
    if owner.host == _host_hash(socket.gethostname()) and os.name != "nt":
        if owner.pid == os.getpid():
            return owner.start != _process_start(owner.pid)
        try:
            os.kill(owner.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, another user's
        started = _process_start(owner.pid)
        return bool(owner.start and started and started != owner.start)
    return now - owner.time > stale_after


_PRIVATE = re.compile(
    r"^\.(?P<name>.+)\.(?P<base>[0-9a-f]{16})\.(?P<owner>[0-9a-f]{6}-[0-9a-f-]+)"
    r"\.(?P<state>claim|sent|tmp)$",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class PrivateName:
    """A parsed claim or temporary file name (see :func:`private_name`)."""

    name: str  # the request file it stands for, e.g. PC1.ccr
    base: str  # 16 hex digits, shared by a claim and its temporary copy
    owner: Owner
    state: str  # "claim", "sent" or "tmp"


def new_base() -> str:
    return secrets.token_hex(8)


def private_name(name: str, base: str, owner: Owner, state: str) -> str:
    """``.PC1.ccr.<base>.<owner>.<state>``: a name the site server and our scanner ignore
    (it starts with a dot and does not end in ``.ccr``)."""
    return f".{name}.{base}.{owner}.{state}"


def parse_private_name(file_name: str) -> PrivateName | None:
    m = _PRIVATE.match(file_name)
    if m is None:
        return None
    owner = Owner.parse(m["owner"])
    if owner is None:
        return None
    return PrivateName(m["name"], m["base"], owner, m["state"])


def _temp_name(folder: Path, final_name: str, base: str | None = None) -> Path:
    return folder / private_name(final_name, base or new_base(), Owner.me(), "tmp")


# how earlier versions named their temporaries (no owner): stale by age alone
_OLD_TEMP = re.compile(r"^\.(.+)\.[0-9a-f]{8}\.tmp$", re.DOTALL)


def _older_than(path: str, seconds: float) -> bool:
    try:
        return time.time() - os.stat(path).st_mtime > seconds
    except OSError:
        return False


def remove_stale_temps(
    folder: str | os.PathLike[str], keep_bases: set[str] | frozenset[str] = frozenset()
) -> list[str]:
    """Delete our temporary files in ``folder`` whose writer is gone (killed mid-write):
    by name pattern and owner/age, never one whose base is in ``keep_bases`` (a claim
    still needs it). Returns the names removed; never raises."""
    removed: list[str] = []
    try:
        with os.scandir(folder) as it:
            names = [e.name for e in it if e.name.startswith(".")]
    except OSError:
        return removed
    for n in names:
        parsed = parse_private_name(n)
        if parsed is None:
            if _OLD_TEMP.match(n) and _older_than(os.path.join(folder, n), STALE_SECONDS):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(folder, n))
                    removed.append(n)
            continue
        if parsed.state != "tmp" or parsed.base in keep_bases:
            continue
        if owner_gone(parsed.owner):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(folder, n))
                removed.append(n)
    return removed


def _load_renameat2() -> object | None:
    if not sys.platform.startswith("linux") or os.environ.get("CCRGUI_NO_RENAME_NOREPLACE"):
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

    FileNotFoundError when ``src`` is gone (someone else moved it first). One rename
    either happened or did not: a process killed inside this call leaves the file under
    exactly one of the two names.
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
    # The file system does not know RENAME_NOREPLACE. A hard link would not clobber
    # either, but link + unlink leaves both names for a moment, and a process killed
    # there leaves a copy no one can tell from a request already delivered. So: lock the
    # destination name against every other ccrgui writer, check, one plain rename.
    with _NameLock(Path(d)):
        if os.path.lexists(d):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), d)
        os.rename(s, d)


def break_stale_lock(path: Path) -> bool:
    """Remove the name lock ``path`` when its owner is gone; True when it was removed."""
    try:
        with open(path, "rb") as fh:
            held = fh.read(100).decode("ascii", "replace")
    except FileNotFoundError:
        return False
    except OSError:
        held = ""
    owner = Owner.parse(held)
    if owner is None:  # being written this instant, or damaged: judge by its age
        try:
            age = time.time() - os.stat(path).st_mtime
        except FileNotFoundError:
            return False
        if age < LOCK_EMPTY_STALE_SECONDS:
            return False
    elif not owner_gone(owner):
        return False
    # one breaker wins the rename; it removes the lock it took
    broken = path.with_name(f"{path.name}.{secrets.token_hex(4)}.broken")
    try:
        os.rename(path, broken)
    except FileNotFoundError:
        return False
    try:
        with open(broken, "rb") as fh:
            taken = fh.read(100).decode("ascii", "replace")
    except OSError:
        taken = held
    if taken != held and not os.path.lexists(path):
        # another breaker was quicker and this is its fresh lock: give it back
        with contextlib.suppress(OSError):
            os.rename(broken, path)
            return False
    with contextlib.suppress(FileNotFoundError):
        os.unlink(broken)
    return True


class _NameLock:
    """``.NAME.lock`` beside ``path``, holding its owner; a lock whose owner is gone is
    broken. Made complete in one step where the file system has hard links (the owner is
    written to a temporary file, linked to the lock name: no clobber), else with an
    exclusive create (atomic on local disks, NFS and SMB) and then filled."""

    def __init__(self, path: Path) -> None:
        self.path = path.parent / f".{path.name}{LOCK_SUFFIX}"
        self.me = str(Owner.me())

    def __enter__(self) -> None:
        deadline = time.monotonic() + _LOCK_WAIT_SECONDS
        pause = 0.0005
        links = True
        while True:
            try:
                if links:
                    links = self._link()
                    if links:
                        return
                if not links:
                    self._create()
                    return
            except FileExistsError:
                break_stale_lock(self.path)
            if time.monotonic() > deadline:
                raise OSError(
                    errno.EBUSY,
                    f"{self.path.name} is held by another writer (remove it if no ccrgui "
                    "is running)",
                    str(self.path),
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def _link(self) -> bool:
        """Take the lock by hard link; False when the file system has none.
        FileExistsError when it is held."""
        data = self.me.encode()
        tmp = write_temp_file(self.path.parent, self.path.name, data, new_base(), sync=False)
        try:
            os.link(tmp, self.path)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
                raise
            return False
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return True

    def _create(self) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, self.me.encode())
        finally:
            os.close(fd)

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


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


def write_temp_file(
    folder: str | os.PathLike[str], name: str, data: bytes, base: str, *, sync: bool = True
) -> Path:
    """Write ``data`` to a flushed temporary file for ``name`` in ``folder`` (see
    :func:`private_name`); the caller renames it into place. Removed again on error."""
    tmp = _temp_name(Path(folder), name, base)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_new_file(folder: str | os.PathLike[str], name: str, data: bytes) -> Path:
    """Create ``folder/name`` with ``data``; never visible half-written, never clobbers.

    Raises FileExistsError when ``name`` exists, OSError for I/O problems. On any error
    the temporary file is removed and nothing named ``name`` was created by this call.
    """
    folder_p = Path(folder)
    final = folder_p / name
    tmp = write_temp_file(folder_p, name, data, new_base())
    try:
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
