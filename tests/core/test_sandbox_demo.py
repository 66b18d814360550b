"""Reset demo: the sandbox reseeded with a realistic mix and the ccm.log that goes with it."""

from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, timedelta

import pytest

from ccrgui.core.ccr import RETRY_WINDOW
from ccrgui.core.queue import queue_requests
from ccrgui.core.sandbox import ensure_sandbox, reset_demo
from ccrgui.core.scan import read_box
from ccrgui.core.simulator import SiteBusy, SiteSimulator, ccm_log_path
from tests.core.test_simulator import RAW_LINE

NOW = datetime(2026, 11, 20, 14, 0, 0)


def test_reset_demo_seeds_a_realistic_mix() -> None:
    site = reset_demo(NOW)

    records = read_box(site.retry)
    assert 25 <= len(records) <= 40 and all(r.problem is None for r in records)
    codes = Counter(r.last_error_code for r in records)
    assert len(codes) >= 8 and codes[5] >= 3 and codes[53] >= 3 and codes[0x800706BA] >= 3
    soon = [r for r in records if r.expires_at and NOW < r.expires_at <= NOW + timedelta(hours=24)]
    assert len(soon) >= 2  # some about to expire
    assert any(r.attempts == 168 for r in records)  # one the next pass deletes
    assert any(r.attempts == 1 for r in records)
    assert "2097152456.ccr" in {r.file_name for r in records}  # a ResourceID-named file
    for r in records:
        assert r.initial_request_date is not None and r.latest_processing_attempt is not None
        assert r.latest_processing_attempt <= NOW
        assert r.initial_request_date + RETRY_WINDOW > NOW - timedelta(hours=1)
    assert len(read_box(site.pending)) == 3


def test_reset_demo_log_tells_each_request_s_story() -> None:
    site = reset_demo(NOW)
    lines = ccm_log_path(site).read_text(encoding="utf-8").splitlines()
    matches = [RAW_LINE.match(x) for x in lines]
    assert all(matches)
    stamps = [datetime.strptime(m.group("date"), "%m-%d-%Y %H:%M:%S.%f") for m in matches if m]
    assert stamps == sorted(stamps)
    for r in read_box(site.retry):
        request_id = r.file_name[:-4]
        begin = f'======>Begin Processing request: "{request_id}", machine name: "{r.machine_name}"'
        times = [
            datetime.strptime(m.group("date")[:19], "%m-%d-%Y %H:%M:%S")
            for m in matches
            if m and m.group("msg") == begin
        ]
        assert times, r.machine_name
        assert max(times) == r.latest_processing_attempt  # the log's last attempt is the file's


def test_reset_demo_replaces_what_was_there() -> None:
    site = ensure_sandbox()
    queue_requests(site, ["MY-OWN-PC"])
    (site.retry / "stray.ccr").write_bytes(b"x")
    reset_demo(NOW)
    reset_demo(NOW)  # twice: no leftovers, no "already exists"
    assert "MY-OWN-PC.ccr" not in os.listdir(site.pending)
    assert "stray.ccr" not in os.listdir(site.retry)
    assert len(read_box(site.pending)) == 3


def test_reset_demo_waits_for_no_running_server() -> None:
    site = ensure_sandbox()
    with SiteSimulator(site), pytest.raises(SiteBusy):
        reset_demo(NOW)


def test_a_fresh_sandbox_has_the_history_of_its_demo_failures() -> None:
    from ccrgui.core.machinelog import group_attempts, machine_entries

    site = ensure_sandbox(NOW)
    for r in read_box(site.retry):
        assert r.machine_name is not None
        attempts = group_attempts(machine_entries(ccm_log_path(site), r.machine_name))
        assert attempts, r.machine_name
        assert attempts[-1].error_code == r.last_error_code
        last = attempts[-1].time
        assert last is not None and last.replace(tzinfo=None, microsecond=0) == (
            r.latest_processing_attempt
        )
