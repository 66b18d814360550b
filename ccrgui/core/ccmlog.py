"""The site server's ``ccm.log`` (Client Configuration Manager's trace log), read as a stream.

Two layouts are read, line by line, and may even be mixed in one file:

- raw trace lines: ``MESSAGE[~]  $$<COMPONENT><MM-DD-YYYY HH:MM:SS.mmm+BIAS><thread=N (0xN)>``.
  The ``~`` before the two spaces is not part of the message. A message may span physical
  lines: lines without the metadata belong to the next line that has it (the metadata ends
  the entry). ``BIAS`` is minutes to add to get UTC (``+300`` is UTC-5), so each time keeps
  its own offset.
- lines copied out of CMTrace: ``MESSAGE<TAB>COMPONENT<TAB>MM/DD/YYYY HH:MM:SS<TAB>THREAD``;
  these times carry no offset and stay naive.

The log is never read whole: files are read in chunks of complete lines (:func:`read_chunks`)
and entries are built only where asked. A site rolls the log over to ``ccm.lo_``, which is
read first (:func:`log_files`). :class:`LogCursor` remembers where a read stopped, so a
growing log is read on from there, and notices a roll-over.

Files are bytes of unknown encoding: UTF-16 with a BOM is transcoded, anything else is read
as UTF-8, falling back to cp1252 per entry (machine names are ASCII either way).
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

from .errors import normalize_code

__all__ = [
    "CHUNK_BYTES",
    "LOG_NAME",
    "LogCursor",
    "LogEntry",
    "default_log_path",
    "error_code_in",
    "find_file",
    "iter_entries",
    "last_entry_end",
    "log_files",
    "parse_entry",
    "read_chunks",
    "split_entries",
]

CHUNK_BYTES = 4 << 20
LOG_NAME = "ccm.log"
_MAX_CARRY = 1 << 20  # lines without metadata kept while waiting for the line that ends them
_MAX_LINE = 16 << 20  # longer than this without a line end: not a log line

_RAW_META = re.compile(
    rb"^(?P<msg>.*?)~?  \$\$<(?P<comp>[^<>]*)><(?P<time>[^<>]*)><thread=(?P<thread>\d+)[^<>]*>\s*$",
    re.S,
)
_TAB_META = re.compile(
    rb"^(?P<msg>.*)\t(?P<comp>[^\t]*)\t(?P<time>\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d:\d\d(?:\.\d+)?)"
    rb"\t(?P<thread>\d+)(?: \(0x[0-9A-Fa-f]+\))?\s*$",
    re.S,
)
_RAW_TIME = re.compile(
    r"^(\d{1,2})-(\d{1,2})-(\d{4}) (\d{1,2}):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d{1,4}))?$"
)
_TAB_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d\d):(\d\d)(?:\.(\d{1,6}))?$")


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One log entry: its message (physical lines joined with ``\\n``) and metadata."""

    time: datetime | None  # aware for raw lines (their UTC bias), naive for CMTrace copies
    component: str
    thread: int
    message: str
    raw: str = field(default="", compare=False)  # the entry's lines as in the file

    @property
    def error_code(self) -> int | None:
        return error_code_in(self.message)

    def to_json(self) -> dict[str, object]:
        return {
            "time": _iso(self.time),
            "component": self.component,
            "thread": self.thread,
            "message": self.message,
            "error_code": self.error_code,
        }


def _iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    return t.isoformat(timespec="milliseconds")


# --------------------------------------------------------------------------- entries


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _meta(line: bytes) -> re.Match[bytes] | None:
    """The metadata match when ``line`` (no newline) ends an entry, else None."""
    if b"$$<" in line:
        m = _RAW_META.match(line)
        if m is not None:
            return m
    if line.count(b"\t") >= 3:
        return _TAB_META.match(line)
    return None


def parse_entry(data: bytes) -> LogEntry | None:
    """The entry in ``data``: lines ending with the one that has the metadata (no trailing
    newline needed). None when its last line has no metadata."""
    head, sep, last = data.rstrip(b"\r\n").rpartition(b"\n")
    m = _meta(last.rstrip(b"\r"))
    if m is None:
        return None
    lines = [ln.rstrip(b"\r") for ln in head.split(b"\n")] if sep else []
    lines.append(m["msg"])
    raw_time = _text(m["time"])
    time = _raw_time(raw_time) if m.re is _RAW_META else _tab_time(raw_time)
    return LogEntry(
        time=time,
        component=_text(m["comp"]),
        thread=int(m["thread"]),
        message=_text(b"\n".join(lines)),
        raw=_text(data.rstrip(b"\r\n").replace(b"\r\n", b"\n")),
    )


