"""Queueing and moving requests on a real SMB share (Samba), as on a site server."""

from __future__ import annotations

import os
import time

import pytest

from ccrgui.core.ccr import new_request, serialize
from ccrgui.core.queue import QueueStatus, queue_requests
from ccrgui.core.safefs import rename_no_clobber
from ccrgui.core.site import Site, SiteError, open_site
from tests.smbshare import SambaShare

pytestmark = pytest.mark.samba


def test_queue_on_share_lands_complete_bytes_on_the_server(smb_site: SambaShare) -> None:
    site = open_site(smb_site.client_root)
    assert site.pending.parent.name == "inboxes"  # found through \\SERVER\SMS_ABC

    outcomes = queue_requests(site, ["PC1", "wks-02.corp.example"])

    assert [o.status for o in outcomes] == [QueueStatus.QUEUED, QueueStatus.QUEUED]
    on_server = smb_site.server_root / "inboxes" / "ccr.box"
    assert sorted(os.listdir(on_server)) == ["PC1.ccr", "wks-02.corp.example.ccr"]
    assert (on_server / "PC1.ccr").read_bytes() == serialize(new_request("PC1"))


def test_queue_on_share_never_overwrites_a_pending_request(smb_site: SambaShare) -> None:
    on_server = smb_site.server_root / "inboxes" / "ccr.box"
    (on_server / "pc1.ccr").write_bytes(b"original")
    site = open_site(smb_site.client_root)

    (outcome,) = queue_requests(site, ["PC1"])

    assert outcome.status == QueueStatus.ALREADY_QUEUED
    assert os.listdir(on_server) == ["pc1.ccr"]
    assert (on_server / "pc1.ccr").read_bytes() == b"original"


def test_rename_over_smb_refuses_to_clobber(smb_site: SambaShare) -> None:
    inboxes = smb_site.server_root / "inboxes"
    (inboxes / "ccrretry.box" / "PC1.ccr").write_bytes(b"retry copy")
    (inboxes / "ccr.box" / "PC1.ccr").write_bytes(b"pending copy")
    site = open_site(smb_site.client_root)

    with pytest.raises(FileExistsError):
        rename_no_clobber(site.retry / "PC1.ccr", site.pending / "PC1.ccr")

    assert (inboxes / "ccrretry.box" / "PC1.ccr").read_bytes() == b"retry copy"
    assert (inboxes / "ccr.box" / "PC1.ccr").read_bytes() == b"pending copy"


def test_read_only_share_reports_access_and_writes_nothing(smb_site: SambaShare) -> None:
    site = open_site(smb_site.readonly_root)

    (outcome,) = queue_requests(site, ["PC1"])

    assert outcome.status == QueueStatus.FAILED
    assert "write" in outcome.reason.lower()
    assert os.listdir(smb_site.server_root / "inboxes" / "ccr.box") == []


def test_site_server_down_is_a_clear_error_and_recovers(smb_site: SambaShare) -> None:
    smb_site.stop_server()
    with pytest.raises(SiteError, match=r"unreachable"):
        open_site(smb_site.client_root)

    smb_site.start_server()
    site = _open_when_back(smb_site)
    assert site.retry.is_dir()


def _open_when_back(share: SambaShare, timeout: float = 30.0) -> Site:
    """The client reconnects on its own once the server is back; give it a moment."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return open_site(share.client_root)
        except SiteError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
