"""Settings: adding a site, making it the default, and the window following it."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ccrgui.core.config import config_path, load_config
from ccrgui.gui.main_window import MainWindow
from ccrgui.gui.settings_dialog import SettingsDialog
from tests.gui.conftest import make_inboxes


def open_settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    window.act_settings.trigger()
    dlg = window._settings_dialog
    qtbot.waitUntil(dlg.isVisible)
    return dlg


def test_added_default_site_is_saved_and_opened(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    root = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    dlg = open_settings(qtbot, window)

    dlg.add_site("ABC", str(root))
    dlg.default_combo.setCurrentText("ABC")
    qtbot.mouseClick(dlg.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    saved = json.loads(config_path().read_text())
    assert saved["sites"] == [{"name": "ABC", "root": str(root)}]
    assert saved["default_site"] == "ABC"
    qtbot.waitUntil(lambda: window.site is not None and window.site.name == "ABC")
    assert not window.site_bar.badge.isVisible()


def test_test_button_reports_a_folder_that_is_not_a_site(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    dlg = open_settings(qtbot, window)
    dlg.add_site("Wrong", str(tmp_path / "empty"))

    dlg.test_button.click()

    qtbot.waitUntil(lambda: "not a site inbox folder" in dlg.test_label.text())


def test_site_without_a_folder_is_refused_with_a_reason(qtbot: QtBot, window: MainWindow) -> None:
    dlg = open_settings(qtbot, window)
    dlg.add_site("ABC", "")
    dlg.sites_table.closePersistentEditor(dlg.sites_table.item(0, 1))

    dlg.accept()

    assert dlg.isVisible()
    assert "no inbox folder" in dlg.problem_label.text()
    assert load_config().sites == []
