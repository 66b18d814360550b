"""The main window's table of one box: what failed, why, what to do, and when it expires.

:class:`BoxView` shows the retry box (or the pending box) of a site as a live table: a
filter field (as you type), an error filter, the summary strip, an offline banner,
progress while a big folder loads, and a context menu. It offers signals and actions;
the main window connects them (see :mod:`ccrgui.gui.main_window`).

Why this module is long: it assembles the room's parts (filter bar, notes, summary
strip, table, status line, row actions, export) and connects them to each other; what
each part does is in its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.ccr import CcrRecord
from ...core.pending import pile_up_warning
from ...core.reach import Reachability
from ...core.site import BoxKind, Site
from .columns import COL_REACHABLE, PROBLEM, error_label
from .export import CsvExporter
from .filter_bar import FilterBar
from .loader import BoxLoader
from .model import BoxTableModel
from .proxy import BoxFilterProxy
from .row_actions import RowActions
from .rows import RowOutcome
from .status import Note, OfflineBanner, StatusLine
from .summary import SummaryStrip
from .table import BoxTable

__all__ = ["BoxView"]

MAX_DETAIL_WINDOWS = 10  # opening more at once is never what a double-click meant
EXPORT_DIR_KEY = "boxview/export_dir"


class BoxView(QWidget):
    """A live table of one box. ``site`` and ``box_kind`` (a BoxKind) choose it;
    :meth:`set_box` shows any folder (tests, tools).

    Signals: ``details_requested(list[CcrRecord])`` (Enter, double-click, context menu);
    ``box_changed()`` when another folder is shown; ``targets_changed()`` when the rows a
    batch action would act on may have changed (selection, filter, rows); ``status(str)``
    for the window's status bar. ``exporter`` writes CSV files (``exporter.exported``).
    Actions: ``retry_action`` / ``pending_action`` switch the box.
    """

    details_requested = Signal(list)
    box_changed = Signal()
    targets_changed = Signal()
    status = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        poll_seconds: float = 10.0,
        watch: bool = True,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("boxView")
        self.site: Site | None = None
        self.box_kind = BoxKind.RETRY
        self._clock = clock
        self.model = BoxTableModel(self, clock=clock)
        self.proxy = BoxFilterProxy(self.model, self)
        self.poll_seconds = float(poll_seconds)
        self.loader = BoxLoader(self.model, self, poll_seconds=poll_seconds, watch=watch)
        self._build()
        self._connect()
        self._update_status()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.retry_action = QAction("&Retry box (failed)", self)
        self.retry_action.setStatusTip("Show ccrretry.box: what failed")
        self.pending_action = QAction("&Pending box (queued)", self)
        self.pending_action.setStatusTip("Show ccr.box: what is queued and not yet picked up")
        self.box_group = QActionGroup(self)
        for act, kind in (
            (self.retry_action, BoxKind.RETRY),
            (self.pending_action, BoxKind.PENDING),
        ):
            act.setCheckable(True)
            act.setActionGroup(self.box_group)
            act.triggered.connect(partial(self._box_action, kind))
        self.retry_action.setChecked(True)
        self.filter_bar = FilterBar(self.retry_action, self.pending_action)
        self.filter_edit = self.filter_bar.edit
        self.error_combo = self.filter_bar.combo

        self.offline_banner = OfflineBanner()
        # what the last resubmit or undo did: its rows left this table, so say it here
        self.recent = Note("recentActions", ("#e8f5e9", "#1b5e20", "#a5d6a7"))
        self.recent.setTextFormat(Qt.TextFormat.RichText)
        self.recent.linkActivated.connect(self._recent_link)
        self.pile_up = Note("pileUpWarning", ("#fff4e5", "#8a5a00", "#ffcc80"))
        self.summary = SummaryStrip()
        self.table = BoxTable()
        self.table.setModel(self.proxy)
        self.table.set_header()
        self.table.setAccessibleName("Requests in the retry box")
        # a box's first read: rows come unsorted and are sorted once at the end, so the
        # table shows when they are in order; until then this page says how far it is
        self.reading = QLabel()
        self.reading.setObjectName("readingPage")
        self.reading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.reading)
        self._loading = False

        self.status_line = StatusLine()
        self.status_label = self.status_line.label
        self.progress = self.status_line.progress

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.recent)
        layout.addWidget(self.pile_up)
        layout.addWidget(self.summary)
        layout.addWidget(self.table_stack, 1)
        layout.addWidget(self.status_line)

        self.row_actions = RowActions(
            self,
            selected=self.selected_records,
            box=self._current_box,
            details=self.open_selected,
            export=self.export_dialog,
        )
        ra = self.row_actions
        self.act_details, self.act_copy = ra.act_details, ra.act_copy
        self.act_copy_paths, self.act_folder = ra.act_copy_paths, ra.act_folder
        self.act_export = ra.act_export
        self.table.addAction(self.act_copy)
        self.exporter = CsvExporter(self)
        self.exporter.status.connect(self._exported)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(150)
        self._counts_timer.timeout.connect(self._update_counts)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(60_000)
        self._clock_timer.timeout.connect(self._tick)
        self._clock_timer.start()

    def _connect(self) -> None:
        self.filter_bar.text_changed.connect(self._text_changed)
        self.filter_bar.error_chosen.connect(self.filter_by_error)
        self.filter_bar.reachable_toggled.connect(self.proxy.set_reachable_only)
        self.filter_bar.reachable_toggled.connect(self._update_status)
        self.summary.chosen.connect(self.filter_by_error)
        self.table.doubleClicked.connect(self.open_selected)
        self.table.activated_rows.connect(self.open_selected)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.selectionModel().selectionChanged.connect(self.targets_changed)
        self.model.counts_changed.connect(self._counts_timer.start)
        self.model.modelReset.connect(self._counts_timer.start)
        for sig in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            sig.connect(self._update_status)
            sig.connect(self.targets_changed)
        self.box_changed.connect(self.targets_changed)
        self.loader.progress.connect(self.status_line.show_progress)
        self.loader.progress.connect(self._reading_progress)
        self.loader.state_changed.connect(self._state_changed)
        self.loader.scan_finished.connect(self._counts_after_pass)
        self.destroyed.connect(self.loader.stop)

    def _tick(self) -> None:
        self.model.set_now(self._clock())
        self._update_pile_up()

    # ------------------------------------------------------------------ which box
    def set_site(self, site: Site | None) -> None:
        """Show ``site``'s box of the current kind (None: no site, no rows)."""
        same = (
            site is not None
            and self.site is not None
            and site.box(self.box_kind) == self.site.box(self.box_kind)
        )
        if not same and site is not None and self.site is not None:
            self.show_recent("")  # what was done on another site
        self.site = site
        if same:
            self.refresh()
            return
        self.set_box(None if site is None else site.box(self.box_kind))

    def _box_action(self, kind: BoxKind, _checked: bool = False) -> None:
        self.set_box_kind(kind)

    def set_box_kind(self, kind: BoxKind | str) -> None:
        """Retry (ccrretry.box: what failed) or pending (ccr.box: queued); ValueError for
        anything else."""
        kind = BoxKind(kind)
        (self.retry_action if kind == BoxKind.RETRY else self.pending_action).setChecked(True)
        if kind == self.box_kind:
            return
        self.box_kind = kind
        self.table.set_kind(kind)  # each box its own columns
        self.table.setAccessibleName(f"Requests in the {kind} box")
        # errors mean nothing in the pending box: nothing has been tried there yet
        self.filter_bar.combo.setVisible(kind == BoxKind.RETRY)
        self.set_box(None if self.site is None else self.site.box(kind))

    def set_box(self, box: Path | None) -> None:
        """Show any folder of CCR files."""
        self.filter_by_error(None)
        self.summary.reset_order()
        self.loader.set_box(box)  # stops the old box's pass first
        self._loading = box is not None and self.loader.scanning
        if self._loading:  # blank until the read reports progress (a small box: never)
            self.reading.setText("")
            self.table_stack.setCurrentWidget(self.reading)
        else:
            self.table_stack.setCurrentWidget(self.table)
        self.box_changed.emit()
        self._state_changed()

    def _reading_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.reading.setText(f"Reading {done:,} of {total:,} files…")
        elif self._loading and not self.loader.scanning:  # the pass ended, whichever way
            self._first_read_done()

    def _first_read_done(self) -> None:
        self._loading = False
        self.table_stack.setCurrentWidget(self.table)
        self.reading.setText("")
        self._update_counts()

    @property
    def box(self) -> Path | None:
        return self.loader.box

    def _current_box(self) -> Path | None:
        return self.loader.box

    def set_poll_seconds(self, seconds: float) -> None:
        """Read the box every ``seconds`` (Settings' refresh interval)."""
        self.poll_seconds = float(seconds)
        self.loader.set_poll_seconds(self.poll_seconds)
        self._state_changed()  # the offline banner names the interval

    def refresh(self) -> None:
        """F5: read the box again now."""
        self.loader.refresh()

    # ------------------------------------------------------------------ records
    def selected_records(self) -> list[CcrRecord]:
        """The selected rows' records, top to bottom."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.proxy.record(r) for r in rows]

    def visible_records(self) -> list[CcrRecord]:
        """Every row the filters let through, top to bottom."""
        return self.proxy.records()

    def targets(self) -> tuple[list[CcrRecord], bool]:
        """What a batch action acts on: the selection (True), else every visible row."""
        chosen = self.selected_records()
        if chosen:
            return chosen, True
        return self.visible_records(), False

    def visible_count(self) -> int:
        return self.proxy.rowCount()

    def is_filtered(self) -> bool:
        return self.proxy.rowCount() != self.model.rowCount()

    def filter_description(self) -> str:
        """What the table is filtered to, in words ("" when it shows every row)."""
        parts = []
        key = self.proxy.error
        if key is not None:
            parts.append(error_label(key)[0])
        text = self.filter_edit.text().strip()
        if text:
            parts.append(f"rows matching “{text}”")
        if self.proxy.reachable_only:
            parts.append("machines that answered a Check")
        return ", ".join(parts)

    def show_outcomes(self, outcomes: dict[str, RowOutcome]) -> None:
        """Show what a batch did with each file (CcrRecord.file) in the Outcome column."""
        self.model.set_outcomes(outcomes)
        self._sync_outcome_column()

    def _sync_outcome_column(self) -> None:
        """The Outcome column shows while a row of this box has an outcome (the rows a
        resubmit took into ccr.box have theirs in the pending box)."""
        store = self.model.store
        has = any(store.row_of(f) is not None for f in store.outcomes)
        self.table.set_outcome_visible(has)

    def show_recent(self, text: str) -> None:
        """Say what the last resubmit or undo did (rich text; a link "pending" shows the
        pending box, "retry" the retry box); "" hides it."""
        self.recent.say(text)

    def _recent_link(self, link: str) -> None:
        if link in (BoxKind.RETRY, BoxKind.PENDING):
            self.set_box_kind(link)

    def show_reach(self, results: list[Reachability]) -> None:
        """Check results into the Reachable column; "Answering now" then filters on them."""
        self.model.set_reach(results)
        self.table.show_column_beside_machine(COL_REACHABLE)
        self.filter_bar.reachable.setEnabled(True)
        self.proxy.reach_changed()  # a machine that stopped answering leaves the view

    def add_context_action(self, action: QAction) -> None:
        """Add an action to the table's context menu (after the built-in ones)."""
        self.row_actions.extra.append(action)

    def select_files(self, files: Sequence[str]) -> None:
        """Select the rows showing ``files`` (CcrRecord.file values)."""
        sel = self.table.selectionModel()
        sel.clearSelection()
        for f in files:
            row = self.model.row_of(f)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                sel.select(index, sel.SelectionFlag.Select | sel.SelectionFlag.Rows)
                sel.setCurrentIndex(index, sel.SelectionFlag.NoUpdate)

    # ------------------------------------------------------------------ filtering
    def _text_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_status()

    def filter_by_error(self, key: int | None) -> None:
        """Only rows with this error key (a code, PROBLEM or NO_ERROR); None: all."""
        self.proxy.set_error(key)
        self._sync_error_widgets()
        self._update_status()

    def _sync_error_widgets(self) -> None:
        key = self.proxy.error
        self.filter_bar.set_error(key)
        self.summary.set_current(key)

    def _update_counts(self) -> None:
        self._counts_timer.stop()
        self._sync_outcome_column()
        if self._loading:
            return  # the strip appears once the box is read, not in the middle of it
        counts = self.model.error_counts()
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        self.filter_bar.set_counts(ordered)
        self.summary.set_counts(ordered if self.box_kind == BoxKind.RETRY else [])
        self._sync_error_widgets()
        self._update_pile_up()
        self._update_status()

    def _update_pile_up(self) -> None:
        """In the pending box: a warning when requests wait longer than the site server
        takes to pick one up."""
        text = ""
        if self.box_kind == BoxKind.PENDING and not self._loading:
            model = self.model
            now = self._clock()
            text = pile_up_warning((model.queued_at(r) for r in model.store.rows), now)
        self.pile_up.say(text)

    def _counts_after_pass(self) -> None:
        """Counts that changed are shown as soon as a pass is complete (not 150 ms later);
        a pass that changed nothing leaves the strip and an open error list alone."""
        if self._loading:
            self._first_read_done()
        elif self._counts_timer.isActive():
            self._update_counts()

    # ------------------------------------------------------------------ status
    def _update_status(self) -> None:
        self.status_line.show_counts(
            self.box,
            self.model.rowCount(),
            self.proxy.rowCount(),
            self.model.error_counts().get(PROBLEM, 0),
            self.loader.last_good,
        )

    def _state_changed(self) -> None:
        loader = self.loader
        self.offline_banner.show_state(
            loader.offline, loader.last_good, self.model.rowCount(), self.poll_seconds
        )
        self._update_status()

    # ------------------------------------------------------------------ actions
    def open_selected(self) -> None:
        """Ask for the detail windows of the selected rows (at most MAX_DETAIL_WINDOWS)."""
        self.open_details(self.selected_records())

    def open_details(self, records: Sequence[CcrRecord]) -> None:
        chosen = list(records)[:MAX_DETAIL_WINDOWS]
        if chosen:
            self.details_requested.emit(chosen)

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu()
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def context_menu(self) -> QMenu:
        """The table's context menu for the current selection."""
        return self.row_actions.context_menu(bool(self.table.selectionModel().selectedRows()))

    # ------------------------------------------------------------------ export
    def export_dialog(self) -> QFileDialog:
        """Choose a CSV file for the selection (or every visible row) and write it."""
        records = self.selected_records() or self.visible_records()
        return self.exporter.ask(records, self.box.name if self.box else "ccr")

    def _exported(self, text: str) -> None:
        self.status_label.setToolTip(text)
        self.status.emit(text)
