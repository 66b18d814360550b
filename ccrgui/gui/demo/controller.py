"""The sandbox's demo site server in the window: Tools › Demo site server (on or off,
remembered) and Tools › Reset demo…. The server runs only while the window shows the
sandbox; the main window tells this controller which site that is."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from ...core.errors import describe
from ...core.simulator import SimOutcome
from ...core.site import Site
from ..view_state import qsettings
from .server import DemoServer

__all__ = ["DemoController"]

DEMO_SERVER_KEY = "demo/server_on"  # the sandbox's demo site server, remembered


class DemoController(QObject):
    """Actions ``act_demo_server`` (checkable) and ``act_reset_demo`` for the window to
    place. Signals: ``status(text, ms)``, ``error(title, text)``, ``reset_done()`` (the
    sandbox's boxes were refilled: read them again)."""

    status = Signal(str, int)
    error = Signal(str, str)
    reset_done = Signal()

    def __init__(self, dialog_parent: QWidget) -> None:
        super().__init__(dialog_parent)
        self._parent = dialog_parent
        self.site: Site | None = None
        self.server = DemoServer(self)
        self.confirm_box: QMessageBox | None = None
        self.act_demo_server = QAction("&Demo site server", self)
        tip = (
            "Sandbox only: a simulated site server processes what you queue, as the real "
            "one does (retry box, hourly retries, ccm.log)"
        )
        self.act_demo_server.setStatusTip(tip)
        self.act_demo_server.setToolTip(tip)
        self.act_demo_server.setIconText("Demo server")
        self.act_demo_server.setCheckable(True)
        self.act_demo_server.setChecked(bool(qsettings().value(DEMO_SERVER_KEY, False, type=bool)))
        self.act_reset_demo = QAction("&Reset demo…", self)
        tip = "Refill the sandbox with a few dozen demo requests and their ccm.log"
        self.act_reset_demo.setStatusTip(tip)
        self.act_reset_demo.setToolTip(tip)
        for act in (self.act_demo_server, self.act_reset_demo):
            act.setEnabled(False)  # until the sandbox is open
        self.act_demo_server.toggled.connect(self._toggled)
        self.act_reset_demo.triggered.connect(self.confirm_reset)
        self.server.failed.connect(self._failed)
        self.server.processed.connect(self._processed)
        self.server.reset_done.connect(self._reset_finished)

    def follow_site(self, site: object) -> None:
        """The window shows ``site`` (anything but a Site: none). On the sandbox the
        server runs when it is switched on; anywhere else it stops, its actions off."""
        self.site = site if isinstance(site, Site) else None
        sandbox = self.site is not None and self.site.sandbox
        self.act_demo_server.setEnabled(sandbox)
        self.act_reset_demo.setEnabled(sandbox)
        if self.site is not None and sandbox and self.act_demo_server.isChecked():
            self.server.start(self.site)
        else:
            self.server.stop()

    def stop(self) -> None:
        """The window closes: finish the request in hand, then stop."""
        self.server.stop()

    def _toggled(self, on: bool) -> None:
        s = qsettings()
        s.setValue(DEMO_SERVER_KEY, on)
        s.sync()
        self.follow_site(self.site)
        if on and self.site is not None and self.site.sandbox:
            self.status.emit(
                "Demo site server on: what you queue in the sandbox is processed now, "
                "failures are retried hourly (a simulated hour is a minute).",
                10000,
            )

    def _failed(self, text: str) -> None:
        """It could not start, or stopped on an error: show it off, and say why."""
        self.act_demo_server.blockSignals(True)  # the remembered choice stays as it was
        self.act_demo_server.setChecked(False)
        self.act_demo_server.blockSignals(False)
        self.error.emit("Demo site server", text)

    def _processed(self, outcome: SimOutcome) -> None:
        what = outcome.status
        if outcome.code is not None and outcome.status == "failed":
            words = describe(outcome.code & 0xFFFFFFFF).message.rstrip(".")
            what = f"failed: {words} ({outcome.code})"
        who = outcome.machine or outcome.file
        self.status.emit(f"Demo site server: {who} {what}", 10000)

    def confirm_reset(self) -> QMessageBox:
        """Reset demo: asks first, as it replaces everything in the sandbox's boxes."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Reset demo",
            "Replace everything in the sandbox's ccr.box and ccrretry.box with the demo "
            "requests, and its ccm.log with their history?",
            QMessageBox.StandardButton.Reset | QMessageBox.StandardButton.Cancel,
            self._parent,
        )
        box.setObjectName("resetDemoBox")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(partial(self._answered, box))
        box.open()
        self.confirm_box = box
        return box

    def _answered(self, box: QMessageBox, button: QAbstractButton) -> None:
        if box.standardButton(button) == QMessageBox.StandardButton.Reset:
            self.reset()

    def reset(self) -> None:
        if self.site is not None and self.site.sandbox:
            self.status.emit("Resetting the demo…", 0)
            self.act_reset_demo.setEnabled(False)  # one reset at a time
            self.server.reset(self.site)

    def _reset_finished(self, result: object) -> None:
        self.act_reset_demo.setEnabled(self.site is not None and self.site.sandbox)
        if isinstance(result, str):
            self.error.emit("Reset demo", result)
            return
        self.status.emit("The sandbox was reset to the demo requests.", 10000)
        self.reset_done.emit()
