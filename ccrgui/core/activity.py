"""The activity log: who queued, resubmitted or undid what, when, on which site.

One append-only file of JSON Lines in :func:`paths.log_dir` (``activity.jsonl``). Each
entry is written with a single ``os.write`` on a file opened for appending only
(``O_APPEND``; on Windows a handle with ``FILE_APPEND_DATA`` and no ``FILE_WRITE_DATA``,
because the C runtime's ``O_APPEND`` there is a seek then a write, which two processes can
interleave), so the GUI, several CLI processes and other admins' sessions on the same
profile never interleave or overwrite half lines. JSON Lines rather than TSV: a reason or
a path may hold any character and JSON escapes it; each line names its fields, so later
versions can add some; and a line cut short by a crash fails to parse and is skipped.

A write cut short (a full disk) leaves half a line: the next entry then starts on a fresh
line of its own (a writer looks at the log's last byte before its first entry, and knows
when its own write was cut; at worst a line stays empty), and the reader keeps every
intact line, including an entry glued to a broken one by an older version. A name
holding bytes that are not UTF-8 is kept exactly, as a ``\\udcNN`` JSON escape. The log
is capped: past :data:`MAX_LOG_BYTES` it is renamed to ``activity.1.jsonl`` (replacing
the previous one) and a new one is started, so the newest entries are always kept and
the two files never hold more than twice that. Reading never waits on a named pipe put
in the log's place, and reading the end of a log is linear in what is read.

Writing the log never stops the work it records: a failure is kept in
:attr:`ActivityLog.error` for the caller to show, and logged with :mod:`logging`.

Typical use::

    with ActivityLog() as log:
        log.write(ActivityEntry.now("resubmit", site, "PC1", src, dst, "resubmitted"))
    entries = read_activity(200)  # newest last
"""

from __future__ import annotations

import errno
import json
import logging
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from . import paths

try:
    import fcntl
except ImportError:  # Windows: appends there go through FILE_APPEND_DATA handles
    fcntl = None  # type: ignore[assignment]
from .readfile import NotARegularFile, open_regular
from .site import Site

__all__ = [
    "ACTIONS",
    "ActivityEntry",
    "ActivityLog",
    "activity_log_path",
    "current_user",
    "log_entries",
    "read_activity",
]

FILE_NAME = "activity.jsonl"
OLD_FILE_NAME = "activity.1.jsonl"
MAX_LOG_BYTES = 8 * 1024 * 1024  # about 25,000 entries; then the log is rotated
ACTIONS = ("queue", "resubmit", "resubmit-new", "undo", "recover")
_TAIL_CHUNK = 64 * 1024

_log = logging.getLogger(__name__)


def activity_log_path() -> Path:
    return paths.log_dir() / FILE_NAME


