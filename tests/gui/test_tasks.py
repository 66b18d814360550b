"""Background tasks whose window went away before they finished: the result is dropped,
not delivered to a deleted object (which raised RuntimeError inside Qt's event loop)."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from ccrgui.gui.tasks import Worker, pool, run_task


class Owner(QObject):
    got = Signal(object)

    def receive(self, value: object) -> None:
        self.got.emit(value)


def test_a_result_for_a_deleted_owner_is_dropped(qtbot: QtBot) -> None:
    gate = threading.Event()
    owner, witness = Owner(), Owner()
    seen: list[object] = []
    run_task(lambda: gate.wait(5) and "late", owner.receive)
    run_task(lambda: gate.wait(5) and "on time", witness.receive)
    witness.got.connect(seen.append)
    shiboken6.delete(owner)  # the window closed while the task ran
    with qtbot.waitSignal(witness.got):
        gate.set()
    assert seen == ["on time"]
    pool().waitForDone(5000)
    qtbot.wait(10)  # the dropped result's events are processed without an error


def test_a_worker_deleted_while_running_does_not_signal(qtbot: QtBot) -> None:
    gate = threading.Event()
    worker = Worker(lambda report, cancelled: gate.wait(5))
    worker.start()
    assert worker.running
    shiboken6.delete(worker)
    gate.set()
    pool().waitForDone(5000)
    witness = Owner()
    with qtbot.waitSignal(witness.got):  # a later task still runs and reports
        run_task(lambda: 1, witness.receive)
