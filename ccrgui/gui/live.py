"""Keeping the box table live: a :class:`BoxLoader` runs the incremental scanner on the
app's worker threads and applies what changed to the model in small steps.

- A scan starts when the box is set, on F5 (:meth:`BoxLoader.refresh`), on a polling
  timer (``Config.poll_seconds``: change notification is unreliable on shares) and, as a
  hint, when a ``QFileSystemWatcher`` sees the folder change (debounced). At most one scan
  is in flight; a request during a scan runs one more pass after it.
- Nothing touches the box on the GUI thread, not even the watcher: adding a watch on a
  dead share can hang, so the watcher lives on a thread of its own.
- The scanner's chunks arrive as they are read, are turned into rows on the worker
  thread, and are applied in steps of a few hundred rows within a time budget, so the GUI
  thread never holds for long, even for 50,000 files. While a pass reads, rows are applied
  at most every ``APPLY_INTERVAL``: each application repaints the table (about 13 ms for a
  full window, during which the scan waits, see :class:`GuiGate`), and applying every
  chunk as it came repainted 20 times per 10,000 files, a third of the load time.
- An unreachable box keeps the rows: :attr:`BoxLoader.offline` says why (the OS error in
  words) and :attr:`BoxLoader.last_good` when the box was last read; polling goes on, so
  the table recovers by itself when the share is back.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import shiboken6
from PySide6.QtCore import (
    Q_ARG,
    QFileSystemWatcher,
    QMetaObject,
    QObject,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)

from ..core.scanner import BoxScanner, BoxUnreachable, ScanDiff
from .retry_model import RetryTableModel, Row
from .tasks import run_task

__all__ = ["BoxLoader", "GuiGate", "Step", "gui_gate"]

log = logging.getLogger(__name__)

STEP_ROWS = 500  # rows per step applied on the GUI thread
STEP_BUDGET = 0.02  # seconds of steps per turn of the event loop
APPLY_INTERVAL = 0.1  # seconds between row updates while a pass reads (the last: at once)


@dataclass(slots=True)
class Step:
    """One slice of a scan's changes, ready for the model (built off the GUI thread)."""

    removed: list[str]
    changed: list[Row]
    added: list[Row]
    done: int
    total: int
    final: bool = False


def _steps(diff: ScanDiff) -> list[Step]:
    """Cut a scanner chunk into steps of at most STEP_ROWS rows each; build the rows."""
    steps = [
        Step(diff.removed[i : i + STEP_ROWS], [], [], diff.done, diff.total)
        for i in range(0, len(diff.removed), STEP_ROWS)
    ]
    for i in range(0, len(diff.changed), STEP_ROWS):
        steps.append(
            Step([], [Row(f) for f in diff.changed[i : i + STEP_ROWS]], [], diff.done, diff.total)
        )
    for i in range(0, len(diff.added), STEP_ROWS):
        steps.append(
            Step([], [], [Row(f) for f in diff.added[i : i + STEP_ROWS]], diff.done, diff.total)
        )
    if not steps:
        steps.append(Step([], [], [], diff.done, diff.total))
    steps[-1].final = diff.final
    return steps


class GuiGate:
    """Lets a worker thread step aside while the GUI thread runs Python-heavy work.

    Two threads running Python share one GIL. While a scan parses on a worker thread,
    each Python call the GUI thread makes (every ``data()`` of a repaint, thousands of
    them) first waits for the worker to let go of the GIL: a 10k load froze the window for
    300 ms at a time, whatever the switch interval. So the GUI thread closes this gate
    around such work (applying rows, painting the table) and the worker, which checks it
    between files, waits until it opens again. The GUI thread then has the GIL to itself.
    A gate closed for longer than ``patience`` no longer holds the worker back.
    """

    def __init__(self, patience: float = 0.1) -> None:
        self._open = threading.Event()
        self._open.set()
        self._depth = 0  # GUI thread only
        self.patience = patience

    def close(self) -> None:
        self._depth += 1
        self._open.clear()

    def open(self) -> None:
        self._depth = max(0, self._depth - 1)
        if not self._depth:
            self._open.set()

    def __enter__(self) -> GuiGate:
        self.close()
        return self

    def __exit__(self, *exc: object) -> None:
        self.open()

    def pause(self) -> None:
        """Called by the worker between files: wait while the GUI thread is busy."""
        if not self._open.is_set():
            self._open.wait(self.patience)


gui_gate = GuiGate()  # one GUI thread, one gate


class _ChunkRelay(QObject):
    """Lives on the GUI thread; the scan's worker thread emits its steps through it."""

    steps = Signal(int, object)  # generation, list[Step]


