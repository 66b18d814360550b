"""Background work for the GUI: anything that touches the disk or the network runs on
a QThreadPool, and its result (or exception) comes back to the GUI thread as a value.

``run_task(func, on_done, on_error)`` is the whole API for one-shot work; a
:class:`Worker` adds progress and a cancel flag for long batches.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

__all__ = ["Worker", "pool", "run_task"]

log = logging.getLogger(__name__)

_pool: QThreadPool | None = None
_live: set[_Relay] = set()  # keep relays alive until their result arrives


def pool() -> QThreadPool:
    """The app's pool (a few threads: SMB round trips wait, they do not compute)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(4)
    return _pool


class _Relay(QObject):
    """Lives in the GUI thread; the worker thread emits, the GUI thread receives."""

    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Runnable(QRunnable):
    def __init__(self, func: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._func = func
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._func()
        except BaseException as exc:  # delivered to the GUI thread as a value
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


def _owner_gone(callback: Callable[..., Any]) -> bool:
    """``callback`` is a method (or a ``functools.partial`` of one) of a Qt object that
    has been deleted."""
    while isinstance(callback, partial):
        callback = callback.func
    owner = getattr(callback, "__self__", None)
    return isinstance(owner, QObject) and not shiboken6.isValid(owner)


def _default_error(exc: BaseException) -> None:
    log.error("background task failed", exc_info=(type(exc), exc, exc.__traceback__))


def run_task(
    func: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Run ``func()`` off the GUI thread; call ``on_done(result)`` or ``on_error(exc)``
    on the GUI thread. Must be called from the GUI thread."""
    relay = _Relay()
    _live.add(relay)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _live.discard(relay)
        relay.deleteLater()
        if _owner_gone(callback):
            return  # e.g. the window that asked was closed meanwhile
        callback(value)

    relay.done.connect(partial(finish, on_done))
    relay.failed.connect(partial(finish, on_error or _default_error))
    pool().start(_Runnable(func, relay))


class Worker(QObject):
    """Long work with progress and cancel.

    ``func(report, cancelled)`` runs off the GUI thread: it calls ``report(done, total)``
    as it goes and checks ``cancelled()`` between items (cancel stops after the current
    item). Signals arrive on the GUI thread.
    """

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        func: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._func = func
        self._cancel = threading.Event()
        self.running = False

    def start(self) -> None:
        relay = _Relay()
        _live.add(relay)
        relay.progress.connect(self.progress)

        def done(result: Any) -> None:
            _live.discard(relay)
            relay.deleteLater()
            if shiboken6.isValid(self):  # not when its window was closed meanwhile
                self.running = False
                self.finished.emit(result)

        def failed(exc: Any) -> None:
            _live.discard(relay)
            relay.deleteLater()
            if shiboken6.isValid(self):
                self.running = False
                self.failed.emit(exc)

        relay.done.connect(done)
        relay.failed.connect(failed)
        self.running = True
        func, cancel = self._func, self._cancel
        pool().start(_Runnable(lambda: func(relay.progress.emit, cancel.is_set), relay))

    @Slot()
    def cancel(self) -> None:
        self._cancel.set()
