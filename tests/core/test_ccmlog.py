"""ccm.log parsing: both layouts, multi-line messages, time zones, encodings, error codes,
ccm.lo_ before ccm.log, and reading on from where a growing log stopped."""

from __future__ import annotations

import codecs
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ccrgui.core.ccmlog import (
    LogCursor,
    default_log_path,
    error_code_in,
    iter_entries,
    log_files,
    read_chunks,
)
from ccrgui.core.machinelog import MachineLog

META = "$$<SMS_CLIENT_CONFIG_MANAGER><02-21-2007 09:37:{s:02d}.123+300><thread={t} (0x{t:X})>"


def raw(message: str, s: int = 20, t: int = 6708, tilde: bool = True) -> str:
    return message + ("~" if tilde else "") + "  " + META.format(s=s, t=t) + "\r\n"


def test_raw_sample_entries(samples: Path) -> None:
    entries = list(iter_entries(samples / "ccm-raw.log"))
    assert len(entries) == 15
    first = entries[0]
    assert first.message == 'CCR count in queue "Retry" is 2.'  # no "~"
    assert first.component == "SMS_CLIENT_CONFIG_MANAGER"
    assert first.thread == 2624
    assert first.time == datetime(2007, 2, 21, 9, 37, 20, 101000, timezone(timedelta(hours=-5)))
    assert first.to_json()["time"] == "2007-02-21T09:37:20.101-05:00"
    assert [e.thread for e in entries[1:8]] == [6708] * 7


def test_cmtrace_copy_sample(samples: Path) -> None:
    entries = list(iter_entries(samples / "ccm-cmtrace-copy.log"))
    assert [e.thread for e in entries] == [14036] * 3
    assert entries[1].to_json() == {
        "time": "2022-09-09T14:07:21.000",
        "component": "SMS_CLIENT_CONFIG_MANAGER",
        "thread": 14036,
        "message": '---> Unable to connect to WMI on remote machine "WKS-LAB-07.corp.example", '
        "error = 0x80070005.",
        "error_code": 0x80070005,
    }


def test_multi_line_message_ends_at_the_metadata(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    text = "first line\r\n  second ~ line\r\n" + raw("third", tilde=True) + raw("next~x", 21)
    log.write_bytes(text.encode())
    entries = list(iter_entries(log))
    assert [e.message for e in entries] == ["first line\n  second ~ line\nthird", "next~x"]
    assert entries[0].raw.startswith("first line\n  second")


def test_bias_is_minutes_to_add_for_utc(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_text(
        "a  $$<C><01-02-2024 10:00:00.000-600><thread=1 (0x1)>\n"
        "b  $$<C><01-02-2024 10:00:00.000+0><thread=1 (0x1)>\n"
        "c  $$<C><13-02-2024 10:00:00.000+0><thread=1 (0x1)>\n"
    )
    a, b, c = iter_entries(log)
    assert a.time is not None and a.time.utcoffset() == timedelta(hours=10)
    assert b.time is not None and b.time.utcoffset() == timedelta(0)
    assert c.time is None and c.message == "c"  # a bad date keeps the entry


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1252"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    log = tmp_path / "ccm.log"
    text = raw("Zugriff verweigert für PC1: failed (00000005)") + raw("x", 21)
    log.write_bytes(text.encode(encoding))
    entries = list(iter_entries(log))
    assert entries[0].message == "Zugriff verweigert für PC1: failed (00000005)"
    assert entries[0].error_code == 5
    assert len(entries) == 2


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ('ERROR: Unable to access target machine for request: "X", error code: 53', 53),
        ("Failed to install: error 5.", 5),
        ('Unable to connect to WMI on "PC1", error = 0x80070005.', 0x80070005),
        (r"Failed to connect to \\PC1\admin$ using account D\p (67)", 67),
        ("WNetAddConnection2 failed using account D\\p (000004b3)", 1203),
        ("WNetAddConnection2 failed using account D\\p (80070005)", 0x80070005),
        ("failed with error code: -2147024891", 0x80070005),
        ("Failed to create service, 0x800706ba", 0x800706BA),
        ("Sleeping for 661 seconds...", None),
        ("Thread pool size (10) and queue", None),  # not a failure: no code
        ('CCR count in queue "Retry" is 2.', None),
    ],
)
def test_error_codes(message: str, code: int | None) -> None:
    assert error_code_in(message) == code


