"""Resubmit from the main window, as an admin does it: select rows, Ctrl+R, confirm; the
files move into ccr.box and their rows leave the table; Ctrl+Z brings them back."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from ccrgui.core import resubmit as core_resubmit
from ccrgui.core.ccr import parse_bytes
from ccrgui.core.claim import Claim
from ccrgui.core.config import Config, load_config, save_config
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.gui.app import start
from ccrgui.gui.box.columns import COL_MACHINE, COL_OUTCOME
from ccrgui.gui.main_window import MainWindow
from ccrgui.gui.resubmit.dialogs import ConfirmDialog, ResultsDialog
from tests.gui.conftest import make_inboxes, open_window
from tests.readonly_dir import unwritable

MACHINES = [f"LAB-PC{i:02d}" for i in range(1, 9)]  # 8 > the default confirm_over of 5


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A site whose retry box holds a failed request per machine."""
    inboxes = make_inboxes(tmp_path / "SMS_LAB" / "inboxes")
    start_at = datetime.now() - timedelta(hours=30)
    for i, name in enumerate(MACHINES):
        data = demo_retry_request(name, "CORP", f"10.0.0.{i + 1}", 53, 20 + i, start_at)
        (inboxes / "ccrretry.box" / f"{name}.ccr").write_bytes(data)
    return inboxes


@pytest.fixture
def window(qtbot: QtBot, root: Path) -> MainWindow:
    w = open_window(qtbot, str(root))
    assert w.site is not None
    qtbot.waitUntil(lambda: w.box_view.model.rowCount() == len(MACHINES))
    return w


def names_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.suffix == ".ccr"}


def table_machines(window: MainWindow) -> set[str]:
    return {r.machine_name or "" for r in window.box_view.model.records()}


def select(window: MainWindow, machines: list[str]) -> None:
    files = [r.file for r in window.box_view.model.records() if r.machine_name in machines]
    assert len(files) == len(machines)
    window.box_view.select_files(files)
    assert {r.machine_name for r in window.box_view.selected_records()} == set(machines)


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, shift: bool = False) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    mods = Qt.KeyboardModifier.ControlModifier
    if shift:
        mods |= Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.box_view.table, key, mods)


def outcome_text(window: MainWindow, machine: str) -> str:
    model = window.box_view.model
    for row, record in enumerate(model.records()):
        if record.machine_name == machine:
            return str(model.index(row, COL_OUTCOME).data() or "")
    raise AssertionError(f"{machine} is not in the table")


def confirm(qtbot: QtBot, window: MainWindow) -> ConfirmDialog:
    qtbot.waitUntil(lambda: window.resubmit_ui.confirm_dialog is not None)
    dlg = window.resubmit_ui.confirm_dialog
    assert dlg is not None
    qtbot.waitUntil(dlg.isVisible)
    return dlg


# --------------------------------------------------------------------------- actions


def test_resubmit_is_on_the_toolbar_the_actions_menu_and_the_context_menu(
    window: MainWindow,
) -> None:
    act = window.act_resubmit
    assert act in window.toolbar.actions()
    assert act in window.menu_actions.actions()
    assert window.resubmit_ui.act_undo in window.menu_actions.actions()
    select(window, ["LAB-PC01"])
    menu = window.box_view.context_menu()
    assert act in menu.actions() and act.isEnabled()
    assert window.resubmit_ui.act_resubmit_new in menu.actions()
    assert act.shortcut().toString() == "Ctrl+R"
    assert window.resubmit_ui.act_undo.shortcut().toString() == "Ctrl+Z"


