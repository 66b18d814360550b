"""User preferences shared by the GUI and the CLI: configured sites, the default site and
request defaults. Stored as JSON in :func:`paths.config_dir` so the CLI reads them
without Qt. Window geometry and other view state are the GUI's own (QSettings)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import paths

__all__ = ["SANDBOX_DEFAULT", "Config", "ConfigError", "SiteEntry", "load_config", "save_config"]

FILE_NAME = "config.json"
SANDBOX_DEFAULT = ""  # default_site meaning "the built-in sandbox"


class ConfigError(Exception):
    pass


@dataclass(slots=True)
class SiteEntry:
    name: str
    root: str  # inbox root, e.g. \\SERVER\SMS_ABC\inboxes
    ccm_log: str = ""  # the site server's ccm.log (file or its folder); "" = ../Logs/ccm.log


@dataclass(slots=True)
class Config:
    sites: list[SiteEntry] = field(default_factory=list)
    default_site: str = SANDBOX_DEFAULT  # a site's name; "" is the built-in sandbox
    always_install: bool = True  # Forced CCR=TRUE on new requests
    poll_seconds: int = 10  # how often the GUI rescans a box (shares miss change events)
    confirm_over: int = 5  # ask before resubmitting more than this many rows; 0 = never ask

    def find_site(self, name: str) -> SiteEntry | None:
        want = name.casefold()
        return next((s for s in self.sites if s.name.casefold() == want), None)

    def default_entry(self) -> SiteEntry | None:
        """The site opened when none is named (by the app and by ``ccr`` alike): the
        configured site called ``default_site``, or None for the built-in sandbox
        (``default_site`` is ""; adding sites does not change it). A name that is no
        configured site raises ConfigError: never a silent guess at another site."""
        if self.default_site == SANDBOX_DEFAULT:
            return None
        entry = self.find_site(self.default_site)
        if entry is None:
            known = ", ".join(s.name for s in self.sites) or "none"
            raise ConfigError(
                f"The default site {self.default_site!r} is not one of the configured sites "
                f"({known}). Choose the default in Settings, or fix default_site in "
                f"{config_path()}."
            )
        return entry


def config_path() -> Path:
    return paths.config_dir() / FILE_NAME


def load_config() -> Config:
    """The saved preferences; defaults when there is no file. ConfigError when unreadable."""
    path = config_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigError(f"Cannot read settings file {path}: {exc.strerror}") from exc
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return _from_dict(data)
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigError(f"Settings file {path} is damaged ({exc}); fix or delete it.") from exc


def _from_dict(data: dict[str, Any]) -> Config:
    cfg = Config()
    cfg.sites = [
        SiteEntry(str(s["name"]), str(s["root"]), str(s.get("ccm_log") or ""))
        for s in data.get("sites", [])
    ]
    cfg.default_site = str(data.get("default_site", ""))
    cfg.always_install = bool(data.get("always_install", True))
    cfg.poll_seconds = max(2, int(data.get("poll_seconds", 10)))
    cfg.confirm_over = max(0, int(data.get("confirm_over", 5)))
    return cfg


def save_config(cfg: Config) -> Path:
    """Write the preferences atomically (temp file + replace)."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(cfg), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
