"""The sandbox's demo site server: the core's simulated Client Configuration Manager
(:mod:`ccrgui.core.simulator`) run on a thread of its own, with Qt signals for the window.

It is a long-running loop, so it has its own thread rather than one of the pool's (which
runs the box scans). :meth:`DemoServer.stop` asks it to stop and waits for the request in
hand to be finished: the window calls it on quit and before switching sites.
"""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject, Signal

from ...core.sandbox import reset_demo
from ...core.simulator import SimOutcome, SiteBusy, SiteSimulator
from ...core.site import Site
from ..tasks import run_task

__all__ = ["DemoServer"]

STOP_WAIT_SECONDS = 10.0  # a request takes milliseconds; a pass over dozens, well under 1 s


class DemoServer(QObject):
    """Start, stop and reset the simulated site server of one site (the sandbox)."""

    processed = Signal(object)  # a SimOutcome, on the GUI thread
    failed = Signal(str)  # it could not start or stopped on an error: why, for a person
    running_changed = Signal(bool)
    reset_done = Signal(object)  # the reseeded Site, or an error message (str)

    def __init__(self, parent: QObject | None = None, *, hour_seconds: float = 60.0) -> None:
        super().__init__(parent)
        self.hour_seconds = hour_seconds
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.site: Site | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, site: Site) -> None:
        """Run the simulated server on ``site`` (stopping one that runs elsewhere)."""
        if self.running and self.site == site:
            return
        self.stop()
        self.site = site
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(site, self._stop), name="ccrgui-demo-server", daemon=True
        )
        self._thread.start()
        self.running_changed.emit(True)

    def stop(self) -> None:
        """Stop it and wait for the request in hand (bounded); nothing happens when off."""
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        thread.join(STOP_WAIT_SECONDS)
        self._thread = None
        self.running_changed.emit(False)

    def reset(self, site: Site) -> None:
        """Reseed the sandbox off the GUI thread (a running server pauses for it);
        ``reset_done`` carries the reseeded Site, or why it failed (a str)."""
        was_running = self.running
        self.stop()

        def done(result: object) -> None:
            if not shiboken6.isValid(self):
                return  # its window was closed meanwhile
            self.reset_done.emit(result)
            if was_running:
                self.start(site)

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, (SiteBusy, OSError)):
                raise exc
            done(f"Could not reset the demo: {exc}")

        run_task(reset_demo, done, failed)

    def _run(self, site: Site, stop: threading.Event) -> None:
        sim = SiteSimulator(site, hour_seconds=self.hour_seconds)
        try:
            sim.start()
        except (SiteBusy, OSError) as exc:
            if shiboken6.isValid(self):
                self.failed.emit(f"The demo site server could not start: {exc}")
            self._stopped_itself(stop)
            return
        try:
            sim.run(stop, self._report)
        except OSError as exc:
            if shiboken6.isValid(self):
                where = exc.filename or site.root
                self.failed.emit(f"The demo site server stopped: {exc.strerror or exc} ({where})")
            self._stopped_itself(stop)
        finally:
            sim.close()

    def _report(self, outcome: SimOutcome) -> None:
        if shiboken6.isValid(self):
            self.processed.emit(outcome)

    def _stopped_itself(self, stop: threading.Event) -> None:
        if not stop.is_set() and shiboken6.isValid(self):
            self.running_changed.emit(False)
