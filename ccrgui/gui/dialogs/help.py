"""The Help menu's windows: the keyboard shortcuts (read from the window's own actions, so
the list is never out of date), the README, and where ccrgui keeps its files."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...core import activity, paths
from ...core.config import config_path
from ...core.sandbox import sandbox_root

__all__ = ["FilesDialog", "ReadmeDialog", "ShortcutsDialog", "readme_text", "shortcut_rows"]

# keys that work without a menu action of their own: (keys, what they do)
EXTRA_KEYS = (
    ("Enter / double-click", "Details of the selected requests"),
    ("Ctrl+C", "Copy the selected machine names"),
    ("Esc", "Close a dialog or a detail window without doing anything"),
)


def _plain(text: str) -> str:
    """A menu text without its mnemonic ampersand or trailing ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(keys, what it does) for every action with a shortcut, in the order given."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for act in actions:
        keys = ", ".join(
            s.toString(QKeySequence.SequenceFormat.NativeText) for s in act.shortcuts()
        )
        if not keys or keys in seen:
            continue
        seen.add(keys)
        what = _plain(act.text())
        tip = act.statusTip()
        rows.append((keys, f"{what}: {tip}" if tip and tip != what else what))
    return rows + list(EXTRA_KEYS)


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts: one row per key, from the window's actions."""

    def __init__(self, parent: QWidget | None, actions: Iterable[QAction]) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(actions)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for i, (keys, what) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(keys))
            self.table.setItem(i, 1, QTableWidgetItem(what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        note = QLabel(
            "The shortcuts work wherever the focus is in the main window, the filter field too."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(note)
        lay.addWidget(buttons)
        self.resize(760, 520)


def readme_text() -> str:
    """The README: the source checkout's file when there is one, else the copy in the
    installed package's metadata (a wheel carries it as its description)."""
    beside = Path(__file__).resolve().parents[3] / "README.md"
    try:
        return beside.read_text(encoding="utf-8")
    except OSError:  # an installed package: no checkout around it
        return _packaged_readme()


def _packaged_readme() -> str:
    try:
        meta = importlib.metadata.metadata("ccrgui")
    except importlib.metadata.PackageNotFoundError:
        return "The README is not part of this build."
    return meta.get_payload() or meta.get("Description") or ""  # type: ignore[attr-defined]


class ReadmeDialog(QDialog):
    """Help → README, rendered in a window (works offline and in the packaged app)."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("readmeDialog")
        self.setWindowTitle("ccrgui README")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("readmeBrowser")
        self.browser.setAccessibleName("README")
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(readme_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser, 1)
        lay.addWidget(buttons)
        self.resize(860, 680)


def file_locations() -> list[tuple[str, Path]]:
    """(what, where) for every file and folder ccrgui keeps."""
    logs = paths.log_dir()
    return [
        ("Settings (sites, default site, defaults; shared with ccr)", config_path()),
        ("Window layout and dialog sizes", paths.config_dir() / "view-state.ini"),
        ("Application log (unexpected errors)", logs / "ccrgui.log"),
        ("Activity log (who queued and resubmitted what)", logs / activity.FILE_NAME),
        ("The sandbox site", sandbox_root()),
    ]


class FilesDialog(QDialog):
    """Help → Where ccrgui keeps its files: each path, selectable, with an Open button."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("filesDialog")
        self.setWindowTitle("Where ccrgui keeps its files")
        grid = QGridLayout()
        self.path_labels: list[QLabel] = []
        for row, (what, where) in enumerate(file_locations()):
            grid.addWidget(QLabel(f"<b>{what}</b>"), row * 2, 0, 1, 2)
            label = QLabel(str(where))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(what)
            self.path_labels.append(label)
            grid.addWidget(label, row * 2 + 1, 0)
            button = QPushButton("Open folder")
            button.setAccessibleName(f"Open the folder of: {what}")
            folder = where if where.suffix == "" else where.parent
            button.clicked.connect(partial(_open_folder, folder))
            grid.addWidget(button, row * 2 + 1, 1)
        note = QLabel(
            f"Set {paths.ENV_DIR}=FOLDER before starting ccrgui or ccr to keep all of it in "
            "one folder instead (a trial, a portable copy, tests)."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(grid)
        lay.addWidget(note)
        lay.addStretch(1)
        lay.addWidget(buttons)


def _open_folder(folder: Path, _checked: bool = False) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