def test_resubmit_is_enabled_only_on_the_retry_box_with_rows(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    act = window.act_resubmit
    assert act.isEnabled()
    window.act_pending_box.trigger()
    qtbot.waitUntil(lambda: window.box_view.box_kind == "pending")
    assert not act.isEnabled()
    assert not window.resubmit_ui.act_resubmit_new.isEnabled()
    window.act_retry_box.trigger()
    qtbot.waitUntil(lambda: window.box_view.model.rowCount() == len(MACHINES))
    assert act.isEnabled()
    window.box_view.filter_edit.setText("no such machine")
    assert not act.isEnabled()  # nothing visible, nothing to act on
    window.box_view.filter_edit.clear()
    assert act.isEnabled()

    empty = make_inboxes(tmp_path / "EMPTY" / "inboxes")
    window.switch_site(str(empty))
    qtbot.waitUntil(lambda: window.site is not None and window.site.root == empty)
    qtbot.waitUntil(
        lambda: window.box_view.loader.passes >= 1 and not window.box_view.loader.scanning
    )
    assert not act.isEnabled()


# --------------------------------------------------------------------------- resubmit + undo


def test_ctrl_r_moves_the_selected_files_and_ctrl_z_brings_them_back(
    qtbot: QtBot, window: MainWindow, root: Path
) -> None:
    retry, pending = root / "ccrretry.box", root / "ccr.box"
    chosen = ["LAB-PC02", "LAB-PC05", "LAB-PC07"]
    before = {name: (retry / f"{name}.ccr").read_bytes() for name in chosen}
    select(window, chosen)

    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000) as done:
        press(qtbot, window, Qt.Key.Key_R)  # 3 rows: within confirm_over, no question
    result = done.args[0]
    assert result.succeeded == 3 and result.failed == 0
    assert window.resubmit_ui.confirm_dialog is None
    assert names_in(pending) == {f"{n}.ccr" for n in chosen}
    assert {f"{n}.ccr" for n in chosen}.isdisjoint(names_in(retry))
    for name in chosen:  # moved as they were: history and window kept
        assert (pending / f"{name}.ccr").read_bytes() == before[name]
    qtbot.waitUntil(lambda: table_machines(window) == set(MACHINES) - set(chosen))
    status = window.statusBar().currentMessage()
    assert "3 selected" in status and "3 resubmitted" in status, status

    undo = window.resubmit_ui.act_undo
    assert undo.isEnabled() and "3 requests" in undo.text()
    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000) as undone:
        press(qtbot, window, Qt.Key.Key_Z)
    assert undone.args[0].succeeded == 3
    assert names_in(pending) == set()
    for name in chosen:
        assert (retry / f"{name}.ccr").read_bytes() == before[name]
    qtbot.waitUntil(lambda: table_machines(window) == set(MACHINES))
    assert outcome_text(window, "LAB-PC05").startswith("moved back ")
    assert outcome_text(window, "LAB-PC01") == ""
    assert "3 moved back" in window.statusBar().currentMessage()
    assert not undo.isEnabled()  # nothing left to undo


def test_without_a_selection_ctrl_r_asks_about_all_visible_rows(
    qtbot: QtBot, window: MainWindow, root: Path
) -> None:
    window.box_view.table.clearSelection()
    press(qtbot, window, Qt.Key.Key_R)
    dlg = confirm(qtbot, window)
    assert f"all {len(MACHINES)} visible requests on SMS_LAB" in dlg.question.text()
    assert dlg.scope.isVisibleTo(dlg) and "Nothing is selected" in dlg.scope.text()
    assert dlg.retry_radio.isChecked() and not dlg.new_radio.isChecked()  # the default
    assert not dlg.forced_box.isEnabled()  # only for new requests
    assert "and 2 more" in dlg.names.text()
    dlg.reject()  # Cancel: nothing moves
    assert names_in(root / "ccr.box") == set()

    window.box_view.filter_edit.setText("LAB-PC0")  # all 8 ...
    window.box_view.filter_edit.setText("10.0.0.3")  # ... then just one by IP
    qtbot.waitUntil(lambda: window.box_view.proxy.rowCount() == 1)
    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000):
        press(qtbot, window, Qt.Key.Key_R)  # one visible row: no question
    assert names_in(root / "ccr.box") == {"LAB-PC03.ccr"}
    assert "all 1 visible" in window.statusBar().currentMessage()


