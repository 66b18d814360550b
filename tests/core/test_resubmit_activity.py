"""The activity log behind "who resubmitted what": one JSON line per action, appended by
many processes at once without a torn line, and read back from the end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

from ccrgui.core import paths
from ccrgui.core.activity import (
    ActivityEntry,
    ActivityLog,
    activity_log_path,
    current_user,
    log_entries,
    read_activity,
)
from ccrgui.core.site import Site


def test_log_lives_in_the_user_log_dir() -> None:
    assert activity_log_path() == paths.log_dir() / "activity.jsonl"


def test_an_entry_is_one_json_line_with_every_field(site: Site) -> None:
    entry = ActivityEntry.now(
        "resubmit", site, "PC1", site.retry / "PC1.ccr", site.pending / "PC1.ccr", "resubmitted"
    )
    assert log_entries([entry]) is None
    (line,) = activity_log_path().read_text(encoding="utf-8").splitlines()
    data = json.loads(line)
    assert set(data) == {
        "time",
        "user",
        "site",
        "site_root",
        "action",
        "machine",
        "from",
        "to",
        "result",
    }
    assert data["from"] == str(site.retry / "PC1.ccr")
    assert data["to"] == str(site.pending / "PC1.ccr")
    assert data["user"] == current_user()
    datetime.fromisoformat(data["time"])
    assert read_activity() == [entry]


def test_user_is_domain_backslash_user_on_windows() -> None:
    env = {"USERNAME": "jdoe", "USERDOMAIN": "CORP"}
    assert current_user(env, windows=True) == "CORP\\jdoe"
    assert current_user({"USERNAME": "jdoe"}, windows=True) == "jdoe"
    assert current_user({"LOGNAME": "alice", "USER": "bob"}, windows=False) == "alice"
    assert current_user({}, windows=False)  # falls back to the account database


def test_log_is_appended_never_rewritten(site: Site) -> None:
    for i in range(3):
        log_entries([ActivityEntry.now("queue", site, f"PC{i}", None, None, "queued")])
    assert [e.machine for e in read_activity()] == ["PC0", "PC1", "PC2"]


def test_read_activity_limit_reads_from_the_end(site: Site) -> None:
    big = "x" * 300  # enough lines to span several read chunks
    log_entries(
        ActivityEntry.now("queue", site, f"PC{i}", None, None, f"queued {big}") for i in range(1000)
    )
    assert os.path.getsize(activity_log_path()) > 3 * 64 * 1024
    last = read_activity(5)
    assert [e.machine for e in last] == [f"PC{i}" for i in range(995, 1000)]
    assert len(read_activity(None)) == 1000
    assert read_activity(0) == []
    assert [e.machine for e in read_activity(999)][:1] == ["PC1"]


def test_missing_log_is_empty() -> None:
    assert read_activity() == []


def test_damaged_lines_are_skipped(site: Site) -> None:
    log_entries([ActivityEntry.now("queue", site, "PC1", None, None, "queued")])
    with open(activity_log_path(), "ab") as fh:
        fh.write(b'{"time": "2026-01-01T00:00:00", "machine": "cut sh')  # crash mid-line
        fh.write(b"\nnot json\n[1, 2]\n")
    log_entries([ActivityEntry.now("queue", site, "PC2", None, None, "queued")])
    assert [e.machine for e in read_activity()] == ["PC1", "PC2"]


def test_unwritable_log_is_reported_not_raised(site: Site, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    log = ActivityLog(blocker / "activity.jsonl")
    assert log.write(ActivityEntry.now("queue", site, "PC1", None, None, "queued")) is False
    assert log.error is not None and "could not be written" in log.error
    log.close()


def test_many_processes_appending_at_once_never_tear_a_line(site: Site) -> None:
    writers, per_writer = 4, 400
    script = textwrap.dedent(
        """
        import sys
        from ccrgui.core.activity import ActivityEntry, ActivityLog
        from ccrgui.core.site import open_site
        site = open_site(sys.argv[1], "ABC")
        w = sys.argv[2]
        with ActivityLog() as log:
            for i in range(int(sys.argv[3])):
                log.write(ActivityEntry.now("resubmit", site, f"W{w}-{i}", "a" * 200, "b", "ok"))
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(site.root), str(w), str(per_writer)])
        for w in range(writers)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * writers
    lines = activity_log_path().read_bytes().split(b"\n")
    assert lines[-1] == b""
    # every line is whole JSON (a writer that finds the log's end in flight when it opens
    # it starts on a fresh line: at worst an empty one, which readers skip)
    parsed = [json.loads(line) for line in lines[:-1] if line]
    assert len(parsed) == writers * per_writer
    for w in range(writers):
        mine = [d["machine"] for d in parsed if d["machine"].startswith(f"W{w}-")]
        assert mine == [f"W{w}-{i}" for i in range(per_writer)]  # each writer's order kept