def current_user(
    environ: Mapping[str, str] | None = None, *, windows: bool = os.name == "nt"
) -> str:
    """The OS account: ``DOMAIN\\user`` on Windows (USERDOMAIN, USERNAME), the login
    name elsewhere."""
    env = os.environ if environ is None else environ
    if windows and env.get("USERNAME"):
        domain = env.get("USERDOMAIN")
        return f"{domain}\\{env['USERNAME']}" if domain else env["USERNAME"]
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if env.get(var):
            return env[var]
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):  # no passwd entry in a bare container
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    """One line of the log. ``source``/``destination`` are full paths ("" when none)."""

    time: datetime
    user: str
    site: str  # the site's name
    site_root: str  # its inbox root, so two sites with one name stay apart
    action: str  # one of ACTIONS
    machine: str
    source: str
    destination: str
    result: str  # outcome status, e.g. "resubmitted", "failed: <reason>"

    @classmethod
    def now(
        cls,
        action: str,
        site: Site,
        machine: str,
        source: str | os.PathLike[str] | None,
        destination: str | os.PathLike[str] | None,
        result: str,
        *,
        user: str | None = None,
    ) -> ActivityEntry:
        return cls(
            time=datetime.now().replace(microsecond=0),
            user=user if user is not None else current_user(),
            site=site.name,
            site_root=str(site.root),
            action=action,
            machine=machine,
            source="" if source is None else os.fspath(source),
            destination="" if destination is None else os.fspath(destination),
            result=result,
        )

    def to_json(self) -> dict[str, Any]:
        """The line's fields; the log's readers see ``from`` and ``to``."""
        return {
            "time": self.time.isoformat(timespec="seconds"),
            "user": self.user,
            "site": self.site,
            "site_root": self.site_root,
            "action": self.action,
            "machine": self.machine,
            "from": self.source,
            "to": self.destination,
            "result": self.result,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ActivityEntry:
        return cls(
            time=datetime.fromisoformat(str(data["time"])),
            user=str(data.get("user", "")),
            site=str(data.get("site", "")),
            site_root=str(data.get("site_root", "")),
            action=str(data.get("action", "")),
            machine=str(data.get("machine", "")),
            source=str(data.get("from", "")),
            destination=str(data.get("to", "")),
            result=str(data.get("result", "")),
        )


class ActivityLog:
    """The log file, open for appending for one batch. Never raises on write errors."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else activity_log_path()
        self.error: str | None = None  # the first write problem, for the caller to show
        self._fd: int | None = None
        self._cut = False  # our last write was cut short: start the next on a fresh line
        self._first = True  # the log may end in half a line another process left

    def __enter__(self) -> ActivityLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _open(self) -> int | None:
        if self._fd is None and self.error is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fd = _open_append(self.path)
                if _rotate_if_big(self.path, self._fd):
                    os.close(self._fd)
                    self._fd = _open_append(self.path)
            except OSError as exc:
                self._fail(exc)
        return self._fd

    def _fail(self, exc: OSError) -> None:
        self.error = f"The activity log {self.path} could not be written: {exc.strerror or exc}"
        _log.warning("%s", self.error)

    def write(self, entry: ActivityEntry) -> bool:
        """Append one entry as one line in one write. False when the log is unwritable."""
        fd = self._open()
        if fd is None:
            return False
        line = json.dumps(entry.to_json(), ensure_ascii=False) + "\n"
        # a lone surrogate (an undecodable byte of a file name) becomes its JSON escape
        data = line.encode("utf-8", "backslashreplace")
        try:
            with _append_lock(fd):
                if self._cut or (self._first and not _ends_with_newline(fd)):
                    data = b"\n" + data  # never glue this entry to a half line
                self._first = False
                written = os.write(fd, data)
            self._cut = written != len(data)
            if self._cut:
                raise OSError(0, "short write (disk full?)")
        except OSError as exc:
            self._cut = True
            self._fail(exc)
            return False
        return True

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.close(fd)
            except OSError as exc:
                self._fail(exc)


def _open_append(path: Path) -> int:
    """A descriptor whose every write lands at the end of ``path``, atomically; refuses
    (never waits on) a named pipe or device in the log's place."""
    if sys.platform == "win32":
        return _open_append_windows(path)
    flags = os.O_RDWR | os.O_APPEND  # read too: the last byte tells whether a line is open
    try:
        return open_regular(path, flags)
    except FileNotFoundError:
        fd = os.open(path, flags | os.O_CREAT | os.O_NONBLOCK, 0o644)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotARegularFile(errno.EINVAL, "not a regular file", str(path))
    return fd


@contextmanager
def _append_lock(fd: int) -> Iterator[None]:
    """Writers of this log take turns (an advisory lock on POSIX): a concurrent append that
    spans a page boundary is visible half done to a reader of the last byte, which would
    then start a needless fresh line. Where there is no flock, appends go on unlocked."""
    if fcntl is None:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        yield  # a file system without locks: the check is then only a best effort
        return
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _ends_with_newline(fd: int) -> bool:
    """The log is empty or its last byte ends a line (True where it cannot be read)."""
    size = os.fstat(fd).st_size
    if size == 0 or not hasattr(os, "pread"):
        return True
    try:
        return os.pread(fd, 1, size - 1) == b"\n"
    except OSError:
        return True


def _rotate_if_big(path: Path, fd: int) -> bool:
    """Past MAX_LOG_BYTES: the log becomes activity.1.jsonl (newest entries kept)."""
    st = os.fstat(fd)
    if st.st_size < MAX_LOG_BYTES:
        return False
    try:
        now = os.stat(path)
        if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            return True  # another process rotated it just now: reopen
        os.replace(path, path.with_name(OLD_FILE_NAME))
    except OSError:
        return False  # keep appending; a later batch tries again
    return True


if sys.platform == "win32":  # pragma: no cover - Windows only

    def _open_append_windows(path: Path) -> int:
        import ctypes
        import msvcrt
        from ctypes import wintypes

        file_append_data, synchronize = 0x0004, 0x00100000
        share_all = 0x1 | 0x2 | 0x4  # read, write, delete: other writers and readers welcome
        open_always, attribute_normal = 4, 0x80
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        create = kernel32.CreateFileW
        create.argtypes = [
            wintypes.LPCWSTR,
            wintypes.DWORD,
            wintypes.DWORD,
            wintypes.LPVOID,
            wintypes.DWORD,
            wintypes.DWORD,
            wintypes.HANDLE,
        ]
        create.restype = wintypes.HANDLE
        handle = create(
            str(path),
            file_append_data | synchronize,  # no FILE_WRITE_DATA: writes always append
            share_all,
            None,
            open_always,
            attribute_normal,
            None,
        )
        if handle is None or handle == wintypes.HANDLE(-1).value:
            raise ctypes.WinError(ctypes.get_last_error())
        try:
            # no O_APPEND here: the handle appends; the runtime must not seek first
            return msvcrt.open_osfhandle(handle, os.O_WRONLY | os.O_BINARY)
        except OSError:
            kernel32.CloseHandle(handle)
            raise


def log_entries(entries: Iterable[ActivityEntry]) -> str | None:
    """Append entries; returns None, or the reason the log could not be written."""
    with ActivityLog() as log:
        for entry in entries:
            if not log.write(entry):
                break
    return log.error


def read_activity(limit: int | None = 500, path: Path | None = None) -> list[ActivityEntry]:
    """The last ``limit`` entries (all when None), oldest first, from the log and, when it
    holds fewer, the rotated one before it. Damaged lines are skipped; an intact entry
    glued to a damaged one is kept.

    Reads only the end of a large log. Raises OSError when the log exists but cannot be
    read (or is not a file); a log that does not exist yet is empty.
    """
    path = path if path is not None else activity_log_path()
    entries = _read_one(path, limit)
    if limit is None or len(entries) < limit:
        older = _read_one(path.with_name(OLD_FILE_NAME), None if limit is None else limit)
        entries = older + entries
    return entries if limit is None else entries[-limit:] if limit > 0 else []


def _read_one(path: Path, limit: int | None) -> list[ActivityEntry]:
    try:
        fd = open_regular(path)
    except FileNotFoundError:
        return []
    with os.fdopen(fd, "rb") as fh:
        lines = _tail_lines(fh, limit)
    entries: list[ActivityEntry] = []
    for raw in lines:
        entry = _parse_line(raw)
        if entry is not None:
            entries.append(entry)
    return entries


_MAX_LINE = 1024 * 1024  # no entry is this long: a longer line is damage around one


def _parse_line(raw: bytes) -> ActivityEntry | None:
    if len(raw) > _MAX_LINE:
        raw = raw[-_MAX_LINE:]  # only an entry glued at its end can be intact
        start = raw.find(b'{"time"')
        return _parse_line(raw[start:]) if start >= 0 else None
    try:
        data = json.loads(raw.decode("utf-8", "surrogateescape"))
        if isinstance(data, dict):
            return ActivityEntry.from_json(data)
    except (ValueError, KeyError, TypeError, RecursionError):
        pass
    start = raw.rfind(b'{"time"')  # an entry glued to half a line by an older writer
    if start > 0:
        return _parse_line(raw[start:])
    return None  # a line cut short by a crash or a full disk


def _tail_lines(fh: Any, limit: int | None) -> list[bytes]:
    """The last ``limit`` lines (all when None); linear in the bytes read."""
    size = fh.seek(0, os.SEEK_END)
    if limit is None:
        fh.seek(0)
        return [ln for ln in fh.read().split(b"\n") if ln and not ln.isspace()]
    pos, chunks, newlines, want = size, [], 0, _TAIL_CHUNK
    while pos > 0 and newlines <= limit:
        step = min(want, pos)
        want *= 2  # a long tail without newlines is read in a few big steps
        pos -= step
        fh.seek(pos)
        chunk = fh.read(step)
        chunks.append(chunk)
        newlines += chunk.count(b"\n")
    lines = b"".join(reversed(chunks)).split(b"\n")
    if pos > 0:
        lines = lines[1:]  # the first piece is the end of an older line
    return [ln for ln in lines if ln and not ln.isspace()]