def test_confirmed_batch_over_the_limit_moves_every_visible_row(
    qtbot: QtBot, window: MainWindow, root: Path
) -> None:
    press(qtbot, window, Qt.Key.Key_R)
    dlg = confirm(qtbot, window)
    assert dlg.ok_button.text() == f"Retry now ({len(MACHINES)})"
    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000) as done:
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert done.args[0].succeeded == len(MACHINES)
    assert names_in(root / "ccr.box") == {f"{n}.ccr" for n in MACHINES}
    qtbot.waitUntil(lambda: window.box_view.model.rowCount() == 0)
    assert not window.act_resubmit.isEnabled()
    assert window.resubmit_ui.results_dialog is None  # no failures: no list to read


def test_dont_ask_again_is_saved_and_shown_in_settings(
    qtbot: QtBot, window: MainWindow, root: Path
) -> None:
    select(window, MACHINES[:6])
    press(qtbot, window, Qt.Key.Key_R)
    dlg = confirm(qtbot, window)
    dlg.dont_ask.setChecked(True)
    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000):
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert load_config().confirm_over == 0
    qtbot.waitUntil(lambda: window.box_view.model.rowCount() == 2)

    window.open_settings()
    settings = window._settings_dialog
    assert settings.confirm_over.value() == 0
    assert settings.confirm_over.text() == "never ask"
    settings.reject()

    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000):
        press(qtbot, window, Qt.Key.Key_R)  # the rest, without a question
    assert names_in(root / "ccr.box") == {f"{n}.ccr" for n in MACHINES}


def test_resubmit_as_new_request_writes_a_fresh_forced_ccr_and_undo_restores_the_file(
    qtbot: QtBot, window: MainWindow, root: Path
) -> None:
    save_config(Config(always_install=True))
    retry, pending = root / "ccrretry.box", root / "ccr.box"
    original = (retry / "LAB-PC04.ccr").read_bytes()
    select(window, ["LAB-PC04"])
    press(qtbot, window, Qt.Key.Key_R, shift=True)  # "as new request" always asks
    dlg = confirm(qtbot, window)
    assert dlg.new_radio.isChecked() and dlg.forced_box.isEnabled()
    assert dlg.forced_box.isChecked()  # Config.always_install
    assert "selected" in dlg.question.text()
    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000) as done:
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert done.args[0].succeeded == 1
    assert not (retry / "LAB-PC04.ccr").exists()
    fresh = (pending / "LAB-PC04.ccr").read_bytes()
    assert fresh != original
    record = parse_bytes(fresh, "LAB-PC04.ccr")
    assert record.machine_name == "LAB-PC04"
    assert record.forced is True
    assert record.attempts is None and record.last_error_code is None  # a clean start
    assert b"Request Processing" not in fresh
    assert "as new requests" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: "LAB-PC04" not in table_machines(window))

    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000):
        press(qtbot, window, Qt.Key.Key_Z)
    assert (retry / "LAB-PC04.ccr").read_bytes() == original
    assert names_in(pending) == set()
    qtbot.waitUntil(lambda: "LAB-PC04" in table_machines(window))


def test_new_request_without_forced_ccr_when_unticked(
    qtbot: QtBot, window: MainWindow, root: Path
) -> None:
    select(window, ["LAB-PC06"])
    press(qtbot, window, Qt.Key.Key_R, shift=True)
    dlg = confirm(qtbot, window)
    dlg.forced_box.setChecked(False)
    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000):
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    record = parse_bytes((root / "ccr.box" / "LAB-PC06.ccr").read_bytes(), "x.ccr")
    assert record.machine_name == "LAB-PC06" and not record.forced


# --------------------------------------------------------------------------- faults


