"""The activity log window (Ctrl+L): who queued, resubmitted and undid what, newest first."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from ccrgui.core import paths
from ccrgui.core.activity import ActivityEntry, activity_log_path, log_entries
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.gui.dialogs.activity import (
    COL_ACTION,
    COL_MACHINE,
    COL_MOVE,
    COL_RESULT,
    COL_SITE,
    COL_TIME,
    COL_USER,
    ActivityFilter,
    ActivityModel,
    ActivityWindow,
)
from ccrgui.gui.main_window import MainWindow
from tests.gui.conftest import make_inboxes, open_window


@pytest.fixture
def root(tmp_path: Path) -> Path:
    inboxes = make_inboxes(tmp_path / "SMS_ACT" / "inboxes")
    start = datetime.now() - timedelta(hours=5)
    for i, name in enumerate(["ACT-PC1", "ACT-PC2", "ACT-PC3"]):
        data = demo_retry_request(name, "CORP", f"10.1.1.{i}", 1326, 4, start)
        (inboxes / "ccrretry.box" / f"{name}.ccr").write_bytes(data)
    return inboxes


@pytest.fixture
def window(qtbot: QtBot, root: Path) -> MainWindow:
    w = open_window(qtbot, str(root))
    qtbot.waitUntil(lambda: w.box_view.model.rowCount() == 3)
    return w


def open_log(qtbot: QtBot, window: MainWindow) -> ActivityWindow:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.box_view.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.activity_window is not None)
    win = window.activity_window
    assert isinstance(win, ActivityWindow)
    qtbot.waitUntil(win.isVisible)
    qtbot.waitUntil(lambda: "Reading" not in win.status.text())
    return win


def cell(win: ActivityWindow, row: int, col: int) -> str:
    return str(win.proxy.index(row, col).data() or "")


def rows(win: ActivityWindow) -> list[tuple[str, str]]:
    return [
        (cell(win, r, COL_ACTION), cell(win, r, COL_MACHINE)) for r in range(win.proxy.rowCount())
    ]


def test_the_log_shows_resubmit_and_undo_newest_first(
    qtbot: QtBot, window: MainWindow, root: Path
) -> None:
    ui = window.resubmit_ui
    files = [r.file for r in window.box_view.model.records() if r.machine_name == "ACT-PC2"]
    window.box_view.select_files(files)
    with qtbot.waitSignal(ui.finished, timeout=10000):
        window.act_resubmit.trigger()
    with qtbot.waitSignal(ui.finished, timeout=10000):
        ui.act_undo.trigger()

    win = open_log(qtbot, window)
    assert win.windowTitle().startswith("Activity log")
    assert rows(win) == [("Undo", "ACT-PC2"), ("Resubmit", "ACT-PC2")]
    sep = "/" if "/" in str(root) else "\\"
    assert cell(win, 1, COL_MOVE) == f"ccrretry.box{sep}ACT-PC2.ccr → ccr.box{sep}ACT-PC2.ccr"
    assert cell(win, 0, COL_MOVE) == f"ccr.box{sep}ACT-PC2.ccr → ccrretry.box{sep}ACT-PC2.ccr"
    assert cell(win, 1, COL_RESULT) == "resubmitted"
    assert cell(win, 0, COL_RESULT) == "moved back"
    assert cell(win, 0, COL_SITE) == "SMS_ACT"
    assert win.proxy.index(0, COL_SITE).data(Qt.ItemDataRole.ToolTipRole) == str(root)
    assert cell(win, 0, COL_USER)  # the OS account
    stamp = datetime.strptime(cell(win, 0, COL_TIME), "%Y-%m-%d %H:%M:%S")
    assert abs((datetime.now() - stamp).total_seconds()) < 300
    tip = win.proxy.index(1, COL_MOVE).data(Qt.ItemDataRole.ToolTipRole)
    assert str(root / "ccrretry.box" / "ACT-PC2.ccr") in tip
    assert "2 entries" in win.status.text()

    # a batch while the window is open shows up by itself
    window.box_view.select_files(
        [r.file for r in window.box_view.model.records() if r.machine_name == "ACT-PC3"]
    )
    with qtbot.waitSignal(win.loaded, timeout=10000):
        window.act_resubmit.trigger()
    assert rows(win)[0] == ("Resubmit", "ACT-PC3")


def test_filter_matches_any_column_as_you_type(qtbot: QtBot, window: MainWindow) -> None:
    site = window.site
    assert site is not None
    now = datetime.now().replace(microsecond=0)
    entries = [
        ActivityEntry(
            now - timedelta(minutes=10 - i),
            "CORP\\alice",
            site.name,
            str(site.root),
            action,
            machine,
            "",
            "",
            result,
        )
        for i, (action, machine, result) in enumerate(
            [
                ("queue", "PC-A", "queued"),
                ("resubmit", "PC-B", "failed: Could not move PC-B.ccr: Permission denied."),
                ("resubmit-new", "PC-C", "resubmitted"),
            ]
        )
    ]
    assert log_entries(entries) is None
    win = open_log(qtbot, window)
    assert rows(win) == [("Resubmit as new", "PC-C"), ("Resubmit", "PC-B"), ("Queue", "PC-A")]
    failed = win.proxy.index(1, COL_RESULT)
    assert failed.data(Qt.ItemDataRole.ForegroundRole) is not None  # failures stand out
    qtbot.keyClicks(win.filter_edit, "permission")
    assert rows(win) == [("Resubmit", "PC-B")]
    assert "1 of 3 entries" in win.status.text()
    win.filter_edit.clear()
    qtbot.keyClicks(win.filter_edit, "as new")
    assert rows(win) == [("Resubmit as new", "PC-C")]
    win.filter_edit.setText("alice")
    assert len(rows(win)) == 3


def test_refresh_reads_what_others_wrote_meanwhile(qtbot: QtBot, window: MainWindow) -> None:
    win = open_log(qtbot, window)
    assert win.proxy.rowCount() == 0
    assert "No activity yet" in win.status.text()
    site = window.site
    assert site is not None
    log_entries(
        [ActivityEntry.now("queue", site, "LATE-PC", None, site.pending / "x.ccr", "queued")]
    )
    with qtbot.waitSignal(win.loaded, timeout=10000):
        qtbot.keyClick(win.table, Qt.Key.Key_F5)
    assert rows(win) == [("Queue", "LATE-PC")]
    assert cell(win, 0, COL_MOVE).startswith("→ ccr.box")


def test_an_unreadable_log_says_so(qtbot: QtBot, window: MainWindow) -> None:
    path = activity_log_path()
    path.mkdir(parents=True)  # a folder where the file should be: reading fails
    win = open_log(qtbot, window)
    assert win.error is not None
    assert "cannot be read" in win.status.text() and str(path) in win.status.text()


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def catch(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_log_folder_opens_the_user_log_dir(qtbot: QtBot, window: MainWindow) -> None:
    win = open_log(qtbot, window)
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "catch")
    try:
        qtbot.mouseClick(win.folder_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in catcher.urls] == [str(paths.log_dir())]


def test_ctrl_l_raises_the_same_window(qtbot: QtBot, window: MainWindow) -> None:
    first = open_log(qtbot, window)
    first.close()
    assert open_log(qtbot, window) is first


def _entry(n: int, action: str, result: str) -> ActivityEntry:
    when = datetime(2026, 11, 28, 12, 0, n % 3)  # ties within a second: log order decides
    src = f"/s/inboxes/ccrretry.box/PC{n}.ccr"
    dst = f"/s/inboxes/ccr.box/PC{n}.ccr" if n % 2 else ""
    return ActivityEntry(when, "ops", "ABC", "/s/inboxes", action, f"PC{n}", src, dst, result)


def test_activity_model_and_filter_pass_the_model_tester(qtmodeltester) -> None:
    model = ActivityModel()
    qtmodeltester.check(model)
    proxy = ActivityFilter(model)
    proxy.sort(COL_TIME, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)
    model.set_entries([_entry(n, "resubmit", "resubmitted") for n in range(5)])
    proxy.set_text("pc3")
    assert proxy.rowCount() == 1
    model.set_entries([_entry(n, "undo", "failed: gone\nmore") for n in range(8)])
    proxy.set_text("")
    assert proxy.rowCount() == 8
    # newest first; within one second, the later line of the log first
    assert [proxy.index(r, COL_MACHINE).data() for r in range(4)] == ["PC5", "PC2", "PC7", "PC4"]
    model.set_entries([])
    assert proxy.rowCount() == 0
