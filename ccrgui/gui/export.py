"""CSV export of the box table's rows: what the table shows, in full, for a spreadsheet.

No Qt here: the box view chooses the file (QFileDialog) and calls :func:`write_csv` on a
worker thread; tests call it directly. The file is written under a temporary name and
renamed into place, so an existing file is only replaced by a complete one.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from ..core.ccr import CcrRecord
from ..core.errors import describe

__all__ = ["CSV_HEADER", "csv_rows", "default_file_name", "write_csv"]

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


def _iso(d: datetime | None) -> str:
    return "" if d is None else d.strftime("%Y-%m-%d %H:%M:%S")


def csv_rows(records: Iterable[CcrRecord]) -> Iterator[list[str]]:
    """One row of text per record, in CSV_HEADER's order."""
    for r in records:
        code = r.last_error_code
        info = None if code is None else describe(code)
        yield [
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


def default_file_name(box_name: str, now: datetime | None = None) -> str:
    """``ccrretry-20261128-2104.csv``."""
    stem = box_name.removesuffix(".box") or "ccr"
    return f"{stem}-{(now or datetime.now()):%Y%m%d-%H%M}.csv"


def write_csv(path: str | os.PathLike[str], records: Iterable[CcrRecord]) -> int:
    """Write ``records`` to ``path`` (UTF-8 with a BOM, so Excel reads names right);
    returns the number of rows. Raises OSError; on failure ``path`` is left as it was."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_HEADER)
            for row in csv_rows(records):
                writer.writerow(row)
                count += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return count