# --------------------------------------------------------------------------- watcher


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


# Watchers are never destroyed, only reused: a QObject subclass made in Python is asked
# for its Python overrides (disconnectNotify) whenever a receiver of its signals dies, and
# a watcher deleted on its own thread while the GUI thread drops the last reference to it
# left PySide looking up a freed object (a crash seen at exit of a window).
_watchers: list[_Watcher] = []  # every watcher made: keeps their Python objects alive
_idle: list[_Watcher] = []  # watchers whose handle stopped, watching nothing


class _WatchHandle(QObject):
    """A watcher on the watcher thread. ``watch(path)`` from the GUI thread; ``on_change``
    is called on the GUI thread; ``watching(path)`` says what is watched ("" none)."""

    watching = Signal(str)

    def __init__(self, on_change: Callable[[], None]) -> None:
        super().__init__()
        if _idle:
            self.watcher = _idle.pop()
        else:
            self.watcher = _Watcher()
            self.watcher.moveToThread(_watcher_thread())
            _watchers.append(self.watcher)
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
        """Watch nothing and hand the watcher back for the next handle."""
        if self._stopped or not shiboken6.isValid(self):
            return
        self._stopped = True
        self._ask("")  # queued: runs before any later handle's request
        self.watcher.changed.disconnect(self._changed)
        self.watcher.watching.disconnect(self._watching)
        _idle.append(self.watcher)


# --------------------------------------------------------------------------- loader


