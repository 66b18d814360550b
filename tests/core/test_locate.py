"""Where a CCR file lives: a configured site's retry or pending box, a site's box that is
not configured, or any other folder."""

from __future__ import annotations

from pathlib import Path

from ccrgui.core.config import Config, SiteEntry
from ccrgui.core.locate import FileLocation, locate_file
from ccrgui.core.site import BoxKind, path_key, same_path


def inboxes(root: Path, retry: str = "ccrretry.box", pending: str = "ccr.box") -> Path:
    (root / retry).mkdir(parents=True)
    (root / pending).mkdir()
    return root


def test_a_configured_sites_boxes_are_named(tmp_path: Path) -> None:
    root = inboxes(tmp_path / "SMS_ABC" / "inboxes", retry="CcrRetry.Box")
    cfg = Config(sites=[SiteEntry("ABC", str(tmp_path / "SMS_ABC"))])  # the parent works too
    found = locate_file(root / "CcrRetry.Box" / "PC1.ccr", cfg)
    assert found == FileLocation(BoxKind.RETRY, root, "ABC")
    assert found.in_retry_box and found.describe() == "In the retry box of ABC"
    pending = locate_file(root / "ccr.box" / "PC1.ccr", cfg)
    assert pending.box == BoxKind.PENDING and pending.describe() == "Waiting in ccr.box of ABC"


def test_an_unconfigured_site_is_still_a_site(tmp_path: Path) -> None:
    root = inboxes(tmp_path / "copy")
    found = locate_file(root / "ccrretry.box" / "PC1.ccr", Config())
    assert found == FileLocation(BoxKind.RETRY, root, "")
    assert found.describe() == "In the retry box of a site"


def test_a_box_without_its_sibling_or_any_other_folder_is_nowhere(tmp_path: Path) -> None:
    (tmp_path / "lonely" / "ccrretry.box").mkdir(parents=True)
    assert locate_file(tmp_path / "lonely" / "ccrretry.box" / "x.ccr", Config()) == FileLocation()
    assert locate_file(tmp_path / "Downloads" / "x.ccr", Config()).describe() == ""


def test_one_key_for_one_file_however_it_is_spelt(tmp_path: Path) -> None:
    a = tmp_path / "box" / "PC1.ccr"
    assert path_key(a) == path_key(tmp_path / "box" / ".." / "box" / "PC1.ccr")
    assert same_path(str(a), a) and not same_path(a, tmp_path / "box" / "PC2.ccr")
    assert BoxKind.of_folder("CCR.BOX") is BoxKind.PENDING and BoxKind.of_folder("x") is None
