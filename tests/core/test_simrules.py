"""The simulated site server's outcome rules and its network-folder check."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccrgui.core.mounts import filesystem_type, network_location, real_site_inboxes
from ccrgui.core.simrules import DEFAULT_RULES, RulesError, load_rules, parse_rules


@pytest.mark.parametrize(
    ("machine", "attempt", "code"),
    [
        ("LAB-OFF-01", 1, 53),
        ("lab-off-01", 9, 53),
        ("HR-DENY-2", 1, 5),
        ("SRV-AUTH-1", 1, 1326),
        ("MAC-NONAME", 1, 67),
        ("WKS-RPC-7", 1, -2147023174),
        ("LAB-FLAKY-6", 1, 53),
        ("LAB-FLAKY-6", 2, None),
        ("PC-0042", 1, None),
        ("OFFICE-DENY", 1, 53),  # the first rule that matches wins: OFF before DENY
    ],
)
def test_built_in_rules(machine: str, attempt: int, code: int | None) -> None:
    assert DEFAULT_RULES.outcome(machine, attempt) == code


def test_rules_file_format(tmp_path: Path) -> None:
    path = tmp_path / "rules.txt"
    path.write_text(
        "\ufeff# lab rules\n\nKIOSK  0x80041001   # WMI broken\nlab 5 once\n*  installed\n",
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert rules.source == str(path)
    assert rules.outcome("kiosk-3", 1) == -2147217407  # written signed, as CCM does
    assert rules.outcome("LAB1", 1) == 5 and rules.outcome("LAB1", 2) is None
    assert rules.outcome("PC", 1) is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("DENY\n", "line 1: write WORD OUTCOME [once]"),
        ("# x\nDENY five\n", "line 2: 'five' is neither 'installed' nor an error code"),
        ("DENY 0\n", "0 is not an error"),
        ("DENY 5 twice\n", "only 'once' may follow"),
        ("DE/NY 5\n", "is not a WORD"),
        ("PC installed once\n", "'installed once' means nothing"),
        ("DENY 0x1FFFFFFFF\n", "neither 'installed' nor an error code"),
        ("# only comments\n", "no rules in it"),
    ],
)
def test_bad_rules_say_which_line_and_why(text: str, words: str) -> None:
    with pytest.raises(RulesError, match=r"^my\.rules") as info:
        parse_rules(text, "my.rules")
    assert words in str(info.value)


def test_unreadable_rules_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rules(tmp_path / "missing.txt")


MOUNTINFO = r"""22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
30 22 0:40 / /mnt/site rw,relatime shared:2 - cifs //srv/SMS_ABC rw,vers=3.0
31 22 0:41 / /mnt/nfs\040home rw shared:3 - nfs4 srv:/home rw
32 30 0:42 / /mnt/site/local rw shared:4 - tmpfs tmpfs rw
33 22 0:43 / /mnt/ssh rw shared:5 - fuse.sshfs me@host:/ rw
"""


@pytest.mark.parametrize(
    ("path", "fstype"),
    [
        ("/home/me/site", "ext4"),
        ("/mnt/site/inboxes", "cifs"),
        ("/mnt/sitex", "ext4"),  # a prefix of a name is not the mount
        ("/mnt/nfs home/x", "nfs4"),  # \040 is a space
        ("/mnt/site/local/inboxes", "tmpfs"),  # the deepest mount wins
        ("/mnt/ssh/inboxes", "fuse.sshfs"),
    ],
)
def test_filesystem_type_from_mountinfo(tmp_path: Path, path: str, fstype: str) -> None:
    info = tmp_path / "mountinfo"
    info.write_text(MOUNTINFO)
    assert filesystem_type(path, str(info)) == fstype


@pytest.mark.parametrize(
    ("path", "words"),
    [
        (r"\\SERVER\SMS_ABC\inboxes", "UNC path"),
        ("//SERVER/SMS_ABC/inboxes", "UNC path"),
        ("smb://server/SMS_ABC/inboxes", "smb:// URL"),
    ],
)
def test_network_locations_by_name(path: str, words: str) -> None:
    assert words in (network_location(path) or "")


def test_a_local_folder_is_not_a_network_location(tmp_path: Path) -> None:
    assert network_location(str(tmp_path)) is None


def test_real_site_inboxes_are_told_from_a_test_site(tmp_path: Path) -> None:
    for name in ("ccr.box", "ccrretry.box"):
        (tmp_path / name).mkdir()
    assert real_site_inboxes(tmp_path) == []
    (tmp_path / "DDM.BOX").mkdir()
    (tmp_path / "auth").mkdir()
    (tmp_path / "statmgr.box.txt").write_text("a file, not an inbox")
    assert real_site_inboxes(tmp_path) == ["auth", "DDM.BOX"]
    assert real_site_inboxes(tmp_path / "missing") == []
