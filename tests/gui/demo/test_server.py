"""The demo site server's thread: it processes the sandbox while the GUI thread is free,
stops cleanly, and says why when it cannot run."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ccrgui.core.ccr import parse_file
from ccrgui.core.queue import queue_requests
from ccrgui.core.sandbox import ensure_sandbox
from ccrgui.core.scan import read_box
from ccrgui.core.simulator import SimOutcome, SiteSimulator
from ccrgui.gui.demo.server import DemoServer


def test_processes_requests_off_the_gui_thread_and_stops(qtbot: QtBot) -> None:
    site = ensure_sandbox()
    server = DemoServer()
    seen: list[SimOutcome] = []
    server.processed.connect(seen.append)
    with qtbot.waitSignal(server.running_changed):
        server.start(site)
    queue_requests(site, ["LAB-DENY-01"])

    qtbot.waitUntil(lambda: any(o.machine == "LAB-DENY-01" for o in seen), timeout=10000)

    rec = parse_file(site.retry / "LAB-DENY-01.ccr")
    assert (rec.attempts, rec.last_error_code) == (1, 5)
    with qtbot.waitSignal(server.running_changed) as off:
        server.stop()
    assert off.args == [False] and not server.running
    SiteSimulator(site).start().close()  # the site's lock was released


def test_says_why_when_another_server_holds_the_site(qtbot: QtBot) -> None:
    site = ensure_sandbox()
    server = DemoServer()
    with SiteSimulator(site):
        with qtbot.waitSignal(server.failed, timeout=10000) as failed:
            server.start(site)
        qtbot.waitUntil(lambda: not server.running)
    assert "already working on this site" in failed.args[0]
    server.stop()


def test_reset_reseeds_and_a_running_server_goes_on(qtbot: QtBot) -> None:
    site = ensure_sandbox()
    server = DemoServer()
    server.start(site)
    queue_requests(site, ["MY-OWN-PC"])

    with qtbot.waitSignal(server.reset_done, timeout=20000) as done:
        server.reset(site)

    assert done.args[0] == site
    assert len(read_box(site.retry)) >= 25
    qtbot.waitUntil(lambda: server.running)
    qtbot.waitUntil(lambda: read_box(site.pending) == [], timeout=10000)  # it picked them up
    server.stop()
