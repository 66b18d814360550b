"""The window reads the settings once and hears of every change through one signal."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ccrgui.core.config import Config, config_path, load_config
from ccrgui.gui.main_window import MainWindow
from ccrgui.gui.preferences import Preferences


def test_a_change_is_saved_and_told_once(qtbot: QtBot) -> None:
    prefs = Preferences(config=Config(confirm_over=5))
    with qtbot.waitSignal(prefs.changed) as told:
        assert prefs.update(confirm_over=0) == ""
    assert told.args[0].confirm_over == 0 and prefs.config.confirm_over == 0
    assert load_config().confirm_over == 0  # saved
    copy = prefs.config
    copy.confirm_over = 99  # a copy: changing it changes nothing
    assert prefs.config.confirm_over == 0


def test_an_unreadable_file_gives_defaults_and_says_why() -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    prefs = Preferences()
    assert prefs.config == Config() and str(path) in prefs.error


def test_the_window_works_from_what_it_read_and_follows_changes(
    qtbot: QtBot, window: MainWindow
) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("{broken meanwhile", encoding="utf-8")  # read once: no matter
    window.new_request()
    assert window._new_dialog.forced_box.isChecked()  # the setting as read at start
    assert not window.findChildren(QMessageBox)  # no "Settings unreadable"
    with qtbot.waitSignal(window.prefs.changed):
        window.prefs.update(poll_seconds=42)
    assert window.box_view.loader.poll_seconds == 42
