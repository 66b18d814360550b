"""The resubmit dialogs: the confirmation (how many, which, which mode), the progress
with Cancel, and the per-machine results. Used by :mod:`ccrgui.gui.resubmit.controller`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.resubmit import BatchResult, ResubmitMode, ResubmitStatus
from .report import row_outcome

__all__ = [
    "MODE_TEXT",
    "ConfirmDialog",
    "ProgressDialog",
    "ResubmitChoice",
    "ResultsDialog",
]

NAMES_SHOWN = 6  # machine names listed in the confirmation

MODE_TEXT = {
    ResubmitMode.RETRY: (
        "Retry now",
        "Move each file back into ccr.box as it is: the site server tries it at once, "
        "keeping its history and its 7-day window.",
    ),
    ResubmitMode.NEW: (
        "Resubmit as new request",
        "Write a fresh request for each machine into ccr.box and remove the retry file: "
        "attempts start again and the 7-day window restarts.",
    ),
}


# --------------------------------------------------------------------------- dialogs


@dataclass(frozen=True, slots=True)
class ResubmitChoice:
    mode: ResubmitMode  # RETRY or NEW
    forced: bool  # Forced CCR on new requests
    dont_ask: bool  # stop asking (Config.confirm_over = 0)


class ConfirmDialog(QDialog):
    """Asks before a batch: how many, which, and how. Emits ``chosen(ResubmitChoice)``
    when accepted; opened with ``open()``, never ``exec()``."""

    chosen = Signal(object)

    def __init__(
        self,
        parent: QWidget | None,
        *,
        count: int,
        selected: bool,
        site_name: str,
        machines: Sequence[str],
        mode: ResubmitMode = ResubmitMode.RETRY,
        forced: bool = True,
        filtered: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("resubmitConfirm")
        self.setWindowTitle("Resubmit requests")
        self.count = count
        what = "request" if count == 1 else "requests"
        if selected:
            head = f"Resubmit the {count:,} selected {what} on {site_name}?"
            scope = ""
        else:
            head = f"Resubmit all {count:,} visible {what} on {site_name}?"
            scope = "Nothing is selected, so this is every row the table shows."
            if filtered:
                scope += f" Showing: {filtered}."
        self.question = QLabel(f"<b>{_html(head)}</b>")
        self.question.setObjectName("confirmQuestion")
        self.question.setWordWrap(True)
        self.scope = QLabel(scope)
        self.scope.setObjectName("confirmScope")
        self.scope.setWordWrap(True)
        self.scope.setVisible(bool(scope))
        shown = ", ".join(machines[:NAMES_SHOWN])
        if len(machines) > NAMES_SHOWN:
            shown += f" and {len(machines) - NAMES_SHOWN:,} more"
        self.names = QLabel(shown)
        self.names.setObjectName("confirmMachines")
        self.names.setAccessibleName("Machines to resubmit")
        self.names.setWordWrap(True)
        self.names.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.modes = QButtonGroup(self)
        self.retry_radio = QRadioButton(f"&{MODE_TEXT[ResubmitMode.RETRY][0]}")
        self.new_radio = QRadioButton("Resubmit as &new request")
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.scope)
        layout.addWidget(self.names)
        layout.addSpacing(6)
        for key, name, radio in (
            (ResubmitMode.RETRY, "mode_retry", self.retry_radio),
            (ResubmitMode.NEW, "mode_new", self.new_radio),
        ):
            radio.setObjectName(name)
            self.modes.addButton(radio)
            help_label = QLabel(MODE_TEXT[key][1])
            help_label.setWordWrap(True)
            help_label.setIndent(22)
            help_label.setStyleSheet("color: palette(placeholder-text);")
            layout.addWidget(radio)
            layout.addWidget(help_label)
        self.forced_box = QCheckBox("Always install (Forced CCR), even if a client is there")
        self.forced_box.setObjectName("forcedCcr")
        self.forced_box.setChecked(forced)
        self.forced_box.setToolTip(
            "Forced CCR=TRUE in the new requests. Without it a machine that already has the\n"
            "client fails with error 120."
        )
        forced_row = QVBoxLayout()
        forced_row.setContentsMargins(22, 0, 0, 0)
        forced_row.addWidget(self.forced_box)
        layout.addLayout(forced_row)
        layout.addSpacing(6)
        self.dont_ask = QCheckBox("Don't ask again (Settings › Confirm resubmitting more than)")
        self.dont_ask.setObjectName("dontAskAgain")
        layout.addWidget(self.dont_ask)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("confirmOk")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        (self.new_radio if mode == ResubmitMode.NEW else self.retry_radio).setChecked(True)
        self.modes.buttonToggled.connect(self._mode_changed)
        self._mode_changed()
        self.setMinimumWidth(520)

    @property
    def mode(self) -> ResubmitMode:
        return ResubmitMode.NEW if self.new_radio.isChecked() else ResubmitMode.RETRY

    def _mode_changed(self) -> None:
        self.forced_box.setEnabled(self.mode == ResubmitMode.NEW)
        self.ok_button.setText(f"{MODE_TEXT[self.mode][0]} ({self.count:,})")

    def accept(self) -> None:
        self.chosen.emit(
            ResubmitChoice(self.mode, self.forced_box.isChecked(), self.dont_ask.isChecked())
        )
        super().accept()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ProgressDialog(QDialog):
    """A batch's progress with Cancel (stops after the current file). Emits ``cancelled``."""

    cancelled = Signal()

    def __init__(self, parent: QWidget | None, title: str, total: int) -> None:
        super().__init__(parent)
        self.setObjectName("resubmitProgress")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.label = QLabel(f"{title}: 0 of {total:,}…")
        self.bar = QProgressBar()
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(0)
        self.bar.setFormat("%v of %m")
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setObjectName("cancelBatch")
        self.cancel_button.setToolTip("Stop after the file being moved now")
        self.cancel_button.clicked.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        buttons = QDialogButtonBox()
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self._title = title
        self.setMinimumWidth(420)

    def set_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        if self.cancel_button.isEnabled():
            self.label.setText(f"{self._title}: {done:,} of {total:,}…")

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText("Stopping after the current file…")
        self.cancelled.emit()

    def reject(self) -> None:  # Esc or closing the window cancels; the dialog stays
        if self.cancel_button.isEnabled():
            self._cancel()


