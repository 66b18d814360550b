"""A detail window's **History** tab: what the site server's ``ccm.log`` says about this
machine, attempt by attempt (newest first: when, outcome, the error decoded, the request),
and the raw lines of the chosen attempt one click away.

The log is read off the GUI thread by :class:`~ccrgui.core.machinelog.MachineLog`, in
chunks (a 100 MB log is never held whole); the machine's entries arrive as they are found
and the list fills while the rest is read. While the tab lives, the log is read on from
where it stopped every ``TAIL_SECONDS``, so a resubmitted request's next attempt appears.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.ccmlog import LogEntry
from ...core.errors import describe, display_code
from ...core.machinelog import Attempt, MachineLog, Outcome, group_attempts
from ..tasks import Worker

__all__ = ["HistoryView", "attempt_row"]

TAIL_SECONDS = 10.0
REBUILD_MS = 250  # at most this often while entries stream in
# smaller than the core's default: the search of one chunk holds the GIL, and the GUI
# thread waits for it (4 MB chunks: about 85 ms stalls; bench/bench_history_gui.py)
CHUNK_BYTES = 512 * 1024
_FAILED = {Outcome.FAILED, Outcome.RETRY, Outcome.GAVE_UP}


def attempt_row(a: Attempt) -> list[str]:
    """When, outcome, error (as written, hex, name and words), request, lines."""
    code = a.error_code
    error = "" if code is None else f"{display_code(code)}: {describe(code).message}"
    when = a.time.strftime("%Y-%m-%d %H:%M:%S") if a.time else "?"
    request = "(lines naming it)" if a.request_id is None else a.request_id
    return [when, str(a.outcome), error, request, str(len(a.entries))]


class _Found:
    """Entries found on the worker, taken by the GUI thread as they come."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[LogEntry] = []

    def put(self, items: list[LogEntry]) -> None:
        with self._lock:
            self._items.extend(items)

    def take(self) -> list[LogEntry]:
        with self._lock:
            items, self._items = self._items, []
        return items


