"""Cyclic garbage holding Qt objects is collected on the GUI thread, never on a worker
thread that happens to allocate (PySide would delete the C++ object there: a crash)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from ccrgui.gui.tasks import run_task


class Holder(QObject):
    pass


def test_a_cycle_with_a_qt_object_is_freed_on_the_gui_thread(qtbot: QtBot) -> None:
    assert not gc.isenabled()  # the app's setting (tests/gui/conftest.py installs it too)
    freed_on: list[str] = []
    obj = Holder()
    obj.cycle = obj  # type: ignore[attr-defined]  # only the cyclic collector frees it
    weakref.finalize(obj, lambda: freed_on.append(threading.current_thread().name))
    del obj

    def allocate() -> list[list[int]]:  # far past every threshold, on a worker thread
        return [[i] for i in range(200_000)]

    with qtbot.waitCallback() as done:
        run_task(allocate, done)
    # the GUI thread's timer collects it (maybe while the worker still allocates); the
    # worker never does
    qtbot.waitUntil(lambda: bool(freed_on))
    assert freed_on == [threading.main_thread().name]