def test_read_only_ccr_box_leaves_the_files_and_the_rows_say_why(
    qtbot: QtBot, window: MainWindow, root: Path
) -> None:
    retry, pending = root / "ccrretry.box", root / "ccr.box"
    chosen = ["LAB-PC01", "LAB-PC08"]
    select(window, chosen)
    with unwritable(pending), qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000) as done:
        press(qtbot, window, Qt.Key.Key_R)
    result = done.args[0]
    assert result.failed == 2 and result.succeeded == 0
    assert names_in(pending) == set()
    assert names_in(retry) == {f"{n}.ccr" for n in MACHINES}  # nothing lost
    dlg = window.resubmit_ui.results_dialog
    assert isinstance(dlg, ResultsDialog) and dlg.isVisible()
    assert "2 failed" in dlg.summary.text()
    assert dlg.table.rowCount() == 2
    listed = {dlg.table.item(i, 0).text() for i in range(2)}
    assert listed == set(chosen)
    assert "Could not move" in dlg.table.item(0, 2).text()
    dlg.copy_button.click()
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[0] == "Machine\tOutcome\tReason\tFile"
    assert any(line.startswith("LAB-PC08\tfailed ") for line in copied)
    assert "2 failed" in window.statusBar().currentMessage()
    window.box_view.refresh()
    qtbot.waitUntil(lambda: not window.box_view.loader.scanning)
    assert table_machines(window) == set(MACHINES)  # the rows stay ...
    for name in chosen:  # ... and say why
        text = outcome_text(window, name)
        assert text.startswith("failed: Could not move"), text
    tip = window.box_view.model.outcome(str(retry / "LAB-PC01.ccr"))
    assert tip is not None and tip.kind == "failed" and "read-only" in tip.tip
    assert outcome_text(window, "LAB-PC02") == ""
    assert not window.resubmit_ui.act_undo.isEnabled()  # nothing moved: nothing to undo
    header = window.box_view.table.horizontalHeader()
    assert header.visualIndex(COL_OUTCOME) == header.visualIndex(COL_MACHINE) + 1
    row = window.box_view.model.row_of(str(retry / "LAB-PC01.ccr"))
    assert row is not None
    machine = window.box_view.model.index(row, COL_MACHINE)  # seen without scrolling
    assert machine.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "Could not move" in machine.data(Qt.ItemDataRole.ToolTipRole)


