"""The detail window: actions by where the file lives, queueing on a site, reloading."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from ccrgui.core.ccr import CcrRecord, new_request, parse_file, serialize
from ccrgui.core.config import Config, SiteEntry, save_config
from ccrgui.gui.detail.window import DetailWindow


def _site(root: Path) -> Path:
    (root / "ccr.box").mkdir(parents=True)
    (root / "CcrRetry.Box").mkdir()  # spelled as older sites do
    return root


@pytest.fixture
def site_a(tmp_path: Path) -> Path:
    return _site(tmp_path / "siteA" / "inboxes")


@pytest.fixture
def site_b(tmp_path: Path) -> Path:
    return _site(tmp_path / "siteB")


@pytest.fixture
def configured(site_a: Path, site_b: Path) -> Config:
    cfg = Config(
        sites=[SiteEntry("ABC", str(site_a.parent)), SiteEntry("XYZ", str(site_b))],
        always_install=True,
    )
    save_config(cfg)
    return cfg


def _open(qtbot, path: Path) -> DetailWindow:
    win = DetailWindow(CcrRecord(file=str(path)))
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.loaded, timeout=5000):
        win.show()
    return win


def test_title_names_the_file_and_fields_come_from_disk(qtbot, samples: Path) -> None:
    win = _open(qtbot, samples / "retry-access-denied.ccr")
    assert "retry-access-denied.ccr" in win.windowTitle()
    assert win.view.fields["machine_name"].text() == "Computer001"


def test_file_in_a_retry_box_offers_resubmit(qtbot, samples, site_a, configured) -> None:
    path = site_a / "CcrRetry.Box" / "Computer001.ccr"
    shutil.copy(samples / "retry-access-denied.ccr", path)
    win = _open(qtbot, path)
    assert win.resubmit_action.isVisible()
    assert not win.queue_action.isVisible()
    assert win.open_site_action.isVisible()
    assert "retry box of ABC" in win.statusBar().currentMessage()
    with qtbot.waitSignal(win.resubmit_requested) as got:
        win.resubmit_action.trigger()
    assert got.args[0].file == str(path)
    with qtbot.waitSignal(win.open_site_requested) as site:
        win.open_site_action.trigger()
    assert Path(site.args[0]) == site_a


def test_file_elsewhere_queues_a_clean_request_on_a_chosen_site(
    qtbot, samples, site_b, configured, tmp_path
) -> None:
    attachment = tmp_path / "ticket" / "SALES-PC9.ccr"
    attachment.parent.mkdir()
    shutil.copy(samples / "retry-rpc-signed.ccr", attachment)
    win = _open(qtbot, attachment)
    assert win.queue_action.isVisible() and win.queue_action.isEnabled()
    assert not win.resubmit_action.isVisible()
    assert not win.open_site_action.isVisible()  # not in any site's inbox
    choices = {a.data(): a for a in win.queue_menu.actions()}
    assert set(choices) == {"ABC", "XYZ"}
    with qtbot.waitSignal(win.queued, timeout=5000):
        choices["XYZ"].trigger()
    written = site_b / "ccr.box" / "SALES-PC9.ccr"
    assert written.read_bytes() == serialize(new_request("SALES-PC9", forced=True))
    assert attachment.read_bytes() == (samples / "retry-rpc-signed.ccr").read_bytes()
    assert "Queued SALES-PC9 on XYZ" in win.statusBar().currentMessage()
    with qtbot.waitSignal(win.queued, timeout=5000):
        choices["XYZ"].trigger()  # a second time: never overwritten
    assert "already queued" in win.statusBar().currentMessage()


def test_queue_on_an_unreachable_site_says_why(qtbot, samples, tmp_path) -> None:
    save_config(Config(sites=[SiteEntry("GONE", str(tmp_path / "nowhere"))]))
    win = _open(qtbot, samples / "minimal.ccr")
    win.queue_menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: "cannot be found" in win.statusBar().currentMessage(), timeout=5000)
    assert not (tmp_path / "nowhere").exists()


def test_without_configured_sites_queue_offers_the_sandbox(qtbot, samples) -> None:
    win = _open(qtbot, samples / "minimal.ccr")
    [only] = win.queue_menu.actions()
    assert only.data() == "Sandbox"
    with qtbot.waitSignal(win.queued, timeout=5000) as got:
        only.trigger()
    outcome = got.args[0][0]
    assert outcome.ok and outcome.path.read_bytes() == serialize(new_request("PC-0042"))


def test_pending_file_of_an_unconfigured_site_can_open_that_site(qtbot, samples, site_b) -> None:
    path = site_b / "ccr.box" / "PC-0042.ccr"
    shutil.copy(samples / "minimal.ccr", path)
    win = _open(qtbot, path)
    assert win.open_site_action.isVisible()
    assert win.queue_action.isVisible()
    with qtbot.waitSignal(win.open_site_requested) as got:
        win.open_site_action.trigger()
    assert Path(got.args[0]) == site_b


def test_broken_file_cannot_be_queued_but_is_readable(qtbot, tmp_path) -> None:
    path = tmp_path / "broken.ccr"
    path.write_bytes(b"\xff\xfe\x00garbage")
    win = _open(qtbot, path)
    assert not win.queue_action.isEnabled()
    assert win.view.problem.isVisible()
    assert "broken.ccr" in win.windowTitle()


def test_show_in_folder_opens_the_files_folder(qtbot, samples, monkeypatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    win = _open(qtbot, samples / "minimal.ccr")
    win.show_folder_action.trigger()
    assert [u.toLocalFile() for u in opened] == [str(samples.resolve())]


def test_reload_reads_the_file_again(qtbot, tmp_path) -> None:
    path = tmp_path / "PC1.ccr"
    path.write_bytes(serialize(new_request("PC1")))
    win = _open(qtbot, path)
    assert win.view.title.text() == "PC1"
    path.write_bytes(serialize(new_request("PC2")))
    with qtbot.waitSignal(win.loaded, timeout=5000):
        win.reload_action.trigger()
    assert win.view.title.text() == "PC2"
    assert parse_file(path).machine_name == "PC2"


def test_esc_closes_the_window_as_it_closes_a_dialog(qtbot, samples: Path) -> None:
    from PySide6.QtCore import Qt

    win = _open(qtbot, samples / "retry-access-denied.ccr")
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win.view.raw, Qt.Key.Key_Escape)  # focus inside, as after a click
    qtbot.waitUntil(lambda: not win.isVisible())


def test_every_action_has_its_own_icon_and_the_expiry_reads_once(qtbot, samples: Path) -> None:
    win = _open(qtbot, samples / "retry-access-denied.ccr")
    actions = [
        win.resubmit_action,
        win.queue_action,
        win.show_folder_action,
        win.open_site_action,
        win.reload_action,
    ]
    keys = [a.icon().cacheKey() for a in actions]
    assert all(not a.icon().isNull() for a in actions), [a.text() for a in actions]
    assert len(set(keys)) == len(keys)  # no two actions share a picture
    assert not win.view.fields["expires"].text().startswith("expires")  # "Expires: in 2 days"


def test_a_named_pipe_opened_as_a_ccr_is_named_not_waited_on(tmp_path: Path) -> None:
    """Issue 9: opening a FIFO (double-click, drag and drop) hung the loader thread."""
    import os
    import threading

    from ccrgui.gui.detail.window import load_file

    pipe = tmp_path / "PC1.ccr"
    os.mkfifo(pipe)
    loaded: list[object] = []
    worker = threading.Thread(target=lambda: loaded.append(load_file(pipe, Config())))
    worker.daemon = True
    worker.start()
    worker.join(30)
    if worker.is_alive():
        os.close(os.open(pipe, os.O_RDWR | os.O_NONBLOCK))
        pytest.fail("loading the file waited on a named pipe")
    (result,) = loaded
    assert "named pipe" in str(result.record.problem)  # type: ignore[attr-defined]
