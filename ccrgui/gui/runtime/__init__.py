"""What every process that shows ccrgui's widgets sets up once, after the QApplication
exists: the app, the GUI tests, the screenshot script and the GUI benchmark."""

from __future__ import annotations

from . import pyside_fixes
from .gc_guard import collect_on_gui_thread

__all__ = ["prepare"]


def prepare() -> None:
    """PySide reference-count work-arounds, and cyclic garbage collection on the GUI
    thread only (a worker thread collecting Qt objects crashes Qt). Idempotent."""
    pyside_fixes.apply()
    collect_on_gui_thread()
