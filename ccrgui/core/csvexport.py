"""The one CSV layout, for ``ccr list --format csv`` and the app's "Export to CSV".

What the table shows, in full, for a spreadsheet: one row per request in
:data:`CSV_HEADER`'s order (dates as ``YYYY-MM-DD HH:MM:SS``, the error decoded).

Admins open these files in Excel, and a CSV cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is a formula there (``=HYPERLINK(…)``,
``+cmd|'/C calc'!A0``). Such cells get a leading ``'`` (:func:`neutralize`), unless the
cell is a number (``-2147024891`` stays a number). A name holding bytes that are not
UTF-8 is written with each such byte as ``\\xNN`` (nothing is lost, nothing crashes).

:func:`write_csv` writes a file under a temporary name and renames it into place, so an
existing file is only ever replaced by a complete one; the file gets the usual
permissions for a new file (the umask's), like any file the user saves.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

from .ccr import CcrRecord
from .errors import describe
from .textsafe import escape_bytes
from .when import date_text

__all__ = [
    "CSV_HEADER",
    "csv_rows",
    "default_file_name",
    "neutralize",
    "write_csv",
    "write_csv_to",
]

CSV_HEADER = [
    "Machine",
    "Domain",
    "IP addresses",
    "Attempts",
    "Last error",
    "Last error (hex)",
    "Error name",
    "Meaning",
    "Likely cause",
    "What to check",
    "Initial request",
    "Latest attempt",
    "Expires",
    "File",
    "Problem",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralize(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: a leading ``'`` when it would start a
    formula, unless it is a plain number. Undecodable bytes become ``\\xNN``."""
    cell = escape_bytes(cell)
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _iso(d: datetime | None) -> str:
    return date_text(d, seconds=True)


def csv_rows(records: Iterable[CcrRecord]) -> Iterator[list[str]]:
    """One row of text per record, in CSV_HEADER's order, every cell neutralized."""
    for r in records:
        code = r.last_error_code
        info = None if code is None else describe(code)
        row = [
            r.machine_name or "",
            r.domain or "",
            " ".join(r.ip_addresses),
            "" if r.attempts is None else str(r.attempts),
            "" if code is None else str(code),
            r.last_error_hex or "",
            info.name if info else "",
            info.message if info else "",
            info.cause if info else "",
            info.fix if info else "",
            _iso(r.initial_request_date),
            _iso(r.latest_processing_attempt),
            _iso(r.expires_at),
            r.file,
            r.problem or "",
        ]
        yield [neutralize(c) for c in row]


def default_file_name(box_name: str, now: datetime | None = None) -> str:
    """``ccrretry-20261128-2104.csv``."""
    stem = box_name.removesuffix(".box") or "ccr"
    return f"{stem}-{(now or datetime.now()):%Y%m%d-%H%M}.csv"


def write_csv_to(out: TextIO, records: Iterable[CcrRecord], *, newline: str = "\r\n") -> int:
    """Write the header and one row per record to ``out``; returns the number of rows."""
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(CSV_HEADER)
    count = 0
    for row in csv_rows(records):
        writer.writerow(row)
        count += 1
    return count


def write_csv(path: str | os.PathLike[str], records: Iterable[CcrRecord]) -> int:
    """Write ``records`` to ``path`` (UTF-8 with a BOM, so Excel reads names right);
    returns the number of rows. Raises OSError; on failure ``path`` is left as it was."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            count = write_csv_to(fh, records)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return count
