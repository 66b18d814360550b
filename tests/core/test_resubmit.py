"""Resubmitting from ccrretry.box: both modes, undo, and the faults that could lose a
request (read-only inbox, a source that vanishes, name collisions, cancel)."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.core.activity import read_activity
from ccrgui.core.ccr import new_request, parse_file, serialize
from ccrgui.core.resubmit import (
    BatchResult,
    OutcomeKind,
    ResubmitMode,
    ResubmitOutcome,
    ResubmitStatus,
    resubmit,
    select_by_machine,
    undo,
)
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.core.scan import read_box, with_error
from ccrgui.core.site import Site, open_site
from tests.readonly_dir import unwritable

S = ResubmitStatus
MODES = {False: ResubmitMode.RETRY, True: ResubmitMode.NEW}


@pytest.fixture
def site(tmp_path: Path) -> Site:
    (tmp_path / "inboxes" / "ccr.box").mkdir(parents=True)
    (tmp_path / "inboxes" / "ccrretry.box").mkdir()
    return open_site(tmp_path / "inboxes", "ABC")


def retry_file(site: Site, machine: str, code: int = 53, file_name: str | None = None) -> Path:
    data = demo_retry_request(machine, "CORP", "10.0.0.1", code, 12, datetime(2026, 1, 5, 8))
    path = site.retry / (file_name or f"{machine}.ccr")
    path.write_bytes(data)
    return path


def boxes(site: Site) -> tuple[list[str], list[str]]:
    return sorted(os.listdir(site.retry)), sorted(os.listdir(site.pending))


# --------------------------------------------------------------------------- retry now


def test_retry_now_moves_the_very_same_bytes(site: Site) -> None:
    paths = [retry_file(site, m) for m in ("PC1", "PC2", "PC3")]
    before = {p.name: p.read_bytes() for p in paths}

    result = resubmit(site, paths)

    assert [(o.machine, o.status) for o in result.outcomes] == [
        ("PC1", S.RESUBMITTED),
        ("PC2", S.RESUBMITTED),
        ("PC3", S.RESUBMITTED),
    ]
    assert boxes(site) == ([], ["PC1.ccr", "PC2.ccr", "PC3.ccr"])
    assert {n: (site.pending / n).read_bytes() for n in before} == before
    assert result.outcomes[0].source == paths[0]
    assert result.outcomes[0].destination == site.pending / "PC1.ccr"
    assert result.succeeded == 3 and result.failed == 0 and result.ok
    assert result.summary() == "3 resubmitted"
    assert result.outcomes[0].label.startswith("resubmitted ")


def test_records_give_the_machine_name_from_inside_the_file(site: Site) -> None:
    retry_file(site, "PC1", file_name="2097152456.ccr")
    (outcome,) = resubmit(site, read_box(site.retry)).outcomes
    assert (outcome.machine, outcome.status) == ("PC1", S.RESUBMITTED)
    assert boxes(site) == ([], ["2097152456.ccr"])


def test_pending_request_of_that_name_is_never_overwritten(site: Site) -> None:
    src = retry_file(site, "PC1")
    (site.pending / "pc1.ccr").write_bytes(b"pending copy")

    (outcome,) = resubmit(site, [src]).outcomes

    assert outcome.status == S.ALREADY_QUEUED
    assert "already waiting in ccr.box" in outcome.reason
    assert boxes(site) == (["PC1.ccr"], ["pc1.ccr"])
    assert (site.pending / "pc1.ccr").read_bytes() == b"pending copy"
    assert src.read_bytes().startswith(b"[NT Client")


def test_collision_that_appears_during_the_batch_is_not_overwritten(site: Site) -> None:
    a, b = retry_file(site, "PC1"), retry_file(site, "PC2")

    def someone_queues_pc2(done: int, total: int, outcome: ResubmitOutcome) -> None:
        if done == 1:
            (site.pending / "PC2.ccr").write_bytes(b"queued by a colleague")

    result = resubmit(site, [a, b], progress=someone_queues_pc2)

    assert [o.status for o in result.outcomes] == [S.RESUBMITTED, S.ALREADY_QUEUED]
    assert boxes(site) == (["PC2.ccr"], ["PC1.ccr", "PC2.ccr"])
    assert (site.pending / "PC2.ccr").read_bytes() == b"queued by a colleague"


def test_source_deleted_between_listing_and_move_is_already_processed(site: Site) -> None:
    for m in ("PC1", "PC2", "PC3"):
        retry_file(site, m)
    listed = read_box(site.retry)
    (site.retry / "PC2.ccr").unlink()  # the site server took it meanwhile

    result = resubmit(site, listed)

    assert [o.status for o in result.outcomes] == [
        S.RESUBMITTED,
        S.ALREADY_PROCESSED,
        S.RESUBMITTED,
    ]
    assert "took it meanwhile" in result.outcomes[1].reason
    assert result.outcomes[1].ok and result.ok
    assert boxes(site) == ([], ["PC1.ccr", "PC3.ccr"])


def test_read_only_inbox_keeps_every_file_and_the_batch_goes_on(site: Site) -> None:
    paths = [retry_file(site, m) for m in ("PC1", "PC2", "PC3")]
    before = {p: p.read_bytes() for p in paths}

    with unwritable(site.pending):
        result = resubmit(site, paths)

    assert [o.status for o in result.outcomes] == [S.FAILED] * 3  # all tried, none lost
    assert all("Could not move" in o.reason and "read-only" in o.reason for o in result.outcomes)
    assert result.outcomes[0].label.startswith("failed: Could not move PC1.ccr")
    assert {p: p.read_bytes() for p in paths} == before
    assert os.listdir(site.pending) == []
    assert result.summary() == "3 failed" and not result.ok


def test_read_only_retry_box_cannot_lose_the_file(site: Site) -> None:
    src = retry_file(site, "PC1")
    with unwritable(site.retry):
        (outcome,) = resubmit(site, [src]).outcomes
    assert outcome.status == S.FAILED
    assert boxes(site) == (["PC1.ccr"], [])


def test_inbox_gone_offline_fails_with_reason_and_keeps_the_file(site: Site) -> None:
    src = retry_file(site, "PC1")
    shutil.rmtree(site.pending)
    (outcome,) = resubmit(site, [src]).outcomes
    assert outcome.status == S.FAILED
    assert "offline" in outcome.reason
    assert os.listdir(site.retry) == ["PC1.ccr"]


def test_a_file_outside_the_retry_box_is_refused(site: Site, tmp_path: Path) -> None:
    stray = tmp_path / "PC9.ccr"
    stray.write_bytes(b"x")
    (outcome,) = resubmit(site, [stray]).outcomes
    assert outcome.status == S.FAILED and "not in this site's retry box" in outcome.reason
    assert stray.exists() and os.listdir(site.pending) == []


def test_cancel_stops_after_the_current_file(site: Site) -> None:
    paths = [retry_file(site, f"PC{i}") for i in range(5)]
    seen: list[int] = []

    def cancel_after_two() -> bool:
        return len(seen) >= 2

    result = resubmit(site, paths, progress=lambda d, t, o: seen.append(d), cancel=cancel_after_two)

    assert seen == [1, 2]
    assert result.cancelled and not result.ok
    assert [o.machine for o in result.outcomes] == ["PC0", "PC1"]
    assert result.not_started == paths[2:]
    assert boxes(site) == (["PC2.ccr", "PC3.ccr", "PC4.ccr"], ["PC0.ccr", "PC1.ccr"])
    assert result.summary() == "2 resubmitted, cancelled, 3 not started"


def test_progress_reports_each_outcome(site: Site) -> None:
    paths = [retry_file(site, m) for m in ("PC1", "PC2")]
    calls: list[tuple[int, int, str]] = []
    resubmit(site, paths, progress=lambda d, t, o: calls.append((d, t, o.machine)))
    assert calls == [(1, 2, "PC1"), (2, 2, "PC2")]


# --------------------------------------------------------------------------- new request


def test_new_request_writes_a_fresh_ccr_and_removes_the_retry_file(site: Site) -> None:
    retry_file(site, "PC1", file_name="2097152456.ccr")

    (outcome,) = resubmit(site, read_box(site.retry), mode=ResubmitMode.NEW).outcomes

    assert (outcome.machine, outcome.status, outcome.reason) == ("PC1", S.RESUBMITTED, "")
    assert outcome.destination == site.pending / "PC1.ccr"
    assert boxes(site) == ([], ["PC1.ccr"])
    assert (site.pending / "PC1.ccr").read_bytes() == serialize(new_request("PC1", forced=True))
    rec = parse_file(site.pending / "PC1.ccr")
    assert rec.attempts is None and rec.initial_request_date is None  # history reset


def test_new_request_without_forced(site: Site) -> None:
    src = retry_file(site, "PC1")
    resubmit(site, [src], mode=ResubmitMode.NEW, forced=False)
    assert (site.pending / "PC1.ccr").read_bytes() == serialize(new_request("PC1", forced=False))


def test_new_request_when_inbox_is_read_only_keeps_the_retry_file(site: Site) -> None:
    src = retry_file(site, "PC1")
    before = src.read_bytes()
    with unwritable(site.pending):
        (outcome,) = resubmit(site, [src], mode=ResubmitMode.NEW).outcomes
    assert outcome.status == S.FAILED and "Could not write PC1.ccr" in outcome.reason
    assert src.read_bytes() == before
    assert os.listdir(site.pending) == []


def test_new_request_already_queued_leaves_both(site: Site) -> None:
    src = retry_file(site, "PC1", file_name="2097152456.ccr")
    (site.pending / "PC1.ccr").write_bytes(b"pending")
    (outcome,) = resubmit(site, [src], mode=ResubmitMode.NEW).outcomes
    assert outcome.status == S.ALREADY_QUEUED
    assert boxes(site) == (["2097152456.ccr"], ["PC1.ccr"])
    assert (site.pending / "PC1.ccr").read_bytes() == b"pending"


def test_new_request_for_a_file_without_a_usable_name_fails_and_keeps_it(site: Site) -> None:
    (site.retry / "broken.ccr").write_bytes(b"[NT Client Configuration Request]\r\nDomain=X\r\n")
    (site.retry / "evil.ccr").write_bytes(
        b"[NT Client Configuration Request]\r\nMachine Name=..\\..\\x\r\n"
    )
    result = resubmit(site, sorted(site.retry.iterdir()), mode=ResubmitMode.NEW)
    assert [o.status for o in result.outcomes] == [S.FAILED, S.FAILED]
    assert "no Machine Name" in result.outcomes[0].reason
    assert "not allowed" in result.outcomes[1].reason
    assert boxes(site) == (["broken.ccr", "evil.ccr"], [])


def test_new_request_source_gone_is_already_processed_and_writes_nothing(site: Site) -> None:
    src = retry_file(site, "PC1")
    src.unlink()
    (outcome,) = resubmit(site, [src], mode=ResubmitMode.NEW).outcomes
    assert outcome.status == S.ALREADY_PROCESSED
    assert boxes(site) == ([], [])


@pytest.mark.parametrize("new", [False, True])
def test_undeletable_retry_file_is_not_resubmitted_at_all(site: Site, new: bool) -> None:
    """A retry file that cannot be taken out of ccrretry.box (read-only box) used
    to be copied anyway (new request; or across volumes), leaving the request in both
    boxes and a rerun saying "already queued". Now it is claimed first, so nothing moves."""
    src = retry_file(site, "PC1")
    original = src.read_bytes()
    with unwritable(site.retry):
        (outcome,) = resubmit(site, [src], mode=MODES[new]).outcomes
    assert outcome.status == S.FAILED
    assert "PC1.ccr" in outcome.reason
    assert boxes(site) == (["PC1.ccr"], [])
    assert src.read_bytes() == original


# --------------------------------------------------------------------------- undo


def test_undo_moves_waiting_files_back_and_reports_taken_ones(site: Site) -> None:
    paths = [retry_file(site, m) for m in ("PC1", "PC2", "PC3")]
    before = {p.name: p.read_bytes() for p in paths}
    batch = resubmit(site, paths)
    (site.pending / "PC2.ccr").unlink()  # the site server picked PC2 up already

    result = undo(batch)

    assert [(o.machine, o.status) for o in result.outcomes] == [
        ("PC1", S.MOVED_BACK),
        ("PC2", S.ALREADY_PROCESSED),
        ("PC3", S.MOVED_BACK),
    ]
    assert "already took it" in result.outcomes[1].reason
    assert boxes(site) == (["PC1.ccr", "PC3.ccr"], [])
    assert {n: (site.retry / n).read_bytes() for n in ("PC1.ccr", "PC3.ccr")} == {
        n: before[n] for n in ("PC1.ccr", "PC3.ccr")
    }
    assert result.summary() == "2 moved back, 1 already processed"


def test_undo_only_touches_what_the_batch_moved(site: Site) -> None:
    a = retry_file(site, "PC1")
    b = retry_file(site, "PC2")
    (site.pending / "pc2.ccr").write_bytes(b"someone else's")
    batch = resubmit(site, [a, b])
    result = undo(batch)
    assert [o.machine for o in result.outcomes] == ["PC1"]
    assert boxes(site) == (["PC1.ccr", "PC2.ccr"], ["pc2.ccr"])
    assert (site.pending / "pc2.ccr").read_bytes() == b"someone else's"


@pytest.mark.parametrize("new", [False, True])
def test_undo_leaves_a_colleagues_newer_request_of_the_same_name_alone(
    site: Site, new: bool
) -> None:
    """The site server took our PC1.ccr, then a colleague queued PC1 again: undo must
    not move the colleague's request out of ccr.box."""
    batch = resubmit(site, [retry_file(site, "PC1")], mode=MODES[new])
    (site.pending / "PC1.ccr").unlink()  # processed
    theirs = serialize(new_request("PC1", forced=False))
    (site.pending / "PC1.ccr").write_bytes(theirs)

    (outcome,) = undo(batch).outcomes

    assert outcome.status == S.ALREADY_PROCESSED
    assert "left alone" in outcome.reason
    assert boxes(site) == ([], ["PC1.ccr"])
    assert (site.pending / "PC1.ccr").read_bytes() == theirs


