"""The Help menu: keyboard shortcuts (from the window's own actions), the README, and
where ccrgui keeps its files."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from ccrgui.core import paths
from ccrgui.gui.main_window import MainWindow


def _opened(qtbot: QtBot, window: MainWindow, action_name: str) -> QDialog:
    action = getattr(window, action_name)
    assert action in window.menu_help.actions()
    action.trigger()
    dlg = window._help_dialog
    qtbot.waitUntil(dlg.isVisible)
    return dlg


def test_shortcuts_list_every_key_the_window_answers(qtbot: QtBot, window: MainWindow) -> None:
    dlg = _opened(qtbot, window, "act_shortcuts")
    table = dlg.table  # type: ignore[attr-defined]
    keys = {table.item(r, 0).text() for r in range(table.rowCount())}
    for key in ("Ctrl+N", "Ctrl+R", "Ctrl+Z", "Ctrl+E", "F5", "Ctrl+1", "Ctrl+2", "Ctrl+L"):
        assert any(key in k for k in keys), key
    what = " ".join(table.item(r, 1).text() for r in range(table.rowCount()))
    assert "Undo" in what and "Export" in what


def test_readme_opens_in_a_window(qtbot: QtBot, window: MainWindow) -> None:
    dlg = _opened(qtbot, window, "act_readme")
    text = dlg.browser.toPlainText()  # type: ignore[attr-defined]
    assert "Quick start" in text and "sandbox" in text


def test_files_dialog_names_settings_logs_and_sandbox(qtbot: QtBot, window: MainWindow) -> None:
    dlg = _opened(qtbot, window, "act_files")
    shown = [label.text() for label in dlg.path_labels]  # type: ignore[attr-defined]
    assert str(paths.config_dir() / "config.json") in shown
    assert str(paths.log_dir() / "ccrgui.log") in shown
    assert str(paths.log_dir() / "activity.jsonl") in shown
