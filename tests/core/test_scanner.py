"""The incremental box scanner: what it re-reads, what it reports, and what it does when
the folder goes away (offline, not "everything deleted")."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.core.ccr import parse_file
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.core.scan import read_box
from ccrgui.core.scanner import READ_BATCH, BoxScanner, BoxUnreachable, is_network_path

START = datetime(2026, 11, 20, 8, 0, 0)
OLD = 1_700_000_000  # a modification time long before any scan in these tests


def put(box: Path, machine: str, error: int = 53, attempts: int = 3, mtime: int = OLD) -> Path:
    path = box / f"{machine}.ccr"
    path.write_bytes(demo_retry_request(machine, "CORP", "10.0.0.1", error, attempts, START))
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def box(tmp_path: Path) -> Path:
    b = tmp_path / "ccrretry.box"
    b.mkdir()
    return b


def machines(files: list) -> list[str | None]:  # type: ignore[type-arg]
    return sorted(str(f.record.machine_name) for f in files)


def test_first_pass_reports_every_request_file_and_nothing_else(box: Path) -> None:
    put(box, "PC1", error=5)
    put(box, "PC2", error=-2147023174)
    (box / "notes.txt").write_text("not a request")
    (box / "PC3.ccr.tmp").write_bytes(b"half written")
    (box / "Inproc").mkdir()

    diff = BoxScanner(box).scan()

    assert machines(diff.added) == ["PC1", "PC2"]
    assert diff.changed == [] and diff.removed == []
    pc2 = next(f for f in diff.added if f.record.machine_name == "PC2")
    assert pc2.record.last_error_hex == "0x800706BA"
    assert pc2.record.file == str(box / "PC2.ccr")
    assert pc2.mtime_ns == OLD * 10**9
    assert pc2.size == (box / "PC2.ccr").stat().st_size


def test_unchanged_files_are_not_read_again(box: Path) -> None:
    path = put(box, "PC1", attempts=3)
    scanner = BoxScanner(box)
    scanner.scan()
    # same size and modification time, different bytes: only a re-read would notice
    path.write_bytes(path.read_bytes().replace(b"Attempts=3", b"Attempts=4"))
    os.utime(path, (OLD, OLD))

    assert not scanner.scan()
    assert scanner.records()[0].attempts == 3


def test_changed_file_is_reported_changed_with_its_new_content(box: Path) -> None:
    path = put(box, "PC1", attempts=3)
    scanner = BoxScanner(box)
    scanner.scan()
    put(box, "PC1", attempts=40, mtime=OLD + 3600)

    diff = scanner.scan()

    assert diff.added == [] and diff.removed == []
    assert [f.record.attempts for f in diff.changed] == [40]
    assert diff.changed[0].record.file == str(path)
    assert scanner.records()[0].attempts == 40


def test_touched_file_reports_its_new_time_without_a_new_record(box: Path) -> None:
    path = put(box, "PC1")
    scanner = BoxScanner(box)
    first = scanner.scan().added[0]
    os.utime(path, (OLD + 60, OLD + 60))

    diff = scanner.scan()

    assert [f.mtime_ns for f in diff.changed] == [(OLD + 60) * 10**9]
    assert diff.changed[0].record is first.record


def test_removed_and_new_files(box: Path) -> None:
    put(box, "PC1")
    gone = put(box, "PC2")
    scanner = BoxScanner(box)
    scanner.scan()
    gone.unlink()
    put(box, "PC3")

    diff = scanner.scan()

    assert diff.removed == [str(gone)]
    assert machines(diff.added) == ["PC3"]
    assert [r.machine_name for r in scanner.records()] == ["PC1", "PC3"]


def test_folder_renamed_away_is_offline_and_keeps_the_rows_then_recovers(box: Path) -> None:
    put(box, "PC1")
    put(box, "PC2")
    scanner = BoxScanner(box)
    scanner.scan()
    good = scanner.last_good_scan
    assert good is not None

    away = box.with_name("ccrretry.box.moved")
    box.rename(away)
    with pytest.raises(BoxUnreachable) as caught:
        scanner.scan()

    assert isinstance(caught.value.error, FileNotFoundError)
    assert str(box) in caught.value.message and "offline" in caught.value.message
    assert scanner.offline is caught.value
    assert [r.machine_name for r in scanner.records()] == ["PC1", "PC2"]
    assert scanner.last_good_scan == good

    away.rename(box)
    diff = scanner.scan()

    assert not diff  # nothing was deleted, nothing is new
    assert scanner.offline is None
    assert scanner.last_good_scan is not None and scanner.last_good_scan >= good


def test_malformed_files_are_records_with_a_problem(box: Path) -> None:
    (box / "EMPTY.ccr").write_bytes(b"")
    (box / "BIN.ccr").write_bytes(bytes(range(256)))
    (box / "NONAME.ccr").write_bytes(b"[NT Client Configuration Request]\r\nDomain=CORP\r\n")
    (box / "FAR.ccr").write_bytes(
        b"[NT Client Configuration Request]\r\nMachine Name=FAR\r\n"
        b"Initial Request Date=12/31/9999 23:00:00\r\n"
    )

    found = {Path(f.record.file).name: f.record for f in BoxScanner(box).scan().added}

    assert found["EMPTY.ccr"].problem == "empty file"
    assert found["BIN.ccr"].problem == "binary file, not a CCR"
    assert found["NONAME.ccr"].problem == "no Machine Name"
    assert found["FAR.ccr"].problem is None
    assert found["FAR.ccr"].to_json()["expires_at"] is None  # no crash past year 9999


def test_file_being_written_is_read_again_on_the_next_pass(box: Path) -> None:
    """A copy in progress: the first read sees the start and zeros; the final bytes arrive with the
    same size and (coarse) modification time, so only the settle rule catches it."""
    full = demo_retry_request("PC1", "CORP", "10.0.0.1", 5, 3, START)
    path = box / "PC1.ccr"
    path.write_bytes(full[:40] + bytes(len(full) - 40))  # the start, then zeros
    written = time.time()
    os.utime(path, (written, written))
    scanner = BoxScanner(box, clock=lambda: written + 0.5)

    first = scanner.scan()
    assert first.added[0].record.problem == "binary file, not a CCR"
    path.write_bytes(full)
    os.utime(path, (written, written))

    second = scanner.scan()

    assert [f.record.machine_name for f in second.changed] == ["PC1"]
    assert second.changed[0].record.problem is None


def test_settled_files_are_not_read_again(box: Path) -> None:
    path = put(box, "PC1", attempts=3)
    scanner = BoxScanner(box, clock=lambda: OLD + 10.0)  # ten seconds after the write
    scanner.scan()
    path.write_bytes(path.read_bytes().replace(b"Attempts=3", b"Attempts=4"))
    os.utime(path, (OLD, OLD))

    assert not scanner.scan()


def test_pass_in_chunks_first_has_the_removals_last_is_final(box: Path) -> None:
    for i in range(7):
        put(box, f"PC{i}")
    scanner = BoxScanner(box)
    scanner.scan()
    (box / "PC0.ccr").unlink()
    for i in range(7, 12):
        put(box, f"PC{i}")

    chunks = list(scanner.iter_scan(chunk_size=2, chunk_seconds=60))

    assert chunks[0].removed == [str(box / "PC0.ccr")]
    assert chunks[0].total == 5 and not chunks[0].added
    assert [len(c.added) for c in chunks[1:]] == [2, 2, 1]
    assert [c.done for c in chunks[1:]] == [2, 4, 5]
    assert [c.final for c in chunks] == [False, False, False, True]


def test_cancelled_pass_reads_the_rest_next_time(box: Path) -> None:
    for i in range(6):
        put(box, f"PC{i}")
    scanner = BoxScanner(box)
    seen = []

    def cancel_after_two() -> bool:
        return len(seen) >= 2

    for chunk in scanner.iter_scan(chunk_size=1, cancelled=cancel_after_two):
        seen += chunk.added

    assert len(seen) == 2
    assert machines(scanner.scan().added) == ["PC2", "PC3", "PC4", "PC5"]


def test_only_one_pass_at_a_time(box: Path) -> None:
    put(box, "PC1")
    put(box, "PC2")
    scanner = BoxScanner(box)
    running = scanner.iter_scan(chunk_size=1)
    next(running)  # the listing is done; the pass is in progress

    with pytest.raises(RuntimeError, match="already running"):
        scanner.scan()
    running.close()
    assert machines(scanner.scan().added) == ["PC1", "PC2"]


def test_reader_pool_gives_the_same_records_in_the_same_order(box: Path) -> None:
    for i in range(READ_BATCH * 5 + 3):
        put(box, f"PC{i:03d}", error=i)
    pooled, single = BoxScanner(box, threads=4), BoxScanner(box, threads=1)

    a, b = pooled.scan(), single.scan()
    pooled.close()

    assert [f.record.to_json() for f in a.added] == [f.record.to_json() for f in b.added]
    assert len(a.added) == READ_BATCH * 5 + 3


def test_slim_records_drop_the_text_but_keep_every_field(box: Path) -> None:
    path = put(box, "PC1", error=5)
    slim = BoxScanner(box, keep_text=False).scan().added[0].record

    full = parse_file(path)
    assert slim.text == "" and full.text
    assert slim.to_json() == full.to_json()


def test_read_box_is_a_scan_sorted_by_name(box: Path, samples: Path) -> None:
    for sample in samples.glob("*.ccr"):
        (box / sample.name).write_bytes(sample.read_bytes())

    records = read_box(box)

    names = [Path(r.file).name for r in records]
    assert names == sorted(names, key=str.casefold) and len(names) >= 5
    assert [r.to_json() for r in records] == [parse_file(r.file).to_json() for r in records]


def test_read_box_of_a_missing_folder_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_box(tmp_path / "nope")


def test_local_disk_is_not_a_network_path(tmp_path: Path) -> None:
    assert is_network_path(tmp_path) is False
