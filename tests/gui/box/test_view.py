"""The box table as a user works with it: bad files as rows, filter as you type, the error
combo and summary strip, details on Enter/double-click, the context menu and CSV export,
the retry/pending switch, and what the window remembers."""

from __future__ import annotations

import csv
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QToolButton
from pytestqt.qtbot import QtBot

from ccrgui.core.ccr import MAX_FILE_BYTES, new_request, parse_bytes, serialize
from ccrgui.core.csvexport import CSV_HEADER
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.gui.box.columns import (
    COL_ATTEMPTS,
    COL_EXPIRES,
    COL_FILE,
    COL_MACHINE,
    COL_MEANING,
    PROBLEM,
)
from ccrgui.gui.box.view import BoxView
from ccrgui.gui.detail.opener import FileOpener
from ccrgui.gui.detail.window import DetailWindow
from ccrgui.gui.main_window import MainWindow
from tests.gui.conftest import make_inboxes, open_window

NOW = datetime.now().replace(microsecond=0)

# (machine, error as the site server writes it, attempts, hours since the first request)
FAILED = [
    ("SALES-PC1", 5, 37, 40),
    ("HR-LAPTOP3", -2147024891, 12, 12),  # 0x80070005: access denied as an HRESULT
    ("KIOSK-02", 5, 100, 100),
    ("WKS-LAB-07", 53, 9, 152),
    ("FINANCE12", 1326, 10, 20),
    ("LAB-ROUTER", 67, 160, 165),
    ("DEV-0001", 53, 2, 3),
]
BAD = {
    "EMPTY.ccr": b"",
    "BINARY.ccr": bytes(range(256)) * 4,
    "NONAME.ccr": b"[NT Client Configuration Request]\r\nDomain=CORP\r\n",
    "NOTES.ccr": b"call Bob about the lab machines\r\n",
    "HUGE.ccr": b"[NT Client Configuration Request]\r\n" + b";" * (MAX_FILE_BYTES + 10),
}


def put(box: Path, machine: str, error: int = 53, attempts: int = 1, hours: float = 1) -> Path:
    path = box / f"{machine}.ccr"
    data = demo_retry_request(
        machine, "CORP", "10.1.2.3", error, attempts, NOW - timedelta(hours=hours)
    )
    path.write_bytes(data)
    return path


def fill(box: Path, samples: Path | None = None) -> int:
    """The failed requests, the bad files (and the shared samples); returns the count."""
    for machine, error, attempts, hours in FAILED:
        put(box, machine, error, attempts, hours)
    for name, data in BAD.items():
        (box / name).write_bytes(data)
    os.symlink("LOOP.ccr", box / "LOOP.ccr")  # unreadable: too many symbolic links
    (box / "folder.ccr").mkdir()  # not a file: no row
    (box / "readme.txt").write_text("not a request")  # not a .ccr: no row
    count = len(FAILED) + len(BAD) + 1
    if samples is not None:
        for f in samples.glob("*.ccr"):
            shutil.copy(f, box / f.name)
            count += 1
    return count


@pytest.fixture
def inboxes(tmp_path: Path) -> Path:
    return make_inboxes(tmp_path / "SMS_ABC" / "inboxes")


@pytest.fixture
def retry_box(inboxes: Path) -> Path:
    return inboxes / "ccrretry.box"


