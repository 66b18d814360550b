"""The bar above the box table: the filter field (as you type), the error filter with a
count per error, and the retry/pending box switch."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from ...core.errors import describe, format_code
from .columns import NO_ERROR, PROBLEM, error_label

WORDS_SHOWN = 36  # the combo's words are cut here; the tooltip has them all


def combo_label(key: int) -> str:
    """``Access is denied (5)``: the words (cut short) and the code, without the symbolic
    name the chips and tooltips carry, so the list stays narrow enough to read whole."""
    if key in (PROBLEM, NO_ERROR):
        return error_label(key)[0]
    words = describe(key).message.rstrip(".")
    if len(words) > WORDS_SHOWN:
        words = words[: WORDS_SHOWN - 1].rstrip() + "…"
    return f"{words} ({format_code(key)})"


__all__ = ["FilterBar"]


class FilterBar(QWidget):
    """``text_changed(str)`` as the filter field changes; ``error_chosen(key | None)``
    when an error is picked in the list; ``reachable_toggled(bool)`` for "Answering now"
    (only machines whose last Check answered). ``retry``/``pending`` are the switch's
    actions."""

    text_changed = Signal(str)
    error_chosen = Signal(object)
    reachable_toggled = Signal(bool)

    def __init__(self, retry: QAction, pending: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setObjectName("filterEdit")
        self.edit.setPlaceholderText("Filter: machine, domain, IP, error, file…")
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Filter requests")
        self.combo = QComboBox()
        self.combo.setObjectName("errorFilter")
        self.combo.setAccessibleName("Show only one error")
        # as wide as its longest entry (short entries: words, code, count) whenever the
        # window has the room; a narrow window may still squeeze it
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumContentsLength(12)
        self.combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.combo.setToolTip("Show only the requests that failed with one error")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.combo, 0)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for act, name in ((retry, "retryBoxButton"), (pending, "pendingBoxButton")):
            button = QToolButton()
            button.setObjectName(name)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setDefaultAction(act)  # one action each: a plain button, no menu arrow
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.reachable = QToolButton()
        self.reachable.setObjectName("reachableOnly")
        self.reachable.setText("Answering now")
        self.reachable.setCheckable(True)
        self.reachable.setEnabled(False)  # until a Check has results
        self.reachable.setToolTip(
            "Show only the machines whose last Check answered (name resolves, SMB 445 and "
            "RPC 135 open): resubmit what can be reached now"
        )
        layout.insertWidget(2, self.reachable)
        self.reachable.toggled.connect(self.reachable_toggled)
        self.edit.textChanged.connect(self.text_changed)
        self.combo.activated.connect(self._chosen)

    def _chosen(self, index: int) -> None:
        self.error_chosen.emit(self.combo.itemData(index))

    def set_counts(self, ordered: list[tuple[int, int]]) -> None:
        """The error list: all, then one entry per (key, count), in this order."""
        combo = self.combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(f"All errors ({sum(n for _k, n in ordered):,})", None)
        for key, n in ordered:
            tip = error_label(key)[1]
            combo.addItem(f"{combo_label(key)} — {n:,}", key)
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        combo.blockSignals(False)

    def set_error(self, key: int | None) -> None:
        """Show ``key`` as the chosen error (an entry with 0 when no row has it now)."""
        i = self.combo.findData(key) if key is not None else 0
        if i < 0 and key is not None:
            self.combo.addItem(f"{combo_label(key)} — 0", key)
            i = self.combo.count() - 1
        self.combo.setCurrentIndex(i)