def _raw_time(text: str) -> datetime | None:
    m = _RAW_TIME.match(text)
    if m is None:
        return None
    month, day, year, hh, mm, ss, frac, sign, bias = m.groups()
    try:
        tz = None
        if sign:  # the bias is what to add to local time to get UTC: the offset's opposite
            minutes = int(bias) * (1 if sign == "-" else -1)
            tz = timezone(timedelta(minutes=minutes))
        return datetime(
            int(year), int(month), int(day), int(hh), int(mm), int(ss),
            int((frac or "0").ljust(6, "0")), tzinfo=tz,
        )  # fmt: skip
    except ValueError:  # 13th month, bias over 24 h: keep the entry, without a time
        return None


def _tab_time(text: str) -> datetime | None:
    m = _TAB_TIME.match(text)
    if m is None:
        return None
    month, day, year, hh, mm, ss, frac = m.groups()
    try:
        return datetime(
            int(year), int(month), int(day), int(hh), int(mm), int(ss),
            int((frac or "0").ljust(6, "0")),
        )  # fmt: skip
    except ValueError:
        return None


def last_entry_end(buf: bytes) -> int:
    """Offset just after the last line of ``buf`` that ends an entry; 0 when none does.
    ``buf`` holds complete lines."""
    end = len(buf)
    while end > 0:
        start = buf.rfind(b"\n", 0, end - 1) + 1
        if _meta(buf[start:end].rstrip(b"\r\n")) is not None:
            return end
        end = start
    return 0


