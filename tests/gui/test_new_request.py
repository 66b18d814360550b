"""Ctrl+N: type a machine name, press Enter, a correct CCR lands in ccr.box."""

from __future__ import annotations

import os
import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ccrgui.core.ccr import new_request, serialize
from ccrgui.core.config import load_config
from ccrgui.core.site import Site
from ccrgui.gui.main_window import MainWindow
from ccrgui.gui.new_request import NewRequestDialog


def open_dialog(qtbot: QtBot, window: MainWindow) -> NewRequestDialog:
    before = getattr(window, "_new_dialog", None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "_new_dialog", None) not in (None, before))
    dlg = window._new_dialog
    qtbot.waitUntil(dlg.isVisible)
    return dlg


def message_text(window: MainWindow) -> str:
    box = getattr(window, "_last_message", None)
    assert isinstance(box, QMessageBox) and box.isVisible(), "no message shown"
    return box.text()


def test_typing_a_name_and_enter_queues_the_exact_request(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    dlg = open_dialog(qtbot, window)

    qtbot.keyClicks(dlg.name_edit, "PC-0042")
    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Return)

    target = site.pending / "PC-0042.ccr"
    qtbot.waitUntil(target.exists)
    assert target.read_bytes() == serialize(new_request("PC-0042", forced=True))
    assert b"Forced CCR=TRUE\r\n" in target.read_bytes()
    assert not dlg.isVisible()
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
    assert dlg.count_label.text() == "3 machine(s)"

    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: len(os.listdir(site.pending)) == 3)
    assert sorted(os.listdir(site.pending)) == ["PC1.ccr", "PC3.ccr", "pc2.corp.example.ccr"]
    qtbot.waitUntil(lambda: "Queued 3" in window.statusBar().currentMessage())


def test_already_queued_says_so_and_keeps_the_pending_file(
    qtbot: QtBot, window: MainWindow, site: Site
) -> None:
    (site.pending / "pc1.ccr").write_bytes(b"original request")
    dlg = open_dialog(qtbot, window)
    qtbot.keyClicks(dlg.name_edit, "PC1")
    qtbot.keyClick(dlg.name_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: getattr(window, "_last_message", None) is not None)
    assert "already queued" in message_text(window)
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

    qtbot.waitUntil(lambda: getattr(window, "_last_message", None) is not None)
    text = message_text(window)
    assert "Could not" in text and "offline" in text
    assert not site.pending.exists()
    assert list(moved.iterdir()) == []
