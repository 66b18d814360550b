"""Queueing install requests: complete files, never an overwrite, a batch with one bad name
writes nothing, and failures come back as outcomes that say what happened."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import pytest

from ccrgui.core.activity import read_activity
from ccrgui.core.ccr import new_request, parse_file, serialize
from ccrgui.core.queue import (
    MAX_LIST_BYTES,
    BatchInvalid,
    QueueOutcome,
    QueueReport,
    QueueStatus,
    check_name_list,
    decode_name_list,
    queue_report,
    queue_requests,
    read_name_list,
    request_file_name,
)
from ccrgui.core.site import Site, open_site
from tests.readonly_dir import unwritable


@pytest.fixture
def site(tmp_path: Path) -> Site:
    (tmp_path / "ccr.box").mkdir()
    (tmp_path / "ccrretry.box").mkdir()
    return open_site(tmp_path, "TEST")


def test_queue_writes_the_request_bytes(site: Site) -> None:
    outcomes = queue_requests(site, ["PC1", "wks-02.corp.example"])
    assert [(o.machine, o.status, o.ok) for o in outcomes] == [
        ("PC1", QueueStatus.QUEUED, True),
        ("wks-02.corp.example", QueueStatus.QUEUED, True),
    ]
    assert outcomes[0].path == site.pending / "PC1.ccr"
    assert sorted(os.listdir(site.pending)) == ["PC1.ccr", "wks-02.corp.example.ccr"]
    assert (site.pending / "PC1.ccr").read_bytes() == (
        b"[NT Client Configuration Request]\r\nClient Type=1\r\nForced CCR=TRUE\r\n"
        b"Machine Name=PC1\r\n\r\n[IDENT]\r\nTYPE=Client Config Request File\r\n"
    )
    assert os.listdir(site.retry) == []


def test_queue_without_force_leaves_forced_out(site: Site) -> None:
    queue_requests(site, ["PC1"], forced=False)
    rec = parse_file(site.pending / "PC1.ccr")
    assert rec.forced is None and rec.machine_name == "PC1" and rec.client_type == 1
    assert (site.pending / "PC1.ccr").read_bytes() == serialize(new_request("PC1", forced=False))


def test_names_are_trimmed_and_duplicates_written_once(site: Site) -> None:
    outcomes = queue_requests(site, [" PC1 ", "pc1", "PC1"])
    assert [o.machine for o in outcomes] == ["PC1"]
    assert os.listdir(site.pending) == ["PC1.ccr"]


def test_already_queued_is_reported_and_untouched(site: Site) -> None:
    (site.pending / "pc1.ccr").write_bytes(b"original")
    outcomes = queue_requests(site, ["PC1", "PC2"])
    assert [o.status for o in outcomes] == [QueueStatus.ALREADY_QUEUED, QueueStatus.QUEUED]
    assert "already queued" in outcomes[0].reason
    assert not outcomes[0].ok
    assert sorted(os.listdir(site.pending)) == ["PC2.ccr", "pc1.ccr"]
    assert (site.pending / "pc1.ccr").read_bytes() == b"original"


def test_already_queued_names_the_file_that_waits_not_the_name_typed(site: Site) -> None:
    (site.pending / "WKS-NEW-01.ccr").write_bytes(b"original")
    [outcome] = queue_requests(site, ["wks-new-01"])
    assert outcome.status == QueueStatus.ALREADY_QUEUED
    assert outcome.path == site.pending / "WKS-NEW-01.ccr"
    assert "WKS-NEW-01.ccr is waiting in ccr.box" in outcome.reason
    assert "wks-new-01.ccr" not in outcome.reason
    [entry] = read_activity()
    assert entry.destination == str(site.pending / "WKS-NEW-01.ccr")
    assert sorted(os.listdir(site.pending)) == ["WKS-NEW-01.ccr"]


def test_request_written_meanwhile_by_someone_else_is_not_overwritten(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # another admin's request lands between our look at the box and our write
    real_scandir = os.scandir

    def scandir_then_someone_writes(path: str | os.PathLike[str]):  # type: ignore[no-untyped-def]
        it = real_scandir(path)
        (site.pending / "PC1.ccr").write_bytes(b"theirs")
        return it

    monkeypatch.setattr(os, "scandir", scandir_then_someone_writes)
    (outcome,) = queue_requests(site, ["PC1"])
    monkeypatch.undo()
    assert outcome.status == QueueStatus.ALREADY_QUEUED
    assert (site.pending / "PC1.ccr").read_bytes() == b"theirs"
    assert os.listdir(site.pending) == ["PC1.ccr"]


def test_one_invalid_name_means_nothing_is_written(site: Site) -> None:
    with pytest.raises(BatchInvalid) as info:
        queue_requests(site, ["PC1", "bad name", "PC2", "x\ny=1"])
    assert [e.name for e in info.value.errors] == ["bad name", "x\ny=1"]
    assert "nothing was queued" in str(info.value)
    assert "spaces" in str(info.value)
    assert os.listdir(site.pending) == []


def test_empty_batch_is_refused(site: Site) -> None:
    with pytest.raises(BatchInvalid, match="No machine names"):
        queue_requests(site, [])


def test_unwritable_box_fails_each_name_and_writes_nothing(site: Site) -> None:
    with unwritable(site.pending):
        outcomes = queue_requests(site, ["PC1", "PC2"])
    assert [o.status for o in outcomes] == [QueueStatus.FAILED, QueueStatus.FAILED]
    assert all("Could not write" in o.reason for o in outcomes)
    assert all("read-only" in o.reason for o in outcomes)
    assert os.listdir(site.pending) == []


def test_box_gone_after_opening_the_site(site: Site) -> None:
    shutil.rmtree(site.pending)
    outcomes = queue_requests(site, ["PC1"])
    assert outcomes[0].status == QueueStatus.FAILED
    assert "offline" in outcomes[0].reason or "moved" in outcomes[0].reason


def test_failure_mid_batch_keeps_earlier_files_and_leaves_no_partial(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync
    calls = []

    def fsync_fails_second_time(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):  # a request file, not the folder
            calls.append(fd)
        if len(calls) == 2 and stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EIO, "Input/output error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_fails_second_time)
    outcomes = queue_requests(site, ["PC1", "PC2", "PC3"])
    monkeypatch.undo()
    assert [o.status for o in outcomes] == [
        QueueStatus.QUEUED,
        QueueStatus.FAILED,
        QueueStatus.QUEUED,
    ]
    assert "Input/output error" in outcomes[1].reason
    assert sorted(os.listdir(site.pending)) == ["PC1.ccr", "PC3.ccr"]  # no temp, no PC2


def test_progress_reports_every_name(site: Site) -> None:
    seen: list[tuple[int, int]] = []
    queue_requests(site, ["PC1", "PC2", "PC3"], progress=lambda i, n: seen.append((i, n)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_read_name_list_ignores_blanks_and_comments() -> None:
    lines = ["# header\n", "PC1\r\n", "\n", "  PC2  # the lab one\n", "\t\n", "PC3"]
    assert read_name_list(lines) == ["PC1", "PC2", "PC3"]


def test_a_hash_inside_a_name_is_not_a_comment(site: Site) -> None:
    """``PC#1`` must not silently become ``PC``: the batch is refused, naming the name."""
    names = read_name_list(["PC#1\n", "PC2\n"])
    assert names == ["PC#1", "PC2"]
    with pytest.raises(BatchInvalid) as info:
        queue_requests(site, names)
    assert "PC#1" in str(info.value)
    assert list(site.pending.iterdir()) == []