def open_view(qtbot: QtBot, box: Path | None, **kwargs: object) -> BoxView:
    kwargs.setdefault("poll_seconds", 3600)
    kwargs.setdefault("watch", False)
    view = BoxView(**kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(view)
    opener = FileOpener(view)  # as the main window wires it: details open in windows
    view.details_requested.connect(lambda records: opener.open_files([r.file for r in records]))
    view.resize(1200, 600)
    view.show()
    qtbot.waitExposed(view)
    if box is not None:
        with qtbot.waitSignal(view.loader.scan_finished, timeout=10000):
            view.set_box(box)
    return view


@pytest.fixture
def view(qtbot: QtBot, retry_box: Path, samples: Path) -> BoxView:
    fill(retry_box, samples)
    return open_view(qtbot, retry_box)


def shown(view: BoxView, col: int = COL_MACHINE) -> list[str]:
    proxy = view.proxy
    return [proxy.index(r, col).data() for r in range(proxy.rowCount())]


def row_of(view: BoxView, machine: str) -> int:
    return shown(view).index(machine)


def click_row(qtbot: QtBot, view: BoxView, machine: str, modifier=Qt.KeyboardModifier.NoModifier):
    index = view.proxy.index(row_of(view, machine), COL_MACHINE)
    view.table.scrollTo(index)
    rect = view.table.visualRect(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def detail_windows(view: BoxView) -> dict[str, DetailWindow]:
    opener = view.findChild(FileOpener)
    assert opener is not None
    return opener.windows


def summary_button(view: BoxView, key: int) -> QToolButton:
    return view.summary.buttons[key]


# --------------------------------------------------------------------------- what it shows


def test_every_file_is_a_row_and_bad_ones_say_why(view: BoxView, samples: Path) -> None:
    expected = len(FAILED) + len(BAD) + 1 + len(list(samples.glob("*.ccr")))
    assert view.model.rowCount() == expected
    files = set(shown(view, COL_FILE))
    assert {"folder.ccr", "readme.txt"}.isdisjoint(files)
    problems = {f: m for f, m in zip(shown(view, COL_FILE), shown(view, COL_MEANING), strict=True)}
    assert problems["EMPTY.ccr"] == "Not a valid CCR: empty file"
    assert problems["BINARY.ccr"] == "Not a valid CCR: binary file, not a CCR"
    assert problems["NONAME.ccr"] == "Not a valid CCR: no Machine Name"
    assert problems["HUGE.ccr"].startswith("Not a valid CCR: file too large for a CCR")
    assert problems["LOOP.ccr"].startswith("Not a valid CCR: cannot read:")
    assert "symbolic links" in problems["LOOP.ccr"]
    assert problems["NOTES.ccr"].startswith("Not a valid CCR:")
    bad = sum(1 for m in problems.values() if m.startswith("Not a valid CCR"))
    assert bad == len(BAD) + 1
    proxy = view.proxy
    for r in range(proxy.rowCount()):
        icon = proxy.index(r, COL_MACHINE).data(Qt.ItemDataRole.DecorationRole)
        is_bad = proxy.index(r, COL_MEANING).data().startswith("Not a valid CCR")
        assert (icon is not None and not icon.isNull()) == is_bad
    assert f"{bad} not valid" in view.status_label.text()
    assert f"{expected} requests" in view.status_label.text()
    view.grab()  # paints every visible cell, icons included


def test_summary_strip_counts_each_error_right_after_loading(view: BoxView) -> None:
    counts = {key: b.text() for key, b in view.summary.buttons.items()}
    assert counts[53].startswith("2  The network path was not found (53 ERROR_BAD_NETPATH)")
    assert counts[5] == "3  Access is denied (5 ERROR_ACCESS_DENIED)"  # one is a sample
    assert counts[0x80070005] == "1  Access is denied (0x80070005 ERROR_ACCESS_DENIED)"
    assert counts[PROBLEM] == f"{len(BAD) + 1}  Not a valid CCR"
    assert view.summary.isVisible()
    assert view.error_combo.itemText(0) == f"All errors ({view.model.rowCount()})"


# --------------------------------------------------------------------------- finding rows


def test_filter_as_you_type(qtbot: QtBot, view: BoxView) -> None:
    total = view.model.rowCount()
    qtbot.keyClicks(view.filter_edit, "sales")
    assert sorted(shown(view)) == ["SALES-PC1", "SALES-PC9"]  # SALES-PC9: a sample
    assert view.status_label.text().startswith(f"2 of {total} requests")
    view.filter_edit.clear()
    qtbot.keyClicks(view.filter_edit, "access denied")
    assert sorted(shown(view)) == ["Computer001", "HR-LAPTOP3", "KIOSK-02", "SALES-PC1"]
    qtbot.keyClicks(view.filter_edit, " kiosk")
    assert shown(view) == ["KIOSK-02"]
    view.filter_edit.clear()
    assert view.proxy.rowCount() == total
    assert view.status_label.text().startswith(f"{total} requests")


def test_error_combo_shows_one_error(qtbot: QtBot, view: BoxView) -> None:
    combo = view.error_combo
    view.error_combo.setFocus()
    target = combo.findData(53)
    assert target > 0 and combo.itemText(target) == "The network path was not found (53) — 2"
    for _ in range(target):
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # the keyboard picks items of a closed combo
    assert sorted(shown(view)) == ["DEV-0001", "WKS-LAB-07"]
    assert view.summary.buttons[53].isChecked()
    for _ in range(target):
        qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert combo.currentIndex() == 0
    assert view.proxy.rowCount() == view.model.rowCount()
    assert not any(b.isChecked() for b in view.summary.buttons.values())


def test_two_clicks_find_all_access_denied_clients(qtbot: QtBot, view: BoxView) -> None:
    qtbot.mouseClick(summary_button(view, 5), Qt.MouseButton.LeftButton)
    assert sorted(shown(view)) == ["Computer001", "KIOSK-02", "SALES-PC1"]
    assert view.error_combo.currentData() == 5
    assert summary_button(view, 5).isChecked()
    qtbot.mouseClick(summary_button(view, 5), Qt.MouseButton.LeftButton)  # again: all
    assert view.proxy.rowCount() == view.model.rowCount()
    assert view.error_combo.currentIndex() == 0
    qtbot.mouseClick(summary_button(view, PROBLEM), Qt.MouseButton.LeftButton)
    assert view.proxy.rowCount() == len(BAD) + 1
    qtbot.mouseClick(summary_button(view, 53), Qt.MouseButton.LeftButton)  # another one
    assert sorted(shown(view)) == ["DEV-0001", "WKS-LAB-07"]
    assert not summary_button(view, PROBLEM).isChecked()


def test_filters_hold_while_the_box_changes(qtbot: QtBot, view: BoxView, retry_box: Path) -> None:
    qtbot.mouseClick(summary_button(view, 5), Qt.MouseButton.LeftButton)
    put(retry_box, "NEW-DENIED", 5)
    put(retry_box, "NEW-NETPATH", 53)
    with qtbot.waitSignal(view.loader.scan_finished):
        view.refresh()
    qtbot.waitUntil(lambda: "4  Access" in summary_button(view, 5).text())
    assert sorted(shown(view)) == ["Computer001", "KIOSK-02", "NEW-DENIED", "SALES-PC1"]
    assert summary_button(view, 5).isChecked()  # the strip was rebuilt, still checked
    assert view.error_combo.currentData() == 5


# --------------------------------------------------------------------------- sorting


def test_header_click_sorts_attempts_as_numbers(qtbot: QtBot, view: BoxView) -> None:
    view.filter_edit.setText("corp")  # the failed requests: attempts 2..160
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(COL_ATTEMPTS) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    got = [int(a) for a in shown(view, COL_ATTEMPTS) if a]
    assert got == sorted(got) and got != sorted(got, key=str)
    assert header.sortIndicatorSection() == COL_ATTEMPTS
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    got = [int(a) for a in shown(view, COL_ATTEMPTS) if a]
    assert got == sorted(got, reverse=True)


def test_opens_sorted_by_expiry_soonest_first(view: BoxView) -> None:
    assert view.table.horizontalHeader().sortIndicatorSection() == COL_EXPIRES
    texts = [t for t in shown(view, COL_EXPIRES) if t]
    expired = [t for t in texts if t == "expired"]
    assert texts[: len(expired)] == expired  # expired first, then the soonest
    assert shown(view, COL_EXPIRES)[-1] == ""  # unknown last


def test_selection_and_sort_survive_a_refresh(qtbot: QtBot, view: BoxView, retry_box: Path) -> None:
    view.table.sortByColumn(COL_ATTEMPTS, Qt.SortOrder.AscendingOrder)
    click_row(qtbot, view, "FINANCE12")
    click_row(qtbot, view, "LAB-ROUTER", Qt.KeyboardModifier.ControlModifier)
    current_before = view.table.currentIndex().data()
    put(retry_box, "AAA-NEW", attempts=11)  # sorts right between 10 and 12
    put(retry_box, "SALES-PC1", 5, attempts=1)  # changed: moves to the top
    (retry_box / "KIOSK-02.ccr").unlink()
    with qtbot.waitSignal(view.loader.scan_finished):
        view.refresh()
    assert [r.machine_name for r in view.selected_records()] == ["FINANCE12", "LAB-ROUTER"]
    assert view.table.currentIndex().data() == current_before == "LAB-ROUTER"
    attempts = [int(a) for a in shown(view, COL_ATTEMPTS) if a]
    assert attempts == sorted(attempts)
    assert shown(view)[shown(view, COL_ATTEMPTS).index("11")] == "AAA-NEW"
    assert "KIOSK-02" not in shown(view)


# --------------------------------------------------------------------------- details


def _detail_for(qtbot: QtBot, view: BoxView, machine: str):
    windows = detail_windows(view)
    qtbot.waitUntil(lambda: len(windows) == 1)
    (win,) = windows.values()
    qtbot.waitUntil(lambda: machine in win.view.raw.toPlainText())  # read from disk
    assert win.isVisible()
    assert win.view.fields["machine_name"].text() == machine
    return win


def test_enter_opens_the_detail_window(qtbot: QtBot, view: BoxView) -> None:
    click_row(qtbot, view, "SALES-PC1")
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    win = _detail_for(qtbot, view, "SALES-PC1")
    assert win.view.error["message"].text() == "Access is denied."
    assert win.view.error["fix"].text()  # what to do about it


def test_double_click_opens_the_detail_window(qtbot: QtBot, view: BoxView) -> None:
    index = view.proxy.index(row_of(view, "WKS-LAB-07"), COL_MEANING)
    center = view.table.visualRect(index).center()
    # a person's double-click: press and release, then the second press is the double
    # click (QTest's mouseDClick alone leaves out the first press here)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    _detail_for(qtbot, view, "WKS-LAB-07")


def test_a_bad_file_opens_too(qtbot: QtBot, view: BoxView) -> None:
    view.filter_edit.setText("binary.ccr")
    click_row(qtbot, view, "")
    qtbot.keyClick(view.table, Qt.Key.Key_Enter)
    windows = detail_windows(view)
    qtbot.waitUntil(lambda: len(windows) == 1)
    assert "BINARY.ccr" in next(iter(windows.values())).windowTitle()


def test_main_window_opens_details_through_its_file_opener(qtbot: QtBot, inboxes: Path) -> None:

    fill(inboxes / "ccrretry.box")
    window = open_window(qtbot, str(inboxes))
    opener = window.file_opener
    view = window.box_view
    qtbot.waitUntil(lambda: view.loader.passes >= 1)
    click_row(qtbot, view, "FINANCE12")
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(opener.windows) == 1)
    (win,) = opener.windows.values()
    qtbot.waitUntil(lambda: win.view.fields["machine_name"].text() == "FINANCE12")
    qtbot.waitUntil(lambda: win.resubmit_action.isVisible())  # it knows it is in a retry box


# --------------------------------------------------------------------------- context menu


# the offscreen platform cannot grab the keyboard for a popup menu; the menu works
MENU = pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")


def _menu(qtbot: QtBot, view: BoxView, machine: str | None) -> QMenu:
    """Right-click on ``machine``'s row (or empty space) and return the menu shown."""
    if machine is None:
        pos = QPoint(5, view.table.viewport().height() - 5)
    else:
        pos = view.table.visualRect(view.proxy.index(row_of(view, machine), 0)).center()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, view.table.viewport().mapToGlobal(pos)
    )
    QApplication.sendEvent(view.table.viewport(), event)
    menu = view.row_actions.menu
    qtbot.waitUntil(menu.isVisible)
    return menu


