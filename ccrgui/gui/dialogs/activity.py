"""The activity log window (View › Activity log, Ctrl+L): who queued, resubmitted or undid
what, when, on which site, and how it went. Answers "who resubmitted what".

The log (:mod:`ccrgui.core.activity`, JSON Lines in the user log dir) is read off the GUI
thread; the newest entries come first; the filter field matches any column as you type;
F5 reads it again; "Open log folder" shows the file in the file manager.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QCloseEvent, QColor, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core import paths
from ...core.activity import ActivityEntry, activity_log_path, read_activity
from ..box.model import OBJECT_ROLE, SORT_ROLE, Index
from ..runtime.qt_compat import change_row_filter
from ..tasks import run_task
from ..view_state import qsettings, restore_geometry, save_geometry

__all__ = ["ActivityFilter", "ActivityModel", "ActivityWindow", "action_label", "short_path"]

LIMIT = 5000  # entries read from the end of the log
_ROOT = QModelIndex()

COLUMNS = ("Time", "User", "Site", "Action", "Machine", "From → To", "Result")
WIDTHS = (140, 110, 100, 110, 120, 370, 160)  # Result takes the rest
COL_TIME, COL_USER, COL_SITE, COL_ACTION, COL_MACHINE, COL_MOVE, COL_RESULT = range(7)

_ACTIONS = {
    "queue": "Queue",
    "resubmit": "Resubmit",
    "resubmit-new": "Resubmit as new",
    "undo": "Undo",
}


def action_label(action: str) -> str:
    """``resubmit-new`` → ``Resubmit as new``; unknown actions as written."""
    return _ACTIONS.get(action, action)


def short_path(path: str) -> str:
    """A box file as ``ccrretry.box/PC1.ccr`` (its folder and name); "" stays ""."""
    if not path:
        return ""
    p = Path(path)
    return f"{p.parent.name}{os.sep}{p.name}" if p.parent.name else p.name


def _move_text(e: ActivityEntry) -> str:
    src, dst = short_path(e.source), short_path(e.destination)
    if src and dst:
        return f"{src} → {dst}"
    return f"→ {dst}" if dst else src


class ActivityModel(QAbstractTableModel):
    """The log's entries, newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[ActivityEntry] = []
        self._haystacks: list[str] = []

    def set_entries(self, entries: Sequence[ActivityEntry]) -> None:
        """``entries`` oldest first, as :func:`read_activity` gives them (log order: the
        order things happened, also within one second)."""
        self.beginResetModel()
        self.entries = list(reversed(entries))
        self._haystacks = [
            "\n".join(
                (
                    f"{e.time:%Y-%m-%d %H:%M:%S}",
                    e.user,
                    e.site,
                    e.site_root,
                    e.action,
                    action_label(e.action),
                    e.machine,
                    e.source,
                    e.destination,
                    e.result,
                )
            ).casefold()
            for e in self.entries
        ]
        self.endResetModel()

    def haystack(self, row: int) -> str:
        return self._haystacks[row]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(e, col)
        if role == SORT_ROLE:
            if col == COL_TIME:  # the log's order breaks ties within a second
                return int(e.time.timestamp()) * 1_000_000 + len(self.entries) - index.row()
            return self._text(e, col).casefold()
        if role == OBJECT_ROLE:
            return e
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_SITE:
                return e.site_root or None
            if col == COL_MOVE:
                return "\n".join(
                    x for x in (f"From: {e.source}" * bool(e.source), f"To: {e.destination}") if x
                )
            if col == COL_RESULT:
                return e.result
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_RESULT:
            if e.result.startswith("failed"):
                return QBrush(QColor("#b3261e"))
            return None
        return None

    @staticmethod
    def _text(e: ActivityEntry, col: int) -> str:
        if col == COL_TIME:
            return f"{e.time:%Y-%m-%d %H:%M:%S}"
        if col == COL_USER:
            return e.user
        if col == COL_SITE:
            return e.site
        if col == COL_ACTION:
            return action_label(e.action)
        if col == COL_MACHINE:
            return e.machine
        if col == COL_MOVE:
            return _move_text(e)
        return e.result.splitlines()[0] if e.result else ""


