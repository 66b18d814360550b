"""User preferences shared by the GUI and the CLI: configured sites, the default site and
request defaults. Stored as JSON in :func:`paths.config_dir` so the CLI reads them
without Qt. Window geometry and other view state are the GUI's own (QSettings).

Every setting is declared once, in :data:`SETTINGS` (name, type, default, label, limits):
:class:`Config`'s defaults, the file's validation and what a settings page lists all
come from there. ``sites`` is the one structured setting (a list of :class:`SiteEntry`).

A damaged settings file (not JSON, nested a thousand deep, ``1e400``, ``"no"`` for a
yes/no setting, a folder or a pipe in its place) never stops ccrgui: :func:`load_config`
keeps every setting that is valid, uses the default for each one that is not, and says
what was wrong in :attr:`Config.problems` (the ``ccr`` command prints that once).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .readfile import read_regular_file

__all__ = [
    "SANDBOX_DEFAULT",
    "SETTINGS",
    "Config",
    "ConfigError",
    "Setting",
    "SiteEntry",
    "config_path",
    "load_config",
    "save_config",
]

FILE_NAME = "config.json"
SANDBOX_DEFAULT = ""  # default_site meaning "the built-in sandbox"
MAX_CONFIG_BYTES = 1024 * 1024  # a settings file, not a database


class ConfigError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Setting:
    """One user preference: its JSON name, Python type, default and a label for people;
    ``minimum``/``maximum`` bound whole numbers."""

    name: str
    kind: type
    default: Any
    label: str
    minimum: int | None = None
    maximum: int | None = None

    def check(self, value: object) -> str | None:
        """What is wrong with ``value`` for this setting, or None when it is fine."""
        if self.kind is bool:
            return None if isinstance(value, bool) else "is not true or false"
        if self.kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                return "is not a whole number"
            if self.minimum is not None and value < self.minimum:
                return f"is below the minimum {self.minimum}"
            if self.maximum is not None and value > self.maximum:
                return f"is above the maximum {self.maximum}"
            return None
        if self.kind is str:
            return None if isinstance(value, str) else "is not text"
        return None  # pragma: no cover - every declared kind is handled above


SETTINGS: tuple[Setting, ...] = (
    Setting("default_site", str, SANDBOX_DEFAULT, "Default site (empty: the built-in sandbox)"),
    Setting("always_install", bool, True, "Always install: write Forced CCR=TRUE"),
    Setting("poll_seconds", int, 10, "Rescan a box every (seconds)", 2, 24 * 3600),
    Setting("confirm_over", int, 5, "Ask before resubmitting more rows than (0: never)", 0, 10**9),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def _default(name: str) -> Any:
    return _BY_NAME[name].default


@dataclass(slots=True)
class SiteEntry:
    name: str
    root: str  # inbox root, e.g. \\SERVER\SMS_ABC\inboxes
    ccm_log: str = ""  # the site server's ccm.log (file or its folder); "" = ../Logs/ccm.log


@dataclass(slots=True)
class Config:
    sites: list[SiteEntry] = field(default_factory=list)
    default_site: str = _default("default_site")  # a site's name; "" is the built-in sandbox
    always_install: bool = _default("always_install")  # Forced CCR=TRUE on new requests
    poll_seconds: int = _default("poll_seconds")  # GUI rescans (shares miss change events)
    confirm_over: int = _default("confirm_over")  # ask before resubmitting more rows; 0 never
    # what was wrong with the file (each such setting has its default); never saved
    problems: list[str] = field(default_factory=list, compare=False, repr=False)

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

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "sites": [{"name": s.name, "root": s.root, "ccm_log": s.ccm_log} for s in self.sites]
        }
        for s in SETTINGS:
            data[s.name] = getattr(self, s.name)
        return data


def config_path() -> Path:
    return paths.config_dir() / FILE_NAME


def load_config() -> Config:
    """The saved preferences: defaults when there is no file; for a damaged one, every
    valid setting and the default for the rest, with :attr:`Config.problems` saying
    what was wrong. Never raises for the file's content or kind."""
    path = config_path()
    try:
        raw = read_regular_file(path, MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        return _defaults_because(path, f"cannot be read ({exc.strerror or exc})")
    if len(raw) > MAX_CONFIG_BYTES:
        return _defaults_because(path, f"is larger than {MAX_CONFIG_BYTES // 1024} KB")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        return _defaults_because(path, f"is not valid JSON ({_short(exc)})")
    if not isinstance(data, dict):
        return _defaults_because(path, "does not hold a JSON object")
    return _from_dict(data, path)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 120 else text[:120] + "…"


def _defaults_because(path: Path, why: str) -> Config:
    return Config(problems=[f"The settings file {path} {why}; using the default settings."])


def _from_dict(data: dict[str, Any], path: Path) -> Config:
    cfg = Config()
    wrong: list[str] = []
    for s in SETTINGS:
        if s.name not in data:
            continue
        value = data[s.name]
        why = s.check(value)
        if why is None:
            setattr(cfg, s.name, value)
        else:
            wrong.append(f"{s.name} {_show(value)} {why} (using {_show(s.default)})")
    sites = data.get("sites", [])
    if not isinstance(sites, list):
        wrong.append("sites is not a list (no sites used)")
        sites = []
    for i, entry in enumerate(sites, 1):
        site = _site_entry(entry)
        if site is None:
            wrong.append(f"site #{i} needs a text name and root (left out)")
        else:
            cfg.sites.append(site)
    if wrong:
        cfg.problems.append(f"The settings file {path} has problems: " + "; ".join(wrong) + ".")
    return cfg


def _site_entry(entry: object) -> SiteEntry | None:
    if not isinstance(entry, dict):
        return None
    name, root, log = entry.get("name"), entry.get("root"), entry.get("ccm_log") or ""
    if not (isinstance(name, str) and name and isinstance(root, str) and root):
        return None
    return SiteEntry(name, root, log if isinstance(log, str) else "")


def _show(value: object) -> str:
    try:
        text = json.dumps(value)
    except (ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= 40 else text[:40] + "…"


def save_config(cfg: Config) -> Path:
    """Write the preferences atomically (temp file + replace)."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(cfg.to_json(), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
