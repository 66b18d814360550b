"""Work-arounds for reference-count bugs of PySide6 6.12.0 on Python 3.11 that abort the
interpreter after a while ("deallocating None", "deallocating True or False").

pyproject.toml keeps pip users off that combination (``PySide6-Essentials!=6.12.0`` on
Python < 3.12); these remain for an installation that gets it anyway (``--no-deps``, a
distribution's packages, a pinned environment). They run only on exactly that combination
(:data:`AFFECTED`), and each first checks that the leak is really there.

Upstream: PySide6 6.11.3 does not leak and Python 3.12 makes None, True and False immortal
(PEP 683), so neither side is fixed by anything newer than 6.12.0 on 3.11 that we know of.
No upstream report was found to cite; the reproducers are
tests/gui/test_table_refcounts.py (None) and ``_keep_bools_alive`` below (True/False):
report them to the Qt for Python tracker (https://bugreports.qt.io, project PYSIDE) with
those, and put the report's key here.

They patch the interpreter for the whole process, so they are applied once, with the
other process-wide GUI settings (:func:`ccrgui.gui.runtime.prepare`), not by the module
that happens to trip over them first.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

import PySide6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QStandardItemModel

__all__ = ["AFFECTED", "affected", "apply"]

AFFECTED = ("6.12.0", (3, 11))  # the PySide6 release and the Python line that leak

_applied: dict[str, bool] | None = None


def affected(pyside: str = PySide6.__version__, python: tuple[int, ...] | None = None) -> bool:
    """Whether this PySide6 on this Python (default: the running ones) is the combination
    that leaks."""
    version, line = AFFECTED
    running = tuple(sys.version_info) if python is None else python
    return pyside == version and running[:2] == line and sys.implementation.name == "cpython"


def apply() -> dict[str, bool]:
    """Apply each work-around whose leak is seen (once per process); which were applied.
    Nothing is even probed outside the affected combination."""
    global _applied
    if _applied is None:
        if affected():
            _applied = {"bools": _keep_bools_alive(), "none": _keep_none_alive()}
        else:
            _applied = {"bools": False, "none": False}
    return _applied


class _Probe(QObject):
    ping = Signal()


def _keep_bools_alive() -> bool:
    """Work around PySide6 6.12.0 on Python 3.11: ``Signal.emit()`` returns ``True``
    without taking a reference, so every emit from Python drops one reference to ``True``
    and after a few hundred emits the interpreter aborts ("bool_dealloc: deallocating
    True or False"). PySide6 6.11.3 is correct, and Python 3.12 makes bools immortal.
    When the leak is seen, give True and False a reference count no session can use up.
    Returns whether the workaround was applied."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    probe, before = _Probe(), sys.getrefcount(True)
    emit: Callable[[], object] = probe.ping.emit  # returns True here (typed as None)
    for _ in range(4):
        if emit() is not True:
            return False
    if sys.getrefcount(True) >= before:
        return False
    for flag in (True, False):
        cell = ctypes.c_ssize_t.from_address(id(flag))
        if cell.value == sys.getrefcount(flag) - 1:  # ob_refcnt where CPython keeps it
            cell.value += 1 << 40
    return True


def _keep_none_alive() -> bool:
    """Work around PySide6 6.12.0 on Python 3.11: a Qt function that answers "no value"
    to Python (an invalid QVariant: ``data()`` of an empty cell or role, a combo item
    without data) returns ``None`` without taking a reference, so every such call drops
    one. The table, its proxy and the filters make such calls all the time; after some
    tens of thousands (a few big loads, some scrolling) the interpreter aborts
    ("none_dealloc: deallocating None"). Python 3.12 makes None immortal. When the leak
    is seen, give None a reference count no session can use up. Returns whether it was
    applied."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    probe = QStandardItemModel(1, 1)
    index = probe.index(0, 0)  # an empty cell
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.data(index)  # an invalid QVariant, returned as None
    if sys.getrefcount(None) > before - 32:
        return False
    cell = ctypes.c_ssize_t.from_address(id(None))
    if cell.value == sys.getrefcount(None) - 1:  # ob_refcnt where CPython keeps it
        cell.value += 1 << 40
    return True
