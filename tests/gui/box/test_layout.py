"""How the box view looks and reads, as a user meets it: default columns that fit with
Machine in view, the pending box's own columns and its pile-up warning, an Outcome column
only when there are outcomes, chips that wrap and keep their places, a first read that
shows rows only once they are sorted, and what a resubmit did after its rows left."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot

from ccrgui.core.sandbox import demo_retry_request
from ccrgui.gui.box.columns import (
    COL_ATTEMPTS,
    COL_ERROR,
    COL_FILE,
    COL_FORCED,
    COL_IP,
    COL_MACHINE,
    COL_OUTCOME,
    COL_QUEUED,
    COL_REACHABLE,
    COL_WAITING,
    COLUMNS,
)
from ccrgui.gui.box.rows import RowOutcome
from ccrgui.gui.box.view import BoxView
from ccrgui.gui.main_window import MainWindow
from tests.gui.conftest import make_inboxes, open_window

NOW = datetime.now().replace(microsecond=0)


def put(box: Path, machine: str, error: int = 53, hours: float = 30) -> Path:
    path = box / f"{machine}.ccr"
    path.write_bytes(
        demo_retry_request(machine, "CORP", "10.1.2.3", error, 3, NOW - timedelta(hours=hours))
    )
    return path


def queue(box: Path, machine: str, age: timedelta = timedelta(0)) -> Path:
    path = box / f"{machine}.ccr"
    path.write_bytes(
        b"[NT Client Configuration Request]\r\nClient Type=1\r\nForced CCR=TRUE\r\n"
        + f"Machine Name={machine}\r\n".encode()
    )
    when = time.time() - age.total_seconds()
    os.utime(path, (when, when))
    return path


def open_view(qtbot: QtBot, box: Path | None, width: int = 1200) -> BoxView:
    view = BoxView(poll_seconds=3600, watch=False)
    qtbot.addWidget(view)
    view.resize(width, 600)
    view.show()
    qtbot.waitExposed(view)
    if box is not None:
        with qtbot.waitSignal(view.loader.scan_finished, timeout=10000):
            view.set_box(box)
    return view


def visible(view: BoxView) -> list[int]:
    header = view.table.horizontalHeader()
    return [
        header.logicalIndex(v)
        for v in range(header.count())
        if not header.isSectionHidden(header.logicalIndex(v))
    ]


def test_the_default_window_shows_every_default_column_machine_first(qtbot: QtBot) -> None:
    window = open_window(qtbot)  # the sandbox, a first launch at the default size
    qtbot.waitUntil(lambda: window.box_view.model.rowCount() > 0)
    table = window.box_view.table
    header = table.horizontalHeader()
    assert visible(window.box_view)[0] == COL_MACHINE
    used = sum(header.sectionSize(c) for c in visible(window.box_view))
    assert used <= table.viewport().width()  # nothing scrolls sideways
    assert not table.horizontalScrollBar().isVisible()


def test_expired_is_the_loudest_expiry(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    from ccrgui.gui.box.columns import COL_EXPIRES

    box = make_inboxes(tmp_path / "s") / "ccrretry.box"
    put(box, "GONE", hours=24 * 8)
    put(box, "SOON", hours=24 * 6 + 20)
    view = open_view(qtbot, box)
    model = view.model

    def background(machine: str) -> int:
        row = next(i for i in range(model.rowCount()) if model.record(i).machine_name == machine)
        brush = model.index(row, COL_EXPIRES).data(Qt.ItemDataRole.BackgroundRole)
        return int(brush.color().lightness())

    assert background("GONE") < background("SOON")


def test_pending_box_has_its_own_columns_and_no_error_chips(qtbot: QtBot, tmp_path: Path) -> None:
    inboxes = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    put(inboxes / "ccrretry.box", "FAILED-1")
    queue(inboxes / "ccr.box", "NEW-1")
    window = open_window(qtbot, str(inboxes))
    view = window.box_view
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    with qtbot.waitSignal(view.loader.scan_finished, timeout=10000):
        window.act_pending_box.trigger()
    shown = visible(view)
    assert {COL_QUEUED, COL_WAITING, COL_FORCED, COL_FILE} <= set(shown)
    assert COL_ATTEMPTS not in shown and COL_ERROR not in shown
    assert view.proxy.index(0, COL_FORCED).data() == "yes"
    assert view.proxy.index(0, COL_WAITING).data() == "under a minute"
    assert not view.summary.isVisible()  # no "No error recorded" chips
    assert not view.error_combo.isVisible()
    assert not view.pile_up.isVisible()
    with qtbot.waitSignal(view.loader.scan_finished, timeout=10000):
        window.act_retry_box.trigger()
    assert COL_ERROR in visible(view) and COL_QUEUED not in visible(view)


def test_requests_piling_up_in_the_pending_box_are_a_warning(qtbot: QtBot, tmp_path: Path) -> None:
    box = make_inboxes(tmp_path / "s") / "ccr.box"
    queue(box, "OLD-1", timedelta(hours=2, minutes=3))
    queue(box, "OLD-2", timedelta(minutes=30))
    queue(box, "FRESH", timedelta(seconds=5))
    view = open_view(qtbot, None)
    view.set_box_kind("pending")
    with qtbot.waitSignal(view.loader.scan_finished, timeout=10000):
        view.set_box(box)
    assert view.pile_up.isVisible()
    text = view.pile_up.text()
    assert text.startswith("2 requests have waited in ccr.box for more than 10 minutes")
    assert "the longest 2 h 3 min" in text


def test_outcome_column_takes_room_only_while_a_row_has_an_outcome(
    qtbot: QtBot, tmp_path: Path
) -> None:
    box = make_inboxes(tmp_path / "s") / "ccrretry.box"
    pc1 = put(box, "PC1")
    view = open_view(qtbot, box)
    header = view.table.horizontalHeader()
    assert header.isSectionHidden(COL_OUTCOME)
    view.show_outcomes({str(tmp_path / "elsewhere.ccr"): RowOutcome("resubmitted 14:02", "")})
    assert header.isSectionHidden(COL_OUTCOME)  # not a row of this box
    view.show_outcomes({str(pc1): RowOutcome("failed 14:02", "share offline")})
    assert not header.isSectionHidden(COL_OUTCOME)
    assert header.visualIndex(COL_OUTCOME) == header.visualIndex(COL_MACHINE) + 1
    view.table.save_header()
    again = open_view(qtbot, box)  # another run: no outcomes, no empty column
    assert again.table.horizontalHeader().isSectionHidden(COL_OUTCOME)


def test_reachable_column_takes_room_only_once_a_check_has_results(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from ccrgui.core.reach import PortState, Reachability

    box = make_inboxes(tmp_path / "s") / "ccrretry.box"
    put(box, "PC1")
    view = open_view(qtbot, box)
    header = view.table.horizontalHeader()
    assert header.isSectionHidden(COL_REACHABLE)  # a first launch: no empty column
    when = datetime.now().astimezone()
    ports = {445: PortState.OPEN, 135: PortState.OPEN}
    view.show_reach([Reachability("PC1", when, ["10.1.2.3"], True, "", ports)])
    assert not header.isSectionHidden(COL_REACHABLE)
    assert header.visualIndex(COL_REACHABLE) == header.visualIndex(COL_MACHINE) + 1
    view.table.save_header()
    again = open_view(qtbot, box)  # another run: results are gone, so is the column
    assert again.table.horizontalHeader().isSectionHidden(COL_REACHABLE)


def test_chips_wrap_inside_the_window_and_keep_their_places(qtbot: QtBot, tmp_path: Path) -> None:
    box = make_inboxes(tmp_path / "s") / "ccrretry.box"
    codes = [5, 53, 67, 1326, 1722, 120, 1068, 1203, 1396, 1789, 64, 86]
    for i, code in enumerate(codes):
        for n in range(len(codes) - i):
            put(box, f"M{i}-{n}", code)
    view = open_view(qtbot, box, width=700)
    strip = view.summary
    chips = strip.findChildren(QToolButton)
    qtbot.waitUntil(lambda: strip.height() >= strip.heightForWidth(strip.width()))
    for chip in chips:  # every chip whole, inside the strip: no scrollbar, nothing cut
        g = chip.geometry()
        assert g.left() >= 0 and g.right() < strip.width(), chip.text()
        assert g.bottom() < strip.height(), chip.text()
    order = strip.keys()
    assert order[0] == 5  # the first read orders them by count
    # the chip clicked (53) loses rows: it stays where it is, not pushed down the order
    strip.buttons[53].click()
    for path in box.glob("M1-*.ccr"):
        if path.name != "M1-0.ccr":
            path.unlink()
    with qtbot.waitSignal(view.loader.scan_finished, timeout=10000):
        view.refresh()
    assert strip.keys() == order
    assert strip.buttons[53].text().startswith("1  ")


def test_error_combo_is_wide_enough_for_its_entries(qtbot: QtBot, tmp_path: Path) -> None:
    box = make_inboxes(tmp_path / "s") / "ccrretry.box"
    put(box, "PC1", 1203)  # the longest message in the table
    view = open_view(qtbot, box)
    combo = view.error_combo
    widest = max(
        combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count())
    )
    qtbot.waitUntil(lambda: combo.width() >= widest + 20)  # the text and the arrow


def test_a_first_read_shows_rows_only_once_they_are_sorted(qtbot: QtBot, tmp_path: Path) -> None:
    box = make_inboxes(tmp_path / "s") / "ccrretry.box"
    for i in range(1500):
        put(box, f"PC{i:04d}", hours=(i * 37) % 160)
    view = open_view(qtbot, None)
    seen_while_loading: list[bool] = []
    view.model.rowsInserted.connect(
        lambda *_a: seen_while_loading.append(view.table_stack.currentWidget() is view.table)
    )
    strip_while_loading: list[bool] = []
    view.loader.progress.connect(
        lambda d, t: t > 0 and strip_while_loading.append(view.summary.isVisible())
    )
    with qtbot.waitSignal(view.loader.scan_finished, timeout=20000):
        view.set_box(box)
    assert seen_while_loading and not any(seen_while_loading)  # no unsorted rows shown
    assert not any(strip_while_loading)  # the strip does not push the table down mid-load
    assert view.table_stack.currentWidget() is view.table
    assert view.summary.isVisible()
    progress = view.progress
    text = "Reading 10000 of 10000 files"
    assert progress.minimumWidth() > progress.fontMetrics().horizontalAdvance(text)


def test_resubmitted_rows_are_said_and_shown_in_the_pending_box(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from ccrgui.core.config import Config, save_config

    save_config(Config(confirm_over=0))
    inboxes = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    put(inboxes / "ccrretry.box", "PC1")
    put(inboxes / "ccrretry.box", "PC2")
    window: MainWindow = open_window(qtbot, str(inboxes))
    view = window.box_view
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    with qtbot.waitSignal(window.resubmit_ui.finished, timeout=10000):
        window.act_resubmit.trigger()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)  # they left the retry box
    assert view.recent.isVisible()
    text = view.recent.text()
    assert "PC1" in text and "PC2" in text and "ccr.box" in text
    with qtbot.waitSignal(view.loader.scan_finished, timeout=10000):
        view.recent.linkActivated.emit("pending")
    assert view.box_kind == "pending"
    assert not view.table.horizontalHeader().isSectionHidden(COL_OUTCOME)
    outcomes = {view.proxy.index(r, COL_OUTCOME).data() for r in range(view.proxy.rowCount())}
    assert all(o and o.startswith("resubmitted") for o in outcomes), outcomes
    assert view.proxy.index(0, COL_IP).data() == "10.1.2.3"
    assert len(COLUMNS) == COL_FORCED + 1
