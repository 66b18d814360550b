"""Handing things to the desktop: show a file in the file manager."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

__all__ = ["show_in_folder"]


def show_in_folder(path: str | Path) -> None:
    """Open the file manager on the file's folder (selecting the file on Windows)."""
    p = Path(path)
    if os.name == "nt":
        subprocess.Popen(["explorer", "/select,", str(p)])
        return
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(p.parent)))
