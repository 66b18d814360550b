"""The main window's table of one box: what failed, why, what to do, and when it expires.

:class:`BoxView` shows the retry box (or the pending box) of a site as a live table:
a filter field (as you type), an error filter, a summary strip (a button per error code,
with its count and meaning, that filters to it), an offline banner, progress while a big
folder loads, and a context menu. Double-click or Enter opens the detail window.

Public hooks for other features: :meth:`BoxView.selected_records`,
:meth:`BoxView.visible_records`, :meth:`BoxView.add_context_action`,
:meth:`BoxView.refresh`, :meth:`BoxView.attach` (wires it into the main window).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.ccr import CcrRecord
from ..core.config import ConfigError, load_config
from ..core.errors import describe
from ..core.site import Site
from .export import default_file_name, write_csv
from .live import BoxLoader, gui_gate
from .retry_model import (
    COL_EXPIRES,
    COLUMNS,
    NO_ERROR,
    PROBLEM,
    RetryFilterProxy,
    RetryTableModel,
)
from .settings import qsettings
from .tasks import run_task

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["BoxView", "error_label"]

SETTINGS_KEY = "boxview/header"
MAX_DETAIL_WINDOWS = 10  # opening more at once is never what a double-click meant


def error_label(key: int) -> tuple[str, str]:
    """(short text, tooltip) for a summary/filter key."""
    if key == PROBLEM:
        return "Not a valid CCR", "Files that cannot be read or are not CCR files"
    if key == NO_ERROR:
        return "No error recorded", "Requests without a Last Error Code (not tried yet)"
    info = describe(key)
    words = info.message.rstrip(".")
    tip = f"{info.short}\n{info.message}\n\nLikely cause: {info.cause}\nWhat to check: {info.fix}"
    return f"{words} ({info.short})", tip


class _Table(QTableView):
    """The table; Enter/Return opens the selected rows' details. Painting closes the
    GUI gate (see :class:`~ccrgui.gui.live.GuiGate`): a scan in progress waits."""

    activated_rows = Signal()

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


class BoxView(QWidget):
    """A live table of one box. ``site`` and ``box_kind`` ("retry"/"pending") choose it;
    :meth:`set_box` shows any folder (tests, tools).

    ``opener(records)`` opens detail windows (the main window routes it to its file
    opener); the default opens a :class:`~ccrgui.gui.detail_window.DetailWindow` each.
    """

    box_changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        poll_seconds: float | None = None,
        watch: bool = True,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("boxView")
        self.site: Site | None = None
        self.box_kind = "retry"
        self.opener: Callable[[list[CcrRecord]], None] | None = None
        self.detail_windows: list[QWidget] = []
        self._clock = clock
        self.model = RetryTableModel(self, clock=clock)
        self.proxy = RetryFilterProxy(self.model, self)
        if poll_seconds is None:
            try:
                poll_seconds = float(load_config().poll_seconds)
            except ConfigError:
                poll_seconds = 10.0
        self.poll_seconds = poll_seconds
        self.loader = BoxLoader(self.model, self, poll_seconds=poll_seconds, watch=watch)
        self._extra_actions: list[QAction] = []
        self._build()
        self._connect()
        self._restore_header()
        self._update_status()

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filterEdit")
        self.filter_edit.setPlaceholderText("Filter: machine, domain, IP, error, file…")
        self.filter_edit.setClearButtonEnabled(True)
        self.error_combo = QComboBox()
        self.error_combo.setObjectName("errorFilter")
        self.error_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.error_combo.setMinimumContentsLength(24)
        self.error_combo.setToolTip("Show only the requests that failed with one error")
        self.box_buttons = QHBoxLayout()
        self.box_buttons.setSpacing(2)
        self.retry_action = QAction("Retry box", self)
        self.pending_action = QAction("Pending box", self)
        self._own_box_group = QActionGroup(self)
        for act, kind in ((self.retry_action, "retry"), (self.pending_action, "pending")):
            act.setCheckable(True)
            act.setActionGroup(self._own_box_group)
            act.triggered.connect(lambda _c=False, k=kind: self.set_box_kind(k))
        self.retry_action.setChecked(True)
        self._set_box_buttons(self.retry_action, self.pending_action)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 2)
        top.addWidget(self.error_combo, 1)
        top.addLayout(self.box_buttons)

        self.offline_banner = QLabel()
        self.offline_banner.setObjectName("offlineBanner")
        self.offline_banner.setWordWrap(True)
        self.offline_banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.offline_banner.setStyleSheet(
            "QLabel#offlineBanner { background: #fdecea; color: #8a1c12; border: 1px solid"
            " #e0a39b; border-radius: 4px; padding: 6px; font-weight: bold; }"
        )
        self.offline_banner.hide()

        self.summary = QWidget()
        self.summary.setObjectName("summaryStrip")
        self.summary_layout = QHBoxLayout(self.summary)
        self.summary_layout.setContentsMargins(0, 0, 0, 0)
        self.summary_layout.setSpacing(4)
        self.summary_layout.addStretch(1)
        self.summary_buttons: dict[int | None, QToolButton] = {}
        strip = QScrollArea()
        strip.setObjectName("summaryScroll")
        strip.setWidget(self.summary)
        strip.setWidgetResizable(True)
        strip.setFrameShape(QFrame.Shape.NoFrame)
        strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        strip.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        strip.setFixedHeight(self.fontMetrics().height() * 2 + 16)
        self.summary_scroll = strip

        self.table = _Table()
        self.table.setObjectName("boxTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.table.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measure 50k rows
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        # The column titles live in a C++ model of their own, so the header never calls
        # into Python: through the proxy each section cost three Python calls per role,
        # six roles a paint, each waiting for the GIL while a scan parses (50-120 ms
        # freezes during a 10k load, bench/bench_gui_load.py). Set it again after any
        # table.setModel().
        self.header_model = QStandardItemModel(0, len(COLUMNS), self)
        for i, col in enumerate(COLUMNS):
            self.header_model.setHeaderData(i, Qt.Orientation.Horizontal, col.title)
            self.header_model.setHeaderData(
                i, Qt.Orientation.Horizontal, col.tip, Qt.ItemDataRole.ToolTipRole
            )
        header = self.table.horizontalHeader()
        header.setModel(self.header_model)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        for i, col in enumerate(COLUMNS):
            header.resizeSection(i, col.width)

        self.progress = QProgressBar()
        self.progress.setObjectName("loadProgress")
        self.progress.setFormat("Reading %v of %m files")
        self.progress.setMaximumWidth(320)
        self.progress.hide()
        self.status_label = QLabel()
        self.status_label.setObjectName("boxStatus")
        # a long share path must not stop the window from being made narrower
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.progress)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.summary_scroll)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.act_details = QAction("Open details", self)
        self.act_details.setShortcut(QKeySequence(Qt.Key.Key_Return))
        self.act_details.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_details.triggered.connect(lambda: self.open_details())
        self.act_copy = QAction("Copy machine names", self)
        self.act_copy.setShortcut(QKeySequence.StandardKey.Copy)
        self.act_copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_copy.triggered.connect(self.copy_names)
        self.table.addAction(self.act_copy)
        self.act_copy_paths = QAction("Copy file paths", self)
        self.act_copy_paths.triggered.connect(self.copy_paths)
        self.act_folder = QAction("Open containing folder", self)
        self.act_folder.triggered.connect(self.open_folder)
        self.act_export = QAction("Export selection to CSV…", self)
        self.act_export.triggered.connect(self.export_dialog)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(150)
        self._counts_timer.timeout.connect(self._update_counts)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(500)
        self._save_timer.timeout.connect(self.save_header)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(60_000)
        self._clock_timer.timeout.connect(lambda: self.model.set_now(self._clock()))
        self._clock_timer.start()

    def _connect(self) -> None:
        self.filter_edit.textChanged.connect(self._text_changed)
        self.error_combo.activated.connect(self._combo_chosen)
        self.table.doubleClicked.connect(lambda _i: self.open_details())
        self.table.activated_rows.connect(self.open_details)
        self.table.customContextMenuRequested.connect(self._context_menu)
        header = self.table.horizontalHeader()
        header.customContextMenuRequested.connect(self._header_menu)
        for sig in (header.sectionMoved, header.sectionResized):
            sig.connect(lambda *_a: self._save_timer.start())
        header.sortIndicatorChanged.connect(lambda *_a: self._save_timer.start())
        self.model.counts_changed.connect(self._counts_timer.start)
        self.model.modelReset.connect(self._counts_timer.start)
        self.proxy.rowsInserted.connect(self._update_status)
        self.proxy.rowsRemoved.connect(self._update_status)
        self.proxy.modelReset.connect(self._update_status)
        self.proxy.layoutChanged.connect(self._update_status)
        self.loader.progress.connect(self._progress)
        self.loader.state_changed.connect(self._state_changed)
        self.loader.scan_finished.connect(self._counts_after_pass)
        self.destroyed.connect(self.loader.stop)

    # ------------------------------------------------------------------ which box
    def set_site(self, site: Site | None) -> None:
        """Show ``site``'s box of the current kind (None: no site, no rows)."""
        same = (
            site is not None
            and self.site is not None
            and site.box(self.box_kind) == self.site.box(self.box_kind)
        )
        self.site = site
        if same:
            self.refresh()
            return
        self.set_box(None if site is None else site.box(self.box_kind))

    def set_box_kind(self, kind: str) -> None:
        """``"retry"`` (ccrretry.box: what failed) or ``"pending"`` (ccr.box: queued)."""
        if kind not in ("retry", "pending"):
            raise ValueError(kind)
        for act in (self.retry_action, self.pending_action):
            act.setChecked(act is (self.retry_action if kind == "retry" else self.pending_action))
        if kind == self.box_kind:
            return
        self.box_kind = kind
        self.set_box(None if self.site is None else self.site.box(kind))

    def set_box(self, box: Path | None) -> None:
        """Show any folder of CCR files."""
        self.filter_by_error(None)
        self.loader.set_box(box)
        self.box_changed.emit()
        self._state_changed()

    @property
    def box(self) -> Path | None:
        return self.loader.box

    def set_poll_seconds(self, seconds: float) -> None:
        """Read the box every ``seconds`` (Settings' refresh interval)."""
        self.poll_seconds = float(seconds)
        self.loader.set_poll_seconds(self.poll_seconds)
        self._state_changed()  # the offline banner names the interval

    def refresh(self) -> None:
        """F5: read the box again now."""
        self.loader.refresh()

    def set_box_actions(self, retry: QAction, pending: QAction) -> None:
        """Use the main window's View actions for the retry/pending switch."""
        self.retry_action, self.pending_action = retry, pending
        retry.triggered.connect(lambda _c=False: self.set_box_kind("retry"))
        pending.triggered.connect(lambda _c=False: self.set_box_kind("pending"))
        self._set_box_buttons(retry, pending)

    def _set_box_buttons(self, retry: QAction, pending: QAction) -> None:
        """The two switch buttons beside the filter show ``retry`` and ``pending``."""
        if not self.box_buttons.count():
            for name in ("retryBoxButton", "pendingBoxButton"):
                button = QToolButton()
                button.setObjectName(name)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                self.box_buttons.addWidget(button)
        for i, act in enumerate((retry, pending)):
            item = self.box_buttons.itemAt(i)
            button = item.widget() if item is not None else None
            if isinstance(button, QToolButton):
                old = button.defaultAction()
                if old is not None and old is not act:
                    button.removeAction(old)  # a second action would make it a menu button
                button.setDefaultAction(act)

    # ------------------------------------------------------------------ records
    def selected_records(self) -> list[CcrRecord]:
        """The selected rows' records, top to bottom."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.proxy.record(r) for r in rows]

    def visible_records(self) -> list[CcrRecord]:
        """Every row the filters let through, top to bottom."""
        return self.proxy.records()

    def add_context_action(self, action: QAction) -> None:
        """Add an action to the table's context menu (after the built-in ones)."""
        self._extra_actions.append(action)

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
                sel.select(
                    index,
                    sel.SelectionFlag.Select | sel.SelectionFlag.Rows,
                )
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

    def _combo_chosen(self, index: int) -> None:
        self.filter_by_error(self.error_combo.itemData(index))

    def _sync_error_widgets(self) -> None:
        key = self.proxy.error
        i = self.error_combo.findData(key) if key is not None else 0
        if i < 0:
            label, _tip = error_label(key) if key is not None else ("", "")
            self.error_combo.addItem(f"{label} — 0", key)
            i = self.error_combo.count() - 1
        self.error_combo.setCurrentIndex(i)
        for k, button in self.summary_buttons.items():
            button.setChecked(k == key and key is not None)

    def _update_counts(self) -> None:
        self._counts_timer.stop()
        counts = self.model.error_counts()
        total = sum(counts.values())
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        combo = self.error_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(f"All errors ({total:,})", None)
        for key, n in ordered:
            label, tip = error_label(key)
            combo.addItem(f"{label} — {n:,}", key)
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        combo.blockSignals(False)
        for button in self.summary_buttons.values():
            self.summary_layout.removeWidget(button)
            button.deleteLater()
        self.summary_buttons = {}
        for pos, (key, n) in enumerate(ordered):
            label, tip = error_label(key)
            button = QToolButton()
            button.setObjectName(f"summary_{key}")
            button.setCheckable(True)
            button.setText(f"{n:,}  {label}")
            button.setToolTip(f"{tip}\n\nClick to show only these {n:,} requests")
            button.setAutoRaise(False)
            button.clicked.connect(lambda checked, k=key: self._summary_clicked(k, checked))
            self.summary_layout.insertWidget(pos, button)
            self.summary_buttons[key] = button
        self.summary_scroll.setVisible(bool(ordered))
        self._sync_error_widgets()
        self._update_status()

    def _counts_after_pass(self) -> None:
        """Counts that changed are shown as soon as a pass is complete (not 150 ms later);
        a pass that changed nothing leaves the strip and an open error list alone."""
        if self._counts_timer.isActive():
            self._update_counts()

    def _summary_clicked(self, key: int, checked: bool) -> None:
        self.filter_by_error(key if checked else None)

    # ------------------------------------------------------------------ status
    def _update_status(self, *_args: object) -> None:
        if self.box is None:
            self.status_label.setText("No site open")  # not "0 requests": nothing was read
            return
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        what = "request" if total == 1 else "requests"
        text = f"{shown:,} of {total:,} {what}" if shown != total else f"{total:,} {what}"
        bad = self.model.error_counts().get(PROBLEM, 0)
        if bad:
            text += f" · {bad:,} not valid"
        if self.loader.last_good is not None:
            text += f" · read at {self.loader.last_good:%H:%M:%S}"
        if self.box is not None:
            text += f" · {self.box}"
        self.status_label.setText(text)

    def _progress(self, done: int, total: int) -> None:
        if total <= 0:
            self.progress.hide()
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setVisible(total > 200)  # a few files read in a blink

    def _state_changed(self) -> None:
        offline = self.loader.offline
        if offline is None:
            self.offline_banner.hide()
        else:
            good = self.loader.last_good
            if good is None:
                kept = "Nothing has been read from it yet."
            else:
                when = good.strftime("%H:%M:%S" if good.date() == datetime.now().date() else "%c")
                kept = f"Showing the {self.model.rowCount():,} requests read at {when}."
            self.offline_banner.setText(
                f"Offline — {offline.message} {kept} "
                f"Trying again every {self.poll_seconds:g} s (F5: now)."
            )
            self.offline_banner.show()
        self._update_status()

    # ------------------------------------------------------------------ actions
    def open_details(self, records: Sequence[CcrRecord] | None = None) -> None:
        """Open the detail window of each selected row (or of ``records``)."""
        chosen = list(records) if records is not None else self.selected_records()
        if not chosen:
            return
        chosen = chosen[:MAX_DETAIL_WINDOWS]
        if self.opener is not None:
            self.opener(chosen)
            return
        from .detail_window import DetailWindow

        for record in chosen:
            win = DetailWindow(record, self)
            win.setWindowFlag(Qt.WindowType.Window, True)
            win.destroyed.connect(
                lambda _o=None, w=win: (
                    self.detail_windows.remove(w) if w in self.detail_windows else None
                )
            )
            self.detail_windows.append(win)
            win.show()

    def copy_names(self) -> None:
        names = [r.machine_label for r in self.selected_records()]
        if names:
            QGuiApplication.clipboard().setText("\n".join(names))

    def copy_paths(self) -> None:
        paths = [r.file for r in self.selected_records()]
        if paths:
            QGuiApplication.clipboard().setText("\n".join(paths))

    def open_folder(self) -> None:
        """Show the selected file in the file manager (the box folder)."""
        from .detail_window import show_in_folder

        chosen = self.selected_records()
        if chosen:
            show_in_folder(chosen[0].file)
        elif self.box is not None:
            show_in_folder(self.box / "x.ccr")

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu()
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def context_menu(self) -> QMenu:
        """The table's context menu for the current selection."""
        menu = QMenu(self)
        menu.setObjectName("boxContextMenu")
        has = bool(self.table.selectionModel().selectedRows())
        for act in (self.act_details, self.act_copy, self.act_copy_paths, self.act_folder):
            act.setEnabled(has or act is self.act_folder)
            menu.addAction(act)
        menu.addSeparator()
        self.act_export.setText(
            "Export selection to CSV…" if has else "Export visible rows to CSV…"
        )
        menu.addAction(self.act_export)
        if self._extra_actions:
            menu.addSeparator()
            for act in self._extra_actions:
                menu.addAction(act)
        self._menu = menu
        return menu

    def _header_menu(self, pos: QPoint) -> None:
        menu = self.columns_menu()
        menu.popup(self.table.horizontalHeader().mapToGlobal(pos))

    def columns_menu(self) -> QMenu:
        """Check the columns to show."""
        header = self.table.horizontalHeader()
        menu = QMenu("Columns", self)
        menu.setObjectName("columnsMenu")
        for i, col in enumerate(COLUMNS):
            act = menu.addAction(col.title)
            act.setCheckable(True)
            act.setChecked(not header.isSectionHidden(i))
            act.toggled.connect(lambda on, i=i: self.show_column(i, on))
        self._columns_menu = menu
        return menu

    def show_column(self, column: int, shown: bool) -> None:
        header = self.table.horizontalHeader()
        if not shown and header.count() - header.hiddenSectionCount() <= 1:
            return  # keep one column
        header.setSectionHidden(column, not shown)
        self._save_timer.start()

    # ------------------------------------------------------------------ export
    def export_dialog(self) -> QFileDialog:
        """Choose a CSV file for the selection (or every visible row) and write it."""
        records = self.selected_records() or self.visible_records()
        name = default_file_name(self.box.name if self.box else "ccr")
        start = os.path.join(str(self._export_dir()), name)
        dlg = QFileDialog(self, "Export to CSV", start, "CSV files (*.csv);;All files (*)")
        dlg.setObjectName("exportDialog")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("csv")
        dlg.fileSelected.connect(lambda path: self.export_to(path, records))
        dlg.open()
        self._export_dialog = dlg
        return dlg

    def _export_dir(self) -> Path:
        value = qsettings().value("boxview/export_dir")
        return Path(str(value)) if value else Path.home()

    def export_to(self, path: str, records: Sequence[CcrRecord]) -> None:
        """Write ``records`` to ``path`` off the GUI thread; say how it went."""
        rows = list(records)
        qsettings().setValue("boxview/export_dir", str(Path(path).parent))

        def done(count: int) -> None:
            self._status_message(f"Exported {count:,} requests to {path}")
            self.exported.emit(path, count)

        def failed(exc: BaseException) -> None:
            text = f"Nothing was exported to {path}: {getattr(exc, 'strerror', None) or exc}"
            box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", text, parent=self)
            box.setObjectName("exportFailed")
            box.open()
            self._export_error = box
            self.exported.emit(path, -1)

        run_task(lambda: write_csv(path, rows), done, failed)

    exported = Signal(str, int)  # path, rows written (-1: failed)

    def _status_message(self, text: str) -> None:
        window = self.window()
        bar = getattr(window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 10000)
        self.status_label.setToolTip(text)

    # ------------------------------------------------------------------ settings
    def _restore_header(self) -> None:
        header = self.table.horizontalHeader()
        state = qsettings().value(SETTINGS_KEY)
        restored = isinstance(state, QByteArray) and header.restoreState(state)
        if not restored:
            header.setSortIndicator(COL_EXPIRES, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # sorts by the (restored) indicator

    def save_header(self) -> None:
        s = qsettings()
        s.setValue(SETTINGS_KEY, self.table.horizontalHeader().saveState())
        s.sync()

    def hideEvent(self, event: object) -> None:  # type: ignore[override]
        if self._save_timer.isActive():
            self._save_timer.stop()
            self.save_header()
        super().hideEvent(event)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ main window
    def attach(self, window: MainWindow) -> None:
        """Become ``window``'s central view and follow its site, F5, Export and the
        View menu's retry/pending switch."""
        window.set_central_view(self)
        self.set_box_actions(window.act_retry_box, window.act_pending_box)
        window.site_changed.connect(self.set_site)
        window.site_failed.connect(lambda _message: self.set_site(None))
        window.act_refresh.triggered.connect(self.refresh)
        window.act_export.triggered.connect(self.export_dialog)
        window.act_export.setEnabled(True)
        window.queued.connect(lambda _outcomes: self.refresh())

        def open_records(records: list[CcrRecord]) -> None:
            if window.file_opener is not None:
                window.file_opener.open_files([r.file for r in records])
            else:
                self.opener = None
                self.open_details(records)
                self.opener = open_records

        self.opener = open_records
        if window.site is not None:
            self.set_site(window.site)
