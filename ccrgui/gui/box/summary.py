"""The summary strip above the box table: a chip per error key with its count and
meaning; clicking one filters the table to it.

The chips wrap onto more lines (a flow layout) instead of scrolling sideways, and keep
their places: the box's first complete read orders them by count, after that a chip
stays where it is while counts change (a new error is added at the end, one that no row
has any more goes), so the chip just clicked never moves away from the pointer.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QSizePolicy, QToolButton, QWidget

from .columns import error_label
from .flow import FlowLayout

__all__ = ["SummaryStrip"]


class SummaryStrip(QWidget):
    """``chosen(key)`` when a chip is checked (its key) or unchecked (None)."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryStrip")
        self.setAccessibleName("Errors in this box")
        self._layout = FlowLayout(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.buttons: dict[int, QToolButton] = {}
        self.hide()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._layout.heightForWidth(width)

    def reset_order(self) -> None:
        """Another box: the next counts set the chips' order afresh."""
        for button in self.buttons.values():
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = {}

    def set_counts(self, ordered: list[tuple[int, int]]) -> None:
        """One chip per (key, count): known keys keep their places, new ones go at the
        end in the order given; hidden when there are none."""
        counts = dict(ordered)
        for key in [k for k in self.buttons if k not in counts]:
            gone = self.buttons.pop(key)
            self._layout.removeWidget(gone)
            gone.deleteLater()
        for key, n in ordered:
            button = self.buttons.get(key)
            if button is None:
                button = QToolButton(self)
                button.setObjectName(f"summary_{key}")
                button.setCheckable(True)
                button.setAutoRaise(False)
                button.clicked.connect(partial(self._clicked, key))
                self._layout.addWidget(button)
                self.buttons[key] = button
            label, tip = error_label(key)
            text = f"{n:,}  {label}"
            if button.text() != text:
                button.setText(text)
                button.setAccessibleName(f"{n:,} requests: {label}")
                button.setToolTip(f"{tip}\n\nClick to show only these {n:,} requests")
        self._layout.invalidate()
        self.updateGeometry()
        self.setVisible(bool(ordered))

    def keys(self) -> list[int]:
        """The chips' keys, in the order shown (the layout's order is the dict's)."""
        return list(self.buttons)

    def set_current(self, key: int | None) -> None:
        """Check the chip of ``key`` (None: none)."""
        for k, button in self.buttons.items():
            button.setChecked(k == key and key is not None)

    def _clicked(self, key: int) -> None:
        # clicked() has an overload without "checked": ask the button
        self.chosen.emit(key if self.buttons[key].isChecked() else None)
