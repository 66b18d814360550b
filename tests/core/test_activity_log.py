"""Issue 9: the activity log survives a full disk, hostile names, pipes and years of use."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from ccrgui.core import activity
from ccrgui.core.activity import (
    ActivityEntry,
    ActivityLog,
    activity_log_path,
    log_entries,
    read_activity,
)
from ccrgui.core.site import Site


def _entry(site: Site, machine: str) -> ActivityEntry:
    return ActivityEntry.now(
        "queue", site, machine, None, site.pending / f"{machine}.ccr", "queued"
    )


def test_an_entry_after_a_write_cut_short_starts_on_a_fresh_line(site: Site) -> None:
    """A full disk cut the last write: half a line, no newline. The next entry used to be
    glued to it and both vanished from the viewer."""
    log_entries([_entry(site, "PC1")])
    with open(activity_log_path(), "ab") as fh:
        fh.write(b'{"time": "2026-01-01T00:00:00", "user": "x", "machine": "HA')
    log_entries([_entry(site, "PC2")])
    log_entries([_entry(site, "PC3")])
    assert [e.machine for e in read_activity()] == ["PC1", "PC2", "PC3"]
    lines = activity_log_path().read_bytes().split(b"\n")
    assert lines[2].startswith(b'{"time"') and b"PC2" in lines[2]


def test_the_reader_keeps_an_entry_glued_to_a_broken_line(site: Site) -> None:
    """Logs written before the fix hold such glued lines: the intact entry is kept."""
    log_entries([_entry(site, "PC1")])
    glued = activity_log_path().read_bytes().strip()
    activity_log_path().write_bytes(
        b'{"time": "2026-01-01T00:00:00", "machine": "HA' + glued + b"\n"
    )
    assert [e.machine for e in read_activity()] == ["PC1"]


def test_a_short_write_in_this_process_is_followed_by_a_fresh_line(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    calls: list[int] = []

    def disk_full_once(fd: int, data: bytes) -> int:
        calls.append(1)
        if len(calls) == 1:
            return real_write(fd, bytes(data)[:10])  # the disk filled up mid-entry
        return real_write(fd, data)

    with ActivityLog() as log:
        assert log.write(_entry(site, "PC1"))
        with monkeypatch.context() as patch:
            patch.setattr(activity.os, "write", disk_full_once)
            assert not log.write(_entry(site, "PC2"))
            assert log.write(_entry(site, "PC3"))
    assert [e.machine for e in read_activity()] == ["PC1", "PC3"]


def test_a_name_that_is_not_utf8_is_logged_exactly(site: Site) -> None:
    name = os.fsdecode(b"B\xff")  # a file name's undecodable byte (surrogateescape)
    with ActivityLog() as log:
        assert log.write(_entry(site, name))  # raised UnicodeEncodeError before
    (entry,) = read_activity()
    assert os.fsencode(entry.machine) == b"B\xff"
    assert os.fsencode(entry.destination).endswith(b"B\xff.ccr")
    activity_log_path().read_bytes().decode("utf-8")  # the file stays valid UTF-8


def test_the_log_is_rotated_and_keeps_the_newest_entries(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(activity, "MAX_LOG_BYTES", 4096)
    for i in range(200):
        log_entries([_entry(site, f"PC{i:03d}")])
    current = activity_log_path()
    old = current.with_name(activity.OLD_FILE_NAME)
    assert current.stat().st_size <= 4096 + 1024 and old.stat().st_size <= 4096 + 1024
    newest = [e.machine for e in read_activity(10)]  # the old file holds 4 KB at least
    assert newest == [f"PC{i:03d}" for i in range(190, 200)]
    everything = [e.machine for e in read_activity(None)]
    assert everything == sorted(everything) and everything[-1] == "PC199"
    assert 10 < len(everything) < 200  # bounded: the oldest entries are gone


def test_a_fifo_in_place_of_the_log_is_refused_not_waited_on(site: Site) -> None:
    activity_log_path().parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(activity_log_path())
    outcome: list[object] = []

    def use_the_log() -> None:
        try:
            read_activity()
        except OSError as exc:
            outcome.append(exc)
        with ActivityLog() as log:
            outcome.append(log.write(_entry(site, "PC1")))
            outcome.append(log.error)

    worker = threading.Thread(target=use_the_log, daemon=True)
    worker.start()
    worker.join(30)
    if worker.is_alive():  # it hung before: release it, then fail
        fd = os.open(activity_log_path(), os.O_RDWR | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("the activity log waited on a named pipe")
    read_error, written, error = outcome
    assert isinstance(read_error, OSError) and "named pipe" in str(read_error)
    assert written is False and "could not be written" in str(error)


def test_reading_the_tail_reads_each_byte_once(tmp_path: Path) -> None:
    """A 4 MB tail without a newline: the old reader re-joined and re-counted what it had
    read at every step (quadratic: 64 MB took 28 s). bench/bench_activity.py times it."""
    path = tmp_path / "activity.jsonl"
    path.write_bytes(b"x" * (4 * 1024 * 1024))
    reads: list[int] = []

    class Counting:
        def __init__(self, fh: object) -> None:
            self.fh = fh

        def seek(self, *args: int) -> int:
            return self.fh.seek(*args)  # type: ignore[attr-defined,no-any-return]

        def read(self, n: int = -1) -> bytes:
            data: bytes = self.fh.read(n)  # type: ignore[attr-defined]
            reads.append(len(data))
            return data

    with open(path, "rb") as fh:
        assert activity._tail_lines(Counting(fh), 10) == [b"x" * (4 * 1024 * 1024)]
    assert sum(reads) == path.stat().st_size
