"""Ctrl+N: type a machine name, press Enter, a correct CCR lands in ccr.box."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from ccrgui.core.ccr import new_request, serialize
from ccrgui.core.config import load_config
from ccrgui.core.site import Site
from ccrgui.gui.dialogs.new_request import NewRequestDialog
from ccrgui.gui.main_window import MainWindow


def open_dialog(qtbot: QtBot, window: MainWindow) -> NewRequestDialog:
    before = getattr(window, "_new_dialog", None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "_new_dialog", None) not in (None, before))
    dlg = window._new_dialog
    qtbot.waitUntil(dlg.isVisible)
    return dlg


def answer(qtbot: QtBot, dlg: NewRequestDialog) -> str:
    """What the dialog says once the window has queued (it stays open when anything was
    not queued, with the input kept)."""
    qtbot.waitUntil(lambda: not dlg.waiting)
    assert dlg.isVisible(), "the dialog closed: everything was queued"
    return dlg.problem_label.text()


def message_text(window: MainWindow) -> str:
    box = getattr(window, "_last_message", None)
    assert isinstance(box, QMessageBox) and box.isVisible(), "no message shown"
    return box.text()


def test_typing_a_name_and_enter_queues_the_exact_request(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    dlg = open_dialog(qtbot, window)
    assert str(site.pending) in dlg.findChild(QLabel, "siteIntro").text()  # which site

    qtbot.keyClicks(dlg.name_edit, "PC-0042")
    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Return)

    target = site.pending / "PC-0042.ccr"
    qtbot.waitUntil(target.exists)
    assert target.read_bytes() == serialize(new_request("PC-0042", forced=True))
    assert b"Forced CCR=TRUE\r\n" in target.read_bytes()
    qtbot.waitUntil(lambda: not dlg.isVisible())  # all queued: it closes
    qtbot.waitUntil(lambda: str(target) in window.statusBar().currentMessage())
    assert [p.name for p in site.pending.iterdir()] == ["PC-0042.ccr"]  # no temp file left


def test_invalid_name_keeps_queue_disabled_and_names_the_rule(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    dlg = open_dialog(qtbot, window)

    qtbot.keyClicks(dlg.name_edit, "PC 01")
    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Return)

    assert not dlg.ok_button.isEnabled()
    assert dlg.isVisible()
    assert "spaces" in dlg.problem_label.text()
    dlg.name_edit.setText("A" * 16)
    assert "15 characters" in dlg.problem_label.text()
    assert not dlg.ok_button.isEnabled()
    assert list(site.pending.iterdir()) == []


def test_always_install_off_writes_no_forced_line_and_is_remembered(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    dlg = open_dialog(qtbot, window)
    assert dlg.forced_box.isChecked()  # the safe default
    dlg.forced_box.setChecked(False)
    qtbot.keyClicks(dlg.name_edit, "WKS-LAB-07")
    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Return)

    target = site.pending / "WKS-LAB-07.ccr"
    qtbot.waitUntil(target.exists)
    assert target.read_bytes() == serialize(new_request("WKS-LAB-07", forced=False))
    assert load_config().always_install is False

    again = open_dialog(qtbot, window)
    assert not again.forced_box.isChecked()


def test_a_list_with_one_bad_line_writes_nothing(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    dlg = open_dialog(qtbot, window)
    dlg.set_list_text("PC1\n# lab machines\nbad name\nPC3\n")

    assert dlg.list_mode
    assert not dlg.ok_button.isEnabled()
    assert "Line 3" in dlg.problem_label.text() and "bad name" in dlg.problem_label.text()
    dlg.accept()
    assert list(site.pending.iterdir()) == []


def test_a_pasted_list_queues_every_machine(qtbot: QtBot, window: MainWindow, site: Site) -> None:
    dlg = open_dialog(qtbot, window)
    dlg.set_list_text("PC1\n\n# comment\npc2.corp.example\nPC3  \n")
    assert dlg.count_label.text().startswith("3 machine(s)")

    with qtbot.waitSignal(window.queued):  # the batch is done: no temporary file left
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert sorted(os.listdir(site.pending)) == ["PC1.ccr", "PC3.ccr", "pc2.corp.example.ccr"]
    qtbot.waitUntil(lambda: "Queued 3" in window.statusBar().currentMessage())


def test_already_queued_says_so_and_keeps_the_pending_file(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    (site.pending / "pc1.ccr").write_bytes(b"original request")
    dlg = open_dialog(qtbot, window)
    qtbot.keyClicks(dlg.name_edit, "PC1")
    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Return)

    said = answer(qtbot, dlg)
    # the file that really waits, not the name typed; the input is still there
    assert "PC1 is already queued (pc1.ccr is waiting in ccr.box)" in said
    assert dlg.name_edit.text() == "PC1"
    assert (site.pending / "pc1.ccr").read_bytes() == b"original request"
    assert os.listdir(site.pending) == ["pc1.ccr"]


def test_unreachable_box_reports_what_to_check_and_writes_nothing(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    moved = site.root / "moved-away"
    shutil.move(site.pending, moved)  # the share's folder disappears under us
    dlg = open_dialog(qtbot, window)
    qtbot.keyClicks(dlg.name_edit, "PC1")
    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Return)

    text = answer(qtbot, dlg)
    assert "Could not" in text and "offline" in text
    assert not site.pending.exists()
    assert list(moved.iterdir()) == []


def test_escape_closes_the_dialog_and_its_size_is_remembered(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    dlg = open_dialog(qtbot, window)
    dlg.resize(640, 300)
    qtbot.keyClicks(dlg.name_edit, "PC1")

    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Escape)

    qtbot.waitUntil(lambda: not dlg.isVisible())
    assert list(site.pending.iterdir()) == []
    again = open_dialog(qtbot, window)
    assert (again.width(), again.height()) == (640, 300)


def test_pasting_several_lines_into_the_name_field_switches_to_a_list(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    dlg = open_dialog(qtbot, window)
    QGuiApplication.clipboard().setText("PC1\r\nPC2\r\nPC3\r\n")

    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    assert dlg.list_mode and dlg.list_edit.isVisible()
    assert dlg.names() == ["PC1", "PC2", "PC3"]
    assert dlg.ok_button.isEnabled()
    with qtbot.waitSignal(window.queued):
        qtbot.keyClick(dlg.list_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sorted(os.listdir(site.pending)) == ["PC1.ccr", "PC2.ccr", "PC3.ccr"]


def test_a_name_with_a_hash_in_a_list_is_refused_not_cut_short(
    qtbot: QtBot, window: MainWindow
) -> None:
    dlg = open_dialog(qtbot, window)
    dlg.set_list_text("PC1   # the lab one\nPC#2\n")

    assert not dlg.ok_button.isEnabled()
    assert "Line 2" in dlg.problem_label.text() and "'#'" in dlg.problem_label.text()


def test_import_list_reads_a_notepad_unicode_file(
    qtbot: QtBot, window: MainWindow, site: Site, tmp_path: Path
) -> None:
    names = tmp_path / "machines.txt"
    names.write_bytes("# from the asset list\r\nPC-Ä1\r\nPC2\r\n".encode("utf-16"))
    dlg = open_dialog(qtbot, window)

    with qtbot.waitSignal(dlg.list_loaded):
        dlg.load_list_file(str(names))

    assert dlg.list_mode
    assert "Line 2" in dlg.problem_label.text() and "'Ä'" in dlg.problem_label.text()
    assert not dlg.ok_button.isEnabled()
    dlg.list_edit.setPlainText("PC1\nPC2\n")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sorted(os.listdir(site.pending)) == ["PC1.ccr", "PC2.ccr"])


def test_import_list_that_cannot_be_read_says_why(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    dlg = open_dialog(qtbot, window)

    with qtbot.waitSignal(dlg.list_loaded):
        dlg.load_list_file(str(tmp_path / "missing.txt"))

    assert "Cannot read the list" in dlg.problem_label.text()
    assert "missing.txt" in dlg.problem_label.text()


def test_a_batch_on_a_dead_share_explains_once_and_writes_nothing(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    moved = site.root / "moved-away"
    shutil.move(site.pending, moved)
    dlg = open_dialog(qtbot, window)
    dlg.set_list_text("\n".join(f"PC{i}" for i in range(40)))
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    text = answer(qtbot, dlg)
    assert "0 queued, 0 already queued, 40 failed." in text
    assert text.count("Could not") == 1  # the same reason is not repeated 40 times
    assert "Nothing was left half-written" in text
    assert list(moved.iterdir()) == []


def test_a_batch_with_some_already_queued_queues_the_rest_and_names_the_others(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    (site.pending / "PC2.ccr").write_bytes(b"waiting")
    dlg = open_dialog(qtbot, window)
    dlg.set_list_text("PC1\nPC2\nPC3\n")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    assert "2 queued, 1 already queued, 0 failed." in answer(qtbot, dlg)
    assert dlg.list_edit.toPlainText().split() == ["PC2"]  # only what was not queued stays
    assert "Queued 2 requests" in window.statusBar().currentMessage()
    assert sorted(os.listdir(site.pending)) == ["PC1.ccr", "PC2.ccr", "PC3.ccr"]
    assert (site.pending / "PC2.ccr").read_bytes() == b"waiting"


def test_each_mode_keeps_its_own_size(qtbot: QtBot, window: MainWindow) -> None:
    dlg = open_dialog(qtbot, window)
    single = (dlg.width(), dlg.height())
    dlg.list_toggle.click()  # Several machines…
    assert dlg.height() > single[1]  # a list gets room
    dlg.resize(700, 520)
    dlg.list_toggle.click()  # back to one name
    assert (dlg.width(), dlg.height()) == single  # not the list's large size
    # the widgets stay together at the top, not spread over the height
    line = dlg.fontMetrics().height()
    qtbot.waitUntil(
        lambda: dlg.list_toggle.geometry().top() - dlg.name_edit.geometry().bottom() < 2 * line
    )
    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dlg.isVisible())

    again = open_dialog(qtbot, window)
    assert (again.width(), again.height()) == single
    again.list_toggle.click()
    assert (again.width(), again.height()) == (700, 520)


def test_fields_are_named_for_screen_readers_and_buttons_have_mnemonics(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtGui import QAccessible
    from PySide6.QtWidgets import QAbstractButton

    dlg = open_dialog(qtbot, window)
    for widget, name in (
        (dlg.name_edit, "Machine name"),
        (dlg.list_edit, "Machine names, one per line"),
    ):
        iface = QAccessible.queryAccessibleInterface(widget)
        assert iface is not None and iface.text(QAccessible.Text.Name) == name
    for button in dlg.findChildren(QAbstractButton):
        if button.text() and button.text() != "Cancel":  # Cancel: Esc
            assert "&" in button.text(), button.text()
