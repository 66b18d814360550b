"""A gate that lets a worker thread step aside while the GUI thread runs Python-heavy
work (see :class:`GuiGate`)."""

from __future__ import annotations

import threading

__all__ = ["GuiGate", "gui_gate"]


class GuiGate:
    """Lets a worker thread step aside while the GUI thread runs Python-heavy work.

    Two threads running Python share one GIL. While a scan parses on a worker thread,
    each Python call the GUI thread makes (every ``data()`` of a repaint, thousands of
    them) first waits for the worker to let go of the GIL: a 10k load froze the window for
    300 ms at a time, whatever the switch interval. So the GUI thread closes this gate
    around such work (applying rows, painting the table) and the worker, which checks it
    between files, waits until it opens again. The GUI thread then has the GIL to itself.
    A gate closed for longer than ``patience`` no longer holds the worker back.
    """

    def __init__(self, patience: float = 0.1) -> None:
        self._open = threading.Event()
        self._open.set()
        self._depth = 0  # GUI thread only
        self.patience = patience

    def close(self) -> None:
        self._depth += 1
        self._open.clear()

    def open(self) -> None:
        self._depth = max(0, self._depth - 1)
        if not self._depth:
            self._open.set()

    def __enter__(self) -> GuiGate:
        self.close()
        return self

    def __exit__(self, *exc: object) -> None:
        self.open()

    def pause(self) -> None:
        """Called by the worker between files: wait while the GUI thread is busy."""
        if not self._open.is_set():
            self._open.wait(self.patience)


gui_gate = GuiGate()  # one GUI thread, one gate
