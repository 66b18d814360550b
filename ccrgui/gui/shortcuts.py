"""Window shortcuts that work whatever has the focus.

A text field takes some keys for itself before the window's shortcuts see them: QLineEdit
answers Ctrl+Z with its own undo and, on X11, Ctrl+E with "end of line". The filter field
has the focus at start-up, so Ctrl+Z after a resubmit only cleared the filter and Ctrl+E
did nothing. :class:`WindowKeysFirst` sits on such a field and lets the window's action
have the key while that action is enabled (Ctrl+Z undoes the resubmit while there is one
to undo; afterwards Ctrl+Z is the field's again).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence

__all__ = ["WindowKeysFirst"]


class WindowKeysFirst(QObject):
    """Event filter: on the fields it is installed on, ``actions``' shortcuts win over the
    field's own use of the same keys while the action is enabled."""

    def __init__(self, actions: Sequence[QAction], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.actions = list(actions)

    def install(self, *fields: QObject) -> None:
        for field in fields:
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        pressed = QKeySequence(event.keyCombination())
        for action in self.actions:
            if not action.isEnabled():
                continue
            for key in action.shortcuts():
                if key.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch:
                    # not accepted: the field does not claim the key, the shortcut fires
                    event.ignore()
                    return True
        return False
