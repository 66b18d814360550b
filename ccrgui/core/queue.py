"""Queue install requests: validated names → complete CCR files in the site's ccr.box.

A batch is validated first: one invalid name means nothing is written. Each file appears
atomically (see :mod:`safefs`) and a pending request is never overwritten: when
``NAME.ccr`` already waits (file names compared case-insensitively, as Windows does), the
outcome is ``already queued`` and names the file that is really there (``WKS-NEW-01.ccr``
for ``wks-new-01``). That is not a failure: the machine has a request waiting.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .activity import ActivityEntry, ActivityLog, log_entries
from .ccr import new_request, serialize
from .names import InvalidMachineName, validate_batch
from .safefs import write_new_file
from .site import Site, explain_os_error

__all__ = [
    "BatchInvalid",
    "QueueOutcome",
    "QueueStatus",
    "queue_requests",
    "read_name_list",
    "request_file_name",
]


class QueueStatus:
    QUEUED = "queued"
    ALREADY_QUEUED = "already queued"
    FAILED = "failed"


class BatchInvalid(ValueError):
    """Some names are invalid; nothing was written."""

    def __init__(self, errors: list[InvalidMachineName]) -> None:
        self.errors = errors
        lines = [f"{e.name!r}: {e.reason}" for e in errors]
        super().__init__("Invalid machine name(s), nothing was queued:\n" + "\n".join(lines))


@dataclass(frozen=True, slots=True)
class QueueOutcome:
    machine: str
    status: str
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