def test_undo_never_overwrites_a_file_back_in_the_retry_box(site: Site) -> None:
    src = retry_file(site, "PC1")
    batch = resubmit(site, [src])
    src.write_bytes(b"the site server put a new one back")
    (outcome,) = undo(batch).outcomes
    assert outcome.status == S.FAILED
    assert src.read_bytes() == b"the site server put a new one back"
    assert os.listdir(site.pending) == ["PC1.ccr"]


def test_undo_into_read_only_retry_box_keeps_the_request_pending(site: Site) -> None:
    batch = resubmit(site, [retry_file(site, "PC1")])
    with unwritable(site.retry):
        (outcome,) = undo(batch).outcomes
    assert outcome.status == S.FAILED and "read-only" in outcome.reason
    assert boxes(site) == ([], ["PC1.ccr"])


def test_undo_of_new_requests_restores_the_original_retry_file(site: Site) -> None:
    src = retry_file(site, "PC1", file_name="2097152456.ccr")
    original = src.read_bytes()
    batch = resubmit(site, read_box(site.retry), mode=ResubmitMode.NEW)
    assert boxes(site) == ([], ["PC1.ccr"])

    (outcome,) = undo(batch).outcomes

    assert outcome.status == S.MOVED_BACK
    assert boxes(site) == (["2097152456.ccr"], [])
    assert src.read_bytes() == original


