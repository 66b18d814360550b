"""Keeping the box table live: a :class:`BoxLoader` runs the incremental scanner on the
app's worker threads and applies what changed to the model in small batches.

- A scan starts when the box is set, on F5 (:meth:`BoxLoader.refresh`), on a polling
  timer (``Config.poll_seconds``: change notification is unreliable on shares) and, as a
  hint, when a ``QFileSystemWatcher`` sees the folder change (debounced). At most one scan
  is in flight; a request during a scan runs one more pass after it.
- Nothing touches the box on the GUI thread, not even the watcher: adding a watch on a
  dead share can hang, so the watcher lives on a thread of its own.
- The scanner's chunks arrive as they are read, are turned into rows on the worker
  thread, and are applied in batches of a few hundred rows within a time budget, so the GUI
  thread never holds for long, even for 50,000 files. While a pass reads, rows are applied
  at most every ``APPLY_INTERVAL``: each application repaints the table (about 13 ms for a
  full window, during which the scan waits, see :mod:`ccrgui.gui.runtime.gui_gate`), and
  applying every chunk as it came repainted 20 times per 10,000 files, a third of the load
  time.
- An unreachable box keeps the rows: :attr:`BoxLoader.offline` says why (the OS error in
  words) and :attr:`BoxLoader.last_good` when the box was last read; polling goes on, so
  the table recovers by itself when the share is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from datetime import datetime
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from ...core.scanner import BoxScanner, BoxUnreachable
from ..runtime.gui_gate import gui_gate
from ..tasks import run_task
from .model import BoxTableModel
from .rows import RowBatch, batches
from .watcher import WatchHandle

__all__ = ["BoxLoader"]

log = logging.getLogger(__name__)

APPLY_BUDGET = 0.02  # seconds of batches per turn of the event loop
APPLY_INTERVAL = 0.1  # seconds between row updates while a pass reads (the last: at once)


class _BatchRelay(QObject):
    """Lives on the GUI thread; the scan's worker thread emits its batches through it."""

    batches = Signal(int, object)  # generation, list[RowBatch]


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
        model: BoxTableModel,
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
        self._queue: deque[RowBatch] = deque()
        self._finish_pending: tuple[int, BoxUnreachable | None] | None = None
        self._rows_applied = 0.0  # perf_counter() when rows last changed in the model
        self._relay = _BatchRelay()
        self._relay.batches.connect(self._on_batches)
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
        self._watch = WatchHandle(self._debounce.start) if watch else None
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
                    relay.batches.emit(generation, batches(diff))
            except BoxUnreachable as exc:
                return generation, exc
            return generation, None

        run_task(work, self._pass_done, self._pass_failed)

    def _on_batches(self, generation: int, ready: list[RowBatch]) -> None:
        if generation != self._generation:
            return  # a pass of a box no longer shown
        self._queue.extend(ready)
        self._schedule()

    def _schedule(self) -> None:
        """Apply the queue at once when it ends the pass or holds no rows, else no sooner
        than APPLY_INTERVAL after rows last changed."""
        wait = 0.0
        if not self._queue[-1].final and any(b.has_rows for b in self._queue):
            wait = max(0.0, APPLY_INTERVAL - (time.perf_counter() - self._rows_applied))
        ms = int(wait * 1000)
        if not self._apply_timer.isActive() or ms < self._apply_timer.remainingTime():
            self._apply_timer.start(ms)

    def _apply_some(self) -> None:
        """Apply queued batches for at most APPLY_BUDGET, then let the event loop run."""
        with gui_gate:
            self._apply_batches()

    def _apply_batches(self) -> None:
        started = time.perf_counter()
        model = self.model
        while self._queue and time.perf_counter() - started < APPLY_BUDGET:
            batch = self._queue.popleft()
            if batch.has_rows:
                self._rows_applied = started
                model.apply(batch)
            if batch.total:
                self.progress.emit(batch.done, batch.total)
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
