"""Resubmit when ccr.box and ccrretry.box sit on different volumes (a junction or DFS link
on a real site), and the brief's spelling of the API (``mode=``, ``cancel=``).

Across volumes a rename is impossible (EXDEV); the move copies into a temporary name in
ccr.box, flushes, renames, then deletes the retry file. A crash between the last two steps
leaves the request in both boxes: the one documented duplicate, never a loss. Here the
retry box is on the test's disk and ccr.box on /dev/shm (tmpfs), a real second volume.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.core import safefs
from ccrgui.core.ccr import new_request, serialize
from ccrgui.core.resubmit import ResubmitStatus, resubmit, undo
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.core.site import Site, open_site

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


@pytest.fixture
def site(tmp_path: Path) -> Site:
    (tmp_path / "ccr.box").mkdir()
    (tmp_path / "ccrretry.box").mkdir()
    return open_site(tmp_path, "ABC")


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


def test_crash_between_copy_and_delete_leaves_a_duplicate_not_a_loss(
    split_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _retry_file(split_site, "PC1")
    original = src.read_bytes()

    def crash(path: str | os.PathLike[str]) -> None:
        raise SystemExit("power cut")  # the process dies: no handler may run

    monkeypatch.setattr(safefs.os, "unlink", crash)
    with pytest.raises(SystemExit):
        resubmit(split_site, [src])
    monkeypatch.undo()

    assert src.read_bytes() == original  # still in the retry box
    assert _listing(split_site.pending) == ["PC1.ccr"]  # and complete in ccr.box
    assert (split_site.pending / "PC1.ccr").read_bytes() == original


def test_undo_across_volumes(split_site: Site) -> None:
    src = _retry_file(split_site, "PC1")
    original = src.read_bytes()
    batch = resubmit(split_site, [src])
    (outcome,) = undo(batch).outcomes
    assert outcome.status == S.MOVED_BACK
    assert _listing(split_site.pending) == []
    assert _listing(split_site.retry) == ["PC1.ccr"]
    assert src.read_bytes() == original


def test_source_taken_after_the_copy_is_not_an_error(
    split_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site server (or another admin) takes the retry file while we copy it."""
    src = _retry_file(split_site, "PC1")
    real_write = safefs.write_new_file

    def write_then_someone_takes_the_source(folder: Path, name: str, data: bytes) -> Path:
        path = real_write(folder, name, data)
        src.unlink()
        return path

    monkeypatch.setattr(safefs, "write_new_file", write_then_someone_takes_the_source)
    (outcome,) = resubmit(split_site, [src]).outcomes
    assert outcome.status == S.RESUBMITTED
    assert _listing(split_site.pending) == ["PC1.ccr"]


# --------------------------------------------------------------------------- the API


def test_mode_new_and_cancel_are_accepted(site: Site) -> None:
    paths = [_retry_file(site, m) for m in ("PC1", "PC2", "PC3")]
    asked: list[int] = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 2  # asked before each file: stop before the third

    result = resubmit(site, paths, mode="new", forced=False, cancel=cancel)

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
    (outcome,) = resubmit(site, [src], mode="retry").outcomes
    assert outcome.status == S.RESUBMITTED
    assert (site.pending / "PC1.ccr").read_bytes() == original  # moved, not rewritten


def test_unknown_mode_is_refused_before_touching_anything(site: Site) -> None:
    src = _retry_file(site, "PC1")
    with pytest.raises(ValueError, match="unknown resubmit mode"):
        resubmit(site, [src], mode="later")
    assert src.exists() and _listing(site.pending) == []
