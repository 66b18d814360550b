"""Where a CCR file lives: in a site's retry box, its pending box, or anywhere else, and
which configured site that is. Touches the disk (a sibling box lookup): the GUI calls it
off its thread."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .sandbox import SANDBOX_NAME, sandbox_root
from .site import BoxKind, find_child, same_path

__all__ = ["FileLocation", "locate_file"]


@dataclass(frozen=True, slots=True)
class FileLocation:
    """Where a CCR file sits: in a site's retry box, its pending box, or elsewhere."""

    box: BoxKind | None = None  # None: any other folder
    site_root: Path | None = None  # the inbox root holding both boxes
    site_name: str = ""  # the configured site's name ("" when not configured)

    @property
    def in_retry_box(self) -> bool:
        return self.box == BoxKind.RETRY

    def describe(self) -> str:
        """``In the retry box of ABC``, ``Waiting in ccr.box of a site``, "" elsewhere."""
        site = self.site_name or "a site"
        if self.box == BoxKind.RETRY:
            return f"In the retry box of {site}"
        if self.box == BoxKind.PENDING:
            return f"Waiting in ccr.box of {site}"
        return ""


def locate_file(path: str | os.PathLike[str], cfg: Config) -> FileLocation:
    """Which site box ``path`` is in. A folder named ``ccrretry.box`` beside a ``ccr.box``
    is a site's box even when that site is not configured."""
    folder = Path(path).parent
    box = BoxKind.of_folder(folder.name)
    if box is None:
        return FileLocation()
    root = folder.parent
    sibling = BoxKind.PENDING if box == BoxKind.RETRY else BoxKind.RETRY
    try:
        if find_child(root, sibling.folder_name) is None:
            return FileLocation()
    except OSError:
        return FileLocation()
    known = [(e.name, e.root) for e in cfg.sites] + [(SANDBOX_NAME, str(sandbox_root()))]
    for name, configured in known:
        if same_path(configured, root) or (
            root.name.casefold() == "inboxes" and same_path(configured, root.parent)
        ):
            return FileLocation(box, root, name)
    return FileLocation(box, root, "")