def _act(menu: QMenu, text: str):
    for act in menu.actions():
        if act.text().startswith(text):
            return act
    raise AssertionError(f"no {text!r} in {[a.text() for a in menu.actions()]}")


@MENU
def test_context_menu_copies_machine_names(qtbot: QtBot, view: BoxView) -> None:
    click_row(qtbot, view, "SALES-PC1")
    click_row(qtbot, view, "FINANCE12", Qt.KeyboardModifier.ControlModifier)
    menu = _menu(qtbot, view, "FINANCE12")
    _act(menu, "Copy machine names").trigger()
    menu.close()
    names = QGuiApplication.clipboard().text().splitlines()
    assert sorted(names) == ["FINANCE12", "SALES-PC1"]
    _act(view.context_menu(), "Copy file paths").trigger()
    paths = QGuiApplication.clipboard().text().splitlines()
    assert sorted(Path(p).name for p in paths) == ["FINANCE12.ccr", "SALES-PC1.ccr"]


def test_ctrl_c_copies_machine_names(qtbot: QtBot, view: BoxView) -> None:
    click_row(qtbot, view, "KIOSK-02")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "KIOSK-02"


def _export(qtbot: QtBot, view: BoxView, menu: QMenu, label: str, path: Path) -> list[dict]:
    act = _act(menu, label)
    act.trigger()
    menu.close()
    dlg = view.exporter.dialog
    assert isinstance(dlg, QFileDialog) and dlg.isVisible()
    dlg.selectFile(str(path))
    with qtbot.waitSignal(view.exporter.exported, timeout=10000) as done:
        dlg.accept()
    assert done.args[0] == str(path) and done.args[1] >= 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert done.args[1] == len(rows)
    return rows


