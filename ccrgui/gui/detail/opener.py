"""Every way a ``.ccr`` file reaches the app, leading to one place: a detail window.

- files on the command line, and those a second ``ccrgui`` hands over (single instance);
- drag and drop onto the main window;
- macOS: a double-click in Finder arrives as ``QEvent.FileOpen`` on the application;
- a double-click in the file manager, once the file type is registered (Settings).

:class:`FileOpener` opens each file in a :class:`~ccrgui.gui.detail.window.DetailWindow`
(or raises the one already showing it): the one list of open detail windows. Their
requests (resubmit, open site) come out of its signals.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import partial

from PySide6.QtCore import QEvent, QMetaMethod, QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFileOpenEvent
from PySide6.QtWidgets import QWidget

from ...core.ccr import CcrRecord
from ...core.filetype import EXTENSION
from ...core.site import path_key
from ..preferences import Preferences
from .window import DetailWindow

__all__ = ["FileOpener", "ccr_paths_from_urls"]


def ccr_paths_from_urls(urls: Iterable[object]) -> list[str]:
    """The local ``.ccr`` files among dropped URLs (QUrl objects)."""
    found = []
    for url in urls:
        if getattr(url, "isLocalFile", lambda: False)():
            path = url.toLocalFile()  # type: ignore[attr-defined]
            if path.casefold().endswith(EXTENSION):
                found.append(os.path.abspath(path))
    return found


class FileOpener(QObject):
    """Opens files in detail windows owned by ``window`` (usually the main window).

    Signals: ``resubmit_requested(record, detail_window)``, ``open_site_requested(root)``
    and ``check_requested(detail_window, machine)`` pass on the detail windows' requests;
    a window opened while nothing is connected to one of them has that action disabled.
    """

    resubmit_requested = Signal(object, object)
    open_site_requested = Signal(str)
    check_requested = Signal(object, str)  # (detail window, machine)

    def __init__(self, window: QWidget | None = None, prefs: Preferences | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._prefs = prefs
        self.windows: dict[str, DetailWindow] = {}

    # ---------------------------------------------------------------- opening
    def open_files(self, paths: Sequence[str]) -> list[DetailWindow]:
        """Show each file (reading happens off the GUI thread); returns the windows."""
        opened = []
        for path in paths:
            key = path_key(path)
            win = self.windows.get(key)
            if win is None:
                win = self._new_window(os.path.abspath(path), key)
            else:
                win.reload()
            win.show()
            win.setWindowState(win.windowState() & ~Qt.WindowState.WindowMinimized)
            win.raise_()
            win.activateWindow()
            opened.append(win)
        return opened

    def _new_window(self, path: str, key: str) -> DetailWindow:
        win = DetailWindow(CcrRecord(file=path), self._window, self._prefs)
        win.setWindowFlag(Qt.WindowType.Window, True)  # its own top-level window
        if self._listened(self.resubmit_requested):
            win.resubmit_requested.connect(partial(self._resubmit, win))
        else:
            win.resubmit_action.setEnabled(False)
            win.resubmit_action.setToolTip("Resubmit from the main window's retry table")
        if self._listened(self.open_site_requested):
            win.open_site_requested.connect(self.open_site_requested)
        else:
            win.open_site_action.setEnabled(False)
        if self._listened(self.check_requested):
            win.check_requested.connect(partial(self._check, win))
        else:
            win.check_action.setEnabled(False)
            win.reach_panel.button.setEnabled(False)
        win.destroyed.connect(partial(self._forget, key))
        self.windows[key] = win
        return win

    def _listened(self, signal: SignalInstance) -> bool:
        return self.isSignalConnected(QMetaMethod.fromSignal(signal))

    def _resubmit(self, win: DetailWindow, record: CcrRecord) -> None:
        self.resubmit_requested.emit(record, win)

    def _check(self, win: DetailWindow, machine: str) -> None:
        self.check_requested.emit(win, machine)

    def _forget(self, key: str, _obj: object = None) -> None:
        self.windows.pop(key, None)

    # ---------------------------------------------------------------- drag and drop
    def accept_drops_on(self, widget: QWidget) -> None:
        """Let ``.ccr`` files dropped on ``widget`` open in detail windows."""
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    # ---------------------------------------------------------------- macOS Finder
    def handle_file_open_events(self, app: QObject) -> None:
        """Open files the OS sends to the application (``QEvent.FileOpen``)."""
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file() or event.url().toLocalFile()
            if path:
                self.open_files([path])
                return True
        elif kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
            event, QDragEnterEvent | QDropEvent
        ):
            if ccr_paths_from_urls(event.mimeData().urls()):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            paths = ccr_paths_from_urls(event.mimeData().urls())
            if paths:
                event.acceptProposedAction()
                self.open_files(paths)
                return True
        return super().eventFilter(watched, event)