def test_request_file_name_always_ends_in_ccr() -> None:
    assert request_file_name("PC.ABC") == "PC.ABC.ccr"


def test_queueing_is_in_the_activity_log(site: Site) -> None:
    (site.pending / "PC2.ccr").write_bytes(b"x")
    queue_requests(site, ["PC1", "PC2"])
    entries = read_activity()
    assert [(e.action, e.machine, e.result.split(":")[0]) for e in entries] == [
        ("queue", "PC1", "queued"),
        ("queue", "PC2", "already queued"),
    ]
    assert entries[0].destination == str(site.pending / "PC1.ccr")
    assert entries[0].site == "TEST"


def test_queue_failures_are_in_the_activity_log(site: Site) -> None:
    shutil.rmtree(site.pending)
    queue_requests(site, ["PC1"])
    (entry,) = read_activity()
    assert entry.result.startswith("failed: Could not open")


def test_name_lists_decode_as_windows_tools_write_them() -> None:
    assert decode_name_list(b"\xef\xbb\xbfPC1\r\nPC2") == "PC1\r\nPC2"  # UTF-8 with BOM
    assert decode_name_list("PC1\nPC2".encode("utf-16")) == "PC1\nPC2"  # Notepad "Unicode"
    assert decode_name_list("CAFÉ-PC".encode("cp1252")) == "CAFÉ-PC"  # ANSI
    with pytest.raises(ValueError, match=r"x\.bin is not a text file"):
        decode_name_list(b"PC1\x00\x00", "x.bin")
    with pytest.raises(ValueError, match="too big"):
        decode_name_list(b"A" * (MAX_LIST_BYTES + 1))


