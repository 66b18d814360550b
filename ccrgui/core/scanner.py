"""Incremental reading of one box (``ccrretry.box`` or ``ccr.box``), local or on a share.

A :class:`BoxScanner` remembers ``(size, mtime)`` for every ``*.ccr`` it has read. Each
pass lists the folder once and re-reads only files that are new, changed, or were still
being written last time; it reports what changed as a :class:`ScanDiff` (added, changed,
removed) that a table applies in place. A folder that cannot be listed raises
:class:`BoxUnreachable` and leaves the remembered files alone: an unreachable share is
"offline", never "every request was deleted".

Reading happens in a small thread pool, because on a share every open is a network round
trip; parsing stays on the scanning thread. No Qt here: the GUI runs scans on its worker
threads and the ``ccr`` command runs them directly.

Why this module is long: the incremental scan, its reader pool and its diff are one
idea whose guarantees (offline is never empty, half-written files are read again)
cross all three.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .ccr import MAX_FILE_BYTES, CcrRecord, parse_bytes
from .readfile import read_regular_file
from .site import explain_os_error

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor


def is_request_file(name: str) -> bool:
    """A request file: ``*.ccr``, not hidden (the site server's temporaries are)."""
    return name.casefold().endswith(".ccr") and not name.startswith(".")


__all__ = [
    "NETWORK_THREADS",
    "BoxScanner",
    "BoxUnreachable",
    "ScanDiff",
    "ScannedFile",
    "is_network_path",
    "is_request_file",
]

# Readers for a box on a share, where each open is a network round trip. On a local disk
# the pool costs 5-20% (bench/bench_scan.py: the readers contend with the parser for the
# GIL), so local boxes are read on the scanning thread.
NETWORK_THREADS = 4
READ_BATCH = 16  # files per pool task: fewer hand-offs between threads
SETTLE_SECONDS = 2.0  # a file modified this recently may still be being written


class BoxUnreachable(Exception):
    """The box folder cannot be listed (share down, folder renamed or removed, access
    denied). ``message`` is a sentence for a person; ``error`` the OS error behind it."""

    def __init__(self, box: Path, error: OSError) -> None:
        self.box = box
        self.error = error
        self.message = explain_os_error(error, f"read {box}")
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class ScannedFile:
    """A record as read, with the listing's size and modification time (ns since epoch)."""

    record: CcrRecord
    size: int
    mtime_ns: int


@dataclass(slots=True)
class ScanDiff:
    """What changed in the box since the previous pass (or the previous chunk of this
    pass). ``done``/``total`` count the files this pass reads, for progress."""

    added: list[ScannedFile] = field(default_factory=list)
    changed: list[ScannedFile] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # CcrRecord.file of each
    done: int = 0
    total: int = 0
    final: bool = False  # the last chunk of a pass: the box is now fully read

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def merge(self, later: ScanDiff) -> None:
        """Fold a later chunk of the same pass into this one."""
        self.added += later.added
        self.changed += later.changed
        self.removed += later.removed
        self.done, self.total, self.final = later.done, later.total, later.final


_Stamp = tuple[int, int]  # (size, mtime_ns) from the listing; a plain tuple: 10k per pass


_Read = bytes | OSError


def _read_batch(paths: list[str]) -> list[_Read]:
    return [_read(p) for p in paths]


def _read(path: str) -> _Read:
    try:  # never open() a pipe that replaced a listed file: it would wait forever
        return read_regular_file(path, MAX_FILE_BYTES + 1)
    except OSError as exc:
        return exc


class BoxScanner:
    """Keeps one box's files in step with the folder, one pass at a time.

    ``threads``: readers for the pool (1 = read on the scanning thread; None = a pool of
    ``NETWORK_THREADS`` for a box on a network share, 1 on a local disk). ``keep_text``:
    keep each record's raw text and parsed document (the CLI and detail views want them;
    a table of 50,000 rows does not, and saves most of its memory without them).
    ``clock`` returns seconds since the epoch (tests move it).
    """

    def __init__(
        self,
        box: str | os.PathLike[str],
        *,
        threads: int | None = None,
        keep_text: bool = True,
        settle_seconds: float = SETTLE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.box = Path(os.path.abspath(box))  # so listed paths equal CcrRecord.file
        self.threads = threads  # None: decided on the first pass (off the GUI thread)
        self.keep_text = keep_text
        self.settle_ns = int(settle_seconds * 1e9)
        self.clock = clock
        self.last_good_scan: float | None = None  # clock() of the last complete listing
        # (st_dev, st_ino) of the box folder at the last listing: a folder renamed away
        # and made again is another folder, and a watch on the old one sees nothing
        self.folder_id: tuple[int, int] | None = None
        self.offline: BoxUnreachable | None = None  # why the last pass failed, if it did
        self._stamps: dict[str, _Stamp] = {}  # file -> stamp of the content we hold
        self._digests: dict[str, int] = {}  # file -> hash of the bytes we parsed
        self._records: dict[str, ScannedFile] = {}
        self._again: set[str] = set()  # re-read next pass whatever the stamp says
        self._busy = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    # ------------------------------------------------------------------ state
    @property
    def files(self) -> dict[str, ScannedFile]:
        """What the box held at the end of the last pass (a copy)."""
        return dict(self._records)

    def records(self) -> list[CcrRecord]:
        """The records, sorted by file name (case-insensitively)."""
        names = {path: os.path.basename(path).casefold() for path in self._records}
        return [self._records[path].record for path in sorted(names, key=names.__getitem__)]

    def close(self) -> None:
        """Stop the reader threads (a scan in progress finishes first)."""
        with self._busy:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    # ------------------------------------------------------------------ scanning
    def scan(self, cancelled: Callable[[], bool] | None = None) -> ScanDiff:
        """One whole pass as a single diff. Raises :class:`BoxUnreachable`."""
        total = ScanDiff()
        for chunk in self.iter_scan(cancelled=cancelled):
            total.merge(chunk)
        return total

    def iter_scan(
        self,
        *,
        chunk_size: int = 1000,
        chunk_seconds: float = 0.25,
        cancelled: Callable[[], bool] | None = None,
    ) -> Iterator[ScanDiff]:
        """One pass, as chunks a GUI can apply while the rest is read.

        The first chunk (after the listing) carries the removed files and the number of
        files to read; then a chunk per ``chunk_size`` files read or ``chunk_seconds``
        elapsed; the last has ``final=True``. Raises :class:`BoxUnreachable` when the
        folder cannot be listed, or stops being readable during the pass (what was read
        until then has been reported; the rest is read on the next pass). ``cancelled()``
        stops the pass between files; the files not read yet are read next time.
        """
        if not self._busy.acquire(blocking=False):
            raise RuntimeError(f"a scan of {self.box} is already running")
        try:
            yield from self._pass(chunk_size, chunk_seconds, cancelled or (lambda: False))
        finally:
            self._busy.release()

    def _list(self) -> dict[str, _Stamp]:
        listing: dict[str, _Stamp] = {}
        try:
            st_box = os.stat(self.box)
            self.folder_id = (st_box.st_dev, st_box.st_ino)
            with os.scandir(self.box) as it:
                for entry in it:
                    if not is_request_file(entry.name):
                        continue
                    try:
                        if not entry.is_file():
                            continue
                        st = entry.stat()  # free on Windows: it came with the listing
                    except FileNotFoundError:
                        continue  # gone since the listing (the site server took it)
                    except OSError:
                        # one entry that cannot be examined (a symlink loop, no access):
                        # read it, so it becomes a row saying why, not an offline box
                        listing[entry.path] = (-1, 0)
                        continue
                    listing[entry.path] = (st.st_size, st.st_mtime_ns)
        except OSError as exc:
            self.offline = BoxUnreachable(self.box, exc)
            raise self.offline from exc
        return listing

    def _pass(
        self, chunk_size: int, chunk_seconds: float, cancelled: Callable[[], bool]
    ) -> Iterator[ScanDiff]:
        started = self.clock()
        listing = self._list()
        now_ns = int(self.clock() * 1e9)
        removed = [f for f in self._records if f not in listing]
        for f in removed:
            self._forget(f)
        for f in [f for f in self._stamps if f not in listing]:  # read failed, then gone
            self._forget(f)
        to_read = sorted(
            (f for f, st in listing.items() if f in self._again or self._stamps.get(f) != st),
            key=lambda f: os.path.basename(f).casefold(),
        )
        total = len(to_read)
        diff = ScanDiff(removed=removed, total=total, final=not to_read)
        yield diff
        if not to_read:
            self._finished(started)
            return
        diff = ScanDiff(total=total)
        last_yield = time.monotonic()
        for done, (path, data) in enumerate(self._read_all(to_read), 1):
            if cancelled():
                diff.done = done - 1
                yield diff
                return
            if isinstance(data, OSError):
                self._unreadable(path, data)  # raises BoxUnreachable if the box went
                data_or_none: bytes | None = None
            else:
                data_or_none = data
            self._take(path, listing[path], data_or_none, data, now_ns, diff)
            diff.done = done
            if (
                len(diff.added) + len(diff.changed) >= chunk_size
                or time.monotonic() - last_yield >= chunk_seconds
            ):
                yield diff
                diff = ScanDiff(total=total, done=done)
                last_yield = time.monotonic()
        diff.final = True
        self._finished(started)
        yield diff

    def _finished(self, started: float) -> None:
        self.last_good_scan = started
        self.offline = None

    def _forget(self, path: str) -> None:
        self._records.pop(path, None)
        self._stamps.pop(path, None)
        self._digests.pop(path, None)
        self._again.discard(path)

    def _unreadable(self, path: str, error: OSError) -> None:
        """A file that cannot be read: a vanished file is skipped; if the folder itself
        has gone, the pass stops as offline; otherwise the file gets a problem row."""
        if isinstance(error, FileNotFoundError | NotADirectoryError):
            try:
                os.stat(self.box)
            except OSError as exc:
                self.offline = BoxUnreachable(self.box, exc)
                raise self.offline from exc
            return
        if isinstance(error, PermissionError):
            return
        try:
            os.stat(self.box)
        except OSError as exc:
            self.offline = BoxUnreachable(self.box, exc)
            raise self.offline from exc

    def _take(
        self,
        path: str,
        stamp: _Stamp,
        data: bytes | None,
        result: _Read,
        now_ns: int,
        diff: ScanDiff,
    ) -> None:
        """Parse what was read and note it in ``diff`` if it differs from what we hold."""
        known = self._records.get(path)
        if data is None:
            assert isinstance(result, OSError)
            if isinstance(result, FileNotFoundError | NotADirectoryError):
                return  # gone between listing and reading: the next listing settles it
            record = CcrRecord(file=path, problem=f"cannot read: {result.strerror or result}")
            digest = hash(record.problem)
            self._again.add(path)  # try again next pass
        else:
            digest = hash(data)
            if known is not None and self._digests.get(path) == digest:
                self._remember(path, stamp, now_ns)  # same bytes: at most a new mtime
                if (known.size, known.mtime_ns) != stamp:
                    scanned = ScannedFile(known.record, *stamp)
                    self._records[path] = scanned
                    diff.changed.append(scanned)
                return
            record = parse_bytes(data, path, keep_text=self.keep_text)
            self._remember(path, stamp, now_ns)
        if known is not None and self._digests.get(path) == digest:
            return
        self._digests[path] = digest
        scanned = ScannedFile(record, *stamp)
        self._records[path] = scanned
        (diff.changed if known is not None else diff.added).append(scanned)

    def _remember(self, path: str, stamp: _Stamp, now_ns: int) -> None:
        self._stamps[path] = stamp
        if abs(now_ns - stamp[1]) < self.settle_ns:
            self._again.add(path)  # may still be being written: read it once more
        else:
            self._again.discard(path)

    def _read_all(self, paths: list[str]) -> Iterator[tuple[str, _Read]]:
        """``(path, bytes or OSError)`` in order; batches of reads run ahead in the pool."""
        if self.threads is None:
            self.threads = NETWORK_THREADS if is_network_path(self.box) else 1
        if self.threads <= 1 or len(paths) <= READ_BATCH:
            for p in paths:
                yield p, _read(p)
            return
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor  # only boxes on shares use it

            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="ccr-read")
        batches = (paths[i : i + READ_BATCH] for i in range(0, len(paths), READ_BATCH))
        pending: deque[tuple[list[str], Future[list[_Read]]]] = deque()
        try:
            for batch in batches:
                pending.append((batch, self._pool.submit(_read_batch, batch)))
                if len(pending) >= self.threads * 2:
                    break
            while pending:
                batch, fut = pending.popleft()
                nxt = next(batches, None)
                if nxt is not None:
                    pending.append((nxt, self._pool.submit(_read_batch, nxt)))
                yield from zip(batch, fut.result(), strict=True)
        finally:
            for _batch, fut in pending:
                fut.cancel()


_NETWORK_FS = {"cifs", "smb3", "smbfs", "nfs", "nfs4", "afs", "ncpfs", "9p", "davfs"}


def is_network_path(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is on a network share (UNC, a mapped drive, an SMB/NFS/FUSE mount).
    Unknown systems answer True: a pool costs little locally and saves a lot on a share."""
    p = os.path.abspath(path)
    if os.name == "nt":
        if p.startswith(("\\\\", "//")):
            return True
        import ctypes

        drive = os.path.splitdrive(p)[0] + "\\"
        return bool(ctypes.windll.kernel32.GetDriveTypeW(drive) == 4)  # type: ignore[attr-defined]
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as fh:
            mounts = fh.read().splitlines()
    except OSError:
        return True
    best, fstype = "", ""
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = p == point or p.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, fstype = point, fields[2]
    return fstype in _NETWORK_FS or fstype == "fuse" or fstype.startswith("fuse.")