class ResultsDialog(QDialog):
    """Every request of a batch with its outcome, failures first."""

    def __init__(self, parent: QWidget | None, title: str, result: BatchResult) -> None:
        super().__init__(parent)
        self.setObjectName("resubmitResults")
        self.setWindowTitle(title)
        self.batch = result
        icon = self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning
            if result.failed
            else QStyle.StandardPixmap.SP_MessageBoxInformation
        )
        what = "Undo" if result.mode == ResubmitMode.UNDO else "Resubmit"
        self.summary = QLabel(f"<b>{what} on {_html(result.site.name)}: {result.summary()}</b>")
        self.summary.setObjectName("resultsSummary")
        self.summary.setWordWrap(True)
        notes = []
        if result.failed:
            notes.append(
                "Failed requests stayed where they were; the Outcome column and the list "
                "below say why."
            )
        if result.log_error:
            notes.append(result.log_error)
        self.notes = QLabel(" ".join(notes))
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(notes))
        rank = {ResubmitStatus.FAILED: 0, ResubmitStatus.ALREADY_QUEUED: 1}
        rows = sorted(result.outcomes, key=lambda o: (rank.get(o.status, 2), o.machine.casefold()))
        self.rows = rows
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("resultsTable")
        self.table.setAccessibleName("Outcome of each request")
        self.table.setHorizontalHeaderLabels(["Machine", "Outcome", "Reason"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        for i, o in enumerate(rows):
            cells = [o.machine, f"{o.status} {o.time:%H:%M}", o.reason]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(o.source) if j == 0 else row_outcome(o).tip)
                if j == 1 and o.status == ResubmitStatus.FAILED:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(i, j, item)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 150)
        header.resizeSection(1, 130)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self.table.resizeRowsToContents)
        self.copy_button = QPushButton("&Copy list")
        self.copy_button.setToolTip("Copy machine, outcome and reason as tab-separated text")
        self.copy_button.clicked.connect(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        top = QLabel()
        top.setPixmap(icon.pixmap(32, 32))
        head = QVBoxLayout()
        head.addWidget(self.summary)
        head.addWidget(self.notes)
        row = QHBoxLayout()
        row.addWidget(top, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(head, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(900, 420)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.table.resizeRowsToContents()

    def text(self) -> str:
        """The list as tab-separated lines (what Copy list puts on the clipboard)."""
        lines = ["Machine\tOutcome\tReason\tFile"]
        for o in self.rows:
            reason = " ".join(o.reason.split())
            lines.append(f"{o.machine}\t{o.status} {o.time:%H:%M}\t{reason}\t{o.source}")
        return "\n".join(lines)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