@MENU
def test_export_the_selection_to_csv(qtbot: QtBot, view: BoxView, tmp_path: Path) -> None:
    click_row(qtbot, view, "HR-LAPTOP3")
    click_row(qtbot, view, "WKS-LAB-07", Qt.KeyboardModifier.ControlModifier)
    target = tmp_path / "out" / "selection.csv"
    target.parent.mkdir()
    rows = _export(qtbot, view, _menu(qtbot, view, "WKS-LAB-07"), "Export selection", target)
    by_machine = {r["Machine"]: r for r in rows}
    assert set(by_machine) == {"HR-LAPTOP3", "WKS-LAB-07"}
    hr = by_machine["HR-LAPTOP3"]
    assert hr["Last error"] == str(0x80070005) and hr["Last error (hex)"] == "0x80070005"
    assert hr["Error name"] == "ERROR_ACCESS_DENIED" and hr["What to check"]
    assert by_machine["WKS-LAB-07"]["Attempts"] == "9"
    with open(target, encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh)) == CSV_HEADER


@MENU
def test_export_the_visible_rows(qtbot: QtBot, view: BoxView, tmp_path: Path) -> None:
    qtbot.mouseClick(summary_button(view, PROBLEM), Qt.MouseButton.LeftButton)
    view.table.clearSelection()
    target = tmp_path / "bad.csv"
    rows = _export(qtbot, view, _menu(qtbot, view, None), "Export visible rows", target)
    assert len(rows) == len(BAD) + 1
    assert all(r["Problem"] for r in rows)
    assert {Path(r["File"]).name for r in rows} == {*BAD, "LOOP.ccr"}