def test_undo_of_new_request_that_cannot_be_restored_leaves_it_queued(site: Site) -> None:
    src = retry_file(site, "PC1")
    batch = resubmit(site, [src], mode=ResubmitMode.NEW)
    src.write_bytes(b"a newer retry file")
    (outcome,) = undo(batch).outcomes
    assert outcome.status == S.FAILED
    assert boxes(site) == (["PC1.ccr"], ["PC1.ccr"])  # no temporary left behind either
    assert src.read_bytes() == b"a newer retry file"
    assert (site.pending / "PC1.ccr").read_bytes() == serialize(new_request("PC1"))


# --------------------------------------------------------------------------- log, selection


def test_every_outcome_is_in_the_activity_log(site: Site) -> None:
    a, b = retry_file(site, "PC1"), retry_file(site, "PC2")
    (site.pending / "PC2.ccr").write_bytes(b"x")
    batch = resubmit(site, [a, b])
    undo(batch)
    resubmit(site, [a], mode=ResubmitMode.NEW)

    entries = read_activity(10)

    assert [(e.action, e.machine, e.result.split(":")[0]) for e in entries] == [
        ("resubmit", "PC1", "resubmitted"),
        ("resubmit", "PC2", "already queued"),
        ("undo", "PC1", "moved back"),
        ("resubmit-new", "PC1", "resubmitted"),
    ]
    first = entries[0]
    assert (first.site, first.site_root) == ("ABC", str(site.root))
    assert (first.source, first.destination) == (str(a), str(site.pending / "PC1.ccr"))
    assert first.user
    assert batch.log_error is None


