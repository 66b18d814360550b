"""Cyclic garbage collection on the GUI thread only.

Python's cyclic collector runs on whichever thread happens to allocate when a threshold is
crossed. If that is a worker thread (a box scan builds thousands of rows) and the garbage
holds a Qt object (a closed window caught in a reference cycle with a lambda), PySide
deletes the C++ object there, off the GUI thread, and Qt crashes: seen as a segfault in
"Garbage-collecting" while a scan built its rows. So the app turns automatic collection off and
collects from a timer on the GUI thread, with the thresholds automatic collection uses.
Reference counting still frees everything not in a cycle at once, on any thread.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QTimer

__all__ = ["collect_now", "collect_on_gui_thread"]

INTERVAL_MS = 250
FIRST_AFTER_MS = 2000  # the first collection: once the window is on screen
FULL_EVERY = 60.0  # seconds between full collections at the most

_last_full = 0.0

_timer: QTimer | None = None


def collect_on_gui_thread() -> None:
    """Switch automatic collection off and collect from a GUI-thread timer instead.
    Needs the QApplication; calling it again does nothing."""
    global _timer
    if _timer is not None:
        return
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    gc.disable()
    _timer = QTimer(app)
    _timer.setObjectName("ccrgui-gc")
    _timer.setInterval(INTERVAL_MS)
    _timer.timeout.connect(collect_now)
    # the first collection walks everything the start-up made (20-60 ms here): it is not
    # needed for the window's first paint, so it waits until the window is up
    QTimer.singleShot(FIRST_AFTER_MS, _timer.start)


def collect_now() -> int:
    """Collect the generations whose counts are over their thresholds (as the automatic
    collector would have); returns the number of unreachable objects found.

    A full collection walks every object the app holds (120 ms with 50,000 rows in the
    table), so it runs at most every FULL_EVERY seconds; the automatic collector also
    holds full collections back (until a quarter more objects have survived), which an
    explicit ``gc.collect(2)`` does not."""
    global _last_full
    counts, thresholds = gc.get_count(), gc.get_threshold()
    generation = -1
    for g in range(3):
        if counts[g] > thresholds[g]:
            generation = g
    if generation == 2:
        now = time.monotonic()
        if now - _last_full < FULL_EVERY:
            generation = 1
        else:
            _last_full = now
    return gc.collect(generation) if generation >= 0 else 0
