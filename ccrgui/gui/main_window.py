"""The main window: which site, what is in its boxes, and every action on them.

This is the one place that wires the GUI together: the box view, the resubmit
controller, the file opener (detail windows), the dialogs and the activity log offer
signals, actions and slots, and :class:`MainWindow` connects them. Nothing it wires
imports this module.

Why this module is long: it is the one place that wires the window; spread over
several files, every change would again be a change in three.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core.ccr import CcrRecord
from ..core.config import Config, ConfigError
from ..core.queue import BatchInvalid, QueueOutcome, QueueStatus, queue_report, queue_requests
from ..core.resolve import resolve_site
from ..core.resubmit import BatchResult
from ..core.sandbox import ensure_sandbox
from ..core.site import Site, SiteError
from .box.view import BoxView
from .check.controller import CheckController
from .demo.controller import DemoController
from .detail.opener import FileOpener
from .dialogs.activity import ActivityWindow
from .dialogs.help import FilesDialog, ReadmeDialog, ShortcutsDialog
from .dialogs.new_request import NewRequestDialog
from .dialogs.settings import SettingsDialog
from .icons import action_icon
from .preferences import Preferences
from .resubmit.controller import ResubmitController
from .resubmit.report import recent_text
from .runtime.single_instance import Handover
from .shortcuts import WindowKeysFirst
from .site_bar import SANDBOX_SITE, SiteBar, SiteMenu
from .tasks import run_task
from .view_state import qsettings, restore_geometry, save_geometry

__all__ = ["SANDBOX_SITE", "MainWindow"]


log = logging.getLogger(__name__)

_HelpDialog = TypeVar("_HelpDialog", ShortcutsDialog, ReadmeDialog, FilesDialog)


def _key_list(shortcut: QKeySequence.StandardKey | str | None, fallback: str) -> list[QKeySequence]:
    """The keys for an action: the platform's standard ones (plus ``fallback`` when the
    platform binds none), or the one spelled out."""
    if shortcut is None:
        return []
    if isinstance(shortcut, str):
        return [QKeySequence(shortcut)]
    keys = QKeySequence.keyBindings(shortcut)
    exact = QKeySequence.SequenceMatch.ExactMatch
    if fallback and not any(k.matches(QKeySequence(fallback)) == exact for k in keys):
        keys = [QKeySequence(fallback), *keys]
    return keys


class MainWindow(QMainWindow):
    """``site_changed(Site)`` fires whenever a site has been opened (off the GUI thread)."""

    site_changed = Signal(object)
    site_failed = Signal(str)
    queued = Signal(object)  # list[QueueOutcome] after a New request finished

    def __init__(self, site_arg: str | None = None) -> None:
        super().__init__()
        self.site: Site | None = None
        self.site_arg = site_arg  # --site for this run; None = configured default/sandbox
        self._site_generation = 0  # only the latest reload_site() result is shown
        self.setWindowTitle("ccrgui")
        self.site_bar = SiteBar()
        self._placeholder = QLabel("Opening site…")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._body = QWidget()
        self._body_layout = QVBoxLayout(self._body)
        self._body_layout.setContentsMargins(4, 4, 4, 4)
        self._body_layout.addWidget(self.site_bar)
        self._central: QWidget = self._placeholder
        self._body_layout.addWidget(self._central, 1)
        self.setCentralWidget(self._body)
        self.prefs = Preferences(self)  # the settings, read once
        self.box_view = BoxView(self, poll_seconds=self.prefs.config.poll_seconds)
        self.resubmit_ui = ResubmitController(self.box_view, self, self.prefs)
        self.check_ui = CheckController(self.box_view, self)
        self.file_opener = FileOpener(self, self.prefs)
        self.activity_window: ActivityWindow | None = None
        self.demo_ui = DemoController(self)
        self.demo_server = self.demo_ui.server
        self._build_actions()
        self._build_menus()
        self._wire()
        self.set_central_view(self.box_view)
        if not restore_geometry(self, "main"):
            self.resize(1200, 720)
        state = qsettings().value("state/main")
        if state is not None:
            self.restoreState(state)
        # a site that cannot be opened (share down, VPN not up yet) is tried again
        self._site_retry = QTimer(self)
        self._site_retry.setSingleShot(True)
        self._site_retry.timeout.connect(self.refresh)
        QTimer.singleShot(0, self.reload_site)

    # ------------------------------------------------------------------ actions
    def _action(
        self,
        text: str,
        slot: object = None,
        shortcut: QKeySequence.StandardKey | str | None = None,
        icon: str | None = None,
        tip: str = "",
        fallback: str = "",
    ) -> QAction:
        """An action of the window. ``shortcut``: the platform's standard key where one
        exists (New, Open, Refresh, Preferences...), with ``fallback`` where the platform
        has none; ``icon``: a kind for :func:`~ccrgui.gui.icons.action_icon`."""
        act = QAction(text, self)
        keys = _key_list(shortcut, fallback)
        if keys:
            act.setShortcuts(keys)
        if icon is not None:
            act.setIcon(action_icon(icon))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(f"{tip} ({act.shortcut().toString()})" if keys else tip)
        if slot is not None:
            act.triggered.connect(slot)
        self.addAction(act)
        return act

    def _build_actions(self) -> None:
        standard = QKeySequence.StandardKey
        self.act_new = self._action(
            "&New install request…",
            self.new_request,
            standard.New,
            "new",
            "Queue a client install for one or more machines",
            fallback="Ctrl+N",
        )
        self.act_open = self._action(
            "&Open CCR file…",
            self.open_file_dialog,
            standard.Open,
            "open",
            "Open a .ccr file in a detail window",
            fallback="Ctrl+O",
        )
        self.act_export = self._action(
            "&Export to CSV…",
            None,
            "Ctrl+E",
            "export",
            "Export the visible rows (or the selection) to a CSV file",
        )
        self.act_export.setEnabled(False)
        # "Ctrl+Q" spelled out: StandardKey.Quit has no binding on Windows
        self.act_quit = self._action("&Quit", self.close, "Ctrl+Q")
        self.act_resubmit = self.resubmit_ui.act_resubmit
        self.act_resubmit_new = self.resubmit_ui.act_resubmit_new
        self.act_undo = self.resubmit_ui.act_undo
        self.act_check = self.check_ui.act_check
        for act in (self.act_resubmit, self.act_resubmit_new, self.act_undo, self.act_check):
            self.addAction(act)  # their shortcuts work anywhere in the window
        self.act_refresh = self._action(
            "Re&fresh",
            self.refresh,
            standard.Refresh,
            "refresh",
            "Read the box again now",
            fallback="F5",
        )
        self.act_retry_box = self.box_view.retry_action
        self.act_pending_box = self.box_view.pending_action
        for act, keys in ((self.act_retry_box, "Ctrl+1"), (self.act_pending_box, "Ctrl+2")):
            act.setShortcut(QKeySequence(keys))
            act.setToolTip(f"{act.statusTip()} ({keys})")
            self.addAction(act)
        self.act_activity = self._action(
            "&Activity log",
            self.open_activity,
            "Ctrl+L",
            tip="Who queued and resubmitted what, and when",
        )
        self.act_settings = self._action(
            "&Settings…",
            self.open_settings,
            standard.Preferences,
            "settings",
            "Sites, defaults and file type registration",
            fallback="Ctrl+,",
        )
        self.act_readme = self._action(
            "&README",
            self.show_readme,
            standard.HelpContents,
            "help",
            "How to use ccrgui and what it guarantees",
            fallback="F1",
        )
        self.act_shortcuts = self._action(
            "&Keyboard shortcuts",
            self.show_shortcuts,
            tip="Every key the window answers, and what it does",
        )
        self.act_files = self._action(
            "&Where ccrgui keeps its files",
            self.show_files,
            tip="Settings, logs and the sandbox: the folders, with a button to open each",
        )
        self.act_about = self._action("&About ccrgui", self.about)
        self.act_demo_server = self.demo_ui.act_demo_server
        self.act_reset_demo = self.demo_ui.act_reset_demo
        for act in (self.act_demo_server, self.act_reset_demo):
            self.addAction(act)
        # a text field keeps Ctrl+Z / Ctrl+E for itself: these win while enabled
        self.window_keys = WindowKeysFirst([self.act_undo, self.act_export], self)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        self.menu_sites = SiteMenu("S&witch site", self)
        self.menu_sites.aboutToShow.connect(self._fill_site_menu)
        self.menu_sites.chosen.connect(self.switch_site)
        for a in (self.act_new, self.act_open, None, self.act_export, None):
            m.addSeparator() if a is None else m.addAction(a)
        m.addMenu(self.menu_sites)
        m.addSeparator()
        m.addAction(self.act_quit)
        self.menu_actions = mb.addMenu("&Actions")
        self.menu_actions.addAction(self.act_resubmit)
        self.menu_actions.addAction(self.act_resubmit_new)
        self.menu_actions.addSeparator()
        self.menu_actions.addAction(self.act_undo)
        self.menu_actions.addSeparator()
        self.menu_actions.addAction(self.act_check)
        self.menu_view = mb.addMenu("&View")
        for a in (
            self.act_refresh,
            None,
            self.act_retry_box,
            self.act_pending_box,
            None,
            self.act_activity,
        ):
            self.menu_view.addSeparator() if a is None else self.menu_view.addAction(a)
        t = mb.addMenu("&Tools")
        t.addAction(self.act_settings)
        t.addSeparator()
        t.addAction(self.act_demo_server)
        t.addAction(self.act_reset_demo)
        self.menu_help = mb.addMenu("&Help")
        for a in (self.act_readme, self.act_shortcuts, self.act_files, None, self.act_about):
            self.menu_help.addSeparator() if a is None else self.menu_help.addAction(a)

        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (
            self.act_new,
            self.act_resubmit,
            self.act_refresh,
            None,
            self.act_export,
            self.act_settings,
            None,
            self.act_demo_server,
        ):
            self.toolbar.addSeparator() if a is None else self.toolbar.addAction(a)
        self.addToolBar(self.toolbar)

    # ------------------------------------------------------------------ wiring
    def _wire(self) -> None:
        """Every connection between the parts of the window, in one place."""
        view, resubmit, opener = self.box_view, self.resubmit_ui, self.file_opener
        self.prefs.changed.connect(self._prefs_changed)
        # the site: the table follows it, F5 reads it again
        self.site_changed.connect(view.set_site)
        self.site_failed.connect(self._no_site)
        self.act_refresh.triggered.connect(view.refresh)
        self.queued.connect(view.refresh)
        # the table: details, export, status
        view.details_requested.connect(self.open_records)
        view.status.connect(self._show_status)
        self.act_export.triggered.connect(view.export_dialog)
        self.act_export.setEnabled(True)
        for act in (resubmit.act_resubmit, resubmit.act_resubmit_new, resubmit.act_undo):
            view.add_context_action(act)
        # reachability: the selection from the table, one machine from a detail window
        check = self.check_ui
        view.add_context_action(check.act_check)
        check.status.connect(self.statusBar().showMessage)
        opener.check_requested.connect(check.check_for)
        # resubmit: what it may act on, what it says
        view.targets_changed.connect(resubmit.update_actions)
        self.site_changed.connect(resubmit.update_actions)
        self.site_failed.connect(resubmit.update_actions)
        resubmit.status.connect(self.statusBar().showMessage)
        resubmit.error.connect(self.show_error)
        resubmit.finished.connect(self._activity_changed)
        resubmit.finished.connect(self._show_recent)  # its rows left the table: say where
        self.queued.connect(self._activity_changed)
        # detail windows: resubmit one file, show its site
        opener.resubmit_requested.connect(resubmit.resubmit_record)
        opener.open_site_requested.connect(self.open_site_root)
        opener.accept_drops_on(self)
        # the sandbox's demo site server: follows the site, on/off remembered
        demo = self.demo_ui
        self.site_changed.connect(demo.follow_site)
        self.site_failed.connect(demo.follow_site)
        demo.status.connect(self.statusBar().showMessage)
        demo.error.connect(self.show_error)
        demo.reset_done.connect(view.refresh)
        # keys: the filter field has the focus at start-up; the window's keys still work
        self.window_keys.install(view.filter_edit)

    def set_central_view(self, widget: QWidget) -> None:
        """Put ``widget`` (the box table) under the site bar."""
        self._body_layout.replaceWidget(self._central, widget)
        self._central.setParent(None)
        self._central = widget
        widget.show()

    def _show_recent(self, result: BatchResult) -> None:
        self.box_view.show_recent(recent_text(result))

    def _no_site(self) -> None:
        self.box_view.set_site(None)

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    # ------------------------------------------------------------------ site
    def reload_site(self) -> None:
        """Open the site for this window (``--site``, the default, or the sandbox)."""
        arg = self.site_arg
        self._site_generation += 1
        generation = self._site_generation
        self.site_bar.name_label.setText("Opening site…")

        opened = partial(self._site_result, generation, self._site_opened)
        failed = partial(self._site_result, generation, self._site_failed)
        if arg == SANDBOX_SITE:
            run_task(ensure_sandbox, opened, failed)
        elif self.prefs.error and arg is None:
            self._site_failed(ConfigError(self.prefs.error))  # no default site to go by
        else:
            run_task(partial(resolve_site, arg, self.prefs.config), opened, failed)

    def _site_result(self, generation: int, show: Callable[[Any], None], result: Any) -> None:
        if generation == self._site_generation:  # a later reload wins
            show(result)

    def _site_opened(self, site: Site) -> None:
        self._site_retry.stop()
        self.site = site
        if isinstance(self._central, QLabel):
            self._central.setText(
                f"New install requests go into {site.pending}\n\n"
                "Ctrl+N  new install request     F5  refresh     Ctrl+,  settings"
            )
        self.site_bar.show_site(site)
        self.setWindowTitle(f"{site.label} — ccrgui")
        if site.sandbox:
            self.statusBar().showMessage(
                "Using the built-in sandbox site. Add your site in Settings (Ctrl+,).", 10000
            )
        self.site_changed.emit(site)

    def _site_failed(self, exc: BaseException) -> None:
        message = str(exc) or repr(exc)
        if not isinstance(exc, (SiteError, ConfigError)):
            log.error("opening the site failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.site = None  # never queue into the previous site while showing this one
        if isinstance(self._central, QLabel):
            self._central.setText(
                "The site cannot be opened. Check it in Settings (Ctrl+,), then press F5."
            )
        retry = ""
        if isinstance(exc, SiteError):
            seconds = self.box_view.poll_seconds  # the refresh interval from Settings
            retry = f" Trying again every {seconds:g} s (F5: now)."
            self._site_retry.start(int(seconds * 1000))
        name = "Sandbox" if self.site_arg == SANDBOX_SITE else self.site_arg or "Site"
        self.site_bar.show_failure(name, f"Offline: {message}{retry}")
        self.setWindowTitle("ccrgui — site unavailable")
        self.site_failed.emit(message)

    def switch_site(self, name: str) -> None:
        """Work on the configured site ``name`` (or ``SANDBOX_SITE``) in this window."""
        self.site_arg = name
        self.reload_site()

    def _fill_site_menu(self) -> None:
        """Sandbox plus the configured sites, the current one checked."""
        sites = [entry.name for entry in self.prefs.config.sites]
        if self.prefs.error:
            self.statusBar().showMessage(self.prefs.error, 10000)
        self.menu_sites.fill(sites, self.site, self.act_settings)

    def open_site_root(self, root: str) -> None:
        """Show the site whose inbox folder is ``root`` (from a detail window)."""
        self.site_arg = root
        self.reload_site()

    def refresh(self) -> None:
        """F5. The box view connects here too; without a site, try to open it again."""
        if self.site is None:
            self.reload_site()

    # ------------------------------------------------------------------ new request
    def new_request(self) -> None:
        if self.prefs.error:
            self.show_error("Settings unreadable", self.prefs.error)
        dlg = NewRequestDialog(self, forced=self.prefs.config.always_install, site=self.site)
        dlg.submitted.connect(self.queue_names)
        dlg.open()
        self._new_dialog = dlg

    def queue_names(self, names: list[str], forced: bool) -> None:
        """Queue ``names`` on the current site, off the GUI thread."""
        site = self.site
        if site is None:
            text = (
                "The site is not available, so nothing was queued. "
                "Check the site in Settings (Ctrl+,) and press F5."
            )
            if not self._answer_dialog(text):
                self.show_error("No site", text)
            return
        self._remember_forced(forced)
        self.statusBar().showMessage(f"Queueing {len(names)} request(s) on {site.name}…")
        run_task(
            partial(queue_requests, site, names, forced=forced), self._queued, self._queue_failed
        )

    def _remember_forced(self, forced: bool) -> None:
        if self.prefs.config.always_install != forced:
            self.prefs.update(always_install=forced)

    def _queued(self, outcomes: list[QueueOutcome]) -> None:
        report = queue_report(outcomes)
        self.statusBar().showMessage(report.status, 15000)
        left = [o.machine for o in outcomes if o.status != QueueStatus.QUEUED]
        if not self._answer_dialog(report.problem, left) and report.problem:
            self.show_error(report.title, report.problem)
        self.queued.emit(outcomes)
        self.refresh()

    def _queue_failed(self, exc: BaseException) -> None:
        if isinstance(exc, BatchInvalid):
            title, text = "Invalid machine name", str(exc)
        else:  # not expected from queue_requests: log it for a bug report
            log.error("queueing failed", exc_info=(type(exc), exc, exc.__traceback__))
            title, text = "Could not queue", f"Nothing was queued: {exc}"
        if not self._answer_dialog(text):
            self.show_error(title, text)

    def _answer_dialog(self, problem: str, keep: list[str] | None = None) -> bool:
        """Tell the New request dialog waiting for it how queueing went (it closes, or
        keeps the input and says why); False when no dialog is waiting."""
        dlg = getattr(self, "_new_dialog", None)
        if dlg is None or not dlg.isVisible() or not dlg.waiting:
            return False
        dlg.finish(problem, keep)
        return True

    # ------------------------------------------------------------------ files
    def open_file_dialog(self) -> None:
        start = str(self.site.retry) if self.site else str(Path.home())
        dlg = QFileDialog(self, "Open CCR file", start, "CCR files (*.ccr);;All files (*)")
        dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dlg.filesSelected.connect(self.open_files)
        dlg.open()
        self._file_dialog = dlg

    def open_files(self, paths: Sequence[str]) -> None:
        """Show each file in a detail window; a file that is not there is said, in the
        status bar and a message, not shown as a window of dashes."""
        missing = [p for p in paths if not os.path.lexists(p)]
        present = [p for p in paths if p not in missing]
        if present:
            self.file_opener.open_files(present)
        names = ", ".join(Path(p).name for p in present[:3]) + (
            f" and {len(present) - 3} more" if len(present) > 3 else ""
        )
        opened = f"Opened {names} in a detail window" + ("s" if len(present) > 1 else "")
        if missing:
            gone = ", ".join(missing[:5]) + (
                f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            )
            what = "does not exist" if len(missing) == 1 else "do not exist"
            text = f"Not opened: {gone} {what}." + (f" {opened}." if present else "")
            self.statusBar().showMessage(text, 30000)
            self.show_error("File not found", text)
        elif present:
            self.statusBar().showMessage(opened, 5000)

    def take_handover(self, handover: Handover) -> None:
        """A second ``ccrgui`` handed over: come to the front, open its files, and with
        ``--site`` switch this window to that site (a folder relative to where the second
        ``ccrgui`` ran, or a configured site's name)."""
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.raise_()
        self.activateWindow()
        if handover.site:
            folder = os.path.join(handover.cwd, handover.site)
            self.switch_site(os.path.abspath(folder) if os.path.isdir(folder) else handover.site)
        if handover.files:
            self.open_files(handover.files)

    def open_records(self, records: Sequence[CcrRecord]) -> None:
        """The table's rows in detail windows (the file is read again there)."""
        self.file_opener.open_files([r.file for r in records])

    # ------------------------------------------------------------------ settings
    def open_settings(self) -> None:
        dlg = SettingsDialog(self, self.prefs.config, self.prefs.error)
        self._default_seen = dlg.config.default_site
        dlg.saved.connect(self.prefs.replace)
        dlg.saved.connect(self._settings_saved)
        dlg.open()
        self._settings_dialog = dlg

    def _settings_saved(self, cfg: Config) -> None:
        """A new default site switches this window to it; otherwise the same choice is
        opened again (its folder may have been edited)."""
        if cfg.default_site != self._default_seen:
            self.site_arg = None
        self._default_seen = cfg.default_site
        self.reload_site()

    def _prefs_changed(self, cfg: Config) -> None:
        self.box_view.set_poll_seconds(cfg.poll_seconds)  # a new interval applies now

    # ------------------------------------------------------------------ activity log
    def open_activity(self) -> ActivityWindow:
        """Ctrl+L: the activity log window (one per main window), read again."""
        if self.activity_window is None:
            self.activity_window = ActivityWindow(self)
        win = self.activity_window
        win.show()
        win.raise_()
        win.activateWindow()
        win.reload()
        return win

    def _activity_changed(self) -> None:
        if self.activity_window is not None and self.activity_window.isVisible():
            self.activity_window.reload()

    # ------------------------------------------------------------------ misc
    def show_error(self, title: str, text: str) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("errorBox")
        box.open()
        self._last_message = box
        return box

    def show_shortcuts(self) -> ShortcutsDialog:
        dlg = ShortcutsDialog(self, self.actions())
        return self._show_help(dlg)

    def show_readme(self) -> ReadmeDialog:
        return self._show_help(ReadmeDialog(self))

    def show_files(self) -> FilesDialog:
        return self._show_help(FilesDialog(self))

    def _show_help(self, dlg: _HelpDialog) -> _HelpDialog:
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self._help_dialog: QDialog = dlg
        return dlg

    def about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("About ccrgui")
        box.setText(
            f"<b>ccrgui {__version__}</b><p>Queue, inspect and resubmit Configuration Manager "
            "client push requests (CCR files).</p>"
        )
        box.open()
        self._last_message = box

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.resubmit_ui.running is not None:
            # files are being moved: stop after the current one, then close
            self.statusBar().showMessage("Stopping the resubmit after the current file…")
            self.resubmit_ui.idle.connect(self.close, Qt.ConnectionType.SingleShotConnection)
            self.resubmit_ui.cancel()
            event.ignore()
            return
        save_geometry(self, "main")
        s = qsettings()
        s.setValue("state/main", self.saveState())
        s.sync()
        super().closeEvent(event)
        if event.isAccepted():
            self.box_view.loader.stop()  # no more scans, polling or watching
            self.demo_ui.stop()  # finishes the request in hand
