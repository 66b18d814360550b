"""Make the README's screenshots: the app offscreen on a fresh sandbox site.

    python tools/screenshots.py [OUT_DIR]     (default: docs/screenshots)

All state goes to a temporary CCRGUI_CONFIG_DIR, so nothing touches your profile. Each
shot is a function in SHOTS that gets the main window and returns the widget to grab.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CCRGUI_CONFIG_DIR"] = tempfile.mkdtemp(prefix="ccrgui-shots-")

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from ccrgui.core.resubmit import ResubmitMode
from ccrgui.gui.main_window import MainWindow
from ccrgui.gui.runtime import prepare
from ccrgui.gui.tasks import pool

Shot = Callable[[MainWindow], QWidget]

# what the offscreen platform always says; anything else from Qt is worth seeing
_QUIET = ("does not support propagateSizeHints", "does not support raise")


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    if not any(q in message for q in _QUIET):
        print(f"Qt: {message}", file=sys.stderr)


def settle(condition: Callable[[], bool] = lambda: True, ms: int = 5000) -> None:
    """Let background work and repaints finish (up to ``ms``)."""
    deadline = QDeadlineTimer(ms)
    while not deadline.hasExpired():
        QCoreApplication.processEvents()
        pool().waitForDone(20)
        if condition():
            break
    for _ in range(20):
        QCoreApplication.processEvents()


def main_window(window: MainWindow) -> QWidget:
    return window


def new_request_dialog(window: MainWindow) -> QWidget:
    window.new_request()
    dlg = window._new_dialog
    dlg.name_edit.setText("PC-0042")
    settle()
    return dlg


def new_request_invalid(window: MainWindow) -> QWidget:
    window.new_request()
    dlg = window._new_dialog
    dlg.name_edit.setText("FINANCE-WORKSTATION-12")
    settle()
    return dlg


def new_request_list(window: MainWindow) -> QWidget:
    window.new_request()
    dlg = window._new_dialog
    dlg.set_list_text("# Lab 3, from the asset list\nLAB3-PC01\nLAB3-PC02\nLAB3 PC03\nLAB3-PC04\n")
    settle()
    return dlg


def settings_dialog(window: MainWindow) -> QWidget:
    window.open_settings()
    dlg = window._settings_dialog
    dlg.add_site("ABC", r"\\CM01\SMS_ABC\inboxes")
    dlg.sites_table.closePersistentEditor(dlg.sites_table.item(0, 1))
    settle()
    return dlg


def _detail(path: Path) -> QWidget:
    from ccrgui.core.ccr import CcrRecord
    from ccrgui.gui.detail.window import DetailWindow

    win = DetailWindow(CcrRecord(file=str(path)))
    loaded: list[bool] = []
    win.loaded.connect(lambda: loaded.append(True))
    win.show()
    settle(lambda: bool(loaded))
    return win


def detail_retry(window: MainWindow) -> QWidget:
    assert window.site is not None
    return _detail(window.site.retry / "SALES-PC9.ccr")


def detail_history(window: MainWindow) -> QWidget:
    """SALES-PC9's attempts from the sandbox's ccm.log, the newest chosen."""
    assert window.site is not None
    win = _detail(window.site.retry / "SALES-PC9.ccr")
    done: list[bool] = []
    win.history.finished.connect(lambda: done.append(True))  # type: ignore[attr-defined]
    win.tabs.setCurrentWidget(win.history)  # type: ignore[attr-defined]
    settle(lambda: bool(done))
    tree = win.history.tree  # type: ignore[attr-defined]
    tree.setCurrentItem(tree.topLevelItem(0))
    return win


def reachable(window: MainWindow) -> QWidget:
    """The Reachable column after a Check. The results are made up here: checking the
    demo names for real would ask DNS servers about them."""
    from datetime import datetime

    from ccrgui.core.reach import PortState, Reachability

    view = window.box_view
    when = datetime.now().astimezone()
    results = []
    for i, record in enumerate(view.model.records()[:12]):
        name = record.machine_name or ""
        if i % 3 == 2:
            results.append(Reachability(name, when, [], False, "no such host"))
            continue
        smb = PortState.OPEN if i % 4 else PortState.TIMEOUT
        ports = {445: smb, 135: PortState.OPEN}
        results.append(Reachability(name, when, [f"10.20.30.{40 + i}"], True, "", ports))
    view.show_reach(results)
    settle()
    return window


def detail_broken(window: MainWindow) -> QWidget:
    # a copy cut short on a share: the start of a CCR, then zeros
    path = Path(os.environ["CCRGUI_CONFIG_DIR"]) / "attachments" / "HR-LAPTOP3.ccr"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"[NT Client Configuration Request]\r\nMachine Na" + bytes(80))
    return _detail(path)


def retry_filtered(window: MainWindow) -> QWidget:
    """A busier retry box (60 generated requests), filtered to Access is denied by
    clicking its count in the summary strip."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from gen_retry import generate

    assert window.site is not None
    view = window.box_view
    generate(window.site.retry, 60, seed=7)
    passes = view.loader.passes
    view.refresh()
    settle(lambda: view.loader.passes > passes)
    settle(ms=500)
    view.summary.buttons[5].click()
    view.table.selectRow(0)
    settle(ms=300)
    return window


