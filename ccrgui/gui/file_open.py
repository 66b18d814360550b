"""Every way a ``.ccr`` file reaches the app, leading to one place: a detail window.

- files on the command line, and those a second ``ccrgui`` hands over (single instance);
- drag and drop onto the main window;
- macOS: a double-click in Finder arrives as ``QEvent.FileOpen`` on the application.

:class:`FileOpener` opens each file in a :class:`DetailWindow` (or raises the one already
showing it) and wires the window's requests (resubmit, open site) to the main window.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFileOpenEvent
from PySide6.QtWidgets import QWidget

from ..core.ccr import CcrRecord
from ..core.filetype import EXTENSION
from .detail_window import DetailWindow

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

    ``on_resubmit(record)`` and ``on_open_site(root)`` receive the detail windows'
    requests; without them those actions stay hidden.
    """

    def __init__(
        self,
        window: QWidget | None = None,
        *,
        on_resubmit: Callable[[CcrRecord], None] | None = None,
        on_open_site: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._on_resubmit = on_resubmit
        self._on_open_site = on_open_site
        self.windows: dict[str, DetailWindow] = {}

    # ---------------------------------------------------------------- opening
    def open_files(self, paths: Sequence[str]) -> list[DetailWindow]:
        """Show each file (reading happens off the GUI thread); returns the windows."""
        opened = []
        for path in paths:
            key = os.path.normcase(os.path.abspath(path))
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
        win = DetailWindow(CcrRecord(file=path), self._window)
        win.setWindowFlag(Qt.WindowType.Window, True)  # its own top-level window
        if self._on_resubmit is not None:
            win.resubmit_requested.connect(self._on_resubmit)
        else:
            win.resubmit_action.setEnabled(False)
            win.resubmit_action.setToolTip("Resubmit from the main window's retry table")
        if self._on_open_site is not None:
            win.open_site_requested.connect(self._on_open_site)
        else:
            win.open_site_action.setEnabled(False)
        win.destroyed.connect(lambda _obj=None, k=key: self.windows.pop(k, None))
        self.windows[key] = win
        return win

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
