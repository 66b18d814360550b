"""The box table's rows, in plain Python (no Qt).

A :class:`Row` is built once per scanned file, on the loader's worker thread, with what
the filter searches and the summary counts; its display text is made when first shown.
A :class:`RowBatch` is one slice of a scan's changes as rows: the only thing the table
model is ever given (:func:`batches` makes them from a scanner diff). :func:`sort_value`
is the typed value each column sorts on.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...core.ccr import CcrRecord
from ...core.reach import Reachability
from ...core.resubmit import OutcomeKind
from ...core.scanner import ScanDiff, ScannedFile
from ...core.when import date_text
from .columns import (
    COL_ATTEMPTS,
    COL_DOMAIN,
    COL_ERROR,
    COL_EXPIRES,
    COL_FILE,
    COL_FORCED,
    COL_INITIAL,
    COL_IP,
    COL_LATEST,
    COL_MACHINE,
    COL_MEANING,
    COL_OUTCOME,
    COL_QUEUED,
    COL_REACHABLE,
    COL_WAITING,
    NO_ERROR,
    PROBLEM,
    error_info,
    search_words,
)

__all__ = [
    "BATCH_ROWS",
    "OutcomeKind",
    "Row",
    "RowBatch",
    "RowOutcome",
    "batches",
    "reach_key",
    "sort_value",
]

BATCH_ROWS = 500  # rows per batch: what the GUI thread applies in one go


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What the Outcome column shows for a file after a resubmit or undo."""

    text: str
    tip: str
    kind: OutcomeKind = OutcomeKind.OK


_OUTCOME_RANK = {OutcomeKind.FAILED: 0, OutcomeKind.WARN: 1, OutcomeKind.OK: 2}


class Row:
    """One file: its record, the listing's size and time, and cached display text."""

    __slots__ = ("_cells", "haystack", "mtime_ns", "name", "record", "size")

    def __init__(self, scanned: ScannedFile) -> None:
        r = scanned.record
        self.record: CcrRecord = r
        self.size = scanned.size
        self.mtime_ns = scanned.mtime_ns
        self.name = os.path.basename(r.file).casefold()  # the tie-break
        self._cells: list[str] | None = None
        code = r.last_error_code
        words = "" if code is None else search_words(code)
        # what the filter field searches: not dates (they would match every "2026")
        self.haystack = "\n".join(
            (
                r.machine_name or "",
                r.domain or "",
                *r.ip_addresses,
                words,
                self.name,
                r.problem or "",
            )
        ).casefold()

    @property
    def error_key(self) -> int:
        """The summary/filter key: PROBLEM, the last error code, or NO_ERROR."""
        if self.record.problem:
            return PROBLEM
        code = self.record.last_error_code
        return NO_ERROR if code is None else code

    def cells(self) -> list[str]:
        """Display text of every column but Expires (which depends on the clock) and
        Outcome (which is not the file's)."""
        if self._cells is None:
            r = self.record
            code = r.last_error_code
            info = None if code is None else error_info(code)
            mtime = datetime.fromtimestamp(self.mtime_ns / 1e9) if self.mtime_ns else None
            self._cells = [
                r.machine_name or "",
                r.domain or "",
                ", ".join(r.ip_addresses),
                "" if r.attempts is None else str(r.attempts),
                "" if info is None else info.short,
                f"Not a valid CCR: {r.problem}" if r.problem else (info.message if info else ""),
                date_text(r.initial_request_date),
                date_text(r.latest_processing_attempt),
                "",
                os.path.basename(r.file),
                date_text(mtime),
                "",  # Outcome, Reachable: the model's
                "",
                "",  # Queued at, Waiting for: the store's arrival times and the clock
                "",
                "" if r.problem else ("yes" if r.forced else "no"),  # absent: not forced
            ]
        return self._cells

    @property
    def modified(self) -> datetime | None:
        return datetime.fromtimestamp(self.mtime_ns / 1e9) if self.mtime_ns else None


