"""Read every ``*.ccr`` in a box into records. Other files (temporaries, Inproc) are ignored."""

from __future__ import annotations

import os
from pathlib import Path

from .ccr import CcrRecord, parse_file

__all__ = ["is_request_file", "list_request_files", "read_box"]


def is_request_file(name: str) -> bool:
    return name.casefold().endswith(".ccr") and not name.startswith(".")


def list_request_files(box: str | os.PathLike[str]) -> list[Path]:
    """The ``*.ccr`` files in ``box``, sorted by name. Raises OSError."""
    with os.scandir(box) as it:
        found = [Path(e.path) for e in it if is_request_file(e.name) and e.is_file()]
    return sorted(found, key=lambda p: p.name.casefold())


def read_box(box: str | os.PathLike[str]) -> list[CcrRecord]:
    """One record per request file (unreadable ones carry a problem). Raises OSError."""
    return [parse_file(p) for p in list_request_files(box)]
