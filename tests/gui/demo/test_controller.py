"""The sandbox's demo site server in the window: off by default and remembered, what is
queued fails into the retry table within seconds, it stops on quit and away from the
sandbox, and Reset demo refills the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ccrgui.core.ccr import parse_file
from ccrgui.core.config import SiteEntry
from ccrgui.core.simulator import SiteSimulator
from ccrgui.gui.box.columns import COL_ATTEMPTS, COL_MEANING
from ccrgui.gui.detail import history
from ccrgui.gui.main_window import MainWindow
from tests.gui.box.test_view import row_of, shown
from tests.gui.conftest import make_inboxes, open_window


def cell(window: MainWindow, machine: str, col: int) -> str:
    view = window.box_view
    return str(view.proxy.index(row_of(view, machine), col).data())


def test_demo_server_is_off_by_default_and_sandbox_only(window: MainWindow) -> None:
    assert window.site is not None and window.site.sandbox
    assert window.act_demo_server.isEnabled() and not window.act_demo_server.isChecked()
    assert window.act_reset_demo.isEnabled()
    assert not window.demo_server.running


def test_queued_request_shows_in_the_retry_table_with_its_error(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.act_demo_server.trigger()
    assert window.demo_server.running

    window.queue_names(["LAB-DENY-01"], True)

    qtbot.waitUntil(lambda: "LAB-DENY-01" in shown(window.box_view), timeout=10000)
    assert cell(window, "LAB-DENY-01", COL_MEANING) == "Access is denied."
    assert cell(window, "LAB-DENY-01", COL_ATTEMPTS) == "1"
    assert "Demo site server: LAB-DENY-01 failed: Access is denied (5)" in (
        window.statusBar().currentMessage()
    )
    # resubmitting it makes the attempt count grow
    [record] = [r for r in window.box_view.visible_records() if r.machine_name == "LAB-DENY-01"]
    window.resubmit_ui.resubmit_record(record)
    qtbot.waitUntil(
        lambda: (
            "LAB-DENY-01" in shown(window.box_view)
            and cell(window, "LAB-DENY-01", COL_ATTEMPTS) == "2"
        ),
        timeout=10000,
    )


def test_on_off_is_remembered(qtbot: QtBot) -> None:
    first = open_window(qtbot)
    first.act_demo_server.trigger()
    assert first.demo_server.running
    first.close()
    assert not first.demo_server.running  # quitting stops it

    second = open_window(qtbot)
    assert second.act_demo_server.isChecked()
    qtbot.waitUntil(lambda: second.demo_server.running)
    second.act_demo_server.trigger()
    assert not second.demo_server.running
    second.close()

    third = open_window(qtbot)
    assert not third.act_demo_server.isChecked() and not third.demo_server.running
    third.close()


def test_switching_to_a_real_site_stops_it(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    root = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    window.prefs.update(sites=[SiteEntry("ABC", str(root))])  # as Settings saves a site
    window.act_demo_server.trigger()
    assert window.demo_server.running

    window.switch_site("ABC")

    qtbot.waitUntil(lambda: window.site is not None and not window.site.sandbox)
    assert not window.demo_server.running
    assert not window.act_demo_server.isEnabled() and not window.act_reset_demo.isEnabled()
    assert window.act_demo_server.isChecked()  # still the choice for the sandbox
    SiteSimulator(window.demo_server.site).start().close()  # type: ignore[arg-type]


def test_says_why_when_another_server_holds_the_sandbox(qtbot: QtBot, window: MainWindow) -> None:
    assert window.site is not None
    with SiteSimulator(window.site):
        window.act_demo_server.trigger()
        qtbot.waitUntil(lambda: not window.act_demo_server.isChecked(), timeout=10000)
    box = window._last_message
    assert "already working on this site" in box.text()


def test_reset_demo_asks_then_refills_the_sandbox(qtbot: QtBot, window: MainWindow) -> None:
    window.queue_names(["MY-OWN-PC"], True)
    assert window.site is not None
    mine = window.site.pending / "MY-OWN-PC.ccr"
    qtbot.waitUntil(mine.exists, timeout=10000)  # queued off the GUI thread
    window.act_reset_demo.trigger()
    box = window.demo_ui.confirm_box
    assert isinstance(box, QMessageBox) and "Replace everything" in box.text()

    with qtbot.waitSignal(window.demo_ui.reset_done, timeout=20000):
        box.button(QMessageBox.StandardButton.Reset).click()
        assert not window.act_reset_demo.isEnabled()  # one reset at a time

    assert window.act_reset_demo.isEnabled()
    qtbot.waitUntil(lambda: len(shown(window.box_view)) >= 25, timeout=20000)
    assert "LAB-DENY-02" in shown(window.box_view)
    assert not mine.exists()
    assert parse_file(window.site.retry / "HR-OFF-07.ccr").attempts == 167


def test_done_when_history_in_the_detail_window_and_attempts_grow(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's 'done when': demo server on, LAB-DENY-01 queued, its history in the
    detail window, and resubmitting it makes the attempt count grow (table and history)."""
    monkeypatch.setattr(history, "TAIL_SECONDS", 0.2)  # the History tab's tail, sooner
    window.act_demo_server.trigger()
    window.queue_names(["LAB-DENY-01"], True)
    qtbot.waitUntil(lambda: "LAB-DENY-01" in shown(window.box_view), timeout=10000)
    [record] = [r for r in window.box_view.visible_records() if r.machine_name == "LAB-DENY-01"]

    [detail] = window.file_opener.open_files([record.file])
    qtbot.addWidget(detail)
    qtbot.waitUntil(lambda: detail.record.machine_name == "LAB-DENY-01", timeout=10000)
    with qtbot.waitSignal(detail.history.finished, timeout=20000):
        detail.tabs.setCurrentWidget(detail.history)
    tree = detail.history.tree
    assert tree.topLevelItemCount() == 1
    assert "Access is denied" in tree.topLevelItem(0).text(2)

    window.resubmit_ui.resubmit_record(record)

    qtbot.waitUntil(
        lambda: (
            "LAB-DENY-01" in shown(window.box_view)
            and cell(window, "LAB-DENY-01", COL_ATTEMPTS) == "2"
        ),
        timeout=10000,
    )
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=20000)
    assert all("Access is denied" in tree.topLevelItem(i).text(2) for i in range(2))