def test_a_checked_name_list_says_which_line_is_wrong() -> None:
    names, problems = check_name_list("# lab\nPC1\n pc-2  # comment\nPC#3\nBAD NAME X\n")
    assert names == ["PC1", "pc-2"]
    assert problems[0].startswith("Line 4: 'PC#3': '#' is not allowed")
    assert problems[1].startswith("Line 5: ")


def test_queue_report_says_what_was_queued_and_why_not() -> None:
    box = Path("/s/ccr.box")
    ok = QueueOutcome("PC1", QueueStatus.QUEUED, box / "PC1.ccr")
    already = QueueOutcome("PC2", QueueStatus.ALREADY_QUEUED, box / "PC2.ccr", "PC2 waits")
    failed = QueueOutcome("PC3", QueueStatus.FAILED, None, "The share is read-only.")
    assert queue_report([ok]) == QueueReport(f"Queued PC1: {box / 'PC1.ccr'}")
    report = queue_report([ok, already, failed])
    assert report.status == f"Queued PC1: {box / 'PC1.ccr'} (2 not queued)"
    assert report.title == "Could not queue"
    assert report.problem.splitlines() == [
        "1 queued, 1 already queued, 1 failed.",
        "The share is read-only.",
        "PC2 waits",  # one already queued: its own reason
        "Nothing was left half-written; fix the cause and queue them again.",
    ]


def test_stale_temporaries_of_a_killed_writer_are_cleaned_at_the_next_write(site: Site) -> None:
    """Issue 9: ``.NAME.ccr.*.tmp`` left by a killed ``ccr new`` stayed for ever. Ours are
    recognised by name; one is stale when its process is gone (or, from an older version
    without an owner in the name, after 15 minutes). A live writer's is left alone."""
    import subprocess
    import sys
    import time

    from ccrgui.core.safefs import Owner, private_name

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    me = Owner.me()
    dead = Owner(me.host, int(gone.stdout), 12345, me.time)
    stale = site.pending / private_name("PC7.ccr", "0123456789abcdef", dead, "tmp")
    live = site.pending / private_name("PC8.ccr", "fedcba9876543210", me, "tmp")
    old_style = site.pending / ".PC9.ccr.1a2b3c4d.tmp"
    recent_old_style = site.pending / ".PC6.ccr.5e6f7a8b.tmp"
    for p in (stale, live, old_style, recent_old_style):
        p.write_bytes(b"half a request")
    an_hour_ago = time.time() - 3600
    os.utime(old_style, (an_hour_ago, an_hour_ago))

    queue_requests(site, ["PC1"])

    assert sorted(os.listdir(site.pending)) == sorted(["PC1.ccr", live.name, recent_old_style.name])


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_name_list_that_is_a_pipe_or_folder_is_refused_not_waited_on(
    tmp_path: Path, kind: str
) -> None:
    """Issue 9: the app's Import list (and ccr new --from-file) waited for ever on a FIFO."""
    from ccrgui.core.queue import read_name_file

    target = tmp_path / "names.txt"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    with pytest.raises(OSError, match="named pipe" if kind == "fifo" else "is a folder"):
        read_name_file(target)
