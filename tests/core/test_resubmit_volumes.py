"""Resubmit when ccr.box and ccrretry.box sit on different volumes (a junction or DFS link
on a real site), and the brief's spelling of the API (``mode=``, ``cancel=``).

Across volumes a rename is impossible (EXDEV); the claimed retry file is copied into a
temporary name in ccr.box and flushed, the claim is marked sent, the copy renamed into
place, and the mark deleted (see ccrgui.core.claim): a crash anywhere leaves a state the
next run resolves, never a loss and never a duplicate. Here the
retry box is on the test's disk and ccr.box on /dev/shm (tmpfs), a real second volume.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.core import claim
from ccrgui.core.ccr import new_request, serialize
from ccrgui.core.resubmit import ResubmitMode, ResubmitStatus, recover_site, resubmit, undo
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.core.site import Site

S = ResubmitStatus


@pytest.fixture
def split_site(tmp_path: Path) -> Iterator[Site]:
    retry = tmp_path / "ccrretry.box"
    retry.mkdir()
    pending = Path("/dev/shm") / f"ccrgui-test-{os.getpid()}-{tmp_path.name}" / "ccr.box"
    pending.mkdir(parents=True)
    assert os.stat(pending).st_dev != os.stat(retry).st_dev, "need two volumes"
    try:
        yield Site("split", tmp_path, pending, retry)
    finally:
        shutil.rmtree(pending.parent)


def _retry_file(site: Site, machine: str) -> Path:
    path = site.retry / f"{machine}.ccr"
    path.write_bytes(demo_retry_request(machine, "CORP", "10.0.0.1", 53, 4, datetime(2026, 1, 5)))
    return path


def _listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def test_retry_now_across_volumes_moves_the_same_bytes(split_site: Site) -> None:
    paths = [_retry_file(split_site, m) for m in ("PC1", "PC2")]
    before = {p.name: p.read_bytes() for p in paths}

    result = resubmit(split_site, paths)

    assert [o.status for o in result.outcomes] == [S.RESUBMITTED, S.RESUBMITTED]
    assert _listing(split_site.retry) == []
    assert _listing(split_site.pending) == ["PC1.ccr", "PC2.ccr"]  # no temporaries
    assert {n: (split_site.pending / n).read_bytes() for n in before} == before


def test_across_volumes_a_pending_request_is_never_overwritten(split_site: Site) -> None:
    src = _retry_file(split_site, "PC1")
    (split_site.pending / "PC1.ccr").write_bytes(b"queued by a colleague")
    (outcome,) = resubmit(split_site, [src], cancel=lambda: False).outcomes
    assert outcome.status == S.ALREADY_QUEUED
    assert (split_site.pending / "PC1.ccr").read_bytes() == b"queued by a colleague"
    assert _listing(split_site.pending) == ["PC1.ccr"]
    assert src.exists()


def test_killed_between_copy_and_release_leaves_no_duplicate(split_site: Site) -> None:
    """Issue 9: across volumes, a process killed after the copy reached ccr.box and before
    the retry file was released used to leave the request in both boxes. The commit mark
    (``.sent``) tells the next run it was delivered."""
    src = _retry_file(split_site, "PC1")
    original = src.read_bytes()
    script = textwrap.dedent(
        """
        import os, signal, sys
        from pathlib import Path
        import ccrgui.core.claim as claim
        from ccrgui.core.resubmit import resubmit
        from ccrgui.core.site import Site
        real_unlink = os.unlink
        def unlink(path):
            if str(path).endswith(".sent"):
                os.kill(os.getpid(), signal.SIGKILL)  # a power cut, here
            real_unlink(path)
        claim.os.unlink = unlink
        site = Site("split", Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
        resubmit(site, [site.retry / "PC1.ccr"])
        """
    )
    args = [str(split_site.root), str(split_site.pending), str(split_site.retry)]
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    assert _listing(split_site.pending) == ["PC1.ccr"]  # complete in ccr.box
    assert (split_site.pending / "PC1.ccr").read_bytes() == original
    (mark,) = _listing(split_site.retry)
    assert mark.startswith(".PC1.ccr.") and mark.endswith(".sent")

    (recovered,) = recover_site(split_site)

    assert recovered.result == "already delivered"
    assert _listing(split_site.retry) == []
    assert _listing(split_site.pending) == ["PC1.ccr"]


def test_undo_across_volumes(split_site: Site) -> None:
    src = _retry_file(split_site, "PC1")
    original = src.read_bytes()
    batch = resubmit(split_site, [src])
    (outcome,) = undo(batch).outcomes
    assert outcome.status == S.MOVED_BACK
    assert _listing(split_site.pending) == []
    assert _listing(split_site.retry) == ["PC1.ccr"]
    assert src.read_bytes() == original


def test_a_second_resubmit_during_the_copy_finds_the_file_taken(
    split_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another admin resubmits the same file while ours is being copied across volumes:
    the file is claimed, so theirs says "already processed" and nothing is doubled."""
    src = _retry_file(split_site, "PC1")
    real_write = claim.write_temp_file
    theirs: list[str] = []

    def write_while_someone_else_tries(folder: Path, name: str, data: bytes, base: str) -> Path:
        theirs.extend(o.status for o in resubmit(split_site, [src]).outcomes)
        return real_write(folder, name, data, base)

    monkeypatch.setattr(claim, "write_temp_file", write_while_someone_else_tries)
    (outcome,) = resubmit(split_site, [src]).outcomes
    assert outcome.status == S.RESUBMITTED
    assert theirs == [S.ALREADY_PROCESSED]
    assert _listing(split_site.pending) == ["PC1.ccr"]
    assert _listing(split_site.retry) == []


# --------------------------------------------------------------------------- the API


def test_mode_new_and_cancel_are_accepted(site: Site) -> None:
    paths = [_retry_file(site, m) for m in ("PC1", "PC2", "PC3")]
    asked: list[int] = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 2  # asked before each file: stop before the third

    result = resubmit(site, paths, mode=ResubmitMode.NEW, forced=False, cancel=cancel)

    assert [o.status for o in result.outcomes] == [S.RESUBMITTED, S.RESUBMITTED]
    assert result.cancelled and result.not_started == paths[2:]
    assert (site.pending / "PC1.ccr").read_bytes() == serialize(new_request("PC1", forced=False))
    assert _listing(site.retry) == ["PC3.ccr"]

    back = undo(result, cancel=lambda: False)
    assert [o.status for o in back.outcomes] == [S.MOVED_BACK, S.MOVED_BACK]
    assert _listing(site.retry) == ["PC1.ccr", "PC2.ccr", "PC3.ccr"]
    assert _listing(site.pending) == []


def test_mode_retry_is_the_default(site: Site) -> None:
    src = _retry_file(site, "PC1")
    original = src.read_bytes()
    (outcome,) = resubmit(site, [src], mode=ResubmitMode.RETRY).outcomes
    assert outcome.status == S.RESUBMITTED
    assert (site.pending / "PC1.ccr").read_bytes() == original  # moved, not rewritten


def test_unknown_mode_is_refused_before_touching_anything(site: Site) -> None:
    src = _retry_file(site, "PC1")
    with pytest.raises(ValueError, match="unknown resubmit mode"):
        resubmit(site, [src], mode="later")  # type: ignore[arg-type]
    assert src.exists() and _listing(site.pending) == []