class BoxLoader(QObject):
    """Keeps ``model`` in step with one box folder (see the module docstring).

    Signals: ``progress(done, total)`` while a pass reads files (0, 0 when idle);
    ``state_changed()`` when offline/online or the last good scan time changes;
    ``scan_finished()`` when a pass is complete and all its rows are applied.
    """

    progress = Signal(int, int)
    state_changed = Signal()
    scan_finished = Signal()

    def __init__(
        self,
        model: RetryTableModel,
        parent: QObject | None = None,
        *,
        poll_seconds: float = 10.0,
        debounce_ms: int = 400,
        watch: bool = True,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.box: Path | None = None
        self.offline: BoxUnreachable | None = None
        self.last_good: datetime | None = None
        self.scanning = False  # a pass is in flight or its rows are being applied
        self.passes = 0  # completed passes of this box (tests wait on it)
        self._generation = 0
        self._scanner: BoxScanner | None = None
        self._cancel = threading.Event()
        self._in_flight = False
        self._again = False
        self._first_pass = True
        self._queue: deque[Step] = deque()
        self._finish_pending: tuple[int, BoxUnreachable | None] | None = None
        self._rows_applied = 0.0  # perf_counter() when rows last changed in the model
        self._relay = _ChunkRelay()
        self._relay.steps.connect(self._on_steps)
        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(0)
        self._apply_timer.timeout.connect(self._apply_some)
        self._poll = QTimer(self)
        self._poll.timeout.connect(self.refresh)
        self.set_poll_seconds(poll_seconds)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.refresh)
        self._watching: Path | None = None
        self._watched_folder: tuple[int, int] | None = None
        self.watched: Path | None = None  # what change notification covers (None: polling)
        self._watch = _WatchHandle(self._debounce.start) if watch else None
        if self._watch is not None:
            self._watch.watching.connect(self._watched)

    # ------------------------------------------------------------------ control
    def _watched(self, path: str) -> None:
        self.watched = Path(path) if path else None
        if not path:
            self._watching = None  # the next good pass watches the box (again)

    def set_poll_seconds(self, seconds: float) -> None:
        self._poll.setInterval(max(1000, int(seconds * 1000)))

    @property
    def poll_seconds(self) -> float:
        """How often the box is read without being asked."""
        return self._poll.interval() / 1000

    def set_box(self, box: Path | None) -> None:
        """Show ``box`` (None: nothing). The old rows go; the first pass starts now."""
        self._generation += 1
        self._cancel.set()  # a pass of the old box stops at its next file
        self._cancel = threading.Event()
        if self._scanner is not None:
            self._scanner.close()
        self._scanner = None if box is None else BoxScanner(box, keep_text=False)
        self.box = box
        self.offline = None
        self.last_good = None
        self.passes = 0
        self._in_flight = self._again = False
        self._first_pass = True
        self._queue.clear()
        self._finish_pending = None
        self._rows_applied = 0.0
        self._set_scanning(False)
        self.model.clear()
        self.state_changed.emit()
        if box is None:
            self._poll.stop()
            if self._watch is not None and self._watching is not None:
                self._watch.watch(None)
                self._watching = None
            return
        self._poll.start()
        self.refresh()

    def refresh(self) -> None:
        """Read the box again now (or right after the pass in flight)."""
        if self._scanner is None:
            return
        if self._in_flight or self._queue or self._finish_pending is not None:
            self._again = True
            return
        self._start()

    def stop(self) -> None:
        """No more scans or watching (the widget is going away)."""
        if not shiboken6.isValid(self):
            return
        self.set_box(None)
        if self._watch is not None:
            self._watch.stop()
            self._watch = None

    # ------------------------------------------------------------------ a pass
    def _start(self) -> None:
        scanner, generation, cancel, relay = (
            self._scanner,
            self._generation,
            self._cancel,
            self._relay,
        )
        gate = gui_gate

        def cancelled() -> bool:
            gate.pause()
            return cancel.is_set()

        assert scanner is not None
        self._in_flight = True
        self._again = False
        self._set_scanning(True)
        if self._first_pass:
            self.model.defer_sort(True)  # sort once when the first pass is in

        def work() -> tuple[int, BoxUnreachable | None]:
            try:
                for diff in scanner.iter_scan(cancelled=cancelled):
                    relay.steps.emit(generation, _steps(diff))
            except BoxUnreachable as exc:
                return generation, exc
            return generation, None

        run_task(work, self._pass_done, self._pass_failed)

    def _on_steps(self, generation: int, steps: list[Step]) -> None:
        if generation != self._generation:
            return  # a pass of a box no longer shown
        self._queue.extend(steps)
        self._schedule()

    def _schedule(self) -> None:
        """Apply the queue at once when it ends the pass or holds no rows, else no sooner
        than APPLY_INTERVAL after rows last changed."""
        wait = 0.0
        if not self._queue[-1].final and any(
            s.removed or s.changed or s.added for s in self._queue
        ):
            wait = max(0.0, APPLY_INTERVAL - (time.perf_counter() - self._rows_applied))
        ms = int(wait * 1000)
        if not self._apply_timer.isActive() or ms < self._apply_timer.remainingTime():
            self._apply_timer.start(ms)

    def _apply_some(self) -> None:
        """Apply queued steps for at most STEP_BUDGET, then let the event loop run."""
        with gui_gate:
            self._apply_steps()

    def _apply_steps(self) -> None:
        started = time.perf_counter()
        model = self.model
        while self._queue and time.perf_counter() - started < STEP_BUDGET:
            step = self._queue.popleft()
            if step.removed or step.changed or step.added:
                self._rows_applied = started
            if step.removed:
                model.remove_files(step.removed)
            if step.changed:
                model.update_files(step.changed)
            if step.added:
                model.add_files(step.added)
            if step.total:
                self.progress.emit(step.done, step.total)
        if self._queue:
            self._apply_timer.start(0)  # the rest of a backlog: next turn
        elif self._finish_pending is not None:
            self._finish(*self._finish_pending)

    def _pass_done(self, result: tuple[int, BoxUnreachable | None]) -> None:
        generation, error = result
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self._in_flight = False
        self._finish_pending = (generation, error)
        if not self._queue:
            self._finish(generation, error)

    def _pass_failed(self, exc: BaseException) -> None:
        """A bug in the scan (not an unreachable box): log it, keep the rows, go on."""
        log.error("scanning the box failed", exc_info=(type(exc), exc, exc.__traceback__))
        if not shiboken6.isValid(self):
            return
        self._in_flight = False
        self._finish_pending = None
        self._set_scanning(False)
        self.model.defer_sort(False)
        if self._again:
            self._start()

    def _finish(self, generation: int, error: BoxUnreachable | None) -> None:
        self._finish_pending = None
        if generation != self._generation:
            return
        self.model.defer_sort(False)
        self._first_pass = False
        scanner = self._scanner
        was_offline = self.offline is not None
        self.offline = error
        if error is None and scanner is not None and scanner.last_good_scan is not None:
            self.last_good = datetime.fromtimestamp(scanner.last_good_scan)
            folder = scanner.folder_id
            if self._watch is not None and (
                was_offline or self._watching != self.box or folder != self._watched_folder
            ):
                self._watching = self.box
                self._watched_folder = folder
                self._watch.watch(self.box)  # (again) after a recovery or a new folder
        self.passes += 1
        self._set_scanning(False)
        self.state_changed.emit()
        self.scan_finished.emit()
        if self._again:
            self._start()

    def _set_scanning(self, scanning: bool) -> None:
        self.scanning = scanning
        if not scanning:
            self.progress.emit(0, 0)
