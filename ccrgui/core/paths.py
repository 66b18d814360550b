"""Where ccrgui keeps its state. One switch, ``CCRGUI_CONFIG_DIR``, puts all of it in one
folder (tests, screenshots, portable use); otherwise the platform's user folders
(which honour the XDG variables on Linux)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["config_dir", "data_dir", "log_dir"]

APP = "ccrgui"
ENV_DIR = "CCRGUI_CONFIG_DIR"


def _override() -> Path | None:
    value = os.environ.get(ENV_DIR)
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    base = _override()
    return base if base else Path(platformdirs.user_config_dir(APP, appauthor=False))


def data_dir() -> Path:
    base = _override()
    return base / "data" if base else Path(platformdirs.user_data_dir(APP, appauthor=False))


def log_dir() -> Path:
    base = _override()
    return base / "logs" if base else Path(platformdirs.user_log_dir(APP, appauthor=False))