class ActivityFilter(QSortFilterProxyModel):
    """The log's rows matching the filter text anywhere; sorts on typed values."""

    def __init__(self, source: ActivityModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._needle = ""
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)

    def set_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            change_row_filter(self, partial(self._set_needle, needle))

    def _set_needle(self, needle: str) -> None:
        self._needle = needle

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return not self._needle or self._needle in self._source.haystack(source_row)


class ActivityWindow(QWidget):
    """A top-level window over the activity log. ``loaded()`` fires after each read."""

    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setObjectName("activityWindow")
        self.setWindowTitle("Activity log — ccrgui")
        self._generation = 0
        self.error: str | None = None
        self.model = ActivityModel(self)
        self.proxy = ActivityFilter(self.model, self)

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("activityFilter")
        self.filter_edit.setAccessibleName("Filter the activity log")
        self.filter_edit.setPlaceholderText("Filter: machine, user, site, action, result…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setObjectName("activityRefresh")
        self.refresh_button.setToolTip("Read the log again (F5)")
        self.refresh_button.clicked.connect(self.reload)
        self.folder_button = QPushButton("Open log &folder")
        self.folder_button.setObjectName("activityFolder")
        self.folder_button.setToolTip(str(paths.log_dir()))
        self.folder_button.clicked.connect(self.open_folder)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.folder_button)

        self.table = QTableView()
        self.table.setObjectName("activityTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for i, width in enumerate(WIDTHS):
            header.resizeSection(i, width)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_TIME, Qt.SortOrder.DescendingOrder)

        self.status = QLabel()
        self.status.setObjectName("activityStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self.act_refresh = QAction("Refresh", self)
        self.act_refresh.setShortcut(QKeySequence("F5"))
        self.act_refresh.triggered.connect(self.reload)
        self.addAction(self.act_refresh)
        self.act_close = QAction("Close", self)
        self.act_close.setShortcut(QKeySequence("Esc"))
        self.act_close.triggered.connect(self.close)
        self.addAction(self.act_close)
        if not restore_geometry(self, "activity"):
            self.resize(1280, 520)

    # ------------------------------------------------------------------ reading
    def reload(self) -> None:
        """Read the log again, off the GUI thread (the latest read wins)."""
        self._generation += 1
        generation = self._generation
        self.status.setText("Reading the activity log…")

        run_task(
            partial(read_activity, LIMIT),
            partial(self._loaded, generation),
            partial(self._failed, generation),
        )

    def _loaded(self, generation: int, entries: list[ActivityEntry]) -> None:
        if generation != self._generation:
            return  # a later read wins
        self.error = None
        self.model.set_entries(entries)
        self._update_status()
        self.loaded.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        reason = getattr(exc, "strerror", None) or str(exc)
        self.error = f"The activity log {activity_log_path()} cannot be read: {reason}"
        self.status.setText(self.error)
        self.loaded.emit()

    def _filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_status()

    def _update_status(self) -> None:
        if self.error:
            return
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            text = "No activity yet: queueing, resubmitting and undoing are recorded here."
        else:
            what = "entry" if total == 1 else "entries"
            text = f"{shown:,} of {total:,} {what}" if shown != total else f"{total:,} {what}"
            if total >= LIMIT:
                text += f" (the last {LIMIT:,})"
            text += f" · read at {datetime.now():%H:%M:%S}"
        self.status.setText(f"{text} · {activity_log_path()}")

    # ------------------------------------------------------------------ actions
    def open_folder(self) -> None:
        """Show the log folder in the file manager."""
        folder = paths.log_dir()
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def entries(self) -> list[ActivityEntry]:
        """The rows shown, top to bottom (tests, copy)."""
        return [self.proxy.index(i, 0).data(OBJECT_ROLE) for i in range(self.proxy.rowCount())]

    def closeEvent(self, event: QCloseEvent) -> None:
        save_geometry(self, "activity")
        qsettings().sync()
        super().closeEvent(event)
