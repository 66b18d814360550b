"""``ccrgui [--site DIR] [FILE.ccr ...]``: the desktop application.

One instance per user: a second ``ccrgui FILE.ccr`` hands its files to the running one and
exits at once; the running one opens them in detail windows and comes to the front.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..core import paths

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

    from .main_window import MainWindow

__all__ = ["app_icon", "log_handler", "main", "start"]

log = logging.getLogger("ccrgui")


def _parse_known(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Our options, and the rest for Qt (``-style``, ``-platform``...)."""
    p = argparse.ArgumentParser(prog="ccrgui", description="ConfigMgr client push requests")
    p.add_argument("--site", help="open this site (a configured name or an inbox folder)")
    p.add_argument("--new-instance", action="store_true", help="do not hand over to a running one")
    p.add_argument("--version", action="version", version=f"ccrgui {__version__}")
    p.add_argument("files", nargs="*", metavar="FILE", help=".ccr files to open")
    return p.parse_known_args(list(argv))


LOG_MAX_BYTES = 1024 * 1024  # ccrgui.log rotates at 1 MiB ...
LOG_BACKUPS = 3  # ... keeping ccrgui.log.1 to .3: at most 4 MiB of logs


def log_handler(folder: Path) -> logging.Handler:
    """``<folder>/ccrgui.log``, rotated: a long-running ccrgui never fills the disk, and
    the newest entries are always in ccrgui.log."""
    folder.mkdir(parents=True, exist_ok=True)
    return logging.handlers.RotatingFileHandler(
        folder / "ccrgui.log", maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )


def _setup_logging() -> None:
    root = logging.getLogger()
    if any(getattr(h, "ccrgui", False) for h in root.handlers):
        return  # started twice in one process (tests)
    try:
        handler = log_handler(paths.log_dir())
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.ccrgui = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    """``ccrgui``: start the app and run it until the last window closes."""
    window = start(sys.argv[1:] if argv is None else argv)
    if window is None:
        return 0  # the running instance took over
    from PySide6.QtWidgets import QApplication

    return int(QApplication.exec())


def start(argv: Sequence[str]) -> MainWindow | None:
    """Everything ``main`` does before the event loop: the window, shown, on its site
    (opened off the GUI thread). None when a running instance took the files over."""
    args, qt_args = _parse_known(argv)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ..core.filetype import APP_ID
    from .runtime import crash, prepare
    from .runtime.single_instance import InstanceServer, send_to_running

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "ccrgui", *qt_args])
    assert isinstance(app, QApplication)
    app.setApplicationName("ccrgui")
    app.setOrganizationName("ccrgui")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # the .desktop file, AppStream and Wayland app id
    # any QSettings() made without a file name lands in CCRGUI_CONFIG_DIR too
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(paths.config_dir())
    )
    files = [os.path.abspath(f) for f in args.files]
    if not args.new_instance and send_to_running(files, site=args.site):
        return None
    _mark_running()
    _setup_logging()
    crash.install()
    prepare()  # PySide work-arounds; garbage collection on the GUI thread only
    _set_icon(app)

    from .main_window import MainWindow

    window = MainWindow(site_arg=args.site)
    window.file_opener.handle_file_open_events(app)  # macOS Finder's double-click
    server = InstanceServer(parent=window)
    if not args.new_instance:
        server.listen()
    server.handover.connect(window.take_handover)
    window.show()
    if files:
        window.open_files(files)
    return window


_running_mark: list[int] = []


def _mark_running() -> None:
    """Windows: hold the named mutex the installer and uninstaller look for, so they do
    not replace or remove the files of a running ccrgui (released when the process ends)."""
    if sys.platform != "win32":
        return
    import ctypes

    from ..core.filetype import WINDOWS_MUTEX

    handle = ctypes.windll.kernel32.CreateMutexW(None, False, WINDOWS_MUTEX)
    if handle:
        _running_mark.append(handle)
    else:
        log.warning(
            "could not create the %s mutex (error %d)", WINDOWS_MUTEX, ctypes.GetLastError()
        )


def app_icon() -> QIcon:
    """The window icon: the PNGs shipped in the package (read through importlib.resources,
    so any installation layout has them), else the desktop theme's icon of that name."""
    from PySide6.QtGui import QIcon, QPixmap

    from ..core.filetype import APP_ICON, ICON_SIZES, icon_file

    icon = QIcon()
    for size in ICON_SIZES:
        png = icon_file(APP_ICON, size)
        pixmap = QPixmap()
        if png.is_file() and pixmap.loadFromData(png.read_bytes(), "PNG"):
            icon.addPixmap(pixmap)
    if icon.isNull():
        log.warning("the package's icons are missing; using the desktop theme's %s", APP_ICON)
        icon = QIcon.fromTheme(APP_ICON)
    return icon


def _set_icon(app: object) -> None:
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)


if __name__ == "__main__":
    sys.exit(main())
