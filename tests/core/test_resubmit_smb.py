"""Resubmitting on a real SMB share (Samba), as on a site server's inboxes."""

from __future__ import annotations

import os
import time
from datetime import datetime

import pytest

from ccrgui.core.resubmit import ResubmitMode, ResubmitStatus, resubmit, undo
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.core.scan import read_box
from ccrgui.core.site import SiteError, open_site
from tests.smbshare import SambaShare

pytestmark = pytest.mark.samba


def _put(share: SambaShare, machine: str) -> bytes:
    data = demo_retry_request(machine, "CORP", "10.0.0.1", 53, 9, datetime(2026, 1, 5, 8))
    (share.server_root / "inboxes" / "ccrretry.box" / f"{machine}.ccr").write_bytes(data)
    return data


def test_resubmit_and_undo_over_smb_move_the_same_bytes(smb_site: SambaShare) -> None:
    sent = {f"{m}.ccr": _put(smb_site, m) for m in ("PC1", "PC2", "PC3")}
    on_server = smb_site.server_root / "inboxes"
    (on_server / "ccr.box" / "PC3.ccr").write_bytes(b"already pending")
    site = open_site(smb_site.client_root)

    batch = resubmit(site, read_box(site.retry))

    assert [o.status for o in batch.outcomes] == [
        ResubmitStatus.RESUBMITTED,
        ResubmitStatus.RESUBMITTED,
        ResubmitStatus.ALREADY_QUEUED,
    ]
    assert sorted(os.listdir(on_server / "ccr.box")) == ["PC1.ccr", "PC2.ccr", "PC3.ccr"]
    assert os.listdir(on_server / "ccrretry.box") == ["PC3.ccr"]
    for name in ("PC1.ccr", "PC2.ccr"):
        assert (on_server / "ccr.box" / name).read_bytes() == sent[name]
    assert (on_server / "ccr.box" / "PC3.ccr").read_bytes() == b"already pending"

    (on_server / "ccr.box" / "PC2.ccr").unlink()  # the site server took PC2
    back = undo(batch)

    assert [o.status for o in back.outcomes] == [
        ResubmitStatus.MOVED_BACK,
        ResubmitStatus.ALREADY_PROCESSED,
    ]
    assert sorted(os.listdir(on_server / "ccrretry.box")) == ["PC1.ccr", "PC3.ccr"]
    assert (on_server / "ccrretry.box" / "PC1.ccr").read_bytes() == sent["PC1.ccr"]


def test_resubmit_new_over_smb(smb_site: SambaShare) -> None:
    _put(smb_site, "PC1")
    site = open_site(smb_site.client_root)
    (outcome,) = resubmit(site, read_box(site.retry), mode=ResubmitMode.NEW).outcomes
    assert outcome.status == ResubmitStatus.RESUBMITTED, outcome.reason
    on_server = smb_site.server_root / "inboxes"
    assert os.listdir(on_server / "ccr.box") == ["PC1.ccr"]
    assert os.listdir(on_server / "ccrretry.box") == []


def test_read_only_share_keeps_the_retry_files(smb_site: SambaShare) -> None:
    sent = _put(smb_site, "PC1")
    site = open_site(smb_site.readonly_root)

    (outcome,) = resubmit(site, read_box(site.retry)).outcomes

    assert outcome.status == ResubmitStatus.FAILED
    assert "Could not move PC1.ccr" in outcome.reason
    on_server = smb_site.server_root / "inboxes"
    assert os.listdir(on_server / "ccr.box") == []
    assert (on_server / "ccrretry.box" / "PC1.ccr").read_bytes() == sent


def test_site_server_going_down_mid_batch_keeps_the_rest(smb_site: SambaShare) -> None:
    sent = {m: _put(smb_site, m) for m in ("PC1", "PC2", "PC3")}
    site = open_site(smb_site.client_root)

    def server_dies_after_first(done: int, total: int, outcome: object) -> None:
        if done == 1:
            smb_site.stop_server()

    try:
        batch = resubmit(site, read_box(site.retry), progress=server_dies_after_first)
    finally:
        _bring_back(smb_site)

    assert [o.status for o in batch.outcomes] == [
        ResubmitStatus.RESUBMITTED,
        ResubmitStatus.FAILED,
        ResubmitStatus.FAILED,
    ]
    assert all("Could not move" in o.reason for o in batch.outcomes[1:])
    on_server = smb_site.server_root / "inboxes"
    assert os.listdir(on_server / "ccr.box") == ["PC1.ccr"]
    assert sorted(os.listdir(on_server / "ccrretry.box")) == ["PC2.ccr", "PC3.ccr"]
    for m in ("PC2", "PC3"):
        assert (on_server / "ccrretry.box" / f"{m}.ccr").read_bytes() == sent[m]


def _bring_back(share: SambaShare, timeout: float = 30.0) -> None:
    """Restart the server and wait until the client's mount works again, so the next
    test finds the share as it was."""
    share.start_server()
    deadline = time.monotonic() + timeout
    while True:
        try:
            open_site(share.client_root)
            return
        except SiteError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
