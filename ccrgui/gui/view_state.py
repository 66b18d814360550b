"""View state (window geometry, splitter and column layout, dialog sizes): QSettings in an
INI file beside the preferences, so ``CCRGUI_CONFIG_DIR`` moves it too. Preferences that
the CLI shares (sites, defaults) live in :mod:`ccrgui.core.config`."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

from ..core import paths

__all__ = ["qsettings", "restore_geometry", "save_geometry"]

FILE_NAME = "view-state.ini"


def qsettings() -> QSettings:
    return QSettings(str(paths.config_dir() / FILE_NAME), QSettings.Format.IniFormat)


def save_geometry(widget: QWidget, key: str) -> None:
    s = qsettings()
    s.setValue(f"geometry/{key}", widget.saveGeometry())
    s.sync()


def restore_geometry(widget: QWidget, key: str) -> bool:
    value = qsettings().value(f"geometry/{key}")
    if isinstance(value, QByteArray) and not value.isEmpty():
        return bool(widget.restoreGeometry(value))
    return False
