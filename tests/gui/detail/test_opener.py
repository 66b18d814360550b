"""Files reach detail windows from the command line, a drop, or the OS (macOS FileOpen)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFileOpenEvent
from PySide6.QtWidgets import QApplication, QMainWindow

from ccrgui.gui.detail.opener import FileOpener, ccr_paths_from_urls


def _wait_loaded(qtbot, windows) -> None:
    for win in windows:
        qtbot.waitUntil(lambda w=win: w.view.record().machine_name is not None, timeout=5000)


def test_open_files_shows_one_window_per_file(qtbot, samples: Path) -> None:
    main = QMainWindow()
    qtbot.addWidget(main)
    opener = FileOpener(main)
    files = [str(samples / "retry-access-denied.ccr"), str(samples / "minimal.ccr")]
    windows = opener.open_files(files)
    _wait_loaded(qtbot, windows)
    assert [w.isVisible() for w in windows] == [True, True]
    assert "retry-access-denied.ccr" in windows[0].windowTitle()
    assert windows[1].view.title.text() == "PC-0042"
    again = opener.open_files([files[0]])  # already open: raised, not duplicated
    assert again == [windows[0]] and len(opener.windows) == 2


def test_closed_window_is_forgotten(qtbot, samples: Path) -> None:
    main = QMainWindow()
    qtbot.addWidget(main)
    opener = FileOpener(main)
    [win] = opener.open_files([str(samples / "minimal.ccr")])
    _wait_loaded(qtbot, [win])
    win.close()  # WA_DeleteOnClose
    qtbot.waitUntil(lambda: not opener.windows, timeout=5000)


def test_resubmit_and_open_site_reach_the_main_window(qtbot, samples, tmp_path) -> None:
    root = tmp_path / "inboxes"
    (root / "ccr.box").mkdir(parents=True)
    (root / "ccrretry.box").mkdir()
    path = root / "ccrretry.box" / "Computer001.ccr"
    shutil.copy(samples / "retry-access-denied.ccr", path)
    resubmitted, sites = [], []
    main = QMainWindow()
    qtbot.addWidget(main)
    opener = FileOpener(main)
    opener.resubmit_requested.connect(lambda record, _window: resubmitted.append(record))
    opener.open_site_requested.connect(sites.append)
    [win] = opener.open_files([str(path)])
    qtbot.waitUntil(lambda: win.resubmit_action.isVisible(), timeout=5000)
    win.resubmit_action.trigger()
    win.open_site_action.trigger()
    assert [r.file for r in resubmitted] == [str(path)]
    assert sites == [str(root)]


def test_without_a_resubmit_handler_the_action_is_disabled(qtbot, samples, tmp_path) -> None:
    root = tmp_path / "inboxes"
    (root / "ccr.box").mkdir(parents=True)
    (root / "ccrretry.box").mkdir()
    path = root / "ccrretry.box" / "x.ccr"
    shutil.copy(samples / "retry-access-denied.ccr", path)
    opener = FileOpener(None)
    [win] = opener.open_files([str(path)])
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.resubmit_action.isVisible(), timeout=5000)
    assert not win.resubmit_action.isEnabled()


def _mime(*paths: Path | str) -> QMimeData:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) if isinstance(p, Path) else QUrl(p) for p in paths])
    return data


def test_only_local_ccr_files_are_taken_from_a_drop(samples: Path, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    upper = tmp_path / "PC9.CCR"
    urls = _mime(samples / "minimal.ccr", other, upper, "https://example.org/a.ccr").urls()
    assert ccr_paths_from_urls(urls) == [str(samples / "minimal.ccr"), str(upper)]


def _drag_enter(at: QPointF, data: QMimeData) -> QDragEnterEvent:
    """A drag entering at ``at``: older PySide6 (6.7) takes only a QPoint, newer ones
    deprecate the QPoint form for a QPointF."""
    args = (
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    try:
        return QDragEnterEvent(at, *args)
    except TypeError:
        return QDragEnterEvent(at.toPoint(), *args)


def test_dropping_ccr_files_on_the_main_window_opens_them(qtbot, samples: Path) -> None:
    main = QMainWindow()
    qtbot.addWidget(main)
    opener = FileOpener(main)
    opener.accept_drops_on(main)
    assert main.acceptDrops()
    data = _mime(samples / "script-forced.ccr")
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    at = QPointF(main.rect().center())
    enter = _drag_enter(at, data)
    QApplication.sendEvent(main, enter)
    assert enter.isAccepted()
    drop = QDropEvent(at, Qt.DropAction.CopyAction, data, buttons, mods)
    QApplication.sendEvent(main, drop)
    assert drop.isAccepted()
    [win] = opener.windows.values()
    _wait_loaded(qtbot, [win])
    assert win.view.title.text() == "WKS-LAB-07"


def test_a_drag_without_ccr_files_is_refused(qtbot, tmp_path: Path) -> None:
    main = QMainWindow()
    qtbot.addWidget(main)
    opener = FileOpener(main)
    opener.accept_drops_on(main)
    data = _mime(tmp_path / "photo.png")
    enter = _drag_enter(QPointF(main.rect().center()), data)
    enter.ignore()
    QApplication.sendEvent(main, enter)
    assert not enter.isAccepted()
    assert not opener.windows


def test_macos_file_open_event_opens_the_file(qtbot, samples: Path) -> None:
    main = QMainWindow()
    qtbot.addWidget(main)
    opener = FileOpener(main)
    app = QApplication.instance()
    opener.handle_file_open_events(app)
    try:
        QApplication.sendEvent(app, QFileOpenEvent(str(samples / "indented.ccr")))
        [win] = opener.windows.values()
        _wait_loaded(qtbot, [win])
        assert win.view.title.text() == "HR-LAPTOP3"
    finally:
        app.removeEventFilter(opener)
