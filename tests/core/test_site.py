"""Opening a site's inboxes and choosing which site a command works on."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from ccrgui.core.config import Config, SiteEntry, save_config
from ccrgui.core.resolve import ENV_SITE, resolve_site
from ccrgui.core.sandbox import SANDBOX_NAME, sandbox_root
from ccrgui.core.site import SiteError, explain_os_error, open_site


def _make_site(root: Path, pending: str = "ccr.box", retry: str = "ccrretry.box") -> Path:
    (root / pending).mkdir(parents=True)
    (root / retry).mkdir()
    return root


def test_open_inbox_root(tmp_path: Path) -> None:
    root = _make_site(tmp_path / "inboxes")
    site = open_site(root, "ABC")
    assert (site.name, site.root, site.pending, site.retry) == (
        "ABC",
        root,
        root / "ccr.box",
        root / "ccrretry.box",
    )
    assert site.box("pending") == site.pending and site.box("retry") == site.retry
    assert not site.sandbox and site.label == "ABC"


def test_open_share_root_above_inboxes(tmp_path: Path) -> None:
    share = tmp_path / "SMS_ABC"
    _make_site(share / "inboxes")
    site = open_site(share)
    assert site.root == share / "inboxes"
    assert site.name == "SMS_ABC"  # named after the share, not after "inboxes"


def test_box_names_are_found_case_insensitively(tmp_path: Path) -> None:
    _make_site(tmp_path / "Inboxes", pending="CCR.BOX", retry="CcrRetry.Box")
    site = open_site(tmp_path)
    assert site.pending == tmp_path / "Inboxes" / "CCR.BOX"
    assert site.retry == tmp_path / "Inboxes" / "CcrRetry.Box"


def test_missing_root_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="cannot be found"):
        open_site(tmp_path / "nope")


def test_root_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(SiteError, match="is a file"):
        open_site(tmp_path / "f")


def test_missing_box_is_named_and_never_created(tmp_path: Path) -> None:
    (tmp_path / "ccr.box").mkdir()
    with pytest.raises(SiteError, match=r"no ccrretry\.box"):
        open_site(tmp_path)
    assert os.listdir(tmp_path) == ["ccr.box"]
    (tmp_path / "ccr.box").rmdir()
    with pytest.raises(SiteError, match=r"no ccr\.box and no ccrretry\.box"):
        open_site(tmp_path)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("box", ["ccrretry.box", "CCR.BOX"])
def test_a_box_given_as_the_site_names_the_folder_to_give(tmp_path: Path, box: str) -> None:
    root = _make_site(tmp_path / "inboxes")
    given = root / box
    given.mkdir(exist_ok=True)  # CCR.BOX beside ccr.box where names are case-sensitive
    with pytest.raises(SiteError, match="is a box, not a site") as info:
        open_site(given)
    assert f"give the folder that holds it, {root}, as the site" in str(info.value)


def test_a_file_named_like_a_box_is_not_a_box(tmp_path: Path) -> None:
    (tmp_path / "ccr.box").write_text("")
    (tmp_path / "ccrretry.box").mkdir()
    with pytest.raises(SiteError, match=r"no ccr\.box"):
        open_site(tmp_path)


def test_unknown_box_name() -> None:
    site = open_site(_make_site(Path(os.environ["CCRGUI_CONFIG_DIR"]) / "s"))
    with pytest.raises(ValueError, match="unknown box"):
        site.box("inproc")


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (PermissionError(errno.EACCES, "Permission denied", "/x"), "may write"),
        (OSError(errno.EROFS, "Read-only file system", "/x"), "read-only"),
        (FileNotFoundError(errno.ENOENT, "No such file", "/x"), "offline"),
        (OSError(errno.EHOSTUNREACH, "No route to host"), "unreachable"),
        (OSError(errno.EIO, "Input/output error"), "unreachable"),
        (OSError(errno.ENOSPC, "No space left"), "full"),
    ],
)
def test_os_errors_are_explained(exc: OSError, words: str) -> None:
    text = explain_os_error(exc, "write PC1.ccr")
    assert text.startswith("Could not write PC1.ccr: ")
    assert (exc.strerror or "") in text
    assert words in text


# --------------------------------------------------------------------------- resolve order


def test_resolve_falls_back_to_the_sandbox_with_demo_requests() -> None:
    site = resolve_site(None)
    assert site.sandbox and site.name == SANDBOX_NAME and "sandbox" in site.label
    assert site.root == sandbox_root()
    assert len(list(site.retry.glob("*.ccr"))) >= 5
    assert os.listdir(site.pending) == []


def test_resolve_order_arg_then_env_then_default_then_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arg, env, default = (_make_site(tmp_path / n) for n in ("arg", "env", "default"))
    save_config(Config(sites=[SiteEntry("Main", str(default))], default_site="Main"))
    monkeypatch.setenv(ENV_SITE, str(env))

    assert resolve_site(str(arg)).root == arg
    assert resolve_site(None).root == env
    monkeypatch.delenv(ENV_SITE)
    assert resolve_site(None).root == default
    assert resolve_site(None).name == "Main"
    save_config(Config())
    assert resolve_site(None).sandbox


def test_site_argument_may_name_a_configured_site(tmp_path: Path) -> None:
    root = _make_site(tmp_path / "x")
    save_config(Config(sites=[SiteEntry("Lab", str(root))]))
    site = resolve_site("lab")
    assert (site.name, site.root) == ("Lab", root)


def test_explicit_folder_works_with_a_damaged_config(tmp_path: Path) -> None:
    root = _make_site(tmp_path / "x")
    cfg = Path(os.environ["CCRGUI_CONFIG_DIR"]) / "config.json"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("{damaged")
    assert resolve_site(str(root)).root == root


def test_configured_default_that_vanished_is_an_error_not_the_sandbox(tmp_path: Path) -> None:
    save_config(Config(sites=[SiteEntry("Main", str(tmp_path / "gone"))], default_site="Main"))
    with pytest.raises(SiteError, match="cannot be found"):
        resolve_site(None)
