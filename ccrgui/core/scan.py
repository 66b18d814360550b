"""Read every ``*.ccr`` in a box into records. Other files (temporaries, Inproc) are ignored.

:func:`read_box` is one pass of the incremental :class:`~ccrgui.core.scanner.BoxScanner`
(the GUI keeps a scanner per box and re-reads only what changed); the filters are what
``ccr list`` offers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from .ccr import CcrRecord
from .errors import same_error
from .scanner import BoxScanner, BoxUnreachable, is_request_file

__all__ = [
    "expiring_within",
    "is_request_file",
    "list_request_files",
    "read_box",
    "with_error",
]


def list_request_files(box: str | os.PathLike[str]) -> list[Path]:
    """The ``*.ccr`` files in ``box``, sorted by name. Raises OSError."""
    with os.scandir(box) as it:
        found = [Path(e.path) for e in it if is_request_file(e.name) and e.is_file()]
    return sorted(found, key=lambda p: p.name.casefold())


def read_box(box: str | os.PathLike[str], *, keep_text: bool = True) -> list[CcrRecord]:
    """One record per request file, sorted by file name (unreadable ones carry a
    problem). ``keep_text=False`` drops each record's raw text and document (a list
    needs neither: a third of the memory). Raises OSError when the box cannot be listed."""
    scanner = BoxScanner(box, keep_text=keep_text)
    try:
        scanner.scan()
    except BoxUnreachable as exc:
        raise exc.error from None
    finally:
        scanner.close()
    return scanner.records()


def with_error(records: Iterable[CcrRecord], code: int) -> list[CcrRecord]:
    """The records whose last error is ``code`` (unsigned 32-bit), or the same Win32 error
    (``5`` finds ``0x80070005`` and the other way round)."""
    return [
        r for r in records if r.last_error_code is not None and same_error(r.last_error_code, code)
    ]


def expiring_within(
    records: Iterable[CcrRecord], hours: float, now: datetime | None = None
) -> list[CcrRecord]:
    """Records the site server gives up on within ``hours`` (already expired included:
    they are deleted at its next pass). Records without an Initial Request Date have no
    known expiry and are left out."""
    limit = (now or datetime.now()) + timedelta(hours=hours)
    return [r for r in records if r.expires_at is not None and r.expires_at <= limit]
