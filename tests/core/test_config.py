"""Preferences shared by GUI and CLI: JSON in the folder CCRGUI_CONFIG_DIR points to."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ccrgui.core import paths
from ccrgui.core.config import (
    SETTINGS,
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


def test_out_of_range_numbers_fall_back_to_their_defaults() -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(json.dumps({"poll_seconds": 0, "confirm_over": -3, "extra": 1}))
    cfg = load_config()
    assert (cfg.poll_seconds, cfg.confirm_over) == (10, 5)
    (problem,) = cfg.problems
    assert "poll_seconds 0 is below the minimum 2" in problem
    assert "confirm_over -3 is below the minimum 0" in problem


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{not json", "is not valid JSON"),
        ("[]", "does not hold a JSON object"),
        ('"text"', "does not hold a JSON object"),
        ("[" * 100_000 + "]" * 100_000, "is not valid JSON"),  # deep nesting
        ('{"a":' * 50_000 + "1" + "}" * 50_000, "is not valid JSON"),
        (b"\xff\xfe{}".decode("latin-1"), "is not valid JSON"),
    ],
)
def test_a_damaged_file_says_why_once_and_gives_the_defaults(text: str, said: str) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(text, encoding="latin-1")
    cfg = load_config()  # issue 9: RecursionError and friends ended every command
    assert (cfg.poll_seconds, cfg.always_install, cfg.sites) == (10, True, [])
    (problem,) = cfg.problems
    assert said in problem and str(config_path()) in problem


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"poll_seconds": 1e400}, "poll_seconds Infinity is not a whole number"),
        ({"poll_seconds": "often"}, 'poll_seconds "often" is not a whole number'),
        ({"poll_seconds": True}, "poll_seconds true is not a whole number"),
        ({"always_install": "no"}, 'always_install "no" is not true or false'),
        ({"default_site": 5}, "default_site 5 is not text"),
        ({"sites": 5}, "sites is not a list"),
        ({"sites": ["abc"]}, "site #1 needs a text name and root"),
        ({"sites": [{"name": "x"}]}, "site #1 needs a text name and root"),
    ],
)
def test_a_wrong_value_is_named_and_only_that_setting_is_defaulted(
    data: dict[str, object], said: str
) -> None:
    good = {"confirm_over": 42, "sites": [{"name": "Lab", "root": "/srv/lab"}]}
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(json.dumps({**good, **data}))
    cfg = load_config()
    assert cfg.confirm_over == 42  # the good settings are kept
    if "sites" not in data:
        assert [s.name for s in cfg.sites] == ["Lab"]
    assert cfg.always_install is True and cfg.poll_seconds == 10
    (problem,) = cfg.problems
    assert said in problem


@pytest.mark.parametrize("make", ["folder", "fifo"])
def test_a_folder_or_pipe_in_place_of_the_file_gives_defaults(make: str) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    if make == "folder":
        config_path().mkdir()
    else:
        os.mkfifo(config_path())  # open() would wait forever
    cfg = load_config()
    assert cfg == Config()
    (problem,) = cfg.problems
    assert "cannot be read" in problem


def test_every_setting_is_declared_once_with_its_default() -> None:
    assert {s.name for s in SETTINGS} == {
        "default_site",
        "always_install",
        "poll_seconds",
        "confirm_over",
    }
    defaults = Config()
    for s in SETTINGS:
        assert getattr(defaults, s.name) == s.default
        assert s.check(s.default) is None
        assert s.label
