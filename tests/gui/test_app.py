"""The main window as a new user first sees it, and ``--site``."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ccrgui.core import paths
from ccrgui.core.config import Config
from ccrgui.core.resolve import resolve_site
from ccrgui.core.site import Site
from ccrgui.gui import main_window
from ccrgui.gui.app import _parse_known, start
from ccrgui.gui.main_window import MainWindow
from ccrgui.gui.runtime import crash
from ccrgui.gui.tasks import pool
from tests.gui.conftest import make_inboxes, open_window


def test_first_start_opens_the_labelled_sandbox_site(window: MainWindow) -> None:
    assert window.site is not None and window.site.sandbox
    assert window.site_bar.badge.isVisible()
    assert window.site_bar.badge.text() == "SANDBOX"
    assert "sandbox" in window.windowTitle().lower()
    assert str(paths.data_dir()) in window.site_bar.path_label.text()
    assert window.site.retry.is_dir() and window.site.pending.is_dir()


def test_ccrgui_site_dir_opens_that_site_for_this_run(
    qtbot: QtBot, tmp_path: Path, started: list[MainWindow]
) -> None:
    root = make_inboxes(tmp_path / "SMS_XYZ" / "inboxes")

    w = start(["--new-instance", "--site", str(root)])
    assert w is not None
    started.append(w)

    qtbot.waitUntil(lambda: w.site is not None)
    assert w.site is not None and w.site.root == root and not w.site.sandbox
    assert w.isVisible()
    assert str(root) == w.site_bar.path_label.text()
    assert "SMS_XYZ" in w.windowTitle()
    assert sys.excepthook is crash.excepthook  # no bare traceback for the user
    assert (paths.log_dir() / "ccrgui.log").is_file()


def test_unexpected_error_is_logged_and_shown_in_one_dialog(
    qtbot: QtBot, window: MainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    def fail(message: str) -> None:
        try:
            raise RuntimeError(message)
        except RuntimeError as exc:
            crash.excepthook(type(exc), exc, exc.__traceback__)

    with caplog.at_level(logging.ERROR, logger="ccrgui"):
        fail("paint went wrong")
        fail("and again")

    box = crash._open[0]
    qtbot.addWidget(box)
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "paint went wrong" in box.text()
    assert "Traceback" in box.detailedText() and "RuntimeError" in box.detailedText()
    assert "1 more error" in box.informativeText()  # one dialog, not a pile of them
    assert "paint went wrong" in caplog.text and "and again" in caplog.text
    box.close()


def test_site_option_opens_that_site_for_this_run(qtbot: QtBot, tmp_path: Path) -> None:
    root = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")

    w = open_window(qtbot, str(tmp_path / "SMS_ABC"))

    assert w.site is not None and w.site.root == root
    assert not w.site_bar.badge.isVisible()
    assert "SMS_ABC" in w.windowTitle()


def test_missing_site_shows_offline_message_instead_of_crashing(
    qtbot: QtBot, tmp_path: Path
) -> None:
    w = open_window(qtbot, str(tmp_path / "gone"))

    assert w.site is None
    assert w.site_bar.state_label.isVisible()
    assert "cannot be found" in w.site_bar.state_label.text()


def test_command_line_takes_site_and_files() -> None:
    args, _qt = _parse_known(["--site", r"\\SERVER\SMS_ABC\inboxes", "a.ccr", "b.ccr"])
    assert args.site == r"\\SERVER\SMS_ABC\inboxes"
    assert args.files == ["a.ccr", "b.ccr"]


def test_window_geometry_is_remembered(qtbot: QtBot) -> None:
    w = open_window(qtbot)
    w.resize(700, 480)
    w.close()

    again = open_window(qtbot)

    assert (again.width(), again.height()) == (700, 480)


def test_switching_to_a_missing_site_never_leaves_the_old_site_in_use(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    with qtbot.waitSignal(window.site_failed):
        window.open_site_root(str(tmp_path / "gone"))

    assert window.site is None  # Ctrl+N must not queue into the sandbox now
    assert not window.site_bar.badge.isVisible()
    assert "cannot be found" in window.site_bar.state_label.text()
    window.queue_names(["PC1"], True)
    assert "nothing was queued" in window._last_message.text()


def test_only_the_latest_site_switch_is_shown(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow share answering late must not replace the site the user switched to since."""
    root = make_inboxes(tmp_path / "SMS_ABC" / "inboxes")
    slow = str(tmp_path / "slow-share")
    gate = threading.Event()

    def resolve(arg: str | None, cfg: Config | None = None) -> Site:
        if arg == slow:
            gate.wait(10)  # the dead share answers only after the user moved on
        return resolve_site(arg, cfg)

    monkeypatch.setattr(main_window, "resolve_site", resolve)
    window.open_site_root(slow)
    with qtbot.waitSignal(window.site_changed) as opened:
        window.open_site_root(str(root))
    assert opened.args[0].root == root

    gate.set()
    pool().waitForDone(10000)
    QCoreApplication.processEvents()  # deliver the late failure, if it were going to win

    assert window.site is not None and window.site.root == root
    assert window.site_bar.state_label.isHidden()


def test_a_file_that_does_not_exist_is_said_without_a_window_of_dashes(
    qtbot: QtBot, tmp_path: Path, started: list[MainWindow]
) -> None:
    missing = tmp_path / "missing.ccr"
    present = tmp_path / "PC1.ccr"
    present.write_bytes(b"[NT Client Configuration Request]\r\nMachine Name=PC1\r\n")

    w = start(["--new-instance", str(missing), str(present)])
    assert w is not None
    started.append(w)

    qtbot.waitUntil(lambda: "does not exist" in w.statusBar().currentMessage())
    assert str(missing) in w.statusBar().currentMessage()
    assert w.file_opener is not None
    shown = {Path(k).name.casefold() for k in w.file_opener.windows}
    assert shown == {"pc1.ccr"}  # the file that exists opens; the missing one does not


def test_log_file_rotates_and_keeps_the_newest_entries(tmp_path: Path) -> None:
    from ccrgui.gui import app

    handler = app.log_handler(tmp_path / "logs")
    logger = logging.getLogger("ccrgui.test-rotation")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    record_size = 1000
    count = (app.LOG_BACKUPS + 2) * app.LOG_MAX_BYTES // record_size  # past every backup
    try:
        for i in range(count):
            logger.info("entry %06d %s", i, "x" * (record_size - 20))
    finally:
        logger.removeHandler(handler)
        handler.close()
    logs = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert logs == ["ccrgui.log"] + [f"ccrgui.log.{n}" for n in range(1, app.LOG_BACKUPS + 1)]
    for name in logs:
        assert (tmp_path / "logs" / name).stat().st_size <= app.LOG_MAX_BYTES
    newest = (tmp_path / "logs" / "ccrgui.log").read_text()
    assert f"entry {count - 1:06d}" in newest
    everything = "".join((tmp_path / "logs" / n).read_text() for n in logs)
    assert "entry 000000" not in everything  # the oldest went, the disk stays bounded
