"""Unexpected errors: logged with their traceback, and shown to the user in a dialog with
the details for a bug report. No traceback is ever the only thing a user gets on a
terminal they may not even have (the GUI is a windowed app on Windows).

``install()`` sets ``sys.excepthook`` (Python errors in Qt slots and event handlers land
there) and ``threading.excepthook`` (plain threads; pool tasks already hand their
exceptions back through :mod:`tasks`).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from shiboken6 import isValid

from ... import __version__
from ...core import paths

__all__ = ["excepthook", "install", "report_dialog"]

log = logging.getLogger("ccrgui")

# At most one report dialog at a time: an error in a paint handler repeats on every
# repaint, and a screen full of message boxes helps nobody. Later errors are logged and
# counted in the open dialog.
_open: list[QMessageBox] = []
_more: list[int] = [0]


def log_file() -> str:
    return str(paths.log_dir() / "ccrgui.log")


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log an unexpected error, then tell the user in a dialog (details for a report)."""
    if issubclass(kind, KeyboardInterrupt):
        app = QApplication.instance()
        if app is not None:
            app.quit()
        return
    text = "".join(traceback.format_exception(kind, exc, tb))
    log.error("unexpected error\n%s", text)
    if not isinstance(QApplication.instance(), QApplication):
        sys.stderr.write(f"ccrgui: unexpected error: {exc!r} (details in {log_file()})\n")
        return
    try:
        report_dialog(exc, text)
    except Exception:  # never recurse into this hook from itself
        log.exception("could not show the error dialog")


def report_dialog(exc: BaseException, details: str) -> QMessageBox:
    """The dialog for one unexpected error; reuses the open one if there is one."""
    if _open and isValid(_open[0]) and _open[0].isVisible():
        _more[0] += 1
        box = _open[0]
        box.setInformativeText(f"{_more[0]} more error(s) since; all are in the log.")
        return box
    _open.clear()
    _more[0] = 0
    parent = QApplication.activeWindow()
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "ccrgui: unexpected error",
        f"Something went wrong inside ccrgui: {exc or type(exc).__name__}\n\n"
        "No request file was left half-written: ccrgui only writes into an inbox with "
        f"safe renames. The details are in the log ({log_file()}); please include them "
        "when you report this.",
        QMessageBox.StandardButton.Close,
        parent if isinstance(parent, QWidget) else None,
    )
    box.setObjectName("unexpectedErrorBox")
    box.setDetailedText(
        f"ccrgui {__version__}, Python {sys.version.split()[0]}, {sys.platform}\n\n{details}"
    )
    box.open()
    _open.append(box)
    return box


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    log.error(
        "unexpected error in thread %s",
        args.thread.name if args.thread else "?",
        exc_info=args.exc_value if args.exc_value is not None else False,
    )


def install() -> None:
    sys.excepthook = excepthook
    threading.excepthook = _thread_hook
