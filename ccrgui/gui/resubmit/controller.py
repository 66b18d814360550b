"""Resubmit from the GUI: the retry table's rows go back into ccr.box.

- **Resubmit** (Ctrl+R: toolbar, Actions menu, the table's context menu, detail windows)
  acts on the selected rows, or on every visible row when nothing is selected.
  **Resubmit as new request…** (Ctrl+Shift+R) always asks, with that mode chosen.
- More rows than ``Config.confirm_over`` (0: never ask): a :class:`ConfirmDialog` says
  how many and which (selected or all visible), and offers the two modes: *Retry now*
  (default) and *Resubmit as new request* (Forced CCR per ``Config.always_install``), and
  "Don't ask again" (stored as ``confirm_over = 0``, also in Settings).
- The batch runs off the GUI thread (:class:`~ccrgui.gui.tasks.Worker`); a
  :class:`ProgressDialog` appears when it takes a moment, and Cancel stops after the
  current file. Each row's outcome goes to the table's Outcome column (rows that stayed,
  such as failed ones, say why); the status bar says how many succeeded; a
  :class:`ResultsDialog` lists every machine when any failed. The box is read again, so
  rows of moved files leave the table.
- **Undo last resubmit** (Ctrl+Z) moves the last batch's files that still wait in ccr.box
  back to ccrretry.box, off the GUI thread too, with the same summary.

The safety rules are the core's (:mod:`ccrgui.core.resubmit`); this module only asks,
shows and reports. It knows the table through the small :class:`ResubmitTable` protocol
and detail windows through :class:`OutcomeListener`; the main window wires it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from ...core.ccr import CcrRecord
from ...core.resubmit import (
    BatchResult,
    ResubmitMode,
    ResubmitOutcome,
    ResubmitStatus,
    resubmit,
    undo,
)
from ...core.site import BoxKind, Site, open_site, path_key, same_path
from ..box.rows import RowOutcome
from ..icons import action_icon
from ..preferences import Preferences
from ..tasks import Worker
from .dialogs import ConfirmDialog, ProgressDialog, ResubmitChoice, ResultsDialog
from .report import row_outcome, status_text

__all__ = ["OutcomeListener", "ResubmitController", "ResubmitTable"]

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 400  # a batch that ends sooner shows no progress dialog


class ResubmitTable(Protocol):
    """What the controller needs of the table it acts on (the box view)."""

    @property
    def site(self) -> Site | None: ...
    @property
    def box_kind(self) -> BoxKind: ...
    @property
    def box(self) -> Path | None: ...
    def targets(self) -> tuple[list[CcrRecord], bool]: ...
    def visible_count(self) -> int: ...
    def is_filtered(self) -> bool: ...
    def filter_description(self) -> str: ...
    def show_outcomes(self, outcomes: dict[str, RowOutcome]) -> None: ...
    def refresh(self) -> None: ...


@runtime_checkable
class OutcomeListener(Protocol):
    """A window that asked for a single resubmit (a detail window) and is told how it
    went."""

    def show_resubmit_outcome(self, outcome: ResubmitOutcome) -> None: ...


@dataclass(slots=True)
class _Running:
    kind: str  # "resubmit" or "undo"
    worker: Worker
    progress: ProgressDialog
    timer: QTimer
    keys: dict[str, str]  # path_key(source) -> the table's CcrRecord.file
    detail: QWidget | None = None  # the detail window that asked, if any
    scope: str = ""


class ResubmitController(QObject):
    """Runs Resubmit and Undo on the rows of ``table``.

    Actions: ``act_resubmit`` (Ctrl+R), ``act_resubmit_new`` (Ctrl+Shift+R), ``act_undo``
    (Ctrl+Z), for the window to place. ``dialog_parent`` parents the dialogs; ``prefs``
    says when to ask and whether new requests are forced.

    Signals: ``finished(BatchResult)`` after a resubmit or undo batch was shown (rows
    updated, summary given); ``idle()`` when a batch ended, whichever way;
    ``confirm_opened(ConfirmDialog)`` and ``results_opened(ResultsDialog)`` when those
    dialogs appear; ``status(text, ms)`` for the status bar; ``error(title, text)`` for a
    message box.
    """

    finished = Signal(object)
    idle = Signal()
    confirm_opened = Signal(object)
    results_opened = Signal(object)
    status = Signal(str, int)
    error = Signal(str, str)

    def __init__(self, table: ResubmitTable, dialog_parent: QWidget, prefs: Preferences) -> None:
        super().__init__(dialog_parent)
        self.table = table
        self.prefs = prefs
        self._parent = dialog_parent
        self.last_batch: BatchResult | None = None
        self.last_keys: dict[str, str] = {}
        self.running: _Running | None = None
        self.confirm_dialog: ConfirmDialog | None = None
        self.progress_dialog: ProgressDialog | None = None
        self.results_dialog: ResultsDialog | None = None

        self.act_resubmit = QAction("&Resubmit", self)
        self.act_resubmit.setObjectName("resubmitAction")
        self.act_resubmit.setShortcut(QKeySequence("Ctrl+R"))
        self.act_resubmit.setIcon(action_icon("resubmit"))
        self.act_resubmit.setStatusTip(
            "Move the selected requests (or all visible ones) back into ccr.box: the site "
            "server retries them now"
        )
        self.act_resubmit.setToolTip("Resubmit the selection, or all visible rows (Ctrl+R)")
        self.act_resubmit.triggered.connect(self.resubmit_retry)
        self.act_resubmit_new = QAction("Resubmit as &new request…", self)
        self.act_resubmit_new.setObjectName("resubmitNewAction")
        self.act_resubmit_new.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.act_resubmit_new.setStatusTip(
            "Write a fresh request for each machine (resets attempts and the 7-day window)"
        )
        self.act_resubmit_new.triggered.connect(self.resubmit_new)
        self.act_undo = QAction("&Undo last resubmit", self)
        self.act_undo.setObjectName("undoResubmitAction")
        self.act_undo.setShortcuts(QKeySequence.StandardKey.Undo)  # Ctrl+Z
        self.act_undo.setIcon(action_icon("undo"))
        self.act_undo.setStatusTip(
            "Move the last batch's requests that still wait in ccr.box back to ccrretry.box"
        )
        self.act_undo.triggered.connect(self.undo_last)
        self.update_actions()

    # ------------------------------------------------------------------ state
    def _retry_site(self) -> Site | None:
        """The site whose retry box the table shows, or None."""
        table = self.table
        site, box = table.site, table.box
        if site is None or table.box_kind != BoxKind.RETRY or box is None:
            return None
        return site if same_path(box, site.retry) else None

    def update_actions(self) -> None:
        busy = self.running is not None
        can = not busy and self._retry_site() is not None and self.table.visible_count() > 0
        self.act_resubmit.setEnabled(can)
        self.act_resubmit_new.setEnabled(can)
        batch = self.last_batch
        self.act_undo.setEnabled(not busy and batch is not None and batch.succeeded > 0)
        if batch is not None and batch.succeeded:
            n = batch.succeeded
            self.act_undo.setText(f"&Undo resubmit of {n:,} request{'s' if n != 1 else ''}")
        else:
            self.act_undo.setText("&Undo last resubmit")

    # ------------------------------------------------------------------ resubmit
    def resubmit_retry(self) -> ConfirmDialog | None:
        """Ctrl+R: retry now, asking above ``confirm_over`` rows."""
        return self.resubmit()

    def resubmit_new(self) -> ConfirmDialog | None:
        """ "Resubmit as new request…": always asks, with that mode chosen."""
        return self.resubmit(ResubmitMode.NEW)

    def resubmit(self, mode: ResubmitMode = ResubmitMode.RETRY) -> ConfirmDialog | None:
        """Ctrl+R (RETRY: asking above ``confirm_over`` rows) or "Resubmit as new
        request…" (NEW: always asks). Returns the confirmation dialog when one was
        opened."""
        site = self._retry_site()
        if site is None or self.running is not None:
            return None
        records, selected = self.table.targets()
        if not records:
            return None
        cfg = self.prefs.config
        ask = mode == ResubmitMode.NEW or (cfg.confirm_over > 0 and len(records) > cfg.confirm_over)
        scope = (
            f"{len(records):,} selected"
            if selected
            else f"all {len(records):,} visible"
            if self.table.is_filtered()
            else f"all {len(records):,}"
        )
        if not ask:
            self.start(site, records, mode=mode, forced=cfg.always_install, scope=scope)
            return None
        dlg = ConfirmDialog(
            self._parent,
            count=len(records),
            selected=selected,
            site_name=site.name,
            machines=[r.machine_label for r in records],
            mode=mode,
            forced=cfg.always_install,
            filtered=self.table.filter_description(),
        )
        dlg.chosen.connect(partial(self._confirmed, site, records, scope))
        dlg.finished.connect(self._confirm_closed)
        self.confirm_dialog = dlg
        dlg.open()
        self.confirm_opened.emit(dlg)
        return dlg

    def _confirm_closed(self) -> None:
        self.confirm_dialog = None

    def _confirmed(
        self, site: Site, records: list[CcrRecord], scope: str, choice: ResubmitChoice
    ) -> None:
        if choice.dont_ask:
            problem = self.prefs.update(confirm_over=0)
            if problem:
                self.status.emit(f"Could not save “don't ask again”: {problem}", 10000)
        self.start(site, records, mode=choice.mode, forced=choice.forced, scope=scope)

    def resubmit_record(self, record: CcrRecord, detail: QWidget | None = None) -> None:
        """A detail window's Resubmit: that one file, from whichever site's retry box it
        is in (no confirmation for one file). ``detail`` (an :class:`OutcomeListener`)
        parents the dialogs and is told the outcome."""
        if self.running is not None:
            self.status.emit("A resubmit is still running.", 5000)
            return
        folder = Path(record.file).parent
        current = self.table.site
        site: Site | Callable[[], Site]
        if current is not None and same_path(folder, current.retry):
            site = current
        else:
            root = folder.parent
            site = partial(open_site, root)  # off the GUI thread
        forced = self.prefs.config.always_install
        self.start(
            site,
            [record],
            mode=ResubmitMode.RETRY,
            forced=forced,
            scope=record.machine_label,
            detail=detail,
        )

    def start(
        self,
        site: Site | Callable[[], Site],
        records: Sequence[CcrRecord],
        *,
        mode: ResubmitMode,
        forced: bool,
        scope: str = "",
        detail: QWidget | None = None,
    ) -> None:
        """Run the batch off the GUI thread (``site`` may be a function that opens it)."""
        items = list(records)
        keys = {path_key(r.file): r.file for r in items}

        def work(report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            target = site() if callable(site) else site
            return resubmit(
                target,
                items,
                mode=mode,
                forced=forced,
                progress=lambda done, total, _o: report(done, total),
                cancel=cancelled,
            )

        title = "Resubmitting as new requests" if mode == ResubmitMode.NEW else "Resubmitting"
        self._run("resubmit", work, title, len(items), keys, scope=scope, detail=detail)

    # ------------------------------------------------------------------ undo
    def undo_last(self) -> None:
        batch = self.last_batch
        if batch is None or self.running is not None or not batch.succeeded:
            return

        def work(report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return undo(batch, progress=lambda d, t, _o: report(d, t), cancel=cancelled)

        self._run("undo", work, "Undoing the last resubmit", batch.succeeded, self.last_keys)

    # ------------------------------------------------------------------ running
    def _run(
        self,
        kind: str,
        work: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
        title: str,
        total: int,
        keys: dict[str, str],
        *,
        scope: str = "",
        detail: QWidget | None = None,
    ) -> None:
        worker = Worker(work, self)
        progress = ProgressDialog(detail if detail is not None else self._parent, title, total)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(PROGRESS_DELAY_MS)
        timer.timeout.connect(progress.show)
        progress.cancelled.connect(worker.cancel)
        worker.progress.connect(progress.set_progress)
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)
        self.running = _Running(kind, worker, progress, timer, keys, detail, scope)
        self.progress_dialog = progress
        self.update_actions()
        self.status.emit(f"{title}…", 0)
        worker.start()
        timer.start()

    def cancel(self) -> None:
        """Stop the running batch after the current file (the dialog's Cancel)."""
        if self.running is not None:
            self.running.progress.cancel_button.click()

    def _end(self) -> _Running | None:
        run, self.running = self.running, None
        if run is not None:
            run.timer.stop()
            run.progress.hide()
            run.progress.deleteLater()
            run.worker.deleteLater()
        self.progress_dialog = None
        return run

    def _failed(self, exc: BaseException) -> None:
        run = self._end()
        log.error("resubmit batch failed", exc_info=(type(exc), exc, exc.__traceback__))
        what = "undo" if run is not None and run.kind == "undo" else "resubmit"
        self.error.emit(
            f"Could not {what}",
            f"The {what} stopped: {exc}. Every request is in ccrretry.box or ccr.box; "
            "press F5 to see where.",
        )
        self.update_actions()
        self.table.refresh()
        self.idle.emit()

    def _finished(self, result: BatchResult) -> None:
        run = self._end()
        assert run is not None
        # the table's key for each outcome: where the file was in ccrretry.box (an undo's
        # destination is the retry path its batch took the file from)
        if run.kind == "resubmit":
            self.last_batch, self.last_keys = result, run.keys
            retry_paths = [o.source for o in result.outcomes]
        else:
            self.last_batch = None
            retry_paths = [o.destination or o.source for o in result.outcomes]
        outcomes = {
            run.keys.get(path_key(p), str(p)): row_outcome(o)
            for p, o in zip(retry_paths, result.outcomes, strict=True)
        }
        if run.kind == "resubmit":  # where they went: the pending box shows them too
            for o in result.outcomes:
                if o.destination is not None and o.status == ResubmitStatus.RESUBMITTED:
                    outcomes[str(o.destination)] = row_outcome(o)
        self.table.show_outcomes(outcomes)
        self.status.emit(status_text(result, run.kind == "undo", run.scope), 30000)
        if run.detail is not None:
            self._tell_detail(run.detail, result)
        if result.failed or result.log_error:
            title = "Undo results" if run.kind == "undo" else "Resubmit results"
            parent = run.detail if run.detail is not None else self._parent
            dlg = ResultsDialog(parent, title, result)
            self.results_dialog = dlg
            dlg.open()
            self.results_opened.emit(dlg)
        self.update_actions()
        self.table.refresh()  # moved files leave the table, files moved back come back
        self.finished.emit(result)
        self.idle.emit()

    def _tell_detail(self, detail: QWidget, result: BatchResult) -> None:
        if result.outcomes and isinstance(detail, OutcomeListener):
            detail.show_resubmit_outcome(result.outcomes[0])
