"""The summary strip above the box table: a button per error key with its count and
meaning, most frequent first; clicking one filters the table to it."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QToolButton, QWidget

from .columns import error_label

__all__ = ["SummaryStrip"]


class SummaryStrip(QScrollArea):
    """``chosen(key)`` when a button is checked (its key) or unchecked (None)."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryScroll")
        self.strip = QWidget()
        self.strip.setObjectName("summaryStrip")
        self._layout = QHBoxLayout(self.strip)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addStretch(1)
        self.buttons: dict[int, QToolButton] = {}
        self.setWidget(self.strip)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFixedHeight(self.fontMetrics().height() * 2 + 16)

    def set_counts(self, ordered: list[tuple[int, int]]) -> None:
        """One button per (key, count), in this order; hidden when there are none."""
        for button in self.buttons.values():
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for pos, (key, n) in enumerate(ordered):
            label, tip = error_label(key)
            button = QToolButton(self.strip)
            button.setObjectName(f"summary_{key}")
            button.setCheckable(True)
            button.setText(f"{n:,}  {label}")
            button.setToolTip(f"{tip}\n\nClick to show only these {n:,} requests")
            button.setAutoRaise(False)
            button.clicked.connect(partial(self._clicked, key))
            self._layout.insertWidget(pos, button)
            self.buttons[key] = button
        self.setVisible(bool(ordered))

    def set_current(self, key: int | None) -> None:
        """Check the button of ``key`` (None: none)."""
        for k, button in self.buttons.items():
            button.setChecked(k == key and key is not None)

    def _clicked(self, key: int) -> None:
        # clicked() has an overload without "checked": ask the button
        self.chosen.emit(key if self.buttons[key].isChecked() else None)
