"""Every way a ``.ccr`` file reaches the app, leading to one place: a detail window.

- files on the command line, and those a second ``ccrgui`` hands over (single instance);
- drag and drop onto the main window;
- macOS: a double-click in Finder arrives as ``QEvent.FileOpen`` on the application;
- a double-click in the file manager, once the file type is registered
  (:class:`FileTypeButtons`, in Settings).

:class:`FileOpener` opens each file in a :class:`DetailWindow` (or raises the one already
showing it) and wires the window's requests (resubmit, open site) to the main window.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFileOpenEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ..core import filetype
from ..core.ccr import CcrRecord
from ..core.filetype import EXTENSION
from .detail_window import DetailWindow
from .tasks import run_task

__all__ = ["FileOpener", "FileTypeButtons", "ccr_paths_from_urls"]


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


class FileTypeButtons(QWidget):
    """The settings dialog's "Register .ccr file type" and "Unregister" buttons, with the
    outcome in words. The work (files, desktop databases, registry) runs off the GUI thread."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register_button = QPushButton("Register .ccr file type")
        self.register_button.setObjectName("registerFileTypeButton")
        self.register_button.setToolTip(
            f"Make ccrgui the program that opens {EXTENSION} files for your account"
        )
        self.unregister_button = QPushButton("Unregister")
        self.unregister_button.setObjectName("unregisterFileTypeButton")
        self.unregister_button.setToolTip("Remove exactly what registering added")
        self.status = QLabel()
        self.status.setObjectName("fileTypeStatus")
        self.status.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.register_button)
        layout.addWidget(self.unregister_button)
        layout.addWidget(self.status, 1)
        self.register_button.clicked.connect(lambda: self._run(filetype.register, "Registered"))
        self.unregister_button.clicked.connect(
            lambda: self._run(filetype.unregister, "Unregistered")
        )

    def _run(self, work: Callable[[], filetype.Registration], done: str) -> None:
        self.register_button.setEnabled(False)
        self.unregister_button.setEnabled(False)
        self.status.setText("Working…")
        finished = partial(self._finished, done=done)
        run_task(work, finished, finished)

    def _finished(self, result: filetype.Registration | BaseException, done: str) -> None:
        self.register_button.setEnabled(True)
        self.unregister_button.setEnabled(True)
        if isinstance(result, filetype.FileTypeError | OSError):
            self.status.setText(f"Failed: {result}")
        elif isinstance(result, BaseException):
            self.status.setText(f"Failed unexpectedly: {result!r}")
        else:
            notes = "; ".join(n for n in result.notes if n.startswith("note:"))
            self.status.setText(f"{done} the {EXTENSION} file type. {notes}".strip())
