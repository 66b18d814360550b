"""The main window as a new user first sees it, and ``--site``."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from ccrgui.core import paths
from ccrgui.gui.app import _parse
from ccrgui.gui.main_window import MainWindow
from tests.gui.conftest import make_inboxes, open_window


def test_first_start_opens_the_labelled_sandbox_site(window: MainWindow) -> None:
    assert window.site is not None and window.site.sandbox
    assert window.site_bar.badge.isVisible()
    assert window.site_bar.badge.text() == "SANDBOX"
    assert "sandbox" in window.windowTitle().lower()
    assert str(paths.data_dir()) in window.site_bar.path_label.text()
    assert window.site.retry.is_dir() and window.site.pending.is_dir()


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
    args = _parse(["--site", r"\\SERVER\SMS_ABC\inboxes", "a.ccr", "b.ccr"])
    assert args.site == r"\\SERVER\SMS_ABC\inboxes"
    assert args.files == ["a.ccr", "b.ccr"]


def test_window_geometry_is_remembered(qtbot: QtBot) -> None:
    w = open_window(qtbot)
    w.resize(700, 480)
    w.close()

    again = open_window(qtbot)

    assert (again.width(), again.height()) == (700, 480)
