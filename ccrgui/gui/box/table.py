"""The box table widget: rows that open on Enter, painting that holds a scan back
(:mod:`ccrgui.gui.runtime.gui_gate`), and a header with movable, hideable columns whose
layout and sort are kept between runs."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QByteArray, QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from ..runtime.gui_gate import gui_gate
from ..view_state import qsettings
from .columns import (
    COL_EXPIRES,
    COL_FILE,
    COL_MACHINE,
    COL_OUTCOME,
    COL_QUEUED,
    COL_REACHABLE,
    COLUMNS,
    PENDING,
    RETRY,
)

__all__ = ["BoxTable"]

HEADER_KEY = "boxview/columns"  # + "/retry" or "/pending": each box keeps its own layout
DEFAULT_SORT = {RETRY: COL_EXPIRES, PENDING: COL_QUEUED}


class BoxTable(QTableView):
    """The table. ``activated_rows`` when Enter/Return is pressed on a selection."""

    activated_rows = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("boxTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measure 50k rows
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self._placed: set[int] = set()  # columns brought beside Machine once
        self.kind = RETRY
        self._outcome_visible = False
        self._reach_visible = False  # a Check gave results in this window
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(500)
        self._save_timer.timeout.connect(self.save_header)

    def set_header(self) -> None:
        """Give the header its own C++ model of column titles (call after setModel()).

        Through the proxy each section cost three Python calls per role, six roles a
        paint, each waiting for the GIL while a scan parses (50-120 ms freezes during a
        10k load, bench/bench_gui_load.py); a C++ model never calls into Python."""
        self.header_model = QStandardItemModel(0, len(COLUMNS), self)
        for i, col in enumerate(COLUMNS):
            self.header_model.setHeaderData(i, Qt.Orientation.Horizontal, col.title)
            self.header_model.setHeaderData(
                i, Qt.Orientation.Horizontal, col.tip, Qt.ItemDataRole.ToolTipRole
            )
        header = self.horizontalHeader()
        header.setModel(self.header_model)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.sectionMoved.connect(self._layout_changed)
        header.sectionResized.connect(self._layout_changed)
        header.sortIndicatorChanged.connect(self._layout_changed)
        self._restore_header()

    # ------------------------------------------------------------------ events
    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            with gui_gate:
                return super().viewportEvent(event)
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        sel = self.selectionModel()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and sel and sel.hasSelection():
            self.activated_rows.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_header()
        super().hideEvent(event)

    # ------------------------------------------------------------------ columns
    def _header_menu(self, pos: QPoint) -> None:
        menu = self.columns_menu()
        menu.popup(self.horizontalHeader().mapToGlobal(pos))

    def columns_menu(self) -> QMenu:
        """Check the columns to show (those of this box; Outcome and Reachable show by
        themselves while there are results)."""
        header = self.horizontalHeader()
        menu = QMenu("Columns", self)
        menu.setObjectName("columnsMenu")
        for i, col in enumerate(COLUMNS):
            if self.kind not in col.boxes or i in (COL_OUTCOME, COL_REACHABLE):
                continue  # these show by themselves when there are results
            act = menu.addAction(col.title)
            act.setCheckable(True)
            act.setChecked(not header.isSectionHidden(i))
            act.toggled.connect(partial(self.show_column, i))
        self._columns_menu = menu
        return menu

    def show_column(self, column: int, shown: bool) -> None:
        header = self.horizontalHeader()
        if not shown and header.count() - header.hiddenSectionCount() <= 1:
            return  # keep one column
        header.setSectionHidden(column, not shown)
        self._save_timer.start()

    def show_column_beside_machine(self, column: int) -> None:
        """Show ``column`` (Outcome, Reachable) and bring it beside Machine once per
        window, so results show at any width; moved elsewhere after that, it stays."""
        header = self.horizontalHeader()
        if column == COL_REACHABLE:
            self._reach_visible = True
        if header.isSectionHidden(column):
            header.setSectionHidden(column, False)
        if column in self._placed:
            return
        self._placed.add(column)
        header.moveSection(header.visualIndex(column), header.visualIndex(COL_MACHINE) + 1)

    def set_outcome_visible(self, visible: bool) -> None:
        """The Outcome column takes room only while a row of this box has an outcome."""
        self._outcome_visible = visible
        header = self.horizontalHeader()
        if header.isSectionHidden(COL_OUTCOME) == visible:
            header.setSectionHidden(COL_OUTCOME, not visible)

    def set_kind(self, kind: str) -> None:
        """Show ``kind``'s columns ("retry" or "pending"), each box with its own layout."""
        if kind == self.kind:
            return
        self._save_timer.stop()
        self.save_header()
        self.kind = kind
        self._restore_header()

    # ------------------------------------------------------------------ kept between runs
    def _layout_changed(self, *_args: object) -> None:
        self._save_timer.start()

    def _restore_header(self) -> None:
        header = self.horizontalHeader()
        header.blockSignals(True)  # a layout being put back is not a change to save
        state = qsettings().value(f"{HEADER_KEY}/{self.kind}")
        restored = isinstance(state, QByteArray) and header.restoreState(state)
        if not restored:
            self._default_layout()
        for i, col in enumerate(COLUMNS):  # never another box's columns
            if self.kind not in col.boxes:
                header.setSectionHidden(i, True)
        header.setSectionHidden(COL_OUTCOME, not self._outcome_visible)
        # check results last a session: a restored layout has no empty Reachable column
        header.setSectionHidden(COL_REACHABLE, not self._reach_visible)
        header.blockSignals(False)
        self.setSortingEnabled(True)  # sorts by the (restored) indicator
        self.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def _default_layout(self) -> None:
        """This box's default columns, in their order, Outcome beside Machine."""
        header = self.horizontalHeader()
        for i, col in enumerate(COLUMNS):
            header.setSectionHidden(i, self.kind not in col.shown)
            header.resizeSection(i, col.width)
            at = header.visualIndex(i)
            if at != i:
                header.moveSection(at, i)
        header.moveSection(header.visualIndex(COL_OUTCOME), header.visualIndex(COL_MACHINE) + 1)
        if self.kind == PENDING:  # when and how long first; the file name last
            header.moveSection(header.visualIndex(COL_FILE), header.count() - 1)
        header.setSortIndicator(DEFAULT_SORT[self.kind], Qt.SortOrder.AscendingOrder)

    def save_header(self) -> None:
        s = qsettings()
        s.setValue(f"{HEADER_KEY}/{self.kind}", self.horizontalHeader().saveState())
        s.sync()
