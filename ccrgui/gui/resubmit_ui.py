"""Resubmit from the GUI (issue 4): the retry table's rows go back into ccr.box.

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
shows and reports.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from ..core.ccr import CcrRecord
from ..core.config import Config, ConfigError, load_config, save_config
from ..core.resubmit import MODE_NEW, BatchResult, ResubmitStatus, resubmit, undo
from ..core.site import Site, open_site
from .resubmit_dialogs import (
    ConfirmDialog,
    ProgressDialog,
    ResubmitChoice,
    ResultsDialog,
    row_outcome,
)
from .retry_model import COL_MACHINE, COL_OUTCOME
from .tasks import Worker

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["ResubmitController"]

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 400  # a batch that ends sooner shows no progress dialog


def _same_folder(a: str | Path, b: str | Path) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


# --------------------------------------------------------------------------- controller


@dataclass(slots=True)
class _Running:
    kind: str  # "resubmit" or "undo"
    worker: Worker
    progress: ProgressDialog
    timer: QTimer
    keys: dict[str, str]  # str(source path) -> the table's CcrRecord.file
    detail: QWidget | None = None  # the detail window that asked, if any
    scope: str = ""


class ResubmitController(QObject):
    """Puts Resubmit and Undo into ``window`` (a MainWindow) and runs them.

    Signals: ``finished(BatchResult)`` after a resubmit or undo batch was shown (rows
    updated, summary given); ``confirm_opened(ConfirmDialog)`` and
    ``results_opened(ResultsDialog)`` when those dialogs appear.
    """

    finished = Signal(object)
    idle = Signal()  # a batch ended, whichever way
    confirm_opened = Signal(object)
    results_opened = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view = window.box_view
        self.last_batch: BatchResult | None = None
        self.last_keys: dict[str, str] = {}
        self.running: _Running | None = None
        self.confirm_dialog: ConfirmDialog | None = None
        self.progress_dialog: ProgressDialog | None = None
        self.results_dialog: ResultsDialog | None = None
        self._outcome_column_placed = False

        self.act_resubmit = window.act_resubmit
        self.act_resubmit.setStatusTip(
            "Move the selected requests (or all visible ones) back into ccr.box: the site "
            "server retries them now"
        )
        self.act_resubmit.setToolTip("Resubmit the selection, or all visible rows (Ctrl+R)")
        self.act_resubmit.triggered.connect(lambda: self.resubmit())
        self.act_resubmit_new = QAction("Resubmit as &new request…", window)
        self.act_resubmit_new.setObjectName("resubmitNewAction")
        self.act_resubmit_new.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.act_resubmit_new.setStatusTip(
            "Write a fresh request for each machine (resets attempts and the 7-day window)"
        )
        self.act_resubmit_new.triggered.connect(lambda: self.resubmit("new"))
        window.addAction(self.act_resubmit_new)
        self.act_undo = QAction("&Undo last resubmit", window)
        self.act_undo.setObjectName("undoResubmitAction")
        self.act_undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.act_undo.setIcon(window.style().standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.act_undo.setStatusTip(
            "Move the last batch's requests that still wait in ccr.box back to ccrretry.box"
        )
        self.act_undo.triggered.connect(self.undo_last)
        window.addAction(self.act_undo)

        menu = window.menu_actions
        menu.addAction(self.act_resubmit_new)
        menu.addSeparator()
        menu.addAction(self.act_undo)
        self.view.add_context_action(self.act_resubmit)
        self.view.add_context_action(self.act_resubmit_new)
        self.view.add_context_action(self.act_undo)

        update = self.update_actions
        self.view.box_changed.connect(update)
        self.view.table.selectionModel().selectionChanged.connect(update)
        for sig in (
            self.view.proxy.rowsInserted,
            self.view.proxy.rowsRemoved,
            self.view.proxy.modelReset,
            self.view.proxy.layoutChanged,
        ):
            sig.connect(update)
        window.site_changed.connect(update)
        window.site_failed.connect(update)
        self.update_actions()

    # ------------------------------------------------------------------ state
    def _retry_site(self) -> Site | None:
        """The site whose retry box the table shows, or None."""
        site = self.view.site
        if site is None or self.view.box_kind != "retry" or self.view.box is None:
            return None
        return site if _same_folder(self.view.box, site.retry) else None

    def targets(self) -> tuple[list[CcrRecord], bool]:
        """The records Ctrl+R acts on, and whether they are the selection."""
        chosen = self.view.selected_records()
        if chosen:
            return chosen, True
        return self.view.visible_records(), False

    def update_actions(self, *_args: object) -> None:
        busy = self.running is not None
        can = not busy and self._retry_site() is not None and self.view.proxy.rowCount() > 0
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
    def resubmit(self, mode: str | None = None) -> ConfirmDialog | None:
        """Ctrl+R (``mode`` None: retry now, asking above ``confirm_over`` rows) or
        "Resubmit as new request…" (``mode="new"``: always asks). Returns the
        confirmation dialog when one was opened."""
        site = self._retry_site()
        if site is None or self.running is not None:
            return None
        records, selected = self.targets()
        if not records:
            return None
        try:
            cfg = load_config()
        except ConfigError as exc:
            self.window.statusBar().showMessage(str(exc), 10000)
            cfg = Config()
        ask = mode == "new" or (cfg.confirm_over > 0 and len(records) > cfg.confirm_over)
        scope = (
            f"{len(records):,} selected"
            if selected
            else f"all {len(records):,} visible"
            if self.view.proxy.rowCount() != self.view.model.rowCount()
            else f"all {len(records):,}"
        )
        if not ask:
            self.start(site, records, mode="retry", forced=cfg.always_install, scope=scope)
            return None
        dlg = ConfirmDialog(
            self.window,
            count=len(records),
            selected=selected,
            site_name=site.name,
            machines=[r.machine_label for r in records],
            mode=mode or "retry",
            forced=cfg.always_install,
            filtered=self._filter_text(),
        )
        dlg.chosen.connect(lambda choice: self._confirmed(site, records, choice, scope))
        dlg.finished.connect(lambda _r: setattr(self, "confirm_dialog", None))
        self.confirm_dialog = dlg
        dlg.open()
        self.confirm_opened.emit(dlg)
        return dlg

    def _filter_text(self) -> str:
        """What the table is filtered to, in words ("" when it shows every row)."""
        parts = []
        if self.view.proxy.error is not None:
            parts.append(self.view.error_combo.currentText().rsplit(" — ", 1)[0])
        text = self.view.filter_edit.text().strip()
        if text:
            parts.append(f"rows matching “{text}”")
        return ", ".join(parts)

    def _confirmed(
        self, site: Site, records: list[CcrRecord], choice: ResubmitChoice, scope: str
    ) -> None:
        if choice.dont_ask:
            try:
                cfg = load_config()
                cfg.confirm_over = 0
                save_config(cfg)
            except (ConfigError, OSError) as exc:
                self.window.statusBar().showMessage(
                    f"Could not save “don't ask again”: {exc}", 10000
                )
        self.start(site, records, mode=choice.mode, forced=choice.forced, scope=scope)

    def resubmit_record(self, record: CcrRecord) -> None:
        """A detail window's Resubmit: that one file, from whichever site's retry box it
        is in (no confirmation for one file)."""
        if self.running is not None:
            self.window.statusBar().showMessage("A resubmit is still running.", 5000)
            return
        folder = Path(record.file).parent
        current = self.view.site
        site: Site | Callable[[], Site]
        if current is not None and _same_folder(folder, current.retry):
            site = current
        else:
            root = folder.parent
            site = lambda: open_site(root)  # noqa: E731 - off the GUI thread
        try:
            forced = load_config().always_install
        except ConfigError:
            forced = True
        detail = self._detail_window(record.file)
        self.start(
            site, [record], mode="retry", forced=forced, scope=record.machine_label, detail=detail
        )

    def _detail_window(self, file: str) -> QWidget | None:
        opener = self.window.file_opener
        windows = getattr(opener, "windows", {}) if opener is not None else {}
        return windows.get(os.path.normcase(os.path.abspath(file)))

    def start(
        self,
        site: Site | Callable[[], Site],
        records: Sequence[CcrRecord],
        *,
        mode: str,
        forced: bool,
        scope: str = "",
        detail: QWidget | None = None,
    ) -> None:
        """Run the batch off the GUI thread (``site`` may be a function that opens it)."""
        items = list(records)
        keys = {str(Path(r.file)): r.file for r in items}

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

        title = "Resubmitting as new requests" if mode == "new" else "Resubmitting"
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
        progress = ProgressDialog(detail if detail is not None else self.window, title, total)
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
        self.window.statusBar().showMessage(f"{title}…")
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
        self.window.show_error(
            f"Could not {what}",
            f"The {what} stopped: {exc}. Every request is in ccrretry.box or ccr.box; "
            "press F5 to see where.",
        )
        self.update_actions()
        self.view.refresh()
        self.idle.emit()

    def _finished(self, result: BatchResult) -> None:
        run = self._end()
        assert run is not None
        # the table's key for each outcome: where the file was in ccrretry.box (an undo's
        # destination is the retry path its batch took the file from)
        if run.kind == "resubmit":
            self.last_batch, self.last_keys = result, run.keys
            retry_paths = [str(o.source) for o in result.outcomes]
        else:
            self.last_batch = None
            retry_paths = [str(o.destination) for o in result.outcomes]
        self.view.model.set_outcomes(
            {
                run.keys.get(p, p): row_outcome(o)
                for p, o in zip(retry_paths, result.outcomes, strict=True)
            }
        )
        if result.outcomes:
            self._show_outcome_column()
        self.window.statusBar().showMessage(self._status_text(run, result), 30000)
        if run.detail is not None:
            self._tell_detail(run.detail, result)
        if result.failed or result.log_error:
            title = "Undo results" if run.kind == "undo" else "Resubmit results"
            parent = run.detail if run.detail is not None else self.window
            dlg = ResultsDialog(parent, title, result)
            self.results_dialog = dlg
            dlg.open()
            self.results_opened.emit(dlg)
        self.update_actions()
        self.view.refresh()  # moved files leave the table, files moved back come back
        self.finished.emit(result)
        self.idle.emit()

    def _status_text(self, run: _Running, result: BatchResult) -> str:
        site = result.site.name
        if run.kind == "undo":
            return f"Undo on {site}: {result.summary()}."
        how = "as new requests" if result.mode == MODE_NEW else ""
        scope = f" ({run.scope})" if run.scope else ""
        text = f"Resubmit {how}{scope} on {site}: {result.summary()}.".replace("  ", " ")
        if result.failed:
            text += " The Outcome column says why."
        if result.succeeded:
            text += " Ctrl+Z undoes it while the files wait in ccr.box."
        return text

    def _tell_detail(self, detail: QWidget, result: BatchResult) -> None:
        if not result.outcomes:
            return
        o = result.outcomes[0]
        action = getattr(detail, "resubmit_action", None)
        if o.status == ResubmitStatus.RESUBMITTED:
            text = f"Resubmitted {o.time:%H:%M}: waiting in ccr.box as {o.destination}"
            if isinstance(action, QAction):
                action.setEnabled(False)
        elif o.status == ResubmitStatus.FAILED:
            text = f"Not resubmitted: {o.reason}"
        else:
            text = f"{o.status.capitalize()}: {o.reason}"
        bar = getattr(detail, "statusBar", None)
        if callable(bar):
            bar().showMessage(text)

    def _show_outcome_column(self) -> None:
        """Bring the Outcome column beside Machine once (from the far end, where it is
        added), so outcomes show in any window; rows also get an icon and a tooltip on the
        machine name. A column the user placed elsewhere stays where it is."""
        header = self.view.table.horizontalHeader()
        if header.isSectionHidden(COL_OUTCOME):
            header.setSectionHidden(COL_OUTCOME, False)
        if self._outcome_column_placed:
            return
        self._outcome_column_placed = True
        at = header.visualIndex(COL_OUTCOME)
        if at == header.count() - 1:
            header.moveSection(at, header.visualIndex(COL_MACHINE) + 1)
