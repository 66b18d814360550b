"""A site's inboxes: the folder (local or UNC share) that holds ``ccr.box`` and
``ccrretry.box``. Box names are matched case-insensitively (``CcrRetry.Box``).

Opening a site touches the disk or network, which can hang on a dead share: the GUI calls
these functions off its thread.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

__all__ = [
    "PENDING_BOX",
    "RETRY_BOX",
    "BoxKind",
    "Site",
    "SiteError",
    "explain_os_error",
    "open_site",
    "path_key",
    "same_path",
]

PENDING_BOX = "ccr.box"
RETRY_BOX = "ccrretry.box"
INBOXES = "inboxes"
_BOX_NAMES = (PENDING_BOX, RETRY_BOX)  # a box given where its site was meant


class BoxKind(StrEnum):
    """A site's two boxes: what failed (``ccrretry.box``) and what is queued (``ccr.box``)."""

    RETRY = "retry"
    PENDING = "pending"

    @property
    def folder_name(self) -> str:
        return RETRY_BOX if self is BoxKind.RETRY else PENDING_BOX

    @classmethod
    def of_folder(cls, name: str) -> BoxKind | None:
        """The kind of box a folder named ``name`` is (case-insensitive), or None."""
        folded = name.casefold()
        return cls.RETRY if folded == RETRY_BOX else cls.PENDING if folded == PENDING_BOX else None


def path_key(path: str | os.PathLike[str]) -> str:
    """One key per file or folder, however it was spelt (relative, ``..``, letter case on
    Windows): "is this the same file?" everywhere asks this."""
    return os.path.normcase(os.path.abspath(path))


def same_path(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    return path_key(a) == path_key(b)


class SiteError(Exception):
    """A site that cannot be used; the message says what is wrong and what to check."""


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    root: Path  # the inbox root: holds ccr.box and ccrretry.box
    pending: Path  # ccr.box
    retry: Path  # ccrretry.box
    sandbox: bool = False

    def box(self, which: BoxKind | str) -> Path:
        """The folder of box ``which`` (a BoxKind, or its value)."""
        if which == BoxKind.PENDING:
            return self.pending
        if which == BoxKind.RETRY:
            return self.retry
        raise ValueError(f"unknown box {which!r}: use 'retry' or 'pending'")

    @property
    def label(self) -> str:
        return f"{self.name} (sandbox)" if self.sandbox else self.name


def find_child(folder: Path, name: str) -> Path | None:
    """``folder/name`` compared case-insensitively, or None. Raises OSError on I/O errors."""
    exact = folder / name
    if exact.is_dir():
        return exact
    want = name.casefold()
    with os.scandir(folder) as it:
        for entry in it:
            if entry.name.casefold() == want and entry.is_dir():
                return Path(entry.path)
    return None


def open_site(
    root: str | os.PathLike[str], name: str | None = None, *, sandbox: bool = False
) -> Site:
    """Find the boxes under ``root``. Accepts the inbox root itself, or a folder above it
    that has an ``inboxes`` folder (e.g. ``\\\\SERVER\\SMS_ABC``). Never creates anything.
    """
    given = Path(root)
    try:
        if not given.exists():
            raise SiteError(
                f"The site folder {given} cannot be found. Check the path, that the server "
                "is up and that the share is reachable from here."
            )
        if not given.is_dir():
            raise SiteError(f"{given} is a file, not a folder: give the site's inboxes folder.")
        base = given
        pending = find_child(base, PENDING_BOX)
        if pending is None:
            inboxes = find_child(base, INBOXES)
            if inboxes is not None:
                base = inboxes
                pending = find_child(base, PENDING_BOX)
        retry = find_child(base, RETRY_BOX)
    except OSError as exc:
        raise SiteError(explain_os_error(exc, f"open the site folder {given}")) from exc
    missing = [n for n, p in ((PENDING_BOX, pending), (RETRY_BOX, retry)) if p is None]
    if missing or pending is None or retry is None:
        if given.name.casefold() in _BOX_NAMES:
            raise SiteError(
                f"{given} is a box, not a site: give the folder that holds it, "
                f"{given.parent}, as the site."
            )
        raise SiteError(
            f"{given} is not a site inbox folder: it has no {' and no '.join(missing)}. "
            r"Point ccrgui at the site's inboxes folder, e.g. \\SERVER\SMS_ABC\inboxes."
        )
    return Site(name or _default_name(base), base, pending, retry, sandbox)


def _default_name(base: Path) -> str:
    parts = [p for p in base.parts if p.casefold() != INBOXES]
    return parts[-1].strip("\\/") if parts else str(base)


def explain_os_error(exc: OSError, action: str) -> str:
    """A sentence for a person: what failed, why, and what to check."""
    where = exc.filename or ""
    reason = exc.strerror or str(exc)
    hint = ""
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = " Check that your account may write to the share and the folder is not read-only."
    elif isinstance(exc, FileNotFoundError):
        hint = " The folder may have been moved, or the share is offline."
    elif exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ETIMEDOUT, errno.EIO) or (
        getattr(exc, "winerror", None) in (53, 64, 67, 1231)
    ):
        hint = " The server or share is unreachable: check the network and that the server is up."
    elif exc.errno == errno.ENOSPC:
        hint = " The disk holding the inbox is full."
    detail = f" ({where})" if where and str(where) not in action else ""
    return f"Could not {action}: {reason}{detail}.{hint}"