def test_unwritable_activity_log_does_not_stop_the_batch(
    site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("CCRGUI_CONFIG_DIR", str(blocker))  # logs dir cannot be created
    result = resubmit(site, [retry_file(site, "PC1")])
    assert result.outcomes[0].status == S.RESUBMITTED
    assert result.log_error is not None and "activity log" in result.log_error


def test_select_by_machine_and_error(site: Site) -> None:
    retry_file(site, "PC1", code=5, file_name="2097152456.ccr")
    retry_file(site, "pc2", code=-2147023174)
    retry_file(site, "PC3", code=5)
    records = read_box(site.retry)
    assert [r.machine_name for r in select_by_machine(records, "pc1")] == ["PC1"]
    assert [r.machine_name for r in select_by_machine(records, "2097152456")] == ["PC1"]
    assert [r.machine_name for r in select_by_machine(records, "PC2")] == ["pc2"]
    assert select_by_machine(records, "PC") == []
    assert [r.machine_name for r in with_error(records, 5)] == ["PC1", "PC3"]
    assert [r.machine_name for r in with_error(records, 0x800706BA)] == ["pc2"]


def test_empty_batch(site: Site) -> None:
    result = resubmit(site, [])
    assert isinstance(result, BatchResult)
    assert result.outcomes == [] and result.ok and result.summary() == "nothing to do"


def test_an_outcome_says_at_a_glance_and_in_full_how_it_went(site: Site) -> None:
    src = site.retry / "PC1.ccr"
    when = datetime(2026, 11, 28, 14, 2, 5)
    done = ResubmitOutcome("PC1", src, site.pending / "PC1.ccr", S.RESUBMITTED, time=when)
    assert done.kind == OutcomeKind.OK and done.label == "resubmitted 14:02"
    assert done.details() == [
        "resubmitted at 2026-11-28 14:02:05",
        f"Now: {site.pending / 'PC1.ccr'}",
    ]
    waiting = ResubmitOutcome("PC1", src, None, S.ALREADY_QUEUED, "PC1.ccr waits", when)
    assert waiting.kind == OutcomeKind.WARN and waiting.details()[1] == "PC1.ccr waits"
    failed = ResubmitOutcome("PC1", src, None, S.FAILED, "Access is denied.", when)
    assert failed.kind == OutcomeKind.FAILED and failed.label == "failed: Access is denied."
