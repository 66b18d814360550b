"""Check from the GUI: does a machine answer now? (name resolution, then SMB 445 and RPC
135, as :mod:`ccrgui.core.reach` does for ``ccr check``).

- **Check reachability** (Ctrl+K: Actions menu, the table's context menu) checks the
  selected rows' machines, or every visible row's when nothing is selected, in the
  background, many at once. Results fill the table's **Reachable** column as they come
  (with the time of the check), so "Answering now" filters to what can be resubmitted now.
- A detail window's **Check** checks its machine; the result goes to that window (its
  checklist) and to the table.

It knows the table through :class:`CheckTable` and detail windows through
:class:`CheckListener`; the main window wires it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol, runtime_checkable

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ...core.ccr import CcrRecord
from ...core.reach import DEFAULT_TIMEOUT, RPC_PORT, SMB_PORT, Reachability, check_machines
from ..icons import action_icon
from ..tasks import Worker

__all__ = ["CHUNK", "CheckController", "CheckListener", "CheckTable"]

CHUNK = 32  # machines checked at once; results are shown after each group
CHECK_TEXT = "Chec&k reachability"


class CheckTable(Protocol):
    """What the controller needs of the table (the box view)."""

    def targets(self) -> tuple[list[CcrRecord], bool]: ...
    def show_reach(self, results: list[Reachability]) -> None: ...


@runtime_checkable
class CheckListener(Protocol):
    """A window that asked for one machine's check (a detail window)."""

    def show_check(self, result: Reachability) -> None: ...


class _Results:
    """Results found on the worker, handed to the GUI thread in groups."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Reachability] = []

    def put(self, items: list[Reachability]) -> None:
        with self._lock:
            self._items.extend(items)

    def take(self) -> list[Reachability]:
        with self._lock:
            items, self._items = self._items, []
        return items


@dataclass(slots=True)
class _Run:
    """One check: its names, what the worker found, what was shown, where it goes."""

    names: list[str]
    found: _Results
    deliver: Callable[[list[Reachability]], None]
    shown: list[Reachability] = field(default_factory=list)


class CheckController(QObject):
    """Runs reachability checks. ``checked(list[Reachability])`` for each group of
    results (the table's as well as a detail window's); ``status(text, ms)`` for the
    status bar. ``ports`` and ``timeout`` are the core's (tests use listeners on
    127.0.0.1)."""

    checked = Signal(object)
    status = Signal(str, int)

    def __init__(
        self,
        table: CheckTable,
        parent: QWidget,
        *,
        ports: Sequence[int] = (SMB_PORT, RPC_PORT),
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(parent)
        self.table = table
        self.ports = tuple(ports)
        self.timeout = timeout
        self._workers: set[Worker] = set()
        self._table_check: Worker | None = None  # the running check of the table's rows
        self._stopping = False
        self.act_check = QAction(CHECK_TEXT, self)
        self.act_check.setObjectName("checkAction")
        self.act_check.setShortcut(QKeySequence("Ctrl+K"))
        self.act_check.setStatusTip(
            "Does the machine answer now? Name resolution, then SMB (445) and RPC (135), "
            "for the selected rows (or all visible ones)"
        )
        self.act_check.setIcon(action_icon("check"))
        self.act_check.triggered.connect(self.check_selection)

    @property
    def running(self) -> int:
        """How many checks are under way."""
        return len(self._workers)

    def check_selection(self) -> Worker | None:
        """Ctrl+K: the selected rows' machines, or every visible row's. While such a
        check runs, the same action stops it (after the machines in hand)."""
        if self._table_check is not None:
            self._table_check.cancel()
            self._stopping = True
            self.status.emit("Stopping the check after the machines in hand…", 0)
            return None
        records, selected = self.table.targets()
        names = list(dict.fromkeys(r.machine_name for r in records if r.machine_name))
        if not names:
            self.status.emit("Nothing to check: no machine names in these rows.", 5000)
            return None
        what = "selected" if selected else "visible"
        self.status.emit(f"Checking {len(names):,} {what} machine(s)… (Ctrl+K: stop)", 0)
        worker = self._table_check = self._start(names, self._table_done)
        self.act_check.setText("Stop chec&king")
        worker.finished.connect(self._table_check_ended)
        worker.failed.connect(self._table_check_ended)
        return worker

    def _table_check_ended(self, _result: object = None) -> None:
        self._table_check = None
        self.act_check.setText(CHECK_TEXT)
        if self._stopping:
            self._stopping = False
            self.status.emit("Check stopped: what was checked is in the Reachable column.", 15000)

    def check_for(self, window: QObject, name: str) -> Worker:
        """One machine, for a detail window: the result goes to ``window`` and the table."""
        self.status.emit(f"Checking {name}…", 0)

        def done(results: list[Reachability]) -> None:
            if results and shiboken6.isValid(window) and isinstance(window, CheckListener):
                window.show_check(results[-1])
            self._table_done(results)

        return self._start([name], done)

    def _start(self, names: list[str], deliver: Callable[[list[Reachability]], None]) -> Worker:
        found = _Results()
        ports, timeout = self.ports, self.timeout

        def work(report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> int:
            done = 0
            size = CHUNK
            for i in range(0, len(names), size):
                if cancelled():
                    break
                group = check_machines(names[i : i + size], ports=ports, timeout=timeout)
                found.put(group)
                done += len(group)
                report(done, len(names))
            return done

        run = _Run(names, found, deliver)
        worker = Worker(work, self)
        worker.progress.connect(partial(self._drain, run))
        worker.finished.connect(partial(self._ended, run, worker))
        worker.failed.connect(partial(self._ended, run, worker))
        self._workers.add(worker)
        worker.start()
        return worker

    def _drain(self, run: _Run, *_progress: object) -> None:
        results = run.found.take()
        if results:
            run.shown.extend(results)
            run.deliver(results)
            self.status.emit(_summary(run.shown, len(run.names)), 15000)

    def _ended(self, run: _Run, worker: Worker, _result: object) -> None:
        self._drain(run)
        self._workers.discard(worker)
        worker.deleteLater()

    def _table_done(self, results: list[Reachability]) -> None:
        self.table.show_reach(results)
        self.checked.emit(results)


def _summary(results: list[Reachability], total: int) -> str:
    if total == 1 and len(results) == 1:
        r = results[0]
        return f"{r.machine}: " + ("answers" if r.ok else f"does not answer ({r.summary})")
    answering = sum(r.ok for r in results)
    more = f" ({len(results):,} of {total:,} so far)" if len(results) < total else ""
    return f"Checked {len(results):,} machine(s): {answering:,} answer{more}"
