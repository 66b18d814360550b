"""What the box table's context menu offers for the selected rows: details, copy the
machine names or file paths, the folder in the file manager, export; plus the actions
other rooms add (resubmit, check)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from ...core.ccr import CcrRecord
from ..desktop import show_in_folder

__all__ = ["RowActions"]


class RowActions(QObject):
    """Actions on ``selected()`` rows of the box ``box()``; ``details`` and ``export``
    are what Open details and Export do."""

    def __init__(
        self,
        parent: QWidget,
        *,
        selected: Callable[[], list[CcrRecord]],
        box: Callable[[], Path | None],
        details: Callable[[], None],
        export: Callable[[], object],
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._selected = selected
        self._box = box
        self.extra: list[QAction] = []
        self.act_details = QAction("Open details", self)
        self.act_details.setShortcut(QKeySequence(Qt.Key.Key_Return))
        self.act_details.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_details.triggered.connect(details)
        self.act_copy = QAction("Copy machine names", self)
        self.act_copy.setShortcut(QKeySequence.StandardKey.Copy)
        self.act_copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_copy.triggered.connect(self.copy_names)
        self.act_copy_paths = QAction("Copy file paths", self)
        self.act_copy_paths.triggered.connect(self.copy_paths)
        self.act_folder = QAction("Open containing folder", self)
        self.act_folder.triggered.connect(self.open_folder)
        self.act_export = QAction("Export selection to CSV…", self)
        self.act_export.triggered.connect(export)
        self.menu: QMenu | None = None

    def copy_names(self) -> None:
        names = [r.machine_label for r in self._selected()]
        if names:
            QGuiApplication.clipboard().setText("\n".join(names))

    def copy_paths(self) -> None:
        paths = [r.file for r in self._selected()]
        if paths:
            QGuiApplication.clipboard().setText("\n".join(paths))

    def open_folder(self) -> None:
        """Show the selected file in the file manager (the box folder)."""
        chosen = self._selected()
        box = self._box()
        if chosen:
            show_in_folder(chosen[0].file)
        elif box is not None:
            show_in_folder(box / "x.ccr")

    def context_menu(self, has_selection: bool) -> QMenu:
        """The menu for the current selection (``has_selection``: rows are selected)."""
        menu = QMenu(self._parent)
        menu.setObjectName("boxContextMenu")
        for act in (self.act_details, self.act_copy, self.act_copy_paths, self.act_folder):
            act.setEnabled(has_selection or act is self.act_folder)
            menu.addAction(act)
        menu.addSeparator()
        self.act_export.setText(
            "Export selection to CSV…" if has_selection else "Export visible rows to CSV…"
        )
        menu.addAction(self.act_export)
        if self.extra:
            menu.addSeparator()
            for act in self.extra:
                menu.addAction(act)
        self.menu = menu
        return menu
