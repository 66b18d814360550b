"""Settings: adding a site, making it the default, and the window following it."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ccrgui.core.config import Config, SiteEntry, config_path, load_config, save_config
from ccrgui.core.resolve import resolve_site
from ccrgui.gui.dialogs.settings import SANDBOX_CHOICE, SettingsDialog
from ccrgui.gui.main_window import MainWindow
from tests.gui.conftest import make_inboxes, open_window


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
    assert saved["sites"] == [{"name": "ABC", "root": str(root), "ccm_log": ""}]
    assert saved["default_site"] == "ABC"
    qtbot.waitUntil(lambda: window.site is not None and window.site.name == "ABC")
    assert not window.site_bar.badge.isVisible()


def test_a_sites_ccm_log_is_shown_kept_and_edited(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    root = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    window.prefs.update(sites=[SiteEntry("ABC", str(root), r"\\SRV\SMS_ABC\Logs")])
    dlg = open_settings(qtbot, window)
    assert dlg.sites_table.item(0, 2).text() == r"\\SRV\SMS_ABC\Logs"
    dlg.accept()  # saving other settings keeps it
    assert load_config().sites[0].ccm_log == r"\\SRV\SMS_ABC\Logs"
    dlg = open_settings(qtbot, window)
    dlg.sites_table.item(0, 2).setText("/mnt/logs/ccm.log")
    dlg.accept()
    assert load_config().sites[0].ccm_log == "/mnt/logs/ccm.log"


def test_sandbox_left_as_default_stays_the_site_after_adding_one(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    assert window.site is not None and window.site.sandbox
    root = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    dlg = open_settings(qtbot, window)
    dlg.add_site("ABC", str(root))
    assert dlg.default_combo.currentText() == SANDBOX_CHOICE  # left as it was

    with qtbot.waitSignal(window.site_changed, timeout=10000) as reopened:
        qtbot.mouseClick(dlg.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    assert reopened.args[0].sandbox  # the window did not switch to ABC
    assert window.site is not None and window.site.sandbox
    assert resolve_site(None).sandbox  # and ccr uses the same site
    again = open_settings(qtbot, window)
    assert again.default_combo.currentText() == SANDBOX_CHOICE


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


def test_ctrl_comma_opens_settings_and_escape_closes_without_saving(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "_settings_dialog", None) is not None)
    dlg = window._settings_dialog
    qtbot.waitUntil(dlg.isVisible)
    dlg.add_site("ABC", r"\\CM01\SMS_ABC\inboxes")
    dlg.sites_table.closePersistentEditor(dlg.sites_table.item(0, 1))

    qtbot.keyClick(dlg, Qt.Key.Key_Escape)

    qtbot.waitUntil(lambda: not dlg.isVisible())
    assert not config_path().exists()


def test_browse_fills_the_folder_and_checks_it_at_once(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    root = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    dlg = open_settings(qtbot, window)
    dlg.browse()
    picker = dlg._file_dialog
    qtbot.waitUntil(picker.isVisible)

    with qtbot.waitSignal(dlg.tested) as result:
        picker.fileSelected.emit(str(root))  # what choosing the folder in the picker sends

    assert result.args == [True]
    assert dlg.entries()[0].root == str(root)
    assert f"OK: found ccr.box and ccrretry.box in {root}" == dlg.test_label.text()
    picker.close()


def test_renaming_the_default_site_keeps_it_the_default(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    root = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    dlg = open_settings(qtbot, window)
    dlg.add_site("ABC", str(root))
    dlg.add_site("DEF", str(root))
    dlg.default_combo.setCurrentText("ABC")

    dlg.sites_table.item(0, 0).setText("Head office")
    dlg.accept()

    assert load_config().default_site == "Head office"


def test_saving_a_new_default_moves_a_site_option_window_to_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    first = make_inboxes(tmp_path / "one" / "inboxes")
    second = make_inboxes(tmp_path / "two" / "inboxes")
    w = open_window(qtbot, str(first))
    assert w.site is not None and w.site.root == first
    dlg = open_settings(qtbot, w)
    dlg.add_site("Two", str(second))
    dlg.default_combo.setCurrentText("Two")

    with qtbot.waitSignal(w.site_changed):
        dlg.accept()

    assert w.site is not None and w.site.name == "Two" and w.site.root == second


def test_switch_site_menu_lists_sandbox_and_sites_and_switches(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    root = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    assert window.prefs.update(sites=[SiteEntry("ABC", str(root))]) == ""  # saved
    assert load_config().sites == [SiteEntry("ABC", str(root))]
    window.menu_sites.aboutToShow.emit()
    labels = [a.text() for a in window.menu_sites.actions() if a.isCheckable()]
    assert labels == ["Sandbox (built-in practice site)", "ABC"]
    assert window.menu_sites.actions()[0].isChecked()

    with qtbot.waitSignal(window.site_changed):
        window.menu_sites.actions()[1].trigger()
    assert window.site is not None and window.site.name == "ABC"
    assert not window.site_bar.badge.isVisible()

    window.menu_sites.aboutToShow.emit()
    with qtbot.waitSignal(window.site_changed):
        window.menu_sites.actions()[0].trigger()  # back to the sandbox, though ABC is set
    assert window.site is not None and window.site.sandbox
    assert window.site_bar.badge.isVisible()


def test_a_new_refresh_interval_applies_to_the_open_table_at_once(
    qtbot: QtBot, window: MainWindow
) -> None:
    dlg = open_settings(qtbot, window)
    dlg.poll_seconds.setValue(3)
    qtbot.mouseClick(dlg.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    assert load_config().poll_seconds == 3
    assert window.box_view.loader.poll_seconds == 3  # no restart needed


def test_a_default_naming_no_site_is_said_not_shown_as_the_sandbox(qtbot: QtBot) -> None:
    save_config(Config(sites=[SiteEntry("Main", "/nowhere")], default_site="Old"))
    dlg = SettingsDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    assert "default site 'Old'" in dlg.problem_label.text()
    assert dlg.problem_label.isVisible()


def test_fields_have_names_a_screen_reader_can_say(qtbot: QtBot) -> None:
    from PySide6.QtGui import QAccessible

    dlg = SettingsDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    # a combo box's accessible Name on Linux is its current value (Qt links the label by a
    # relation there); Windows and macOS read the name set here
    assert dlg.default_combo.accessibleName() == "Default site"
    for widget, name in (
        (dlg.sites_table, "Sites"),
        (dlg.poll_seconds, "Refresh every:"),
        (dlg.confirm_over, "Confirm resubmitting more than:"),
    ):
        iface = QAccessible.queryAccessibleInterface(widget)
        assert iface is not None and iface.text(QAccessible.Text.Name) == name
