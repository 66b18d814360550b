"""Which site a command or window works on: an explicit ``--site`` (a configured site's
name or a folder), then ``$CCRGUI_SITE``, then the default site chosen in Settings (a
configured site, or the built-in sandbox: ``Config.default_entry``)."""

from __future__ import annotations

import os
from pathlib import Path

from .config import Config, load_config
from .site import Site, open_site

__all__ = ["ENV_SITE", "ccm_log_location", "resolve_site", "site_ccm_log"]

ENV_SITE = "CCRGUI_SITE"


def resolve_site(arg: str | None = None, cfg: Config | None = None) -> Site:
    """Open the chosen site. Raises SiteError (or ConfigError) with a message for people."""
    if arg is None:
        arg = os.environ.get(ENV_SITE) or None
    if arg is not None:
        cfg = cfg if cfg is not None else _maybe_config()
        entry = cfg.find_site(arg) if cfg else None
        if entry is not None:
            return open_site(entry.root, entry.name)
        return open_site(arg)
    cfg = cfg if cfg is not None else load_config()
    entry = cfg.default_entry()
    if entry is not None:
        return open_site(entry.root, entry.name)
    from .sandbox import ensure_sandbox  # writes sample files: not needed for a named site

    return ensure_sandbox()


def site_ccm_log(site: Site, cfg: Config | None = None) -> Path:
    """Where ``site``'s ccm.log is: the site's own setting (a file, or the folder holding
    ccm.log), else ``<inbox root>/../Logs/ccm.log``."""
    return ccm_log_location(site.root, site.name, cfg)


def ccm_log_location(inbox_root: Path, site_name: str, cfg: Config | None = None) -> Path:
    """:func:`site_ccm_log` for a site known by its inbox root and name. Touches the disk
    (case-insensitive lookups): call it off the GUI thread."""
    from .ccmlog import LOG_NAME, default_log_path, find_file  # not needed to open a site

    cfg = cfg if cfg is not None else _maybe_config()
    entry = cfg.find_site(site_name) if cfg and site_name else None
    if entry is not None and entry.ccm_log and _same_root(entry.root, inbox_root):
        configured = Path(entry.ccm_log).expanduser()
        if configured.is_dir():
            return find_file(configured, LOG_NAME) or configured / LOG_NAME
        return configured
    return default_log_path(inbox_root)


def _same_root(root: str, inbox_root: Path) -> bool:
    given = Path(root).expanduser()
    return given in (inbox_root, inbox_root.parent) or given.resolve() in (
        inbox_root.resolve(),
        inbox_root.parent.resolve(),
    )


def _maybe_config() -> Config | None:
    try:
        return load_config()
    except Exception:  # a damaged config must not stop an explicit --site DIR
        return None