def test_export_defuses_formulas_like_ccr_list(qtbot: QtBot, view: BoxView, tmp_path: Path) -> None:
    """Issue 9: a Machine Name like =HYPERLINK(...) went to Excel as a formula."""
    data = serialize(new_request("PLACEHOLDER"))
    evil = parse_bytes(data.replace(b"PLACEHOLDER", b'=HYPERLINK("http://x","y")'), "/b/E.ccr")
    target = tmp_path / "evil.csv"
    with qtbot.waitSignal(view.exporter.exported) as done:
        view.exporter.export_to(str(target), [evil])
    assert done.args[1] == 1
    with open(target, encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["Machine"] == '\'=HYPERLINK("http://x","y")'


def test_export_into_a_missing_folder_says_so(qtbot: QtBot, view: BoxView, tmp_path: Path) -> None:
    with qtbot.waitSignal(view.exporter.exported) as done:
        view.exporter.export_to(str(tmp_path / "no" / "such" / "x.csv"), view.visible_records())
    assert done.args[1] == -1
    assert view.exporter.error_box.isVisible()
    assert "Nothing was exported" in view.exporter.error_box.text()
    view.exporter.error_box.close()


# --------------------------------------------------------------------------- main window


@pytest.fixture
def main(qtbot: QtBot, inboxes: Path, samples: Path) -> MainWindow:
    fill(inboxes / "ccrretry.box", samples)
    for machine in ("QUEUED-1", "QUEUED-2"):
        put(inboxes / "ccr.box", machine)
    window = open_window(qtbot, str(inboxes))
    qtbot.waitUntil(lambda: window.box_view.loader.passes >= 1)
    return window


def test_ctrl_2_shows_the_pending_box_and_ctrl_1_goes_back(
    qtbot: QtBot, main: MainWindow, inboxes: Path
) -> None:
    view = main.box_view
    retry_rows = view.model.rowCount()
    main.activateWindow()
    qtbot.waitActive(main)
    with qtbot.waitSignal(view.loader.scan_finished):
        qtbot.keyClick(main, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert view.box == inboxes / "ccr.box"
    assert sorted(shown(view)) == ["QUEUED-1", "QUEUED-2"]
    assert main.act_pending_box.isChecked() and not main.act_retry_box.isChecked()
    assert str(inboxes / "ccr.box") in view.status_label.text()
    with qtbot.waitSignal(view.loader.scan_finished):
        qtbot.keyClick(main, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert view.box == inboxes / "ccrretry.box"
    assert view.model.rowCount() == retry_rows
    with qtbot.waitSignal(view.loader.scan_finished):
        main.act_pending_box.trigger()  # View menu
    assert view.box == inboxes / "ccr.box"
    assert view.pending_action is main.act_pending_box
    with qtbot.waitSignal(view.loader.scan_finished):
        qtbot.mouseClick(view.findChild(QToolButton, "retryBoxButton"), Qt.MouseButton.LeftButton)
    assert view.box == inboxes / "ccrretry.box"
    for name, act in (
        ("retryBoxButton", main.act_retry_box),
        ("pendingBoxButton", main.act_pending_box),
    ):
        button = view.findChild(QToolButton, name)
        assert button.actions() == [act]  # one action each: plain buttons, no menu arrow


def test_expires_column_is_in_view_at_the_default_size(main: MainWindow) -> None:
    assert main.width() == 1200
    table = main.box_view.table
    header = table.horizontalHeader()
    right = header.sectionViewportPosition(COL_EXPIRES) + header.sectionSize(COL_EXPIRES)
    assert right <= table.viewport().width()
    for col in (COL_EXPIRES, COL_ATTEMPTS):  # the widest text of the column fits
        widest = max(
            table.fontMetrics().horizontalAdvance(t) for t in shown(main.box_view, col) if t
        )
        assert widest + 8 <= header.sectionSize(col)


def test_columns_sort_and_geometry_are_remembered(
    qtbot: QtBot, main: MainWindow, inboxes: Path
) -> None:
    view = main.box_view
    header = view.table.horizontalHeader()
    view.table.show_column(COL_FILE, False)
    header.moveSection(header.visualIndex(COL_ATTEMPTS), 0)
    header.resizeSection(COL_MACHINE, 233)
    view.table.sortByColumn(COL_ATTEMPTS, Qt.SortOrder.DescendingOrder)
    main.resize(700, 500)  # inside the offscreen screen (800 x 800)
    main.move(40, 30)
    assert main.width() == 700  # a long box path in the status line does not hold it wide
    main.close()

    again = open_window(qtbot, str(inboxes))
    qtbot.waitUntil(lambda: again.box_view.loader.passes >= 1)
    header2 = again.box_view.table.horizontalHeader()
    assert header2.isSectionHidden(COL_FILE)
    assert header2.logicalIndex(0) == COL_ATTEMPTS
    assert header2.sectionSize(COL_MACHINE) == 233
    assert header2.sortIndicatorSection() == COL_ATTEMPTS
    assert header2.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    attempts = [int(a) for a in shown(again.box_view, COL_ATTEMPTS) if a]
    assert attempts == sorted(attempts, reverse=True)  # the data is sorted, not just the arrow
    assert (again.width(), again.height()) == (700, 500)


def test_column_menu_hides_and_shows_columns(qtbot: QtBot, view: BoxView) -> None:
    menu = view.table.columns_menu()
    titles = [a.text() for a in menu.actions()]
    assert titles[:3] == ["Machine", "Domain", "IP"]
    assert "Outcome" not in titles  # it shows by itself while a row has one
    assert "Queued at" not in titles  # the pending box's
    ip = menu.actions()[2]
    ip.trigger()
    header = view.table.horizontalHeader()
    assert header.isSectionHidden(2)
    view.table.save_header()
    second = open_view(qtbot, None)
    assert second.table.horizontalHeader().isSectionHidden(2)
    second.table.columns_menu().actions()[2].trigger()
    assert not second.table.horizontalHeader().isSectionHidden(2)
    for act in view.table.columns_menu().actions():  # never all of them
        if act.isChecked():
            act.trigger()
    assert header.count() - header.hiddenSectionCount() == 1


@MENU
def test_context_menu_opens_details_and_the_folder(
    qtbot: QtBot, view: BoxView, retry_box: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    click_row(qtbot, view, "FINANCE12")
    menu = _menu(qtbot, view, "FINANCE12")
    _act(menu, "Open containing folder").trigger()
    assert [u.toLocalFile() for u in opened] == [str(retry_box)]
    _act(menu, "Open details").trigger()
    menu.close()
    _detail_for(qtbot, view, "FINANCE12")
    view.table.clearSelection()
    menu = _menu(qtbot, view, None)  # on empty space: nothing selected
    assert not _act(menu, "Open details").isEnabled()
    assert not _act(menu, "Copy machine names").isEnabled()
    assert _act(menu, "Export visible rows").isEnabled()
    menu.close()


@MENU
def test_a_refresh_that_changes_nothing_leaves_the_open_error_list_alone(
    qtbot: QtBot, view: BoxView
) -> None:
    view.error_combo.showPopup()
    popup = view.error_combo.view()
    qtbot.waitUntil(popup.isVisible)
    button = summary_button(view, 53)
    with qtbot.waitSignal(view.loader.scan_finished):
        view.refresh()  # as the poll timer does every few seconds
    assert popup.isVisible()
    assert summary_button(view, 53) is button
    view.error_combo.hidePopup()
