"""Shared GUI fixtures: a main window opened on a site, as a user starts it."""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ccrgui.core.site import Site
from ccrgui.gui.main_window import MainWindow
from ccrgui.gui.runtime import prepare


@pytest.fixture(autouse=True)
def gui_runtime(qapp: QApplication) -> Iterator[None]:
    """As the app does (ccrgui.gui.runtime.prepare): the PySide reference-count
    work-arounds, and cyclic garbage collected on the GUI thread only (a worker thread
    collecting a closed window's Qt objects crashes Qt). After each test, what the test
    left is collected here, not in the middle of the next test's scan."""
    prepare()
    yield
    gc.collect()


def make_inboxes(root: Path) -> Path:
    """An empty site inbox folder (what a site server has under SMS_XXX\\inboxes)."""
    (root / "ccr.box").mkdir(parents=True)
    (root / "ccrretry.box").mkdir()
    return root


def open_window(qtbot: QtBot, site_arg: str | None = None) -> MainWindow:
    window = MainWindow(site_arg=site_arg)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.site is not None or window.site_bar.state_label.text() != "")
    return window


@pytest.fixture
def window(qtbot: QtBot) -> MainWindow:
    """The main window on the built-in sandbox site (nothing configured)."""
    w = open_window(qtbot)
    assert w.site is not None
    return w


@pytest.fixture
def site(window: MainWindow) -> Site:
    assert window.site is not None
    return window.site


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MainWindow]]:
    """The app's real start-up (ccrgui.gui.app.start): tests append the windows it made;
    its process-wide hooks and log file are undone afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    windows: list[MainWindow] = []
    yield windows
    for w in windows:
        w.close()
        w.deleteLater()
    for h in root.handlers[:]:
        if h not in handlers:
            root.removeHandler(h)
            h.close()
    root.setLevel(level)
