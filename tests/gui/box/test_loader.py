"""The box table stays live: files dropped, changed, removed or half-written show up by
themselves (watcher or polling) or on F5; an unreachable box keeps its rows and recovers by
itself, on a local folder and on a real SMB share; a big box loads with progress."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from bench.gen_retry import generate
from ccrgui.core.config import Config, save_config
from ccrgui.gui.box.columns import COL_ATTEMPTS, COL_ERROR, COL_MACHINE, COL_MEANING
from ccrgui.gui.box.view import BoxView
from tests.gui.box.test_view import open_view, put, row_of, shown
from tests.gui.conftest import make_inboxes, open_window
from tests.smbshare import SambaShare


@pytest.fixture
def box(tmp_path: Path) -> Path:
    inboxes = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    box = inboxes / "ccrretry.box"
    for n, machine in enumerate(("PC-A", "PC-B", "PC-C", "PC-D"), 1):
        put(box, machine, 53, attempts=n, hours=n)
    return box


def cell(view: BoxView, machine: str, col: int) -> str:
    return view.proxy.index(row_of(view, machine), col).data()


# --------------------------------------------------------------------------- changes


def test_a_dropped_file_appears_through_the_watcher(qtbot: QtBot, box: Path) -> None:
    view = open_view(qtbot, box, watch=True)  # polling once an hour: only the watcher
    qtbot.waitUntil(lambda: view.loader.watched == box)
    put(box, "DROPPED", 5)
    qtbot.waitUntil(lambda: "DROPPED" in shown(view))
    assert view.status_label.text().startswith("5 requests")
    (box / "PC-A.ccr").unlink()
    qtbot.waitUntil(lambda: "PC-A" not in shown(view))


@pytest.mark.parametrize("how", ["deleted", "renamed away"])
def test_a_box_folder_made_again_is_watched_again(qtbot: QtBot, box: Path, how: str) -> None:
    """The box deleted or renamed away and created anew (a restore, a script): the watch
    on the old folder is dead, so the new one is watched; files dropped into it still
    show up without F5 or polling."""
    view = open_view(qtbot, box, watch=True)  # polling once an hour: only the watcher
    qtbot.waitUntil(lambda: view.loader.watched == box)
    passes = view.loader.passes
    if how == "deleted":
        shutil.rmtree(box)  # the watcher sees this one itself
    else:
        box.rename(box.with_name("ccrretry.old"))  # change notification says nothing
    box.mkdir()
    put(box, "PC-NEW", 5)
    if how == "renamed away":
        view.refresh()  # what the next poll does
    qtbot.waitUntil(lambda: view.loader.passes > passes and shown(view) == ["PC-NEW"])
    qtbot.waitUntil(lambda: view.loader.watched == box)
    put(box, "DROPPED-LATER", 53)
    qtbot.waitUntil(lambda: "DROPPED-LATER" in shown(view))


def test_polling_sees_new_changed_and_removed_files(qtbot: QtBot, box: Path) -> None:
    view = open_view(qtbot, box, poll_seconds=1)  # no watcher: polling alone
    assert view.loader.watched is None
    put(box, "DROPPED", 5)
    qtbot.waitUntil(lambda: "DROPPED" in shown(view))
    put(box, "PC-B", 1326, attempts=2, hours=2)  # the site server rewrote it
    qtbot.waitUntil(lambda: cell(view, "PC-B", COL_ERROR) == "1326 ERROR_LOGON_FAILURE")
    (box / "PC-C.ccr").unlink()
    qtbot.waitUntil(lambda: "PC-C" not in shown(view))
    assert sorted(shown(view)) == ["DROPPED", "PC-A", "PC-B", "PC-D"]


def test_a_changed_file_updates_in_place_keeping_the_selection(qtbot: QtBot, box: Path) -> None:
    view = open_view(qtbot, box)
    view.table.sortByColumn(COL_MACHINE, Qt.SortOrder.AscendingOrder)
    view.select_files([str(box / "PC-B.ccr")])
    row = row_of(view, "PC-B")
    put(box, "PC-B", 5, attempts=99, hours=2)
    with qtbot.waitSignal(view.loader.scan_finished):
        view.refresh()
    assert row_of(view, "PC-B") == row  # same place: the name did not change
    assert cell(view, "PC-B", COL_ATTEMPTS) == "99"
    assert cell(view, "PC-B", COL_MEANING) == "Access is denied."
    assert [r.machine_name for r in view.selected_records()] == ["PC-B"]
    assert view.model.rowCount() == 4


def test_f5_reads_the_box_now(qtbot: QtBot, box: Path) -> None:
    save_config(Config(poll_seconds=3600))  # only F5 (the watcher misses in-place writes)
    window = open_window(qtbot, str(box.parent))
    view = window.box_view
    qtbot.waitUntil(lambda: view.loader.passes >= 1)
    assert cell(view, "PC-A", COL_ATTEMPTS) == "1"
    put(box, "PC-A", 53, attempts=2, hours=1)
    window.activateWindow()
    qtbot.waitActive(window)
    with qtbot.waitSignal(view.loader.scan_finished):
        qtbot.keyClick(window, Qt.Key.Key_F5)
        assert view.loader.scanning  # F5 started a pass at once
    assert cell(view, "PC-A", COL_ATTEMPTS) == "2"


def test_a_half_written_file_is_read_again(qtbot: QtBot, box: Path) -> None:
    """The listing already shows the final size and time, but the bytes are not all there
    yet (zeros where the rest will go, as a share can show a file being written). Nothing
    in (size, mtime) changes when the writer finishes; the file is fresh, so the next pass
    reads it again."""
    path = put(box, "HALF", 67, attempts=7, hours=3)
    full = path.read_bytes()
    path.write_bytes(full[:40] + b"\0" * (len(full) - 40))
    stamp = time.time_ns() + 1_000_000_000  # fresh (a server clock a second ahead)
    os.utime(path, ns=(stamp, stamp))

    view = open_view(qtbot, box)
    assert cell(view, "", COL_MEANING) == "Not a valid CCR: binary file, not a CCR"

    path.write_bytes(full)  # the writer finishes: same size ...
    os.utime(path, ns=(stamp, stamp))  # ... and the same time
    with qtbot.waitSignal(view.loader.scan_finished):
        view.refresh()
    assert cell(view, "HALF", COL_ERROR) == "67 ERROR_BAD_NET_NAME"
    assert cell(view, "HALF", COL_ATTEMPTS) == "7"
    assert "not valid" not in view.status_label.text()


def test_a_truncated_file_shows_complete_data_when_written_out(qtbot: QtBot, box: Path) -> None:
    path = put(box, "TRUNC", 1326, attempts=4, hours=4)
    full = path.read_bytes()
    path.write_bytes(full[: full.index(b"[Request Processing]")])
    view = open_view(qtbot, box, poll_seconds=1)
    assert cell(view, "TRUNC", COL_ATTEMPTS) == ""  # no processing section yet
    path.write_bytes(full)
    qtbot.waitUntil(lambda: cell(view, "TRUNC", COL_ATTEMPTS) == "4")
    assert cell(view, "TRUNC", COL_ERROR) == "1326 ERROR_LOGON_FAILURE"


# --------------------------------------------------------------------------- offline


def _offline_then_back(qtbot: QtBot, view: BoxView, go, come_back, timeout: int) -> str:
    """Take the box away, check the rows stay and the banner says why, bring it back,
    check it recovers by itself. Returns the banner text."""
    rows = view.model.rowCount()
    machines = sorted(shown(view))
    read_at = view.loader.last_good
    assert rows and read_at is not None
    go()
    qtbot.waitUntil(lambda: view.loader.offline is not None, timeout=timeout)
    banner = view.offline_banner.text()
    assert view.offline_banner.isVisible()
    assert banner.startswith("Offline — Could not read")
    assert f"Showing the {rows} requests read at {read_at:%H:%M:%S}" in banner
    assert sorted(shown(view)) == machines  # kept, not "all deleted"
    assert view.status_label.text().startswith(f"{rows} requests")
    assert not view.status_label.text().startswith("0 ")
    assert view.summary.buttons  # the counts stay too

    come_back()
    qtbot.waitUntil(lambda: view.loader.offline is None, timeout=timeout)
    assert not view.offline_banner.isVisible()
    assert sorted(shown(view)) == machines
    assert view.loader.last_good is not None and view.loader.last_good > read_at
    return banner


def test_a_renamed_box_is_offline_with_its_rows_and_comes_back(qtbot: QtBot, box: Path) -> None:
    view = open_view(qtbot, box, poll_seconds=1, watch=True)
    away = box.with_name("ccrretry.box.moved")
    banner = _offline_then_back(
        qtbot, view, lambda: box.rename(away), lambda: away.rename(box), timeout=10000
    )
    assert "No such file or directory" in banner
    assert "The folder may have been moved, or the share is offline." in banner
    assert "Trying again every 1 s" in banner
    put(box, "AFTER", 5)  # live again
    qtbot.waitUntil(lambda: "AFTER" in shown(view))


def test_f5_while_offline_tries_again(qtbot: QtBot, box: Path) -> None:
    view = open_view(qtbot, box)
    away = box.with_name("gone")
    box.rename(away)
    with qtbot.waitSignal(view.loader.scan_finished):
        view.refresh()
    assert view.loader.offline is not None and view.model.rowCount() == 4
    away.rename(box)
    with qtbot.waitSignal(view.loader.scan_finished):
        view.refresh()
    assert view.loader.offline is None and not view.offline_banner.isVisible()


def test_a_box_that_was_never_readable_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    view = open_view(qtbot, tmp_path / "nowhere" / "ccrretry.box")
    assert view.loader.offline is not None
    assert "Nothing has been read from it yet." in view.offline_banner.text()
    assert view.model.rowCount() == 0


@pytest.mark.samba
def test_share_going_down_keeps_the_rows_and_recovers(qtbot: QtBot, smb_site: SambaShare) -> None:
    on_server = smb_site.server_root / "inboxes" / "ccrretry.box"
    for machine in ("SMB-1", "SMB-2", "SMB-3"):
        put(on_server, machine, 53)
    box = smb_site.client_root / "inboxes" / "ccrretry.box"
    view = open_view(qtbot, box, poll_seconds=1, watch=True)
    assert sorted(shown(view)) == ["SMB-1", "SMB-2", "SMB-3"]
    # (if this fails half way, the smb_site fixture starts the server again)
    _offline_then_back(qtbot, view, smb_site.stop_server, smb_site.start_server, timeout=60000)
    put(on_server, "SMB-4", 5)  # written on the server: only polling can see it
    qtbot.waitUntil(lambda: "SMB-4" in shown(view), timeout=20000)


# --------------------------------------------------------------------------- big box


def test_a_big_box_loads_with_progress_and_stays_usable(qtbot: QtBot, tmp_path: Path) -> None:
    box = tmp_path / "ccrretry.box"
    generate(box, 5000, seed=7)
    view = open_view(qtbot, None)
    seen: list[tuple[int, int, int, bool]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total, view.model.rowCount(), view.progress.isVisible()))
        if 0 < view.model.rowCount() < 5000 and not view.filter_edit.text():
            view.filter_edit.setText("kiosk")  # the user types while it loads

    view.loader.progress.connect(progress)
    with qtbot.waitSignal(view.loader.scan_finished, timeout=60000):
        view.set_box(box)

    loading = [s for s in seen if s[1] == 5000 and s[0] < 5000]
    assert loading and all(visible for *_, visible in loading)  # progress was shown
    assert any(0 < rows < 5000 for _d, _t, rows, _v in loading)  # rows came while loading
    assert not view.progress.isVisible()  # and went away
    assert view.model.rowCount() == 5000
    assert view.filter_edit.text() == "kiosk"
    kiosks = [
        r
        for r in view.model.records()
        if "kiosk" in f"{r.machine_name} {Path(r.file).name}".casefold()
    ]
    assert view.proxy.rowCount() == len(kiosks) > 0
    view.filter_edit.clear()
    view.table.sortByColumn(COL_ATTEMPTS, Qt.SortOrder.DescendingOrder)
    attempts = [int(a) for a in shown(view, COL_ATTEMPTS) if a]
    assert attempts == sorted(attempts, reverse=True) and len(attempts) > 4900
    assert view.status_label.text().startswith("5,000 requests")
    view.grab()


def test_a_site_down_at_start_opens_by_itself_when_it_is_back(qtbot: QtBot, tmp_path: Path) -> None:
    save_config(Config(poll_seconds=2))
    root = tmp_path / "SMS_ABC" / "inboxes"
    window = open_window(qtbot, str(root))  # the share is not there yet
    assert window.site is None
    view = window.box_view
    assert view.status_label.text() == "No site open"
    assert "Trying again every 2 s" in window.site_bar.state_label.text()
    make_inboxes(root)
    put(root / "ccrretry.box", "BACK", 5)
    qtbot.waitUntil(lambda: "BACK" in shown(view), timeout=15000)
    assert window.site is not None
    assert not window.site_bar.state_label.isVisible()
    assert view.status_label.text().startswith("1 request ")


def test_switching_boxes_while_a_big_one_loads_shows_only_the_new_box(
    qtbot: QtBot, tmp_path: Path
) -> None:
    inboxes = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    generate(inboxes / "ccrretry.box", 3000, seed=3)
    for machine in ("QUEUED-1", "QUEUED-2"):
        put(inboxes / "ccr.box", machine)
    view = open_view(qtbot, None)
    view.set_box(inboxes / "ccrretry.box")
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)  # loading has begun
    with qtbot.waitSignal(view.loader.scan_finished, timeout=30000):
        view.set_box(inboxes / "ccr.box")
    assert sorted(shown(view)) == ["QUEUED-1", "QUEUED-2"]
    for _ in range(2):  # later passes: nothing of the old box turns up
        with qtbot.waitSignal(view.loader.scan_finished, timeout=30000):
            view.refresh()
        assert sorted(shown(view)) == ["QUEUED-1", "QUEUED-2"]
    assert not view.progress.isVisible()
    assert view.status_label.text().startswith("2 requests")
