"""Queue install requests: validated names → complete CCR files in the site's ccr.box.

A batch is validated first: one invalid name means nothing is written. Each file appears
atomically (see :mod:`safefs`) and a pending request is never overwritten: when
``NAME.ccr`` already waits (file names compared case-insensitively, as Windows does), the
outcome is ``already queued`` and names the file that is really there (``WKS-NEW-01.ccr``
for ``wks-new-01``). That is not a failure: the machine has a request waiting. Before
writing, the temporary files of a ``ccr new`` killed mid-write are deleted (and claims of
a killed resubmit recovered, see :mod:`claim`).
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .activity import ActivityEntry, ActivityLog, log_entries
from .ccr import new_request, serialize
from .claim import recover
from .names import InvalidMachineName, check_machine_name, normalize_input, validate_batch
from .readfile import read_regular_file
from .safefs import write_new_file
from .site import Site, explain_os_error
from .textsafe import shorten

__all__ = [
    "BatchInvalid",
    "QueueOutcome",
    "QueueReport",
    "QueueStatus",
    "check_name_list",
    "decode_name_list",
    "queue_report",
    "queue_requests",
    "read_name_file",
    "read_name_list",
    "request_file_name",
]

MAX_LIST_BYTES = 4 * 1024 * 1024  # a name list, not a disk image
MAX_REPORTED = 15  # names and reasons listed in a queue report


class QueueStatus(StrEnum):
    QUEUED = "queued"
    ALREADY_QUEUED = "already queued"
    FAILED = "failed"


class BatchInvalid(ValueError):
    """Some names are invalid; nothing was written."""

    def __init__(self, errors: list[InvalidMachineName]) -> None:
        self.errors = errors
        lines = [f"{shorten(repr(e.name), 80)}: {shorten(e.reason, 300)}" for e in errors]
        super().__init__("Invalid machine name(s), nothing was queued:\n" + "\n".join(lines))


@dataclass(frozen=True, slots=True)
class QueueOutcome:
    machine: str
    status: QueueStatus
    path: Path | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == QueueStatus.QUEUED


def request_file_name(machine: str) -> str:
    return f"{machine}.ccr"


_TRAILING_COMMENT = re.compile(r"[ \t]#")


def read_name_list(lines: Iterable[str]) -> list[str]:
    """Names from a list, one per line; blank lines and ``#`` comments are ignored.

    A comment is a line starting with ``#`` or a ``#`` after white space (``PC1  # lab``).
    A ``#`` inside a name (``PC#1``) stays, so validation names it instead of the list
    silently queueing ``PC``."""
    names = []
    for line in lines:
        text = line.strip(" \t\r\n")
        if text.startswith("#"):
            continue
        text = _TRAILING_COMMENT.split(text, 1)[0].strip(" \t")
        if text:
            names.append(text)
    return names


def check_name_list(text: str) -> tuple[list[str], list[str]]:
    """(names, problems) for a list typed or pasted one name per line."""
    names: list[str] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for name in read_name_list([line]):
            before, hash_, _ = line.partition("#")
            if hash_ and before.rstrip(" \t") == before and before.strip():
                # "PC#1" would silently become "PC": a comment needs a space before '#'
                problems.append(
                    f"Line {number}: '{line.strip()}': '#' is not allowed in a machine name "
                    "(a comment starts at the line start or after a space)."
                )
                continue
            reason = check_machine_name(normalize_input(name))
            if reason is None:
                names.append(normalize_input(name))
            else:
                problems.append(f"Line {number}: '{name}': {reason}")
    return names, problems


def read_name_file(path: str | os.PathLike[str]) -> str:
    """A name list file's text (see :func:`decode_name_list`). Raises OSError/ValueError."""
    data = read_regular_file(path, MAX_LIST_BYTES + 1)  # never waits on a named pipe
    return decode_name_list(data, Path(path).name)


