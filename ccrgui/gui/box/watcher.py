"""Change notification for a box folder: a hint to read it again, never the only way.

Adding a watch on a dead share can hang, so the ``QFileSystemWatcher`` lives on a thread
of its own; the GUI thread asks it through queued calls. A folder deleted or renamed
away drops its watch; :class:`WatchHandle` says so (``watching("")``) and the loader
watches the folder again after its next good pass.
"""

from __future__ import annotations

import atexit
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import (
    Q_ARG,
    QCoreApplication,
    QFileSystemWatcher,
    QMetaObject,
    QObject,
    Qt,
    QThread,
    Signal,
    Slot,
)

__all__ = ["WatchHandle"]


class _Watcher(QObject):
    """Owns a QFileSystemWatcher on its own thread (adding a path can block on a share)."""

    changed = Signal()
    watching = Signal(str)  # the folder now watched ("" when none)

    def __init__(self) -> None:
        super().__init__()
        self._fsw: QFileSystemWatcher | None = None

    @Slot(str)
    def watch(self, path: str) -> None:
        if self._fsw is None:
            self._fsw = QFileSystemWatcher(self)
            self._fsw.directoryChanged.connect(self._changed)
        old = self._fsw.directories()
        if old:
            self._fsw.removePaths(old)
        # addPath is False when it cannot watch: polling still runs
        self.watching.emit(path if path and self._fsw.addPath(path) else "")

    @Slot()
    def retire(self) -> None:
        """Stop watching and hand this object back to the GUI thread to be deleted there.

        Runs on the watcher thread inside Python, so the GIL is held while the
        QFileSystemWatcher is destroyed. A plain ``deleteLater`` ran the destructor from the
        event loop without the GIL: ``~QObject`` locks Qt's signal-slot mutex, then asks
        Python for overrides and waits for the GIL, while the GUI thread, holding the GIL,
        waits for that mutex in ``connect`` (seen as a hung test run)."""
        if self._fsw is not None:
            fsw, self._fsw = self._fsw, None
            shiboken6.delete(fsw)
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())

    def _changed(self, path: str) -> None:
        assert self._fsw is not None
        if path not in self._fsw.directories():
            # the folder itself went (deleted, renamed): the watch died with it
            self.watching.emit("")
        self.changed.emit()


_thread: QThread | None = None  # one watcher thread for the whole app


def _watcher_thread() -> QThread:
    global _thread
    if _thread is None:
        _thread = QThread()
        _thread.setObjectName("ccrgui-watcher")
        _thread.start()
    return _thread


@atexit.register
def _stop_watcher_thread() -> None:
    global _thread
    if _thread is not None:
        _thread.quit()
        _thread.wait(2000)
        _thread = None


# A stopped watcher retires on its own thread (its file watcher destroyed there, with the
# GIL held), moves itself to the GUI thread and waits here to be deleted on the GUI thread.
_retired: list[_Watcher] = []


def _prune_retired() -> None:
    """Delete, on the GUI thread, the retired watchers that are back on it."""
    app = QCoreApplication.instance()
    gui = app.thread() if app is not None else None
    keep: list[_Watcher] = []
    for w in _retired:
        if not shiboken6.isValid(w):
            continue
        if gui is not None and w.thread() is gui:
            shiboken6.delete(w)
        else:
            keep.append(w)
    _retired[:] = keep


class WatchHandle(QObject):
    """A watcher on the watcher thread. ``watch(path)`` from the GUI thread; ``on_change``
    is called on the GUI thread; ``watching(path)`` says what is watched ("" none)."""

    watching = Signal(str)

    def __init__(self, on_change: Callable[[], None]) -> None:
        super().__init__()
        _prune_retired()
        self.watcher = _Watcher()
        self.watcher.moveToThread(_watcher_thread())
        self._on_change = on_change
        self._stopped = False
        self.watcher.changed.connect(self._changed)
        self.watcher.watching.connect(self._watching)

    @Slot()
    def _changed(self) -> None:
        if not self._stopped:
            self._on_change()

    @Slot(str)
    def _watching(self, path: str) -> None:
        if not self._stopped:
            self.watching.emit(path)

    def watch(self, path: Path | None) -> None:
        if not self._stopped:
            self._ask(str(path) if path else "")

    def _ask(self, path: str) -> None:
        """Run ``watcher.watch(path)`` on the watcher's thread (in order of asking)."""
        if not shiboken6.isValid(self.watcher):
            return  # the interpreter is shutting down
        QMetaObject.invokeMethod(
            self.watcher, "watch", Qt.ConnectionType.QueuedConnection, Q_ARG(str, path)
        )

    def stop(self) -> None:
        """Watch nothing: the watcher is deleted on its own thread."""
        if self._stopped or not shiboken6.isValid(self):
            return
        self._stopped = True
        self.watcher.changed.disconnect(self._changed)
        self.watcher.watching.disconnect(self._watching)
        if shiboken6.isValid(self.watcher):
            # after the queued watch requests; deleted on the GUI thread by a later prune
            QMetaObject.invokeMethod(self.watcher, "retire", Qt.ConnectionType.QueuedConnection)
            _retired.append(self.watcher)
        _prune_retired()
