"""``ccrgui [--site DIR] [FILE.ccr ...]``: the desktop application.

One instance per user: a second ``ccrgui FILE.ccr`` hands its files to the running one and
exits at once; the running one opens them in detail windows and comes to the front.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from types import TracebackType

from .. import __version__
from ..core import paths

__all__ = ["main"]

log = logging.getLogger("ccrgui")


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="ccrgui", description="ConfigMgr client push requests")
    p.add_argument("--site", help="open this site (a configured name or an inbox folder)")
    p.add_argument("--new-instance", action="store_true", help="do not hand over to a running one")
    p.add_argument("--version", action="version", version=f"ccrgui {__version__}")
    p.add_argument("files", nargs="*", metavar="FILE", help=".ccr files to open")
    args, _qt_args = p.parse_known_args(list(argv))
    return args


def _setup_logging() -> None:
    try:
        folder = paths.log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "ccrgui.log", encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """An unexpected error: log it, and tell the user in a dialog with details to report."""
    text = "".join(traceback.format_exception(kind, exc, tb))
    log.error("unexpected error\n%s", text)
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        sys.stderr.write(f"ccrgui: unexpected error: {exc!r}\n")
        return
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        "ccrgui: unexpected error",
        f"Something went wrong: {exc}\n\nNothing was lost: files are only "
        "moved or written with safe renames. The details below are in the log "
        f"({paths.log_dir() / 'ccrgui.log'}).",
    )
    box.setDetailedText(f"ccrgui {__version__}, Python {sys.version.split()[0]}\n\n{text}")
    box.open()
    _open_boxes.append(box)


_open_boxes: list[object] = []


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    from PySide6.QtWidgets import QApplication

    from .single_instance import InstanceServer, send_to_running

    app = QApplication.instance() or QApplication([sys.argv[0], *[]])
    app.setApplicationName("ccrgui")
    app.setOrganizationName("ccrgui")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("ccrgui")
    files = [os.path.abspath(f) for f in args.files]
    if not args.new_instance and send_to_running(files, site=args.site):
        return 0  # the running instance took over
    _setup_logging()
    sys.excepthook = _excepthook
    _set_icon(app)

    from .file_open import FileOpener
    from .main_window import MainWindow

    window = MainWindow(site_arg=args.site)
    opener = FileOpener(window, on_open_site=window.open_site_root)
    opener.handle_file_open_events(app)
    opener.accept_drops_on(window)
    window.file_opener = opener
    server = InstanceServer(parent=window)
    if not args.new_instance:
        server.listen()
    server.handover.connect(lambda h: _handover(window, h))
    window.show()
    if files:
        window.open_files(files)
    return int(app.exec())


def _handover(window: object, handover: object) -> None:
    from .main_window import MainWindow
    from .single_instance import Handover

    assert isinstance(window, MainWindow) and isinstance(handover, Handover)
    window.setWindowState(window.windowState() & ~window.windowState().WindowMinimized)
    window.raise_()
    window.activateWindow()
    if handover.files:
        window.open_files(handover.files)


def _set_icon(app: object) -> None:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ..core.filetype import APP_ICON, resources_dir

    assert isinstance(app, QApplication)
    folder = resources_dir()
    if folder is None:
        return
    icon = QIcon()
    for png in sorted((folder / "icons").glob(f"*/{APP_ICON}.png")):
        icon.addFile(str(png))
    if not icon.isNull():
        app.setWindowIcon(icon)


if __name__ == "__main__":
    sys.exit(main())
