"""Preferences shared by GUI and CLI: JSON in the folder CCRGUI_CONFIG_DIR points to."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ccrgui.core import paths
from ccrgui.core.config import (
    Config,
    ConfigError,
    SiteEntry,
    config_path,
    load_config,
    save_config,
)


def test_no_file_gives_defaults() -> None:
    cfg = load_config()
    assert cfg == Config()
    assert (cfg.sites, cfg.default_site, cfg.always_install) == ([], "", True)
    assert cfg.default_entry() is None


def test_one_variable_moves_all_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCRGUI_CONFIG_DIR", str(tmp_path / "state"))
    assert config_path() == tmp_path / "state" / "config.json"
    assert paths.data_dir() == tmp_path / "state" / "data"
    assert paths.log_dir() == tmp_path / "state" / "logs"


def test_save_and_load_round_trip() -> None:
    cfg = Config(
        sites=[SiteEntry("ABC", r"\\SERVER\SMS_ABC\inboxes"), SiteEntry("Lab", "/srv/lab")],
        default_site="Lab",
        always_install=False,
        poll_seconds=30,
        confirm_over=0,
    )
    path = save_config(cfg)
    assert path == config_path()
    assert load_config() == cfg
    assert os.listdir(path.parent) == ["config.json"]  # no temporary left behind
    assert json.loads(path.read_text())["sites"][0] == {
        "name": "ABC",
        "root": r"\\SERVER\SMS_ABC\inboxes",
        "ccm_log": "",
    }


def test_a_sites_ccm_log_location_is_kept() -> None:
    cfg = Config(sites=[SiteEntry("ABC", "/srv/abc/inboxes", r"\\SERVER\SMS_ABC\Logs")])
    save_config(cfg)
    assert load_config().sites[0].ccm_log == r"\\SERVER\SMS_ABC\Logs"


def test_find_site_is_case_insensitive() -> None:
    cfg = Config(sites=[SiteEntry("ABC", "/a"), SiteEntry("Lab", "/b")])
    assert cfg.find_site("lab") == SiteEntry("Lab", "/b")
    assert cfg.find_site("nope") is None
    cfg.default_site = "LAB"
    assert cfg.default_entry() == SiteEntry("Lab", "/b")


def test_the_sandbox_stays_the_default_when_sites_are_added() -> None:
    # Settings shows "(built-in sandbox)" for default_site ""; the app and ccr use just that
    cfg = Config(sites=[SiteEntry("ABC", "/a"), SiteEntry("Lab", "/b")], default_site="")
    assert cfg.default_entry() is None


def test_a_default_that_names_no_site_is_an_error_not_a_guess() -> None:
    cfg = Config(sites=[SiteEntry("ABC", "/a")], default_site="gone")
    with pytest.raises(ConfigError, match=r"default site 'gone' is not one of .*\(ABC\)"):
        cfg.default_entry()


def test_out_of_range_numbers_are_clamped() -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(json.dumps({"poll_seconds": 0, "confirm_over": -3, "extra": 1}))
    cfg = load_config()
    assert (cfg.poll_seconds, cfg.confirm_over) == (2, 0)


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '"text"',
        '{"sites": [{"name": "x"}]}',
        '{"sites": 5}',
        '{"sites": ["abc"]}',
        '{"poll_seconds": "often"}',
    ],
)
def test_damaged_file_is_a_clear_error(text: str) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(text)
    with pytest.raises(ConfigError, match="damaged"):
        load_config()


def test_unreadable_file_is_a_clear_error() -> None:
    config_path().mkdir(parents=True)  # a folder where the file should be
    with pytest.raises(ConfigError, match="Cannot read settings file"):
        load_config()
