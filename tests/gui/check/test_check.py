"""Check from the main window: the table's selection and a detail window's machine,
checked in the background against listeners on 127.0.0.1 and names that cannot resolve;
results in the Reachable column, and "Answering now" filters to them."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ccrgui.core.reach import PortState
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.gui.box.columns import COL_REACHABLE
from ccrgui.gui.detail.window import DetailWindow
from ccrgui.gui.main_window import MainWindow
from tests.listeners import silent_listener


@pytest.fixture
def listener() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0), backlog=64) as server:
        yield server.getsockname()[1]


@pytest.fixture
def checked_window(window: MainWindow, listener: int, qtbot: QtBot) -> MainWindow:
    """The sandbox window with two more failed requests: one for a machine that answers
    (localhost, both ports listening) and one whose name does not resolve."""
    assert window.site is not None
    window.check_ui.ports = (listener, listener)
    when = datetime(2026, 11, 2, 8, 0)
    for name, code in (("localhost", 5), ("gone-pc.invalid", 53)):
        data = demo_retry_request(name, "CORP", "127.0.0.1", code, 3, when)
        (window.site.retry / f"{name}.ccr").write_bytes(data)
    view = window.box_view
    view.refresh()
    qtbot.waitUntil(
        lambda: {"localhost", "gone-pc.invalid"} <= {r.machine_name for r in view.model.records()},
        timeout=15000,
    )
    return window


def _select(window: MainWindow, *machines: str) -> None:
    view = window.box_view
    view.select_files([r.file for r in view.model.records() if r.machine_name in machines])


def _cell(window: MainWindow, machine: str) -> str:
    model = window.box_view.model
    row = next(i for i, r in enumerate(model.records()) if r.machine_name == machine)
    return str(model.index(row, COL_REACHABLE).data() or "")


def test_check_from_the_context_menu_fills_the_reachable_column(
    qtbot: QtBot, checked_window: MainWindow
) -> None:
    window = checked_window
    view = window.box_view
    assert _cell(window, "localhost") == ""
    _select(window, "localhost", "gone-pc.invalid")
    menu = view.context_menu()
    action = next(a for a in menu.actions() if a.text() == "Chec&k reachability")
    with qtbot.waitSignal(window.check_ui.checked, timeout=20000):
        action.trigger()
    qtbot.waitUntil(lambda: window.check_ui.running == 0, timeout=20000)
    assert re.fullmatch(r"yes \d\d:\d\d", _cell(window, "localhost"))  # with the time
    assert re.fullmatch(r"no DNS \d\d:\d\d", _cell(window, "gone-pc.invalid"))
    assert not view.table.horizontalHeader().isSectionHidden(COL_REACHABLE)
    model = view.model
    row = next(i for i, r in enumerate(model.records()) if r.machine_name == "localhost")
    tip = model.index(row, COL_REACHABLE).data(Qt.ItemDataRole.ToolTipRole)
    assert "Checked" in tip and "Port" in tip and "push account" in tip  # its last error: 5
    # the demo rows were not selected, so not checked
    chosen = ("localhost", "gone-pc.invalid")
    assert all(model.reach(r) is None for r in model.records() if r.machine_name not in chosen)
    assert "Checked 2 machine(s): 1 answer" in window.statusBar().currentMessage()


def test_answering_now_leaves_what_can_be_resubmitted_now(
    qtbot: QtBot, checked_window: MainWindow
) -> None:
    window = checked_window
    view = window.box_view
    assert not view.filter_bar.reachable.isEnabled()  # nothing checked yet
    _select(window, "localhost", "gone-pc.invalid")
    with qtbot.waitSignal(window.check_ui.checked, timeout=20000):
        window.act_check.trigger()
    qtbot.waitUntil(lambda: window.check_ui.running == 0, timeout=20000)
    view.table.clearSelection()
    view.filter_bar.reachable.click()  # one click: "Answering now"
    assert [r.machine_name for r in view.visible_records()] == ["localhost"]
    records, selected = view.targets()  # what Ctrl+R would resubmit
    assert [r.machine_name for r in records] == ["localhost"] and not selected
    assert "answered a Check" in view.filter_description()
    view.filter_bar.reachable.click()
    assert len(view.visible_records()) == view.model.rowCount()


def test_check_in_the_detail_window_shows_the_checklist(
    qtbot: QtBot, checked_window: MainWindow, listener: int
) -> None:
    window = checked_window
    record = next(r for r in window.box_view.model.records() if r.machine_name == "localhost")
    (win,) = window.file_opener.open_files([record.file])
    assert isinstance(win, DetailWindow)
    qtbot.waitUntil(lambda: win.check_action.isEnabled(), timeout=10000)
    with qtbot.waitSignal(window.check_ui.checked, timeout=20000):
        win.check_action.trigger()
    qtbot.waitUntil(lambda: win.reach_panel.result is not None, timeout=20000)
    result = win.reach_panel.result
    assert result is not None and result.ok
    assert result.ports == {listener: PortState.OPEN}
    assert win.tabs.currentWidget() is win.reach_panel
    assert "✔" in win.reach_panel.dns.text() and "127.0.0.1" in win.reach_panel.dns.text()
    assert "✔" in win.reach_panel.smb.text()
    # the retry file says 5 (access denied): with the network fine, the account is to blame
    assert "push account" in win.reach_panel.advice.text()
    assert _cell(window, "localhost").startswith("yes ")  # the table learnt it too


def test_a_machine_that_does_not_resolve_is_crossed_out(
    qtbot: QtBot, checked_window: MainWindow
) -> None:
    window = checked_window
    record = next(r for r in window.box_view.model.records() if r.machine_name == "gone-pc.invalid")
    (win,) = window.file_opener.open_files([record.file])
    qtbot.waitUntil(lambda: win.check_action.isEnabled(), timeout=10000)
    win.reach_panel.button.click()
    qtbot.waitUntil(lambda: win.reach_panel.result is not None, timeout=20000)
    assert "✘" in win.reach_panel.dns.text()
    assert "not tried" in win.reach_panel.smb.text()
    assert "53" in win.reach_panel.advice.text()


def test_ctrl_k_again_stops_a_long_check(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four names for 127.0.0.1 whose port never answers, one at a time: the second
    Ctrl+K stops after the one in hand."""
    from ccrgui.gui.check import controller

    monkeypatch.setattr(controller, "CHUNK", 1)
    names = ["127.0.0.1", "localhost", "127.1", "2130706433"]
    assert window.site is not None
    for name in names:
        data = demo_retry_request(name, "CORP", "127.0.0.1", 53, 3, datetime(2026, 11, 2))
        (window.site.retry / f"{name}.ccr").write_bytes(data)
    view = window.box_view
    view.refresh()
    qtbot.waitUntil(
        lambda: set(names) <= {r.machine_name for r in view.model.records()}, timeout=15000
    )
    with silent_listener() as port:  # later connects get no answer
        window.check_ui.ports = (port,)
        window.check_ui.timeout = 1.0
        _select(window, *names)
        with qtbot.waitSignal(window.check_ui.checked, timeout=20000):
            window.act_check.trigger()
        assert window.act_check.text() == "Stop chec&king"
        window.act_check.trigger()  # stop
        qtbot.waitUntil(lambda: window.check_ui.running == 0, timeout=20000)
    checked = [n for n in names if view.model.reach(_record(window, n)) is not None]
    assert 1 <= len(checked) < len(names)
    assert window.act_check.text() == "Chec&k reachability"
    assert "Check stopped" in window.statusBar().currentMessage()


def _record(window: MainWindow, machine: str):  # type: ignore[no-untyped-def]
    return next(r for r in window.box_view.model.records() if r.machine_name == machine)