def decode_name_list(data: bytes, name: str = "The list") -> str:
    """A name list's text: UTF-8 (with or without BOM), UTF-16 with BOM (Notepad's
    "Unicode"), else Windows-1252. Raises ValueError, naming ``name``, for data too big
    or not text."""
    if len(data) > MAX_LIST_BYTES:
        raise ValueError(f"{name} is too big for a list of machine names.")
    if b"\0" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValueError(f"{name} is not a text file.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def queue_requests(
    site: Site,
    raw_names: list[str],
    *,
    forced: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[QueueOutcome]:
    """Write one request per name into ``site.pending``.

    Raises BatchInvalid (nothing written) when any name is invalid or the list is empty.
    I/O failures do not raise: each name gets its own outcome.
    """
    names, errors = validate_batch(raw_names)
    if errors:
        raise BatchInvalid(errors)
    if not names:
        raise BatchInvalid([InvalidMachineName("", "No machine names were given.")])
    box = site.pending
    # a killed run's claims and temporary files (``ccr new`` killed mid-write) go first
    recovered = recover(site.retry, site.pending)
    log_entries(
        ActivityEntry.now(
            "recover",
            site,
            Path(r.name).stem,
            r.box / r.name,
            None,
            f"claim of a stopped run: {r.result}",
        )
        for r in recovered
    )
    try:
        with os.scandir(box) as it:
            pending = {e.name.casefold(): e.name for e in it}
    except OSError as exc:
        reason = explain_os_error(exc, f"open {box}")
        failed = [QueueOutcome(n, QueueStatus.FAILED, None, reason) for n in names]
        log_entries(
            ActivityEntry.now(
                "queue",
                site,
                o.machine,
                None,
                box / request_file_name(o.machine),
                f"failed: {reason}",
            )
            for o in failed
        )
        return failed
    outcomes: list[QueueOutcome] = []
    with ActivityLog() as log:  # who queued what: GUI and CLI alike
        for i, name in enumerate(names):
            file_name = request_file_name(name)
            waiting = pending.get(file_name.casefold())
            if waiting is not None:
                outcome = _already(name, box / waiting)
            else:
                outcome = _write_one(box, name, file_name, forced)
            outcomes.append(outcome)
            result = outcome.status + (f": {outcome.reason}" if outcome.reason else "")
            where = outcome.path or box / file_name
            log.write(ActivityEntry.now("queue", site, name, None, where, result))
            if progress is not None:
                progress(i + 1, len(names))
    return outcomes


def _already(name: str, path: Path) -> QueueOutcome:
    """``path`` is the file that really waits (its own spelling), not the one asked for."""
    return QueueOutcome(
        name,
        QueueStatus.ALREADY_QUEUED,
        path,
        f"{name} is already queued ({path.name} is waiting in ccr.box); left as it is.",
    )


def _waiting_file(box: Path, file_name: str) -> Path:
    """The file in ``box`` that a write of ``file_name`` collided with, as it is spelled
    there (a case-insensitive share holds ``PC1.ccr`` when ``pc1.ccr`` was refused)."""
    want = file_name.casefold()
    try:
        with os.scandir(box) as it:
            for entry in it:
                if entry.name.casefold() == want:
                    return box / entry.name
    except OSError:  # the collision itself is certain; only the spelling is unknown
        return box / file_name
    return box / file_name


def _write_one(box: Path, name: str, file_name: str, forced: bool) -> QueueOutcome:
    data = serialize(new_request(name, forced=forced))
    try:
        path = write_new_file(box, file_name, data)
    except FileExistsError:
        return _already(name, _waiting_file(box, file_name))
    except OSError as exc:
        reason = explain_os_error(exc, f"write {file_name} into {box}")
        return QueueOutcome(name, QueueStatus.FAILED, None, reason)
    return QueueOutcome(name, QueueStatus.QUEUED, path)


@dataclass(frozen=True, slots=True)
class QueueReport:
    """What the user is told after queueing: a status-bar line, and for anything not
    queued a message box title and text (empty when all went well)."""

    status: str
    title: str = ""
    problem: str = ""


def queue_report(outcomes: list[QueueOutcome]) -> QueueReport:
    ok = [o for o in outcomes if o.ok]
    already = [o for o in outcomes if o.status == QueueStatus.ALREADY_QUEUED]
    failed = [o for o in outcomes if o.status == QueueStatus.FAILED]
    if len(ok) == 1:
        status = f"Queued {ok[0].machine}: {ok[0].path}"
    elif ok:
        folder = ok[0].path.parent if ok[0].path else ""
        status = f"Queued {len(ok)} requests into {folder}"
    else:
        status = "Nothing new was queued"
    if not (already or failed):
        return QueueReport(status)
    if ok:
        status += f" ({len(already) + len(failed)} not queued)"
    title = "Could not queue" if failed else "Already queued"
    lines: list[str] = []
    if len(outcomes) > 1:
        lines.append(f"{len(ok)} queued, {len(already)} already queued, {len(failed)} failed.")
    # one reason per kind of failure: a dead share gives every name the same sentence
    reasons = list(dict.fromkeys(o.reason for o in failed))
    lines += reasons[:MAX_REPORTED]
    if already:
        names = ", ".join(o.machine for o in already[:MAX_REPORTED])
        more = f" and {len(already) - MAX_REPORTED} more" if len(already) > MAX_REPORTED else ""
        lines.append(
            already[0].reason
            if len(already) == 1
            else f"Already waiting in ccr.box, left as they are: {names}{more}."
        )
    if failed:
        lines.append("Nothing was left half-written; fix the cause and queue them again.")
    return QueueReport(status, title, "\n".join(lines))
