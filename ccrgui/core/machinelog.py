"""One machine's story in ``ccm.log``: its entries, and its attempts grouped per request.

**Which entries.** Every entry of each request block for the machine, from
``======>Begin Processing request: "ID", machine name: "NAME"`` to ``<======End request``
on the same thread (other threads' lines interleave and are not part of it), plus any other
entry whose message names the machine. Names match exactly and case-insensitively, as
whole names: ``PC-1`` never matches ``PC-10`` or ``XPC-1``; ``PC-1.corp.example`` is
``PC-1`` (an FQDN matches its short name, and a short name its FQDNs; two FQDNs match only
with the same domain). A block is also picked by its request ID (``ccr log 2097152456``).
A block with no End closes at the next Begin on its thread.

**How, fast.** :class:`MachineLog` does not parse the whole log: it searches each chunk's
bytes for the name (one lower-casing and one regex pass, in C) and parses only the entries
around a hit, following a request block entry by entry until it ends. The result is the
same as parsing every entry and filtering (:func:`select`); the tests hold the two equal.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from .ccmlog import (
    _MAX_CARRY,
    CHUNK_BYTES,
    LogCursor,
    LogEntry,
    entry_start,
    find_file,
    last_entry_end,
    log_files,
    parse_entry,
    read_chunks,
    rolled_name,
    split_entries,
)

__all__ = [
    "Attempt",
    "MachineLog",
    "MachineQuery",
    "Outcome",
    "group_attempts",
    "machine_entries",
    "select",
]

_BEGIN = re.compile(
    r'Begin Processing request: "(?P<id>[^"]*)", machine name: "(?P<machine>[^"]*)"'
)
_END = re.compile(r"<=+\s*End request\b")
_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_-.")


class MachineQuery:
    """A machine name to look for; ValueError when it cannot be one."""

    def __init__(self, name: str) -> None:
        name = name.strip()
        if not name or not name.isascii() or any(c.isspace() or ord(c) < 32 for c in name):
            raise ValueError(f"{name!r} is not a machine name (ASCII, no spaces)")
        self.name = name
        try:
            ipaddress.ip_address(name)
            short, domain, is_ip = name, "", True
        except ValueError:
            (short, _, domain), is_ip = name.partition("."), False
        if not short:
            raise ValueError(f"{name!r} is not a machine name")
        self.short = short.lower()
        self.domain = domain.lower().rstrip(".")
        self._text = re.compile(
            r"(?<![A-Za-z0-9_.\-])"
            + re.escape(short)
            + (r"(?P<domain>)" if is_ip else r"(?P<domain>(?:\.[A-Za-z0-9\-]+)*)")
            + r"(?![A-Za-z0-9_\-]|\.\d)",
            re.IGNORECASE | re.ASCII,
        )
        # candidates in lower-cased bytes; the text pattern above has the last word
        self.candidates = re.compile(re.escape(self.short.encode()) + rb"(?![a-z0-9_\-])")

    def named_in(self, text: str) -> bool:
        """Whether ``text`` names this machine as a whole name."""
        return any(self._same_domain(m["domain"][1:]) for m in self._text.finditer(text))

    def is_machine(self, name: str) -> bool:
        """Whether ``name`` (a whole name, e.g. from a Begin line) is this machine."""
        m = self._text.fullmatch(name.strip())
        return m is not None and self._same_domain(m["domain"][1:])

    def _same_domain(self, domain: str) -> bool:
        domain = domain.lower().rstrip(".")
        return not self.domain or not domain or domain == self.domain


class _Selector:
    """The rule above as a state machine over entries in file order."""

    def __init__(self, query: MachineQuery) -> None:
        self.query = query
        self.open: set[int] = set()  # threads inside one of the machine's request blocks

    def take(self, entry: LogEntry) -> bool:
        msg = entry.message
        if "Begin Processing request" in msg:
            m = _BEGIN.search(msg)
            if m is not None:
                if self.query.is_machine(m["machine"]) or (
                    m["id"].lower() == self.query.name.lower()
                ):
                    self.open.add(entry.thread)
                    return True
                self.open.discard(entry.thread)
                return self.query.named_in(msg)
        if entry.thread in self.open:
            if _END.search(msg):
                self.open.discard(entry.thread)
            return True
        return self.query.named_in(msg)


def select(entries: Iterable[LogEntry], name: str) -> Iterator[LogEntry]:
    """The machine's entries among ``entries`` (all of a log, in order): the plain way,
    entry by entry. :class:`MachineLog` gives the same, faster."""
    selector = _Selector(MachineQuery(name))
    return (e for e in entries if selector.take(e))


class MachineLog:
    """One machine's entries in a ``ccm.log`` (and its ``ccm.lo_``), read in chunks.

    :meth:`read` yields batches of entries as it goes; call it again later to get only what
    was appended since (a roll-over is noticed: the rest of the old file is read from
    ``ccm.lo_``, then the new ``ccm.log`` from its start). Raises OSError when the log cannot
    be read, ValueError for a name that cannot be a machine.
    """

    def __init__(self, log: Path, name: str, chunk_size: int = CHUNK_BYTES) -> None:
        self.log = log
        self.query = MachineQuery(name)
        self.chunk_size = chunk_size
        self._selector = _Selector(self.query)
        self._carry = b""
        self._cursor: LogCursor | None = None
        self.done_bytes = 0  # progress of the current read()
        self.total_bytes = 0
        self._every = False

    def read(self, *, every_chunk: bool = False) -> Iterator[list[LogEntry]]:
        """Batches of the machine's entries as chunks are read; ``every_chunk`` yields
        for chunks without any too (progress: :attr:`done_bytes` of :attr:`total_bytes`)."""
        self.done_bytes = self.total_bytes = 0
        self._every = every_chunk
        if self._cursor is None:
            paths = log_files(self.log)
            self.total_bytes = sum(_size(p) for p in paths)
            for path in paths[:-1]:
                yield from self._read_file(LogCursor(path))
                self._carry = b""  # an entry is written whole: the tail is not continued
            self._cursor = LogCursor(paths[-1])
        elif self._cursor.rolled_over():
            old = find_file(self.log.parent, rolled_name(self.log))
            self.total_bytes = _size(self.log)
            if old is not None:
                self.total_bytes += max(0, _size(old) - self._cursor.offset)
                moved = LogCursor(old, self._cursor.offset, self._cursor.head)
                moved.encoding = self._cursor.encoding
                if not moved.rolled_over():
                    yield from self._read_file(moved)
            self._carry = b""
            self._cursor = LogCursor(self.log)
        else:
            self.total_bytes = max(0, _size(self.log) - self._cursor.offset)
        yield from self._read_file(self._cursor)

    def _read_file(self, cursor: LogCursor) -> Iterator[list[LogEntry]]:
        start = cursor.offset
        for chunk in read_chunks(cursor, self.chunk_size):
            self.done_bytes += cursor.offset - start
            start = cursor.offset
            found = self.feed(chunk)
            if found or self._every:
                yield found

    def feed(self, chunk: bytes) -> list[LogEntry]:
        """The machine's entries completed by ``chunk`` (complete lines following the
        previous chunk)."""
        buf = self._carry + chunk if self._carry else chunk
        end = last_entry_end(buf)
        self._carry = buf[end:][-_MAX_CARRY:]
        out: list[LogEntry] = []
        if end == 0:
            return out
        pos = self._follow(buf, 0, end, out) if self._selector.open else 0
        if pos >= end:
            return out
        low = buf.lower()
        for m in self.query.candidates.finditer(low, pos, end):
            hit = m.start()
            if hit < pos or (hit > 0 and low[hit - 1] in _NAME_BYTES):
                continue
            pos = self._follow(buf, entry_start(buf, hit, pos), end, out)
        return out

    def _follow(self, buf: bytes, start: int, end: int, out: list[LogEntry]) -> int:
        """Parse entries from ``start``; stop after the first that leaves no block open."""
        take = self._selector.take
        for a, b in split_entries(buf, start, end):
            entry = parse_entry(buf[a:b])
            if entry is not None and take(entry):
                out.append(entry)
            if not self._selector.open:
                return b
        return end


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def machine_entries(log: Path, name: str) -> Iterator[LogEntry]:
    """Every entry for ``name`` in ``ccm.lo_`` then ``log``, oldest first."""
    for batch in MachineLog(log, name).read():
        yield from batch


# --------------------------------------------------------------------------- attempts


class Outcome(StrEnum):
    COMPLETED = "completed"  # CCM finished the request: ccmsetup was started on the target
    RETRY = "failed, will retry"  # stored in the retry queue
    FAILED = "failed"
    GAVE_UP = "given up"  # the retry limit (7 days) was reached: the request is deleted
    UNFINISHED = "unfinished"  # no End line (yet): in progress, or the log was cut
    ENDED = "ended"  # ended without a line that says how
    NOTE = "logged"  # lines naming the machine outside a request block, without an error


_LOOSE_GAP = timedelta(minutes=5)
_GAVE_UP = re.compile(r"retry limit|giving up|gave up", re.IGNORECASE)


@dataclass(slots=True)
class Attempt:
    """One processing of a request for the machine (a Begin…End block), or a run of lines
    naming it outside any block (``request_id`` None)."""

    thread: int
    request_id: str | None = None
    machine: str | None = None
    entries: list[LogEntry] = field(default_factory=list)
    ended: bool = False

    @property
    def time(self) -> datetime | None:
        return next((e.time for e in self.entries if e.time is not None), None)

    @property
    def error_code(self) -> int | None:
        """The code the attempt failed with: its ``error code:`` summary, else the last
        code any of its lines reports; None when it completed."""
        if self.outcome == Outcome.COMPLETED:
            return None
        last = None
        for e in self.entries:
            code = e.error_code
            if code is not None:
                last = code
                if "error code" in e.message.lower():
                    return code
        return last

    @property
    def outcome(self) -> Outcome:
        messages = [e.message for e in self.entries]
        if any("Completed request" in m for m in messages):
            return Outcome.COMPLETED
        if any(_GAVE_UP.search(m) for m in messages):
            return Outcome.GAVE_UP
        failed = any(e.error_code is not None for e in self.entries)
        if any('in queue "Retry"' in m for m in messages):
            return Outcome.RETRY
        if failed:
            return Outcome.FAILED
        if self.request_id is None:
            return Outcome.NOTE
        return Outcome.ENDED if self.ended else Outcome.UNFINISHED


def group_attempts(entries: Iterable[LogEntry]) -> list[Attempt]:
    """A machine's entries (from :class:`MachineLog`, in order) grouped per request block;
    lines outside blocks are grouped per thread while they follow within five minutes.
    Oldest first."""
    attempts: list[Attempt] = []
    open_blocks: dict[int, Attempt] = {}
    loose: dict[int, Attempt] = {}
    for e in entries:
        m = _BEGIN.search(e.message) if "Begin Processing request" in e.message else None
        if m is not None:
            block = Attempt(e.thread, m["id"], m["machine"], [e])
            open_blocks[e.thread] = block
            attempts.append(block)
            continue
        current = open_blocks.get(e.thread)
        if current is not None:
            current.entries.append(e)
            if _END.search(e.message):
                current.ended = True
                del open_blocks[e.thread]
            continue
        group = loose.get(e.thread)
        last = group.entries[-1].time if group else None
        if group is None or (
            last is not None and e.time is not None and _gap(last, e.time) > _LOOSE_GAP
        ):
            group = Attempt(e.thread)
            loose[e.thread] = group
            attempts.append(group)
        group.entries.append(e)
    return attempts


def _gap(a: datetime, b: datetime) -> timedelta:
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return abs(b - a)
