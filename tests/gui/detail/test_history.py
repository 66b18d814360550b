"""The detail window's History tab: attempts from the site's ccm.log, newest first, raw
lines one click away, read off the GUI thread, streaming, and kept current."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from ccrgui.core import ccmtrace
from ccrgui.core.ccr import CcrRecord
from ccrgui.core.config import Config, SiteEntry, save_config
from ccrgui.gui.detail import history
from ccrgui.gui.detail.window import DetailWindow


@pytest.fixture
def site(tmp_path: Path, samples: Path) -> Path:
    """SMS_ABC/inboxes with Computer001's retry file, and SMS_ABC/Logs/ccm.log."""
    inboxes = tmp_path / "SMS_ABC" / "inboxes"
    (inboxes / "ccr.box").mkdir(parents=True)
    (inboxes / "ccrretry.box").mkdir()
    shutil.copy(samples / "retry-access-denied.ccr", inboxes / "ccrretry.box" / "C1.ccr")
    (tmp_path / "SMS_ABC" / "Logs").mkdir()
    shutil.copy(samples / "ccm-raw.log", tmp_path / "SMS_ABC" / "Logs" / "ccm.log")
    save_config(Config(sites=[SiteEntry("ABC", str(inboxes))]))
    return inboxes


def later_attempt(log: Path, code: int, hour: int) -> None:
    lines = ccmtrace.failed_lines("Computer001", "Computer001", code, "XXX\\SMSPush")
    when = datetime(2007, 2, 21, hour, 0, 0)
    ccmtrace.append_lines(log, [ccmtrace.TraceLine(m, when, 7000 + hour) for m in lines])


def open_history(qtbot: QtBot, path: Path) -> DetailWindow:
    win = DetailWindow(CcrRecord(file=str(path)))
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.loaded, timeout=10000):
        win.show()
    return win


def show_tab(qtbot: QtBot, win: DetailWindow) -> None:
    with qtbot.waitSignal(win.history.finished, timeout=20000):
        win.tabs.setCurrentWidget(win.history)


def test_attempts_newest_first_with_the_error_decoded(qtbot: QtBot, site: Path) -> None:
    later_attempt(site.parent / "Logs" / "ccm.log", 53, 11)
    win = open_history(qtbot, site / "ccrretry.box" / "C1.ccr")
    assert win.history.status.text() == "No machine"  # not read before the tab is shown
    show_tab(qtbot, win)
    tree = win.history.tree
    assert tree.topLevelItemCount() == 2
    newest, oldest = tree.topLevelItem(0), tree.topLevelItem(1)
    assert newest.text(2).startswith("53 (0x00000035) ERROR_BAD_NETPATH: The network path")
    assert oldest.text(0) == "2007-02-21 09:37:20"
    assert oldest.text(1) == "failed, will retry"
    assert oldest.text(2).startswith("5 (0x00000005) ERROR_ACCESS_DENIED: Access is denied")
    assert oldest.text(4) == "7"
    assert "2 attempt(s) for Computer001" in win.history.status.text()


def test_raw_lines_are_one_click_away(qtbot: QtBot, site: Path) -> None:
    win = open_history(qtbot, site / "ccrretry.box" / "C1.ccr")
    show_tab(qtbot, win)
    win.history.tree.setCurrentItem(win.history.tree.topLevelItem(0))
    raw = win.history.raw.toPlainText().splitlines()
    assert len(raw) == 7
    assert raw[0].startswith('======>Begin Processing request: "Computer001"')
    assert raw[0].endswith("<thread=6708 (0x1A34)>")
    assert all("thread=6708" in line for line in raw)  # not the interleaved threads


def test_new_attempts_appear_while_the_tab_is_open(
    qtbot: QtBot, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "TAIL_SECONDS", 0.2)
    win = open_history(qtbot, site / "ccrretry.box" / "C1.ccr")
    show_tab(qtbot, win)
    assert win.history.tree.topLevelItemCount() == 1
    win.history.tree.setCurrentItem(win.history.tree.topLevelItem(0))
    later_attempt(site.parent / "Logs" / "ccm.log", 1326, 12)
    qtbot.waitUntil(lambda: win.history.tree.topLevelItemCount() == 2, timeout=20000)
    assert "ERROR_LOGON_FAILURE" in win.history.tree.topLevelItem(0).text(2)
    # the attempt being read stays the chosen one
    assert win.history.tree.currentItem() is win.history.tree.topLevelItem(1)


def test_the_sites_own_log_setting_and_a_missing_log(qtbot: QtBot, site: Path) -> None:
    moved = site.parent.parent / "elsewhere"
    moved.mkdir()
    (site.parent / "Logs" / "ccm.log").rename(moved / "ccm.log")
    win = open_history(qtbot, site / "ccrretry.box" / "C1.ccr")
    show_tab(qtbot, win)
    assert "No ccm.log at" in win.history.status.text()
    win.prefs.update(sites=[SiteEntry("ABC", str(site), str(moved))])  # as Settings does
    with qtbot.waitSignal(win.loaded, timeout=10000):
        win.reload()
    qtbot.waitUntil(lambda: win.history.tree.topLevelItemCount() == 1, timeout=20000)
    assert str(moved / "ccm.log") in win.history.status.text()


def test_a_file_outside_a_site_asks_for_the_log(
    qtbot: QtBot, samples: Path, tmp_path: Path
) -> None:
    shutil.copy(samples / "retry-access-denied.ccr", tmp_path / "C1.ccr")
    win = open_history(qtbot, tmp_path / "C1.ccr")
    win.tabs.setCurrentWidget(win.history)
    assert "choose the log" in win.history.status.text()
    win.history.show_machine("Computer001", samples / "ccm-raw.log")
    qtbot.waitUntil(lambda: win.history.tree.topLevelItemCount() == 1, timeout=20000)


def test_a_big_log_streams_while_the_window_keeps_answering(
    qtbot: QtBot, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """About 40 MB of other machines' lines, then this machine's attempt: the entries
    arrive while the rest is read (progress shown), and the GUI thread keeps running its
    timers throughout (a read on the GUI thread would starve them)."""
    log = site.parent / "Logs" / "ccm.log"
    block = "".join(
        ccmtrace.format_line(ccmtrace.TraceLine(m, datetime(2007, 2, 21, 8), 4000 + i % 8))
        for i, m in enumerate(ccmtrace.failed_lines("R1", "OTHER-PC", 53, "X\\p") * 20)
    ).encode()
    with open(log, "wb") as fh:
        fh.write(block * max(1, (40 << 20) // len(block)))
    later_attempt(log, 5, 10)
    win = open_history(qtbot, site / "ccrretry.box" / "C1.ccr")
    texts: list[str] = []  # every status the History tab shows, in order
    set_text = win.history.status.setText
    monkeypatch.setattr(
        win.history.status, "setText", lambda text: (texts.append(text), set_text(text))
    )
    ticks = [0]
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.__setitem__(0, ticks[0] + 1))
    timer.start()
    show_tab(qtbot, win)
    timer.stop()
    assert win.history.tree.topLevelItemCount() == 1
    assert any(text.endswith("%") for text in texts)  # progress while reading
    # the GUI thread ran its timers during the read (a read on it would allow none); how
    # many ran depends on the machine's load, so no more than one is asked
    assert ticks[0] >= 1