class HistoryView(QWidget):
    """One machine's attempts from ccm.log. :meth:`show_machine` chooses the machine and
    the log; ``finished()`` after each complete read (the first and every tail)."""

    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.machine = ""
        self.log: Path | None = None
        self.entries: list[LogEntry] = []
        self.attempts: list[Attempt] = []
        self._reader: MachineLog | None = None
        self._worker: Worker | None = None
        self._found = _Found()
        self._build()
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(REBUILD_MS)
        self._rebuild_timer.timeout.connect(self._rebuild)
        self._tail_timer = QTimer(self)
        self._tail_timer.setInterval(int(TAIL_SECONDS * 1000))
        self._tail_timer.timeout.connect(self._read)

    def _build(self) -> None:
        self.status = QLabel("No machine")
        self.status.setObjectName("historyStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("Choose ccm.log…")
        self.choose_button.setObjectName("chooseLogButton")
        self.choose_button.setToolTip("Read another ccm.log (or a copy out of CMTrace)")
        self.choose_button.clicked.connect(self.choose_log)
        self.reload_button = QPushButton("Read again")
        self.reload_button.setObjectName("reloadHistoryButton")
        self.reload_button.clicked.connect(self.reload)
        head = QHBoxLayout()
        head.addWidget(self.status, 1)
        head.addWidget(self.reload_button)
        head.addWidget(self.choose_button)

        self.tree = QTreeWidget()
        self.tree.setObjectName("attemptsTree")
        self.tree.setHeaderLabels(["When", "Outcome", "Error", "Request", "Lines"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        for col, width in enumerate((140, 120, 430, 100)):
            self.tree.setColumnWidth(col, width)
        self.tree.setAccessibleName("Attempts from ccm.log")
        self.tree.currentItemChanged.connect(self._show_raw)

        self.raw = QPlainTextEdit()
        self.raw.setObjectName("attemptRaw")
        self.raw.setReadOnly(True)
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.raw.setPlaceholderText("Choose an attempt to see its lines as ccm.log has them")
        self.raw.setAccessibleName("The attempt's lines in ccm.log")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.raw)
        splitter.setSizes([300, 200])
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)

    # ---------------------------------------------------------------- reading
    def show_machine(self, machine: str, log: Path | None, why: str = "") -> None:
        """Read ``log`` for ``machine`` (again from the start). ``log`` None: say ``why``."""
        if machine == self.machine and log == self.log and self._reader is not None:
            return  # the same: the tail keeps it current
        self.stop()
        self.machine, self.log = machine, log
        self.entries, self.attempts = [], []
        self._reader = None
        self.tree.clear()
        self.raw.clear()
        if not machine:
            self.status.setText("The file names no machine, so there is no history to show.")
            return
        if log is None:
            self.status.setText(why or "Where this site's ccm.log is, is not known.")
            return
        try:
            self._reader = MachineLog(log, machine, chunk_size=CHUNK_BYTES)
        except ValueError as exc:
            self.status.setText(f"No history: {exc}")
            return
        self._read()

    def reload(self) -> None:
        """Read the whole log again."""
        machine, log = self.machine, self.log
        self.machine = ""
        self.show_machine(machine, log)

    def choose_log(self) -> QFileDialog:
        start = str(self.log.parent) if self.log else ""
        dlg = QFileDialog(self, "Choose ccm.log", start, "Logs (*.log *.lo_ *.txt);;All files (*)")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
        dlg.fileSelected.connect(self._log_chosen)
        dlg.open()
        self._dialog = dlg
        return dlg

    def _log_chosen(self, path: str) -> None:
        self.show_machine(self.machine, Path(path))

    def stop(self) -> None:
        """No more reading (the window closes, or another log is chosen)."""
        self._tail_timer.stop()
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None

    def _read(self) -> None:
        reader = self._reader
        if reader is None or self._worker is not None:
            return
        found = self._found = _Found()

        def work(report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> None:
            for batch in reader.read(every_chunk=True):
                found.put(batch)
                report(reader.done_bytes, reader.total_bytes)
                if cancelled():
                    return
            report(reader.done_bytes, reader.total_bytes)

        worker = Worker(work, self)
        worker.progress.connect(partial(self._progress, worker))
        worker.finished.connect(partial(self._done, worker))
        worker.failed.connect(partial(self._failed, worker))
        self._worker = worker
        if not self.entries:
            self.status.setText(f"Reading {self.log}…")
        worker.start()

    def _progress(self, worker: Worker | None, done: int, total: int) -> None:
        if worker is not self._worker:
            return  # a read that was stopped
        new = self._found.take()
        if new:
            self.entries.extend(new)
            if not self._rebuild_timer.isActive():
                self._rebuild_timer.start()
        if total and not self._tail_timer.isActive():
            self.status.setText(f"Reading {self.log}… {min(100, done * 100 // total)}%")

    def _done(self, worker: Worker, _result: Any) -> None:
        if worker is not self._worker:
            return
        self._progress(worker, 0, 0)
        self._worker = None
        self._rebuild()
        n = len(self.attempts)
        where = f"in {self.log}"
        if n:
            self.status.setText(f"{n} attempt(s) for {self.machine} {where}, newest first.")
        else:
            self.status.setText(f"Nothing about {self.machine} {where} (yet).")
        self._tail_timer.start()
        self.finished.emit()

    def _failed(self, worker: Worker, exc: object) -> None:
        if worker is not self._worker:
            return
        self._worker = None
        self._reader = None  # read from the start once it can be read
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        if isinstance(exc, FileNotFoundError):
            text = f"No ccm.log at {self.log}. Choose the log, or set it in the site's settings."
        else:
            text = f"Cannot read {self.log}: {reason}"
        self.status.setText(text)
        self.finished.emit()

    # ---------------------------------------------------------------- showing
    def _rebuild(self) -> None:
        self._rebuild_timer.stop()
        current = self.tree.currentIndex().row()
        keep = self.attempts[len(self.attempts) - 1 - current] if current >= 0 else None
        self.attempts = group_attempts(self.entries)
        self.tree.clear()
        items = []
        selected = None
        for a in reversed(self.attempts):
            item = QTreeWidgetItem(attempt_row(a))
            code = a.error_code
            if code is not None:
                info = describe(code)
                item.setToolTip(
                    2, f"{item.text(2)}\n\nLikely cause: {info.cause}\nWhat to check: {info.fix}"
                )
            if a.outcome in _FAILED:
                item.setForeground(1, Qt.GlobalColor.darkRed)
            if a.entries and keep is not None and a.entries[0] is keep.entries[0]:
                selected = item
            items.append(item)
        self.tree.addTopLevelItems(items)
        if selected is not None:
            self.tree.setCurrentItem(selected)

    def _show_raw(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            return
        row = self.tree.indexOfTopLevelItem(item)
        attempt = self.attempts[len(self.attempts) - 1 - row]
        self.raw.setPlainText("\n".join(e.raw for e in attempt.entries))