def test_rolled_over_log_is_read_first(tmp_path: Path) -> None:
    (tmp_path / "ccm.log").write_text(raw("newer", 30))
    (tmp_path / "CCM.LO_").write_text(raw("older", 10))
    assert [p.name for p in log_files(tmp_path / "ccm.log")] == ["CCM.LO_", "ccm.log"]
    assert [e.message for e in iter_entries(tmp_path / "ccm.log")] == ["older", "newer"]


def test_default_log_location_is_beside_the_inboxes(tmp_path: Path) -> None:
    (tmp_path / "SMS_ABC" / "inboxes").mkdir(parents=True)
    assert default_log_path(tmp_path / "SMS_ABC" / "inboxes") == (
        tmp_path / "SMS_ABC" / "Logs" / "ccm.log"
    )
    (tmp_path / "SMS_ABC" / "logs").mkdir()
    (tmp_path / "SMS_ABC" / "logs" / "CCM.LOG").write_text("")
    assert default_log_path(tmp_path / "SMS_ABC" / "inboxes") == (
        tmp_path / "SMS_ABC" / "logs" / "CCM.LOG"
    )


def test_a_half_written_last_line_waits_for_its_end(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_bytes(raw("one").encode() + b"two  $$<SMS_CLI")
    cursor = LogCursor(log)
    assert b"".join(read_chunks(cursor)) == raw("one").encode()
    assert cursor.offset == len(raw("one"))


def test_tail_reads_only_what_was_appended(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_text(raw('Begin Processing request: "PC1", machine name: "PC1"', 1), newline="")
    reader = MachineLog(log, "PC1", chunk_size=64)
    assert [e.message for b in reader.read() for e in b] == [
        'Begin Processing request: "PC1", machine name: "PC1"'
    ]
    with open(log, "a", newline="") as fh:  # a block line not naming the machine, in pieces
        fh.write("---> Trying each entry  $$<SMS_CLIENT_CONFIG_MANAGER><02-21")
    assert [e for b in reader.read() for e in b] == []
    with open(log, "a", newline="") as fh:
        fh.write("-2007 09:37:02.123+300><thread=6708 (0x1A34)>\r\n" + raw("other", 3, t=1))
    assert [e.message for b in reader.read() for e in b] == ["---> Trying each entry"]


def test_tail_follows_a_roll_over(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_text(raw("PC1 one", 1) + raw("unrelated", 2), newline="")
    reader = MachineLog(log, "pc1")
    assert [e.message for b in reader.read() for e in b] == ["PC1 one"]
    with open(log, "a", newline="") as fh:
        fh.write(raw("PC1 two, before the roll-over", 3))
    os.replace(log, tmp_path / "ccm.lo_")
    log.write_text(raw("PC1 three, new file", 4), newline="")
    assert [e.message for b in reader.read() for e in b] == [
        "PC1 two, before the roll-over",
        "PC1 three, new file",
    ]
    assert [e.message for b in reader.read() for e in b] == []


def test_utf16_offsets_continue(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_bytes(codecs.BOM_UTF16_LE + raw("PC1 one").encode("utf-16-le"))
    reader = MachineLog(log, "PC1")
    assert [e.message for b in reader.read() for e in b] == ["PC1 one"]
    with open(log, "ab") as fh:
        fh.write(raw("PC1 twö", 22).encode("utf-16-le"))
    assert [e.message for b in reader.read() for e in b] == ["PC1 twö"]