@dataclass(slots=True)
class RowBatch:
    """One slice of a scan's changes, as rows (built off the GUI thread)."""

    removed: list[str] = field(default_factory=list)  # CcrRecord.file of rows that went
    changed: list[Row] = field(default_factory=list)
    added: list[Row] = field(default_factory=list)
    done: int = 0  # files read so far in this pass, of
    total: int = 0
    final: bool = False  # the last batch of a pass

    @property
    def has_rows(self) -> bool:
        return bool(self.removed or self.changed or self.added)


def batches(diff: ScanDiff) -> list[RowBatch]:
    """A scanner diff as batches of at most BATCH_ROWS rows each, with their rows built."""
    out = [
        RowBatch(removed=diff.removed[i : i + BATCH_ROWS], done=diff.done, total=diff.total)
        for i in range(0, len(diff.removed), BATCH_ROWS)
    ]
    for i in range(0, len(diff.changed), BATCH_ROWS):
        rows = [Row(f) for f in diff.changed[i : i + BATCH_ROWS]]
        out.append(RowBatch(changed=rows, done=diff.done, total=diff.total))
    for i in range(0, len(diff.added), BATCH_ROWS):
        rows = [Row(f) for f in diff.added[i : i + BATCH_ROWS]]
        out.append(RowBatch(added=rows, done=diff.done, total=diff.total))
    if not out:
        out.append(RowBatch(done=diff.done, total=diff.total))
    out[-1].final = diff.final
    return out


def _ip_key(ips: Sequence[str]) -> tuple[int, int, str] | None:
    if not ips:
        return None
    try:
        ip = ipaddress.ip_address(ips[0])
    except ValueError:
        return (9, 0, ips[0].casefold())
    return (ip.version, int(ip), "")


def reach_key(record: CcrRecord) -> str:
    """The key of a row's reachability: its machine, however it is spelt ("" for a file
    that names none: nothing to check)."""
    return (record.machine_name or "").casefold()


def sort_value(
    column: int,
    outcomes: dict[str, RowOutcome] | None = None,
    reach: dict[str, Reachability] | None = None,
    arrivals: dict[str, datetime] | None = None,
) -> Callable[[Row], Any]:
    """The typed value ``column`` sorts on (None sorts last); ``outcomes`` for the
    Outcome column, ``reach`` (by :func:`reach_key`) for the Reachable one: answering
    first, then the rest; unchecked rows last; ``arrivals`` (when a row was seen
    arriving) for Queued at and Waiting for."""
    if column == COL_MACHINE:
        return lambda row: (row.record.machine_name or "").casefold() or None
    if column == COL_DOMAIN:
        return lambda row: (row.record.domain or "").casefold() or None
    if column == COL_IP:
        return lambda row: _ip_key(row.record.ip_addresses)
    if column == COL_ATTEMPTS:
        return lambda row: row.record.attempts
    if column == COL_ERROR:
        return lambda row: PROBLEM if row.record.problem else row.record.last_error_code
    if column == COL_MEANING:
        return lambda row: row.cells()[COL_MEANING].casefold() or None
    if column == COL_INITIAL:
        return lambda row: row.record.initial_request_date
    if column == COL_LATEST:
        return lambda row: row.record.latest_processing_attempt
    if column == COL_EXPIRES:
        return lambda row: row.record.expires_at
    if column == COL_FILE:
        return lambda row: row.name
    if column == COL_OUTCOME:
        known = outcomes or {}

        def outcome(row: Row) -> tuple[int, str] | None:
            o = known.get(row.record.file)
            return None if o is None else (_OUTCOME_RANK.get(o.kind, 3), o.text.casefold())

        return outcome
    if column == COL_REACHABLE:
        checked = reach or {}

        def reachable(row: Row) -> tuple[int, str] | None:
            r = checked.get(reach_key(row.record))
            return None if r is None else (0 if r.ok else 1, r.summary)

        return reachable
    if column in (COL_QUEUED, COL_WAITING):
        seen = arrivals or {}
        sign = 1 if column == COL_QUEUED else -1  # the longest wait is the earliest arrival

        def queued(row: Row) -> float | None:
            at = seen.get(row.record.file) or row.modified
            return None if at is None else sign * at.timestamp()

        return queued
    if column == COL_FORCED:
        return lambda row: row.record.forced
    return lambda row: row.mtime_ns
