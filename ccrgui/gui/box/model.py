"""The box table's Qt model: the rows of a :class:`~ccrgui.gui.box.store.RowStore` as
cells, colours, icons and tooltips. Rows change only through :meth:`BoxTableModel.apply`
(a :class:`~ccrgui.gui.box.rows.RowBatch` from the loader) and :meth:`clear`; the model
is the store's :class:`~ccrgui.gui.box.store.RowEvents` listener."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from ...core.ccr import CcrRecord
from ...core.pending import STALE_AFTER, waiting_text
from ...core.reach import Reachability
from ...core.when import date_text, expiry_text
from .columns import (
    COL_ERROR,
    COL_EXPIRES,
    COL_FILE,
    COL_MACHINE,
    COL_MEANING,
    COL_OUTCOME,
    COL_QUEUED,
    COL_REACHABLE,
    COL_WAITING,
    COLUMNS,
    SOON_SECONDS,
    error_info,
    reach_text,
    reach_tip,
)
from .rows import OutcomeKind, Row, RowBatch, RowOutcome, reach_key, sort_value
from .store import RowStore

__all__ = ["OBJECT_ROLE", "SORT_ROLE", "BoxTableModel", "Index"]

OBJECT_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's CcrRecord
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the typed value the column sorts on

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_DISPLAY = Qt.ItemDataRole.DisplayRole
_NCOLS = len(COLUMNS)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_OUTCOME_COLOURS = {
    OutcomeKind.OK: "#1b5e20",
    OutcomeKind.WARN: "#8a5a00",
    OutcomeKind.FAILED: "#b3261e",
}
_OUTCOME_PIXMAPS = {
    OutcomeKind.OK: QStyle.StandardPixmap.SP_DialogApplyButton,
    OutcomeKind.WARN: QStyle.StandardPixmap.SP_MessageBoxInformation,
    OutcomeKind.FAILED: QStyle.StandardPixmap.SP_MessageBoxCritical,
}


class BoxTableModel(QAbstractTableModel):
    """Rows of one box. ``counts_changed`` fires after rows were added, changed or removed
    (the summary strip recounts). ``clock`` gives "now" for the Expires column."""

    counts_changed = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.now = clock()
        self.store = RowStore(self)
        self._warning_icon: QIcon | None = None
        self._outcome_icons: dict[OutcomeKind, QIcon] = {}

    # ------------------------------------------------------------------ Qt model API
    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.store.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else _NCOLS

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        # the base class checks bounds through rowCount() and columnCount(): two more
        # Python calls for every index a view or proxy asks for
        if parent.isValid() or not (0 <= row < len(self.store.rows) and 0 <= column < _NCOLS):
            return QModelIndex()
        return self.createIndex(row, column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _NCOLS:
            return None
        if role == _DISPLAY:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self.store.rows[index.row()]
        col = index.column()
        if col == COL_OUTCOME:
            return self._outcome_data(row, role)
        if col == COL_REACHABLE:
            return self._reach_data(row, role)
        if role == _DISPLAY:
            if col == COL_EXPIRES:
                return expiry_text(row.record.expires_at, self.now, short=True)
            if col == COL_QUEUED:
                return date_text(self.queued_at(row))
            if col == COL_WAITING:
                return waiting_text(self.queued_at(row), self.now)
            return row.cells()[col]
        if role == OBJECT_ROLE:
            return row.record
        if role == SORT_ROLE:
            return sort_value(col, self.store.outcomes, self.store.reach, self.store.arrivals)(row)
        if role == Qt.ItemDataRole.DecorationRole:
            if col == COL_MACHINE and row.record.problem:
                return self._warning()
            if col == COL_MACHINE and self.store.outcomes:
                return self._outcome_icon(row)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if COLUMNS[col].numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if col == COL_EXPIRES and row.record.expires_at is not None:
            return self._expiry_style(row.record.expires_at, role)
        if col == COL_WAITING and role == Qt.ItemDataRole.ForegroundRole:
            queued = self.queued_at(row)
            if queued is not None and self.now - queued > STALE_AFTER:
                return QBrush(QColor("#b3261e"))  # the site server should have taken it
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_MEANING and row.record.problem:
            return QBrush(QColor("#8a1c12"))
        return None

    def _expiry_style(self, expires_at: datetime, role: int) -> Any:
        """Expired is the loudest state (white on red: the site server deletes the request
        at its next pass), then under 24 h (bold red on orange)."""
        left = (expires_at - self.now).total_seconds()
        if left >= SOON_SECONDS:
            return None
        expired = left <= 0
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor("#b3261e" if expired else "#ffe0b2"))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#ffffff" if expired else "#b3261e"))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def queued_at(self, row: Row) -> datetime | None:
        """When the request arrived in its box: seen arriving, else the file's time."""
        return self.store.arrivals.get(row.record.file) or row.modified

    def _outcome_data(self, row: Row, role: int) -> Any:
        outcome = self.store.outcomes.get(row.record.file)
        if outcome is None:
            return None
        if role == _DISPLAY:
            return outcome.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return outcome.tip
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(_OUTCOME_COLOURS[outcome.kind]))
        return None

    def _reach_data(self, row: Row, role: int) -> Any:
        if role == OBJECT_ROLE:
            return row.record
        if role == SORT_ROLE:
            return sort_value(COL_REACHABLE, reach=self.store.reach)(row)
        result = self.store.reach.get(reach_key(row.record))
        if result is None:
            return None
        if role == _DISPLAY:
            return reach_text(result)
        if role == Qt.ItemDataRole.ToolTipRole:
            return reach_tip(result, row.record.last_error_code)
        if role == Qt.ItemDataRole.ForegroundRole:
            kind = OutcomeKind.OK if result.ok else OutcomeKind.FAILED
            return QBrush(QColor(_OUTCOME_COLOURS[kind]))
        return None

    def reach(self, record: CcrRecord) -> Reachability | None:
        """The latest check of ``record``'s machine, if any."""
        return self.store.reach.get(reach_key(record))

    def _outcome_icon(self, row: Row) -> QIcon | None:
        outcome = self.store.outcomes.get(row.record.file)
        if outcome is None:
            return None
        icon = self._outcome_icons.get(outcome.kind)
        if icon is None:
            pixmap = _OUTCOME_PIXMAPS[outcome.kind]
            icon = self._outcome_icons[outcome.kind] = QApplication.style().standardIcon(pixmap)
        return icon

    def _warning(self) -> QIcon:
        if self._warning_icon is None:
            style = QApplication.style()
            self._warning_icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return self._warning_icon

    def _tooltip(self, row: Row, col: int) -> str | None:
        r = row.record
        outcomes = self.store.outcomes
        if col == COL_MACHINE and not r.problem and r.file in outcomes:
            return outcomes[r.file].tip
        if r.problem and col in (COL_MACHINE, COL_MEANING, COL_ERROR):
            return f"{r.file}\nNot a valid CCR: {r.problem}"
        if col in (COL_ERROR, COL_MEANING) and r.last_error_code is not None:
            info = error_info(r.last_error_code)
            name = f" {info.name}" if info.name else ""
            return (
                f"{r.last_error_code} ({info.hex}){name}\n{info.message}\n\n"
                f"Likely cause: {info.cause}\nWhat to check: {info.fix}"
            )
        if col == COL_EXPIRES and r.expires_at is not None:
            if r.expires_at <= self.now:
                return (
                    f"Expired {date_text(r.expires_at)}: the site server deletes it at its "
                    "next pass. Resubmit as a new request to try again."
                )
            return f"The site server gives up on {date_text(r.expires_at)}"
        if col in (COL_QUEUED, COL_WAITING):
            if r.file in self.store.arrivals:
                return "Seen arriving in the box at this time"
            return "The file's time: it was already waiting when ccrgui first read the box"
        if col == COL_FILE:
            return r.file
        return None

    # ------------------------------------------------------------------ reading
    def record(self, row: int) -> CcrRecord:
        return self.store.rows[row].record

    def records(self) -> list[CcrRecord]:
        return [r.record for r in self.store.rows]

    def row_of(self, file: str) -> int | None:
        """The row showing ``file`` (a CcrRecord.file), or None."""
        return self.store.row_of(file)

    def row_at(self, row: int) -> Row:
        return self.store.rows[row]

    def error_counts(self) -> Counter[int]:
        """Rows per last error code (PROBLEM: invalid files, NO_ERROR: no code)."""
        return self.store.error_counts()

    def outcome(self, file: str) -> RowOutcome | None:
        return self.store.outcomes.get(file)

    # ------------------------------------------------------------------ changes
    def apply(self, batch: RowBatch) -> None:
        """A loader batch, in place: removed rows go, changed rows update, new rows appear
        in sort position. Selection, sort and scroll position survive."""
        if self.store.apply(batch):
            self.counts_changed.emit()

    def clear(self) -> None:
        """Forget every row (another site or box)."""
        self.beginResetModel()
        self.store.clear()
        self.endResetModel()
        self.counts_changed.emit()

    def set_outcomes(self, outcomes: dict[str, RowOutcome]) -> None:
        """Show what a resubmit or undo did, per file (CcrRecord.file), in the Outcome
        column. Kept for rows that come back later (undo), until replaced."""
        self.store.set_outcomes(outcomes)  # resorts when sorted by outcome
        if self.store.rows:
            last = len(self.store.rows) - 1
            self.dataChanged.emit(self.index(0, 0), self.index(last, COL_OUTCOME))

    def set_reach(self, results: list[Reachability]) -> None:
        """Show the checks' results in the Reachable column, for every row of each
        machine checked (kept until the machine is checked again)."""
        self.store.set_reach(results)
        if self.store.rows:
            last = len(self.store.rows) - 1
            self.dataChanged.emit(self.index(0, COL_REACHABLE), self.index(last, COL_REACHABLE))

    def set_now(self, now: datetime | None = None) -> None:
        """Move the clock for the Expires column ("in 3 h" becomes "in 2 h")."""
        self.now = now or self._clock()
        if self.store.rows:
            last = len(self.store.rows) - 1
            self.dataChanged.emit(self.index(0, COL_EXPIRES), self.index(last, COL_EXPIRES))
            self.dataChanged.emit(self.index(0, COL_WAITING), self.index(last, COL_WAITING))

    # ------------------------------------------------------------------ sorting
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.store.sort(column, order == Qt.SortOrder.DescendingOrder)

    @property
    def sort_column(self) -> int:
        return self.store.sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return (
            Qt.SortOrder.DescendingOrder if self.store.descending else Qt.SortOrder.AscendingOrder
        )

    def defer_sort(self, defer: bool) -> None:
        """While a big folder loads, append rows as they come and sort once at the end."""
        self.store.defer_sort(defer)

    # ------------------------------------------------------------------ RowEvents
    def rows_inserting(self, first: int, last: int) -> None:
        self.beginInsertRows(_ROOT, first, last)

    def rows_inserted(self) -> None:
        self.endInsertRows()

    def rows_removing(self, first: int, last: int) -> None:
        self.beginRemoveRows(_ROOT, first, last)

    def rows_removed(self) -> None:
        self.endRemoveRows()

    def row_moving(self, row: int, before: int) -> None:
        self.beginMoveRows(_ROOT, row, row, _ROOT, before)

    def row_moved(self) -> None:
        self.endMoveRows()

    def rows_reordering(self) -> None:
        self.layoutAboutToBeChanged.emit()

    def rows_reordered(self, new_row: list[int]) -> None:
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent, [self.index(new_row[p.row()], p.column()) for p in persistent]
        )
        self.layoutChanged.emit()

    def row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, _NCOLS - 1))