def split_entries(buf: bytes, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of each complete entry in ``buf[start:stop]``, which starts at an entry
    boundary. Lines after the last entry are not yielded."""
    stop = len(buf) if stop is None else stop
    entry_start = pos = start
    while pos < stop:
        nl = buf.find(b"\n", pos, stop)
        line_end = stop if nl < 0 else nl + 1
        if _meta(buf[pos:line_end].rstrip(b"\r\n")) is not None:
            yield entry_start, line_end
            entry_start = line_end
        pos = line_end


def entry_start(buf: bytes, offset: int, floor: int = 0) -> int:
    """Where the entry holding ``offset`` starts: after the nearest line before it that
    ends an entry (``buf[floor:]`` starts at an entry boundary)."""
    line_start = buf.rfind(b"\n", floor, offset) + 1
    line_start = max(line_start, floor)
    while line_start > floor:
        prev = buf.rfind(b"\n", floor, line_start - 1) + 1
        prev = max(prev, floor)
        if _meta(buf[prev:line_start].rstrip(b"\r\n")) is not None:
            return line_start
        line_start = prev
    return floor


# --------------------------------------------------------------------------- error codes

_CODE = r"(0x[0-9a-f]{1,8}|-?\d{1,10})"
_EXPLICIT = (
    re.compile(r"error\s*code\s*[:=]?\s*" + _CODE + r"\b", re.I),  # error code: 53
    re.compile(r"\berror\s*=\s*" + _CODE + r"\b", re.I),  # error = 0x80070005
    re.compile(r"\berror\s+" + _CODE + r"\b", re.I),  # error 5.
)
_FAILURE = re.compile(r"fail|error|unable|denied|cannot|could not", re.I)
_PAREN = re.compile(r"\((?:(0x[0-9a-f]{1,8})|([0-9a-f]{8})|(-?\d{1,7}))\)", re.I)
_BARE_HEX = re.compile(r"\b0x([0-9a-f]{8})\b", re.I)


def _number(text: str) -> int | None:
    value = int(text, 16) if text.lower().startswith("0x") else int(text)
    return normalize_code(value)


def error_code_in(message: str) -> int | None:
    """The error code a message reports, normalised like a CCR's ``Last Error Code``
    (unsigned 32-bit), or None.

    ``error code: 53``, ``error = 0x80070005`` and ``error 5.`` say so outright. In a
    message about a failure, a number in parentheses is the code: eight hex digits are
    hexadecimal (``(000004b3)`` is 1203), a shorter number decimal (``(67)``), and a bare
    ``0x`` with eight hex digits is one too.
    """
    for pattern in _EXPLICIT:
        m = pattern.search(message)
        if m is not None:
            return _number(m[1])
    if not _FAILURE.search(message):
        return None
    found = None
    for m in _PAREN.finditer(message):  # the last one: codes end the sentence
        hex_prefixed, hex8, dec = m.groups()
        found = _number(hex_prefixed) if hex_prefixed else int(hex8, 16) if hex8 else _number(dec)
    if found is not None:
        return found
    m2 = _BARE_HEX.search(message)
    return int(m2[1], 16) if m2 else None


# --------------------------------------------------------------------------- files


def find_file(folder: Path, name: str) -> Path | None:
    """``folder/name`` compared case-insensitively (a Windows share seen from elsewhere)."""
    exact = folder / name
    if exact.is_file():
        return exact
    want = name.casefold()
    try:
        with os.scandir(folder) as it:
            for entry in it:
                if entry.name.casefold() == want and entry.is_file():
                    return Path(entry.path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return None


def default_log_path(inbox_root: Path) -> Path:
    """``<inbox root>/../Logs/ccm.log``, with ``Logs`` and ``ccm.log`` matched
    case-insensitively when they exist."""
    parent = inbox_root.parent
    logs = parent / "Logs"
    if not logs.is_dir():
        try:
            with os.scandir(parent) as it:
                for e in it:
                    if e.name.casefold() == "logs" and e.is_dir():
                        logs = Path(e.path)
                        break
        except OSError:
            pass  # the folder cannot be listed: the plain name, and its error when read
    return find_file(logs, LOG_NAME) or logs / LOG_NAME


def rolled_name(log: Path) -> str:
    """``ccm.log`` rolls over to ``ccm.lo_``."""
    return log.name[:-1] + "_" if log.suffix else log.name + "_"


def log_files(log: Path) -> list[Path]:
    """The rolled-over ``ccm.lo_`` (when present) then ``log``: oldest first. Raises
    FileNotFoundError when ``log`` itself is missing."""
    if not log.is_file():
        raise FileNotFoundError(2, "No such file", str(log))
    older = find_file(log.parent, rolled_name(log))
    return [older, log] if older is not None else [log]


_HEAD = 512  # bytes that tell one file from another: a rolled-over log starts differently


@dataclass(slots=True)
class LogCursor:
    """Where a read of one log file stopped: its offset after the last complete line, and
    its first bytes (a new file after a roll-over starts differently)."""

    path: Path
    offset: int = 0
    head: bytes = b""
    encoding: str = ""  # "" until the first read decides: "utf-8" or "utf-16-le"/"-be"

    def rolled_over(self) -> bool:
        """True when the file at ``path`` is no longer the one read (shorter, or its first
        bytes differ): the rest of the old one is in ``ccm.lo_``."""
        if not self.head:
            return False
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(len(self.head))
                size = os.fstat(fh.fileno()).st_size
        except FileNotFoundError:
            return True
        return size < self.offset or head != self.head


def read_chunks(cursor: LogCursor, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Complete lines from ``cursor.offset`` on, as UTF-8 bytes in chunks of about
    ``size``; the cursor moves past each chunk as it is yielded. A last line without its
    newline is left for the next read (a writer may be in the middle of it)."""
    with open(cursor.path, "rb") as fh:
        if not cursor.head or len(cursor.head) < _HEAD:
            cursor.head = fh.read(_HEAD)
        if not cursor.encoding:
            cursor.encoding = _encoding(cursor.head)
        start = cursor.offset
        if start == 0:
            start = _bom_length(cursor.head, cursor.encoding)
        fh.seek(start)
        if cursor.encoding == "utf-8":
            yield from _utf8_chunks(fh, cursor, start, size)
        else:
            yield from _utf16_chunks(fh, cursor, start, size)


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:  # no BOM
        return "utf-16-le"
    return "utf-8"


def _bom_length(head: bytes, encoding: str) -> int:
    if encoding == "utf-8":
        return 3 if head.startswith(codecs.BOM_UTF8) else 0
    bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF16_BE
    return 2 if head.startswith(bom) else 0


def _utf8_chunks(fh: BinaryIO, cursor: LogCursor, start: int, size: int) -> Iterator[bytes]:
    carry = b""
    while True:
        block = fh.read(size)
        if not block:
            return
        data = carry + block if carry else block
        cut = data.rfind(b"\n") + 1
        if cut == 0:  # no line end yet; a "line" this long is not a log line: drop it
            carry = data if len(data) <= _MAX_LINE else b""
            if not carry:
                cursor.offset = start = start + len(data)
            continue
        carry = data[cut:]
        cursor.offset = start = start + cut
        yield data[:cut]


def _utf16_chunks(fh: BinaryIO, cursor: LogCursor, start: int, size: int) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(cursor.encoding)(errors="replace")
    carry = ""
    while True:
        block = fh.read(size - size % 2)
        if not block:
            return
        text = carry + decoder.decode(block)
        cut = text.rfind("\n") + 1
        if cut == 0:
            carry = text if len(text) <= _MAX_LINE else ""
            if not carry:
                cursor.offset = start = start + len(text.encode(cursor.encoding))
            continue
        done, carry = text[:cut], text[cut:]
        cursor.offset = start = start + len(done.encode(cursor.encoding))
        yield done.encode("utf-8")


def iter_entries(log: Path) -> Iterator[LogEntry]:
    """Every entry of ``ccm.lo_`` then ``log``, oldest first, read in chunks. Lines at the
    very end with no metadata yet (an entry being written) are left out."""
    for path in log_files(log):
        carry = b""  # an entry is written whole: a file's unfinished tail is not continued
        for chunk in read_chunks(LogCursor(path)):
            buf = carry + chunk if carry else chunk
            end = last_entry_end(buf)
            for a, b in split_entries(buf, 0, end):
                entry = parse_entry(buf[a:b])
                if entry is not None:
                    yield entry
            carry = buf[end:][-_MAX_CARRY:]
