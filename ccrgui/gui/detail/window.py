"""The window ``ccrgui FILE.ccr`` opens (and the retry table's double-click): the
:class:`~ccrgui.gui.detail.view.DetailView` plus the actions that fit where the file
lives. In a site's retry box: **Resubmit**. Anywhere else: **Queue on site…**, **Show in
folder**, and **Open site** when the file sits in a site's inbox.

Reading and locating the file (which touches the disk, maybe a dead share) and queueing
run off the GUI thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget, QToolButton, QWidget

from ...core.ccr import MAX_FILE_BYTES, CcrRecord, parse_bytes, parse_file
from ...core.config import Config, SiteEntry
from ...core.locate import FileLocation, locate_file
from ...core.queue import BatchInvalid, QueueOutcome, queue_requests
from ...core.reach import Reachability
from ...core.readfile import read_regular_file
from ...core.resolve import ccm_log_location
from ...core.resubmit import ResubmitOutcome, ResubmitStatus
from ...core.sandbox import SANDBOX_NAME, ensure_sandbox, sandbox_root
from ...core.site import SiteError, open_site, same_path
from ..desktop import show_in_folder
from ..icons import action_icon
from ..preferences import Preferences
from ..tasks import run_task
from .history import HistoryView
from .reach_panel import ReachPanel
from .view import HEX_LIMIT, DetailView

__all__ = ["DetailWindow", "LoadedFile", "load_file"]


# --------------------------------------------------------------------------- where it lives


@dataclass(frozen=True, slots=True)
class LoadedFile:
    record: CcrRecord
    data: bytes  # the file's first bytes, for the hex view ("" when unreadable)
    location: FileLocation
    sites: list[SiteEntry]  # configured sites, for "Queue on site…"
    ccm_log: Path | None = None  # the site's ccm.log, for the History tab
    no_log_reason: str = ""  # why there is none


def load_file(path: str | Path, cfg: Config) -> LoadedFile:
    """Read, parse and locate one file (off the GUI thread). Never raises."""
    file = os.path.abspath(path)
    try:  # never open() a named pipe: it would wait for a writer forever
        data = read_regular_file(file, MAX_FILE_BYTES + 1)
        record = parse_bytes(data, file)
    except OSError:
        data, record = b"", parse_file(file)  # parse_file words the reason for the user
    location = locate_file(file, cfg)
    log, why = (
        None,
        (
            "This file is not in a site's box, so which ccm.log tells its story is not known: "
            "choose the log."
        ),
    )
    if location.site_root is not None:
        try:
            log = ccm_log_location(location.site_root, location.site_name, cfg)
        except OSError as exc:
            why = f"The site's ccm.log cannot be found: {exc.strerror or exc}"
    return LoadedFile(record, data[:HEX_LIMIT], location, list(cfg.sites), log, why)


# --------------------------------------------------------------------------- the window


class DetailWindow(QMainWindow):
    """A window for one CCR file, with the actions that fit where it lives.

    Tabs: the request (:class:`DetailView`), its **History** from the site's ccm.log
    (read when the tab is first shown) and **Reachability** (the last Check).

    Signals: ``resubmit_requested(record)`` for a file in a site's retry box (the main
    window connects it to its resubmit action); ``open_site_requested(root)`` asks the
    main window to show that site; ``queued(outcomes)`` after "Queue on site…";
    ``check_requested(machine)`` for **Check** (the result comes to :meth:`show_check`).
    """

    resubmit_requested = Signal(object)
    check_requested = Signal(str)
    open_site_requested = Signal(str)
    queued = Signal(object)
    loaded = Signal()

    def __init__(
        self, record: CcrRecord, parent: QWidget | None = None, prefs: Preferences | None = None
    ) -> None:
        """``prefs``: the window's settings (a window of its own reads them when None)."""
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.prefs = prefs if prefs is not None else Preferences(self)
        self.location = FileLocation()
        self.sites: list[SiteEntry] = []
        self.view = DetailView(record)
        self.history = HistoryView()
        self.reach_panel = ReachPanel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        self.tabs.addTab(self.view, "Requ&est")
        self.tabs.addTab(self.history, "&History (ccm.log)")
        self.tabs.addTab(self.reach_panel, "Reachabilit&y")
        self.tabs.currentChanged.connect(self._tab_shown)
        self.setCentralWidget(self.tabs)
        self._history_source: tuple[str, Path | None, str] | None = None
        self.reach_panel.check_requested.connect(self.check)
        self._build_actions()
        self._apply(record)
        self.resize(900, 680)
        self.reload()

    @property
    def record(self) -> CcrRecord:
        rec = self.view.record()
        assert rec is not None
        return rec

    def _build_actions(self) -> None:
        bar = self.addToolBar("File")
        bar.setObjectName("detailActions")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

        self.resubmit_action = QAction("&Resubmit", self)
        self.resubmit_action.setObjectName("resubmitAction")
        self.resubmit_action.setShortcut(QKeySequence("Ctrl+R"))
        self.resubmit_action.setToolTip("Move this request back into ccr.box to retry it now")
        self.resubmit_action.setIcon(action_icon("resubmit"))
        self.resubmit_action.triggered.connect(self._resubmit)

        self.queue_menu = QMenu(self)
        self.queue_menu.setObjectName("queueSiteMenu")
        self.queue_action = QAction("&Queue on site…", self)
        self.queue_action.setObjectName("queueAction")
        self.queue_action.setToolTip("Write a new install request for this machine into a site")
        self.queue_action.setMenu(self.queue_menu)
        self.queue_action.setIcon(action_icon("new"))  # as the main window's New request

        self.show_folder_action = QAction("Show in &folder", self)
        self.show_folder_action.setObjectName("showInFolderAction")
        self.show_folder_action.setIcon(action_icon("folder"))
        self.show_folder_action.triggered.connect(self.show_in_folder)

        self.open_site_action = QAction("Open &site", self)
        self.open_site_action.setObjectName("openSiteAction")
        self.open_site_action.setIcon(action_icon("site"))
        self.open_site_action.triggered.connect(self._open_site)

        self.check_action = QAction("&Check", self)
        self.check_action.setObjectName("detailCheckAction")
        self.check_action.setShortcut(QKeySequence("Ctrl+K"))
        self.check_action.setToolTip(
            "Does the machine answer now? Name resolution, SMB 445 and RPC 135 (Ctrl+K)"
        )
        self.check_action.setIcon(action_icon("check"))
        self.check_action.triggered.connect(self.check)

        self.reload_action = QAction("Re&load", self)
        self.reload_action.setObjectName("reloadAction")
        self.reload_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.reload_action.setToolTip("Read the file again (F5)")
        self.reload_action.setIcon(action_icon("refresh"))
        self.reload_action.triggered.connect(self.reload)

        close = QAction("Close", self)
        close.setObjectName("closeAction")
        # Esc closes it as it closes a dialog; Ctrl+W (the platform's Close) too
        close.setShortcuts(
            [
                QKeySequence(Qt.Key.Key_Escape),
                *QKeySequence.keyBindings(QKeySequence.StandardKey.Close),
            ]
        )
        close.triggered.connect(self.close)
        self.addAction(close)

        for action in (
            self.resubmit_action,
            self.queue_action,
            self.show_folder_action,
            self.open_site_action,
            self.check_action,
            self.reload_action,
        ):
            bar.addAction(action)
        button = bar.widgetForAction(self.queue_action)
        if isinstance(button, QToolButton):
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

    # ---------------------------------------------------------------- state
    def _apply(self, record: CcrRecord, data: bytes | None = None) -> None:
        self.view.set_record(record, data)
        self.setWindowTitle(f"{record.file_name} — {record.machine_name or 'CCR file'} — ccrgui")
        loc = self.location
        self.resubmit_action.setVisible(loc.in_retry_box)
        self.queue_action.setVisible(not loc.in_retry_box)
        self.queue_action.setEnabled(bool(record.machine_name) and not record.problem)
        self.open_site_action.setVisible(loc.site_root is not None)
        self.check_action.setEnabled(bool(record.machine_name))
        self.reach_panel.button.setEnabled(bool(record.machine_name))
        self.reach_panel.set_last_error(record.last_error_code)
        self._fill_queue_menu()

    def _fill_queue_menu(self) -> None:
        self.queue_menu.clear()
        sites = self.sites or [SiteEntry(SANDBOX_NAME, str(sandbox_root()))]
        for entry in sites:
            act = self.queue_menu.addAction(f"{entry.name}  ({entry.root})")
            act.setData(entry.name)
            act.triggered.connect(partial(self._queue_chosen, entry))

    def reload(self) -> None:
        """Re-read the file and where it lives, off the GUI thread."""
        self.statusBar().showMessage("Reading the file…")
        run_task(
            partial(load_file, self.record.file, self.prefs.config), self._loaded, self._loaded
        )

    def _loaded(self, result: LoadedFile | BaseException) -> None:
        if isinstance(result, BaseException):
            self.statusBar().showMessage(f"Could not read the file: {result}")
            return
        self.location = result.location
        self.sites = result.sites
        self._apply(result.record, result.data)
        self.statusBar().showMessage(result.location.describe())
        self._history_source = (
            result.record.machine_name or "",
            result.ccm_log,
            result.no_log_reason,
        )
        self._tab_shown(self.tabs.currentIndex())
        self.loaded.emit()

    def _tab_shown(self, index: int) -> None:
        """The History tab reads the log the first time it is shown (a window opened
        from the table should not read a 100 MB log nobody looks at)."""
        if self.tabs.widget(index) is self.history and self._history_source is not None:
            self.history.show_machine(*self._history_source)

    # ---------------------------------------------------------------- check
    def check(self) -> None:
        """Ask for a reachability check of this machine (``check_requested``)."""
        machine = self.record.machine_name
        if not machine:
            return
        self.reach_panel.show_checking()
        self.tabs.setCurrentWidget(self.reach_panel)
        self.statusBar().showMessage(f"Checking {machine}…")
        self.check_requested.emit(machine)

    def show_check(self, result: Reachability) -> None:
        """A check's result, in the Reachability tab and the status bar."""
        self.reach_panel.show_result(result)
        state = "answers" if result.ok else f"does not answer ({result.summary})"
        self.statusBar().showMessage(f"{result.machine} {state}, {result.checked_at:%H:%M:%S}")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.history.stop()
        super().closeEvent(event)

    # ---------------------------------------------------------------- actions
    def _resubmit(self) -> None:
        self.resubmit_requested.emit(self.record)

    def show_in_folder(self) -> None:
        show_in_folder(self.record.file)

    def show_resubmit_outcome(self, outcome: ResubmitOutcome) -> None:
        """Say in the status bar what a resubmit of this file did."""
        o = outcome
        if o.status == ResubmitStatus.RESUBMITTED:
            text = f"Resubmitted {o.time:%H:%M}: waiting in ccr.box as {o.destination}"
            self.resubmit_action.setEnabled(False)
        elif o.status == ResubmitStatus.FAILED:
            text = f"Not resubmitted: {o.reason}"
        else:
            text = f"{o.status.capitalize()}: {o.reason}"
        self.statusBar().showMessage(text)

    def _open_site(self) -> None:
        if self.location.site_root is not None:
            self.open_site_requested.emit(str(self.location.site_root))

    def _queue_chosen(self, entry: SiteEntry, _checked: bool = False) -> None:
        self.queue_on(entry)

    def queue_on(self, entry: SiteEntry) -> None:
        """Write a clean request for this machine into ``entry``'s ccr.box (off-thread)."""
        machine = self.record.machine_name
        if not machine:
            return
        forced = self.prefs.config.always_install
        self.statusBar().showMessage(f"Queueing {machine} on {entry.name}…")
        sandbox = entry.name == SANDBOX_NAME and same_path(entry.root, sandbox_root())

        def work() -> list[QueueOutcome]:
            site = ensure_sandbox() if sandbox else open_site(entry.root, entry.name)
            return queue_requests(site, [machine], forced=forced)

        done = partial(self._queued, entry)
        run_task(work, done, done)

    def _queued(self, entry: SiteEntry, result: list[QueueOutcome] | BaseException) -> None:
        if isinstance(result, SiteError | BatchInvalid):
            self.statusBar().showMessage(str(result))
            return
        if isinstance(result, BaseException):
            self.statusBar().showMessage(f"Could not queue on {entry.name}: {result}")
            return
        outcome = result[0]
        if outcome.ok:
            self.statusBar().showMessage(
                f"Queued {outcome.machine} on {entry.name}: {outcome.path}"
            )
        else:
            self.statusBar().showMessage(outcome.reason)
        self.queued.emit(result)