def test_cancel_stops_the_batch_after_the_current_file(
    qtbot: QtBot, window: MainWindow, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real move runs; after the second file it waits until the admin pressed Cancel."""
    real_move = core_resubmit.deliver
    moved = 0
    second_done = threading.Event()
    release = threading.Event()

    def move_then_wait(src: Claim, dst: Path) -> None:
        nonlocal moved
        real_move(src, dst)
        moved += 1
        if moved == 2:
            second_done.set()
            assert release.wait(10), "the test never released the batch"

    monkeypatch.setattr(core_resubmit, "deliver", move_then_wait)
    press(qtbot, window, Qt.Key.Key_R)
    dlg = confirm(qtbot, window)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(second_done.is_set)
    assert not window.act_resubmit.isEnabled()  # one batch at a time
    progress = window.resubmit_ui.progress_dialog
    assert progress is not None
    qtbot.waitUntil(progress.isVisible)  # a batch that takes a moment shows its progress
    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000) as done:
        qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
        assert "Stopping" in progress.label.text()
        release.set()
    result = done.args[0]
    assert result.cancelled and result.succeeded == 2
    assert len(result.not_started) == len(MACHINES) - 2
    assert len(names_in(root / "ccr.box")) == 2
    assert len(names_in(root / "ccrretry.box")) == len(MACHINES) - 2
    assert f"cancelled, {len(MACHINES) - 2} not started" in window.statusBar().currentMessage()
    assert not progress.isVisible()
    qtbot.waitUntil(lambda: window.box_view.model.rowCount() == len(MACHINES) - 2)
    assert window.act_resubmit.isEnabled()


def test_closing_the_window_mid_batch_stops_after_the_current_file_then_closes(
    qtbot: QtBot, window: MainWindow, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_move = core_resubmit.deliver
    first_done = threading.Event()
    release = threading.Event()

    def move_then_wait(src: Claim, dst: Path) -> None:
        real_move(src, dst)
        if not first_done.is_set():
            first_done.set()
            assert release.wait(10), "the test never released the batch"

    monkeypatch.setattr(core_resubmit, "deliver", move_then_wait)
    press(qtbot, window, Qt.Key.Key_R)
    qtbot.mouseClick(confirm(qtbot, window).ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(first_done.is_set)

    window.close()  # the admin closes the window while files move
    assert window.isVisible()  # not yet: the batch is stopping
    with qtbot.waitSignal(window.resubmit_ui.idle, timeout=10000):
        release.set()
    qtbot.waitUntil(lambda: not window.isVisible())
    # every request is in exactly one box: one moved, the rest never started
    assert len(names_in(root / "ccr.box")) == 1
    assert len(names_in(root / "ccrretry.box")) == len(MACHINES) - 1


def test_a_file_the_site_server_took_meanwhile_is_already_processed(
    qtbot: QtBot, window: MainWindow, root: Path
) -> None:
    select(window, ["LAB-PC03"])
    (root / "ccrretry.box" / "LAB-PC03.ccr").unlink()  # the site server was quicker
    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000) as done:
        press(qtbot, window, Qt.Key.Key_R)
    assert done.args[0].failed == 0
    assert "1 already processed" in window.statusBar().currentMessage()
    assert window.resubmit_ui.results_dialog is None  # not an error dialog


# --------------------------------------------------------------------------- detail window


def test_the_detail_windows_resubmit_moves_its_file(
    qtbot: QtBot, root: Path, started: list[MainWindow]
) -> None:
    w = start(["--new-instance", "--site", str(root)])
    assert w is not None
    started.append(w)
    qtbot.waitUntil(lambda: w.box_view.model.rowCount() == len(MACHINES))
    path = root / "ccrretry.box" / "LAB-PC06.ccr"
    assert w.file_opener is not None
    (detail,) = w.file_opener.open_files([str(path)])
    qtbot.addWidget(detail)
    qtbot.waitUntil(lambda: detail.resubmit_action.isVisible())
    assert detail.resubmit_action.isEnabled()
    with qtbot.waitSignal(w.resubmit_ui.finished, timeout=10000) as done:
        detail.resubmit_action.trigger()
    assert done.args[0].succeeded == 1
    assert not path.exists() and (root / "ccr.box" / "LAB-PC06.ccr").exists()
    assert detail.statusBar().currentMessage().startswith("Resubmitted ")
    assert not detail.resubmit_action.isEnabled()
    qtbot.waitUntil(lambda: "LAB-PC06" not in table_machines(w))
    assert w.resubmit_ui.act_undo.isEnabled()  # the detail window's resubmit can be undone


def test_the_detail_window_resubmits_from_another_sites_retry_box(
    qtbot: QtBot, root: Path, tmp_path: Path, started: list[MainWindow]
) -> None:
    other = make_inboxes(tmp_path / "SMS_OTH" / "inboxes")
    path = other / "ccrretry.box" / "FAR-PC.ccr"
    path.write_bytes(demo_retry_request("FAR-PC", "CORP", "10.9.9.9", 5, 3, datetime.now()))
    w = start(["--new-instance", "--site", str(root)])
    assert w is not None
    started.append(w)
    assert w.file_opener is not None
    (detail,) = w.file_opener.open_files([str(path)])
    qtbot.addWidget(detail)
    qtbot.waitUntil(lambda: detail.resubmit_action.isVisible())
    with qtbot.waitSignal(w.resubmit_ui.finished, timeout=10000) as done:
        detail.resubmit_action.trigger()
    assert done.args[0].succeeded == 1
    assert (other / "ccr.box" / "FAR-PC.ccr").exists()
    assert names_in(root / "ccr.box") == set()  # not into the site the main window shows