def resubmit_confirm(window: MainWindow) -> QWidget:
    window.box_view.table.clearSelection()  # all visible rows: one error, filtered
    dlg = window.resubmit_ui.resubmit()
    assert dlg is not None
    settle()
    return dlg


def activity_log(window: MainWindow) -> QWidget:
    ui, view = window.resubmit_ui, window.box_view
    view.filter_by_error(None)
    done: list[object] = []
    ui.finished.connect(done.append)
    modes = ((["KIOSK-02", "WKS-LAB-07"], ResubmitMode.RETRY), (["FINANCE12"], ResubmitMode.NEW))
    for machines, mode in modes:
        view.select_files([r.file for r in view.model.records() if r.machine_name in machines])
        before = len(done)
        dlg = ui.resubmit(mode)
        if dlg is not None:
            dlg.accept()
        settle(lambda n=before: len(done) > n)
    ui.undo_last()
    settle(lambda: len(done) == 3)
    win = window.open_activity()
    win.resize(1240, 360)
    settle(lambda: "Reading" not in win.status.text())
    return win


def pending_after_resubmit(window: MainWindow) -> QWidget:
    """Two rows resubmitted: they left the retry table; the strip says so, and the
    pending box shows them with their outcome, how long they have waited and Forced."""
    ui, view = window.resubmit_ui, window.box_view
    view.filter_by_error(None)
    view.filter_edit.clear()
    done: list[object] = []
    ui.finished.connect(done.append)
    machines = ("HR-LAPTOP3", "LAB-ROUTER")
    view.select_files([r.file for r in view.model.records() if r.machine_name in machines])
    ui.resubmit()
    settle(lambda: bool(done))
    passes = view.loader.passes
    view.set_box_kind("pending")
    settle(lambda: view.loader.passes > passes)
    settle(ms=300)
    return window


def demo_server(window: MainWindow) -> QWidget:
    """The sandbox reset to its demo, the demo site server on, LAB-DENY-01 queued: a
    second later it is in the retry table with Access is denied. A window of its own, so
    no outcomes of the earlier shots' resubmits show."""
    window = MainWindow()
    window.resize(1280, 760)
    window.show()
    settle(lambda: window.site is not None)
    view, demo = window.box_view, window.demo_server
    reset: list[object] = []
    demo.reset_done.connect(reset.append)
    window.demo_ui.reset()
    settle(lambda: bool(reset), ms=20000)
    window.act_demo_server.setChecked(True)
    window.queue_names(["LAB-DENY-01"], True)

    def shown() -> bool:
        return any(
            r.machine_name == "LAB-DENY-01" and r.last_error_code == 5 for r in view.model.records()
        )

    settle(shown, ms=20000)
    view.select_files([r.file for r in view.model.records() if r.machine_name == "LAB-DENY-01"])
    view.table.scrollTo(view.table.currentIndex())
    settle(ms=300)
    return window


SHOTS: list[tuple[str, Shot]] = [
    ("main-window", main_window),
    ("new-request", new_request_dialog),
    ("new-request-invalid", new_request_invalid),
    ("new-request-list", new_request_list),
    ("settings", settings_dialog),
    ("detail-retry", detail_retry),
    ("detail-broken", detail_broken),
    ("detail-history", detail_history),
    ("reachable", reachable),
    ("retry-filtered", retry_filtered),
    ("resubmit-confirm", resubmit_confirm),
    ("activity-log", activity_log),
    ("pending-after-resubmit", pending_after_resubmit),
    ("demo-server", demo_server),
]


def main(argv: list[str]) -> int:
    out = Path(
        argv[1] if len(argv) > 1 else Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    )
    out.mkdir(parents=True, exist_ok=True)
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication([])
    prepare()
    window = MainWindow()
    window.resize(1280, 760)
    window.show()
    settle(lambda: window.site is not None)
    settle(ms=1500)  # the box view loads off the GUI thread
    for name, make in SHOTS:
        widget = make(window)
        settle(ms=300)
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        print(path)
        if widget is not window:
            widget.close()
    window.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
