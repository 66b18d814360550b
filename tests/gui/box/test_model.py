"""The box table's model and filter proxy: Qt's model tester, typed sorting that survives
incremental updates, problem rows, the Expires column, filtering."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QIcon
from PySide6.QtTest import QAbstractItemModelTester

from ccrgui.core.ccr import CcrRecord, parse_bytes
from ccrgui.core.scanner import ScanDiff, ScannedFile
from ccrgui.gui.box.columns import (
    COL_ATTEMPTS,
    COL_ERROR,
    COL_EXPIRES,
    COL_FILE,
    COL_INITIAL,
    COL_IP,
    COL_LATEST,
    COL_MACHINE,
    COL_MEANING,
    COL_MODIFIED,
    COL_OUTCOME,
    NO_ERROR,
    PROBLEM,
)
from ccrgui.gui.box.model import OBJECT_ROLE, SORT_ROLE, BoxTableModel
from ccrgui.gui.box.proxy import BoxFilterProxy
from ccrgui.gui.box.rows import OutcomeKind, RowOutcome, batches

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
NOW = datetime(2026, 11, 28, 12, 0, 0)
BOX = "/sites/ABC/inboxes/ccrretry.box"


def scanned(name: str, *, mtime: int = 1, size: int = 100, **fields: object) -> ScannedFile:
    fields.setdefault("machine_name", name)
    record = CcrRecord(file=f"{BOX}/{name}.ccr", **fields)  # type: ignore[arg-type]
    return ScannedFile(record, size, mtime)


def apply(model: BoxTableModel, diff: ScanDiff) -> None:
    """A scanner diff into the model the way the loader puts it there."""
    for batch in batches(diff):
        model.apply(batch)


def add(model: BoxTableModel, *files: ScannedFile) -> None:
    apply(model, ScanDiff(added=list(files)))


def column(model: BoxTableModel | BoxFilterProxy, col: int) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def machines(model: BoxTableModel | BoxFilterProxy) -> list[str]:
    return column(model, COL_MACHINE)


@pytest.fixture
def model(qapp) -> BoxTableModel:
    return BoxTableModel(clock=lambda: NOW)


# --------------------------------------------------------------------------- model tester


def _churn(model: BoxTableModel, proxy: BoxFilterProxy) -> None:
    """Everything a live box does to the model: loads, single drops, edits that move
    rows, mass edits, removals in runs and alone, filters, re-sorts, a reset."""
    model.sort(COL_ATTEMPTS, ASC)
    model.defer_sort(True)  # the first pass of a big folder
    add(model, *(scanned(f"PC{i:03d}", attempts=(i * 37) % 101) for i in range(60)))
    model.defer_sort(False)
    add(model, scanned("NEW1", attempts=50))  # one by one, in sort position
    add(model, scanned("NEW2"), scanned("NEW3", attempts=0))
    proxy.set_text("pc0")
    apply(  # a few changed values: rows move
        model, ScanDiff(changed=[scanned("PC001", attempts=100), scanned("NEW3", attempts=99)])
    )
    apply(  # many changed: a resort
        model, ScanDiff(changed=[scanned(f"PC{i:03d}", attempts=i) for i in range(0, 60, 1)])
    )
    proxy.set_error(5)
    apply(model, ScanDiff(changed=[scanned(f"PC{i:03d}", last_error_code=5) for i in range(10)]))
    apply(model, ScanDiff(removed=[f"{BOX}/PC{i:03d}.ccr" for i in (3, 4, 5, 9, 20, 40, 41)]))
    proxy.set_error(None)
    proxy.set_text("")
    model.sort(COL_MACHINE, DESC)
    model.sort(COL_IP, ASC)
    apply(model, ScanDiff(removed=[f"{BOX}/PC{i:03d}.ccr" for i in range(60)]))
    model.set_now(NOW + timedelta(hours=1))
    model.clear()
    add(model, scanned("AFTER"))


def test_model_passes_the_model_tester_while_rows_come_change_and_go(
    model: BoxTableModel, qtmodeltester
) -> None:
    qtmodeltester.check(model)
    proxy = BoxFilterProxy(model)
    _churn(model, proxy)
    assert machines(model) == ["AFTER"]


def test_proxy_passes_the_model_tester_while_rows_come_change_and_go(
    model: BoxTableModel, qtmodeltester
) -> None:
    proxy = BoxFilterProxy(model)
    qtmodeltester.check(proxy)
    source_tester = QAbstractItemModelTester(  # the source too, at the same time
        model, QAbstractItemModelTester.FailureReportingMode.Warning
    )
    _churn(model, proxy)
    assert machines(proxy) == ["AFTER"]
    del source_tester


def test_every_column_has_a_title_and_tooltip(model: BoxTableModel) -> None:
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles[:11] == [  # the columns, in its order (more may follow)
        "Machine",
        "Domain",
        "IP",
        "Attempts",
        "Last error",
        "Meaning",
        "Initial request",
        "Latest attempt",
        "Expires",
        "File",
        "Modified",
    ]
    for c in range(model.columnCount()):
        assert model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


# --------------------------------------------------------------------------- typed sorting


def test_attempts_sort_as_numbers_and_missing_values_go_last(model: BoxTableModel) -> None:
    add(
        model,
        scanned("A", attempts=100),
        scanned("B", attempts=9),
        scanned("C"),
        scanned("D", attempts=10),
        scanned("E", attempts=0),
    )
    model.sort(COL_ATTEMPTS, ASC)
    assert column(model, COL_ATTEMPTS) == ["0", "9", "10", "100", ""]
    model.sort(COL_ATTEMPTS, DESC)
    assert column(model, COL_ATTEMPTS) == ["100", "10", "9", "0", ""]


def test_dates_sort_by_time(model: BoxTableModel) -> None:
    day = datetime(2026, 11, 20, 9, 0)
    add(
        model,
        scanned("A", initial_request_date=day + timedelta(days=1), latest_processing_attempt=day),
        scanned("B", initial_request_date=day - timedelta(days=400)),
        scanned("C", latest_processing_attempt=day + timedelta(minutes=5)),
        scanned("D", initial_request_date=day + timedelta(minutes=1)),
    )
    model.sort(COL_INITIAL, ASC)
    assert machines(model) == ["B", "D", "A", "C"]
    assert column(model, COL_INITIAL)[0] == "2025-10-16 09:00"
    model.sort(COL_INITIAL, DESC)
    assert machines(model) == ["A", "D", "B", "C"]
    model.sort(COL_LATEST, ASC)
    assert machines(model) == ["A", "C", "B", "D"]  # B and D have none: by file name


def test_modified_sorts_by_the_files_time(model: BoxTableModel) -> None:
    add(model, scanned("A", mtime=3_000), scanned("B", mtime=20_000), scanned("C", mtime=100))
    model.sort(COL_MODIFIED, DESC)
    assert machines(model) == ["B", "A", "C"]


def test_ip_addresses_sort_numerically(model: BoxTableModel) -> None:
    add(
        model,
        scanned("A", ip_addresses=["10.0.0.10"]),
        scanned("B", ip_addresses=["9.200.1.1", "10.0.0.1"]),
        scanned("C", ip_addresses=["192.168.1.1"]),
        scanned("D", ip_addresses=["10.0.0.9"]),
        scanned("E"),
        scanned("F", ip_addresses=["fe80::1"]),
        scanned("G", ip_addresses=["not-an-ip"]),
    )
    model.sort(COL_IP, ASC)
    assert machines(model) == ["B", "D", "A", "C", "F", "G", "E"]
    assert column(model, COL_IP)[0] == "9.200.1.1, 10.0.0.1"
    model.sort(COL_IP, DESC)
    assert machines(model) == ["G", "F", "C", "A", "D", "B", "E"]


def test_errors_sort_by_code_and_expires_by_date(model: BoxTableModel) -> None:
    add(
        model,
        scanned("A", last_error_code=0x800706BA, initial_request_date=NOW - timedelta(days=2)),
        scanned("B", last_error_code=53, initial_request_date=NOW - timedelta(days=6)),
        scanned("C", last_error_code=5, initial_request_date=NOW - timedelta(days=9)),
        scanned("D"),
    )
    model.sort(COL_ERROR, ASC)
    assert machines(model) == ["C", "B", "A", "D"]
    model.sort(COL_EXPIRES, ASC)
    assert machines(model) == ["C", "B", "A", "D"]
    assert column(model, COL_EXPIRES) == ["expired", "in 1 day", "in 5 days", ""]
    model.sort(COL_EXPIRES, DESC)
    assert machines(model) == ["A", "B", "C", "D"]


def test_outcomes_sort_failures_first_and_rows_without_one_last(
    model: BoxTableModel,
) -> None:
    add(model, scanned("A"), scanned("B"), scanned("C"), scanned("D"))
    model.sort(COL_OUTCOME, ASC)
    model.set_outcomes(
        {
            f"{BOX}/A.ccr": RowOutcome("resubmitted 14:02", "", OutcomeKind.OK),
            f"{BOX}/C.ccr": RowOutcome("failed: access denied", "", OutcomeKind.FAILED),
            f"{BOX}/D.ccr": RowOutcome("already queued", "", OutcomeKind.WARN),
        }
    )
    assert machines(model) == ["C", "D", "A", "B"]  # re-sorted as outcomes arrive
    model.sort(COL_OUTCOME, DESC)
    assert machines(model) == ["A", "D", "C", "B"]


def test_sort_role_gives_typed_values(model: BoxTableModel) -> None:
    add(model, scanned("A", attempts=9, ip_addresses=["10.0.0.1"]))
    assert model.index(0, COL_ATTEMPTS).data(SORT_ROLE) == 9
    assert model.index(0, COL_IP).data(SORT_ROLE) == (4, 0x0A000001, "")
    assert model.index(0, COL_MACHINE).data(OBJECT_ROLE).machine_name == "A"


def test_sort_holds_while_files_are_added_changed_and_removed(model: BoxTableModel) -> None:
    model.sort(COL_ATTEMPTS, ASC)
    add(model, *(scanned(f"PC{n}", attempts=n) for n in (5, 50, 500)))
    add(model, scanned("NEW", attempts=60))
    assert column(model, COL_ATTEMPTS) == ["5", "50", "60", "500"]
    apply(model, ScanDiff(changed=[scanned("PC5", attempts=1000)]))
    assert machines(model) == ["PC50", "NEW", "PC500", "PC5"]
    apply(model, ScanDiff(changed=[scanned("PC500", attempts=None)]))
    assert machines(model) == ["PC50", "NEW", "PC5", "PC500"]
    apply(model, ScanDiff(removed=[f"{BOX}/NEW.ccr"]))
    model.sort(COL_ATTEMPTS, DESC)
    add(model, *(scanned(f"BULK{n}", attempts=n) for n in range(40)))  # the bulk path
    assert column(model, COL_ATTEMPTS) == [
        "1000",
        "50",
        *(str(n) for n in range(39, -1, -1)),
        "",
    ]
    apply(model, ScanDiff(changed=[scanned(f"BULK{n}", attempts=n + 100) for n in range(40)]))
    assert column(model, COL_ATTEMPTS)[:3] == ["1000", "139", "138"]
    assert column(model, COL_ATTEMPTS)[-3:] == ["100", "50", ""]


def test_first_load_sorts_once_when_it_is_complete(model: BoxTableModel) -> None:
    model.sort(COL_ATTEMPTS, ASC)
    model.defer_sort(True)
    add(model, scanned("A", attempts=3), scanned("B", attempts=1))
    add(model, *(scanned(f"X{n}", attempts=2) for n in range(2)))
    model.defer_sort(False)
    assert column(model, COL_ATTEMPTS) == ["1", "2", "2", "3"]


def test_selection_and_current_row_follow_their_records(model: BoxTableModel) -> None:
    proxy = BoxFilterProxy(model)
    proxy.sort(COL_ATTEMPTS, ASC)
    add(model, *(scanned(f"PC{n}", attempts=n) for n in range(10, 20)))
    sel = QItemSelectionModel(proxy)
    target = proxy.index(machines(proxy).index("PC15"), 0)
    sel.setCurrentIndex(target, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    add(model, scanned("A", attempts=1), scanned("Z", attempts=99))
    apply(
        model,
        ScanDiff(
            changed=[scanned("PC19", attempts=0), scanned("PC10", attempts=50)],
            removed=[f"{BOX}/PC12.ccr", f"{BOX}/PC13.ccr"],
        ),
    )
    add(model, *(scanned(f"BULK{n}", attempts=n) for n in range(40)))  # a resort

    assert sel.currentIndex().data() == "PC15"
    assert [i.data() for i in sel.selectedIndexes()] == ["PC15"]


# --------------------------------------------------------------------------- problem rows


def _bad_files(samples: Path) -> list[ScannedFile]:
    files = [(p.name, p.read_bytes()) for p in sorted(samples.glob("*.ccr"))]  # the good ones
    files += [
        ("empty.ccr", b""),
        ("blank.ccr", b"\r\n  \r\n"),
        ("binary.ccr", bytes(range(256))),
        ("no-header.ccr", b"Machine Name=PC1\r\n"),
        ("no-name.ccr", b"[NT Client Configuration Request]\r\nDomain=CORP\r\n"),
        ("utf16.ccr", "[NT Client Configuration Request]\r\nMachine Name=Ü1\r\n".encode("utf-16")),
        ("log.ccr", (samples / "ccm-raw.log").read_bytes()),
    ]
    return [ScannedFile(parse_bytes(data, f"{BOX}/{name}"), len(data), 1) for name, data in files]


def test_invalid_files_are_rows_with_a_warning_and_the_problem(
    model: BoxTableModel, samples: Path
) -> None:
    files = _bad_files(samples)
    add(model, *files)
    assert model.rowCount() == len(files)
    by_file = {model.index(r, COL_FILE).data(): r for r in range(model.rowCount())}
    for name, problem in [
        ("empty.ccr", "empty file"),
        ("blank.ccr", "empty file"),
        ("binary.ccr", "binary file, not a CCR"),
        ("no-name.ccr", "no Machine Name"),
        ("no-header.ccr", "no [NT Client Configuration Request] section"),
    ]:
        r = by_file[name]
        assert model.index(r, COL_MEANING).data() == f"Not a valid CCR: {problem}"
        icon = model.index(r, COL_MACHINE).data(Qt.ItemDataRole.DecorationRole)
        assert isinstance(icon, QIcon) and not icon.isNull()
        assert problem in model.index(r, COL_MACHINE).data(Qt.ItemDataRole.ToolTipRole)
    good = by_file["retry-access-denied.ccr"]
    assert model.index(good, COL_MACHINE).data(Qt.ItemDataRole.DecorationRole) is None
    assert model.index(good, COL_ERROR).data() == "5 ERROR_ACCESS_DENIED"
    assert model.index(good, COL_MEANING).data() == "Access is denied."
    assert model.index(by_file["utf16.ccr"], COL_MACHINE).data() == "Ü1"
    counts = model.error_counts()
    assert counts[5] == 1 and counts[0x800706BA] == 1
    assert counts[PROBLEM] == sum(1 for f in files if f.record.problem)
    assert counts[NO_ERROR] == sum(
        1 for f in files if not f.record.problem and f.record.last_error_code is None
    )
    for col in range(model.columnCount()):  # every column sorts with problem rows in it
        model.sort(col, ASC)
        model.sort(col, DESC)
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE):
            for r in range(model.rowCount()):
                model.index(r, col).data(role)


def test_error_tooltip_says_what_to_check(model: BoxTableModel) -> None:
    add(model, scanned("A", last_error_code=-2147024891 & 0xFFFFFFFF))
    tip = model.index(0, COL_ERROR).data(Qt.ItemDataRole.ToolTipRole)
    assert "0x80070005" in tip and "ERROR_ACCESS_DENIED" in tip
    assert "Likely cause:" in tip and "What to check:" in tip


# --------------------------------------------------------------------------- expires


def _expiring(model: BoxTableModel) -> dict[str, int]:
    add(
        model,
        scanned("DAYS", initial_request_date=NOW - timedelta(days=4, hours=2)),
        scanned("HOURS", initial_request_date=NOW - timedelta(days=6, hours=19)),
        scanned("MINUTES", initial_request_date=NOW - timedelta(days=6, hours=23, minutes=48)),
        scanned("GONE", initial_request_date=NOW - timedelta(days=8)),
        scanned("UNKNOWN"),
    )
    return {m: r for r, m in enumerate(machines(model))}


def test_expires_column_counts_down_and_says_expired(model: BoxTableModel) -> None:
    rows = _expiring(model)
    text = {m: model.index(r, COL_EXPIRES).data() for m, r in rows.items()}
    assert text == {
        "DAYS": "in 2 days 22 h",
        "HOURS": "in 5 h",
        "MINUTES": "in 12 min",
        "GONE": "expired",
        "UNKNOWN": "",
    }
    tip = model.index(rows["HOURS"], COL_EXPIRES).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "The site server gives up on 2026-11-28 17:00"

    model.set_now(NOW + timedelta(hours=5, minutes=30))
    assert model.index(rows["HOURS"], COL_EXPIRES).data() == "expired"
    assert model.index(rows["DAYS"], COL_EXPIRES).data() == "in 2 days 16 h"


def test_expiry_within_a_day_is_highlighted_and_expired_is_loudest(model: BoxTableModel) -> None:
    rows = _expiring(model)

    def looks(machine: str) -> tuple[object, object, object]:
        index = model.index(rows[machine], COL_EXPIRES)
        return (
            index.data(Qt.ItemDataRole.BackgroundRole),
            index.data(Qt.ItemDataRole.ForegroundRole),
            index.data(Qt.ItemDataRole.FontRole),
        )

    for soon in ("HOURS", "MINUTES"):
        background, foreground, font = looks(soon)
        assert isinstance(background, QBrush) and isinstance(foreground, QBrush)
        assert isinstance(font, QFont) and font.bold()
    assert looks("DAYS") == (None, None, None)
    assert looks("UNKNOWN") == (None, None, None)
    background, foreground, font = looks("GONE")  # expired: the loudest of all
    assert isinstance(background, QBrush) and isinstance(foreground, QBrush)
    assert isinstance(font, QFont) and font.bold()
    soon_background = looks("HOURS")[0]
    assert isinstance(soon_background, QBrush)
    # white on deep red beats bold red on light orange: a darker background
    assert background.color().lightness() < soon_background.color().lightness() - 60
    assert foreground.color().lightness() > 200
    # only the Expires cell, not the whole row
    assert model.index(rows["HOURS"], COL_MACHINE).data(Qt.ItemDataRole.BackgroundRole) is None

    model.set_now(NOW - timedelta(days=2))  # a day later, DAYS is close too
    assert looks("HOURS") == (None, None, None)


def test_clock_moves_expires_text_with_a_signal(model: BoxTableModel, qtbot) -> None:
    _expiring(model)
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.set_now(NOW + timedelta(days=1))
    top_left, bottom_right = changed.args[:2]
    assert top_left.column() == bottom_right.column() == COL_EXPIRES
    assert (top_left.row(), bottom_right.row()) == (0, model.rowCount() - 1)


# --------------------------------------------------------------------------- filtering


@pytest.fixture
def filtered(model: BoxTableModel) -> BoxFilterProxy:
    add(
        model,
        scanned("SALES-PC9", domain="CORP", last_error_code=5, ip_addresses=["10.20.30.40"]),
        scanned("HR-LAPTOP3", domain="EMEA", last_error_code=0x80070005),
        scanned("WKS-LAB-07", domain="CORP", last_error_code=53),
        scanned("KIOSK-02", last_error_code=1326),
        scanned("RPC-HOST9", last_error_code=0x800706BA),  # the file says -2147023174
        scanned("FRESH"),
        ScannedFile(CcrRecord(file=f"{BOX}/junk.ccr", problem="binary file, not a CCR"), 3, 1),
    )
    proxy = BoxFilterProxy(model)
    proxy.sort(COL_MACHINE, ASC)
    return proxy


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sales", ["SALES-PC9"]),
        ("  Sales-PC9 ", ["SALES-PC9"]),
        ("access denied", ["HR-LAPTOP3", "SALES-PC9"]),
        ("Access is denied", ["HR-LAPTOP3", "SALES-PC9"]),
        ("ACCESS_DENIED", ["HR-LAPTOP3", "SALES-PC9"]),
        ("denied access", ["HR-LAPTOP3", "SALES-PC9"]),
        ("0x80070005", ["HR-LAPTOP3"]),
        ("network path", ["WKS-LAB-07"]),
        ("53", ["WKS-LAB-07"]),
        ("emea", ["HR-LAPTOP3"]),
        ("10.20.30", ["SALES-PC9"]),
        ("binary", [""]),
        ("junk.ccr", [""]),
        ("logon", ["KIOSK-02"]),
        ("corp denied", ["SALES-PC9"]),
        ("nothing-like-this", []),
        ("-2147023174", ["RPC-HOST9"]),  # as the CCR file and ccm.log write it
        ("800706BA", ["RPC-HOST9"]),
        ("2147944122", ["RPC-HOST9"]),
        ("-2147024891", ["HR-LAPTOP3"]),
    ],
)
def test_filter_text_matches_names_words_and_codes(
    filtered: BoxFilterProxy, typed: str, expected: list[str]
) -> None:
    filtered.set_text(typed)
    assert machines(filtered) == expected
    filtered.set_text("")
    assert filtered.rowCount() == 7


def test_filter_by_error_code_problem_and_no_error(filtered: BoxFilterProxy) -> None:
    filtered.set_error(5)
    assert machines(filtered) == ["SALES-PC9"]
    filtered.set_error(PROBLEM)
    assert [r.file for r in filtered.records()] == [f"{BOX}/junk.ccr"]
    filtered.set_error(NO_ERROR)
    assert machines(filtered) == ["FRESH"]
    filtered.set_text("corp")
    assert machines(filtered) == []
    filtered.set_error(53)
    assert machines(filtered) == ["WKS-LAB-07"]
    filtered.set_error(None)
    assert machines(filtered) == ["SALES-PC9", "WKS-LAB-07"]


def test_filter_keeps_up_with_new_and_changed_rows(
    model: BoxTableModel, filtered: BoxFilterProxy
) -> None:
    filtered.set_error(5)
    add(model, scanned("ANOTHER", last_error_code=5), scanned("OTHER", last_error_code=53))
    assert machines(filtered) == ["ANOTHER", "SALES-PC9"]
    apply(model, ScanDiff(changed=[scanned("SALES-PC9", last_error_code=53)]))
    assert machines(filtered) == ["ANOTHER"]
    assert [r.machine_name for r in filtered.records()] == ["ANOTHER"]
    assert filtered.record(0).machine_name == "ANOTHER"


def test_counts_follow_changes(model: BoxTableModel, qtbot) -> None:
    with qtbot.waitSignal(model.counts_changed):
        add(model, scanned("A", last_error_code=5), scanned("B", last_error_code=5))
    assert model.error_counts() == {5: 2}
    with qtbot.waitSignal(model.counts_changed):
        apply(model, ScanDiff(changed=[scanned("A", last_error_code=53)]))
    assert model.error_counts() == {5: 1, 53: 1}
    with qtbot.waitSignal(model.counts_changed):
        apply(model, ScanDiff(removed=[f"{BOX}/B.ccr"]))
    assert model.error_counts() == {53: 1}
    assert model.row_of(f"{BOX}/A.ccr") == 0 and model.row_of(f"{BOX}/B.ccr") is None


def test_index_outside_the_table_is_invalid(model: BoxTableModel) -> None:
    add(model, scanned("A"))
    assert not model.index(1, 0).isValid()
    assert not model.index(0, model.columnCount()).isValid()
    assert not model.index(0, 0, model.index(0, 0)).isValid()
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_several_changed_rows_in_one_pass_end_up_in_order(model: BoxTableModel) -> None:
    model.sort(COL_ATTEMPTS, ASC)
    add(model, *(scanned(m, attempts=n) for m, n in (("A", 10), ("B", 20), ("C", 30), ("D", 40))))
    apply(model, ScanDiff(changed=[scanned("B", attempts=5), scanned("C", attempts=7)]))
    assert column(model, COL_ATTEMPTS) == ["5", "7", "10", "40"]
    apply(model, ScanDiff(changed=[scanned("A", attempts=45), scanned("D", attempts=41)]))
    assert column(model, COL_ATTEMPTS) == ["5", "7", "41", "45"]


def test_every_column_has_a_cell() -> None:
    from ccrgui.gui.box.columns import COLUMNS
    from ccrgui.gui.box.rows import Row

    row = Row(scanned("PC1", last_error_code=5))
    assert len(row.cells()) == len(COLUMNS)
