"""The user's settings (:mod:`ccrgui.core.config`) for the GUI: read once, when the main
window opens, and changed only through :class:`Preferences`, whose ``changed`` signal
tells every part of the window. Window geometry and column layout are not settings:
they live in :mod:`ccrgui.gui.view_state`."""

from __future__ import annotations

import copy
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..core.config import Config, ConfigError, load_config, save_config

__all__ = ["Preferences"]

log = logging.getLogger(__name__)


class Preferences(QObject):
    """``config`` is the settings as read (defaults when the file is unreadable: then
    ``error`` says why). ``changed(Config)`` after every change."""

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None, config: Config | None = None) -> None:
        super().__init__(parent)
        self.error = ""
        if config is None:
            try:
                config = load_config()
            except ConfigError as exc:
                self.error = str(exc)
                config = Config()
            else:  # a damaged file: its valid settings, defaults, and what was wrong
                self.error = " ".join(config.problems)
        self._config = config

    @property
    def config(self) -> Config:
        """A copy: change settings through :meth:`update` or :meth:`replace`."""
        return copy.deepcopy(self._config)

    def update(self, **values: Any) -> str:
        """Change some settings and save them; "" when saved, else why not (the change
        still holds for this session)."""
        cfg = self.config
        for name, value in values.items():
            if not hasattr(cfg, name):
                raise AttributeError(f"no setting called {name!r}")
            setattr(cfg, name, value)
        try:
            save_config(cfg)
        except OSError as exc:
            log.warning("could not save settings %s: %s", sorted(values), exc)
            self._set(cfg, self.error)
            return exc.strerror or str(exc)
        self._set(cfg)
        return ""

    def replace(self, cfg: Config) -> None:
        """Settings saved elsewhere (the Settings dialog saved ``cfg``)."""
        self._set(copy.deepcopy(cfg))

    def _set(self, cfg: Config, error: str = "") -> None:
        self._config = cfg
        self.error = error
        self.changed.emit(self.config)
