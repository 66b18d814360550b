"""The simulated site server on real folders: what it leaves in the boxes and in ccm.log."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ccrgui.core import ccmtrace
from ccrgui.core.ccr import parse_file
from ccrgui.core.queue import queue_requests
from ccrgui.core.resubmit import resubmit
from ccrgui.core.safefs import Owner, private_name
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.core.simrules import parse_rules
from ccrgui.core.simulator import SiteBusy, SiteSimulator, ccm_log_path
from ccrgui.core.site import Site, open_site
from tests.readonly_dir import unwritable

# DOMAIN.md's raw line: MESSAGE[~]  $$<COMPONENT><MM-DD-YYYY HH:MM:SS.mmm+TZ><thread=DEC (0xHEX)>
RAW_LINE = re.compile(
    r"^(?P<msg>.*?)~  \$\$<(?P<comp>[A-Z_]+)>"
    r"<(?P<date>\d\d-\d\d-\d{4} \d\d:\d\d:\d\d\.\d{3})(?P<bias>[+-]\d{3,})>"
    r"<thread=(?P<dec>\d+) \(0x(?P<hex>[0-9A-F]+)\)>$"
)


class Clock:
    """The simulator's clock, moved by the test (dates in files are seconds)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 8, 0, 5)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def site(tmp_path: Path) -> Site:
    root = tmp_path / "SMS_ABC" / "inboxes"
    (root / "ccr.box").mkdir(parents=True)
    (root / "ccrretry.box").mkdir()
    return open_site(root, "ABC")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sim(site: Site, clock: Clock) -> Iterator[SiteSimulator]:
    with SiteSimulator(site, clock=clock) as s:
        yield s


def names(box: Path) -> list[str]:
    return sorted(e.name for e in os.scandir(box) if e.is_file())


def inproc(sim: SiteSimulator) -> list[str]:
    """Requests in Inproc (its lock file aside)."""
    return [n for n in names(sim.inproc) if n != ".simulator.lock"]


def log_lines(site: Site) -> list[str]:
    return ccm_log_path(site).read_text(encoding="utf-8").splitlines()


# --------------------------------------------------------------------------- pick-up


def test_failed_request_becomes_the_retry_box_form_of_the_samples(
    site: Site, sim: SiteSimulator, samples: Path
) -> None:
    queue_requests(site, ["LAB-DENY-01"])

    [outcome] = sim.pick_up()

    assert (outcome.status, outcome.machine, outcome.code, outcome.attempts) == (
        "failed",
        "LAB-DENY-01",
        5,
        1,
    )
    assert names(site.pending) == [] and inproc(sim) == []
    path = site.retry / "LAB-DENY-01.ccr"
    assert outcome.path == path
    data = path.read_bytes()
    # the layout of samples/retry-access-denied.ccr: same sections and keys, in order,
    # CRLF, with the request's own keys kept
    sample_keys = [
        line.split(b"=")[0]
        for line in (samples / "retry-access-denied.ccr").read_bytes().split(b"\r\n")
    ]
    ours = [line.split(b"=")[0] for line in data.split(b"\r\n")]
    assert [k for k in ours if k not in (b"Client Type", b"Forced CCR")] == sample_keys
    assert b"\n" not in data.replace(b"\r\n", b"")
    rec = parse_file(path)
    assert rec.problem is None
    assert rec.machine_name == "LAB-DENY-01" and rec.domain == "CORP" and rec.forced is True
    assert len(rec.ip_addresses) == 1 and rec.ip_addresses[0].startswith("10.")
    assert rec.initial_request_date == rec.latest_processing_attempt == sim.clock()
    assert rec.error_event_created == sim.clock()
    assert (rec.attempts, rec.last_error_code, rec.last_error_name) == (
        1,
        5,
        "ERROR_ACCESS_DENIED",
    )
    assert rec.document.get("Resource Names ", "Resource Names 1") == "LAB-DENY-01"


def test_rpc_error_is_written_signed_as_ccm_writes_it(site: Site, sim: SiteSimulator) -> None:
    queue_requests(site, ["SALES-RPC-9"])
    sim.pick_up()
    text = (site.retry / "SALES-RPC-9.ccr").read_bytes()
    assert b"Last Error Code=-2147023174\r\n" in text
    assert parse_file(site.retry / "SALES-RPC-9.ccr").last_error_hex == "0x800706BA"


@pytest.mark.parametrize(
    ("machine", "code"),
    [("LAB-OFF-3", 53), ("hr-deny-1", 5), ("WksAuth7", 1326), ("NONAME-X", 67)],
)
def test_built_in_rules_on_the_name_any_case(
    site: Site, sim: SiteSimulator, machine: str, code: int
) -> None:
    queue_requests(site, [machine])
    [outcome] = sim.pick_up()
    assert outcome.code == code
    assert parse_file(site.retry / f"{machine}.ccr").last_error_code == code


def test_installed_request_is_deleted_and_logged(site: Site, sim: SiteSimulator) -> None:
    queue_requests(site, ["PC-0042"])

    [outcome] = sim.pick_up()

    assert outcome.status == "installed"
    assert names(site.pending) == names(site.retry) == inproc(sim) == []
    messages = [RAW_LINE.match(x).group("msg") for x in log_lines(site)]  # type: ignore[union-attr]
    assert '---> Completed request "PC-0042", machine name "PC-0042".' in messages
    assert messages[-1] == '<======End request: "PC-0042", machine name: "PC-0042".'


def test_flaky_fails_its_first_attempt_then_installs(site: Site, sim: SiteSimulator) -> None:
    queue_requests(site, ["LAB-FLAKY-1"])
    assert [o.code for o in sim.pick_up()] == [53]
    resubmit(site, [site.retry / "LAB-FLAKY-1.ccr"])
    assert [o.status for o in sim.pick_up()] == ["installed"]
    assert names(site.retry) == [] and names(site.pending) == []


def test_temporary_and_claim_names_are_never_picked_up(site: Site, sim: SiteSimulator) -> None:
    others = [
        ".PC1.ccr.1a2b3c4d.tmp",  # safefs's temporary name
        "PC2.ccr.tmp",
        ".PC3.ccr.claim",  # a resubmit's claim (issue 9), whatever its exact form
        "PC4.ccr.claim-1234",
        "PC5.CCR.part",
        "notes.txt",
        # the exact private names of resubmit's claim protocol and safefs's name locks
        private_name("PC6.ccr", "0123456789abcdef", Owner.me(), "claim"),
        private_name("PC7.ccr", "0123456789abcdef", Owner.me(), "sent"),
        private_name("PC8.ccr", "0123456789abcdef", Owner.me(), "tmp"),
        ".PC9.ccr.lock",
    ]
    for box in (site.pending, site.retry):
        for name in others:
            (box / name).write_bytes(b"[NT Client Configuration Request]\r\nMachine Name=X\r\n")

    assert sim.pick_up() == [] and sim.retry_pass() == []

    assert names(site.pending) == names(site.retry) == sorted(others)


def test_uppercase_extension_is_a_request(site: Site, sim: SiteSimulator) -> None:
    (site.pending / "PC9.CCR").write_bytes(
        b"[NT Client Configuration Request]\r\nMachine Name=PC9\r\n"
    )
    assert [o.status for o in sim.pick_up()] == ["installed"]


def test_resubmitted_request_keeps_and_increments_its_attempts(
    site: Site, sim: SiteSimulator, clock: Clock
) -> None:
    queue_requests(site, ["LAB-DENY-01"])
    sim.pick_up()
    first = parse_file(site.retry / "LAB-DENY-01.ccr")
    clock.now += timedelta(minutes=20)

    resubmit(site, [site.retry / "LAB-DENY-01.ccr"])
    sim.pick_up()

    again = parse_file(site.retry / "LAB-DENY-01.ccr")
    assert again.attempts == 2
    assert again.initial_request_date == first.initial_request_date  # the 7 days go on
    assert again.error_event_created == first.error_event_created
    assert again.latest_processing_attempt == clock.now


def test_new_request_for_a_machine_in_retry_updates_that_file(
    site: Site, sim: SiteSimulator, clock: Clock
) -> None:
    old = datetime(2026, 10, 30, 9, 0, 0)
    data = demo_retry_request("WKS-OFF-7", "LAB", "10.1.2.3", 53, 40, old)
    (site.retry / "2097152456.ccr").write_bytes(data)  # named by its ResourceID

    queue_requests(site, ["wks-off-7"])
    [outcome] = sim.pick_up()

    assert names(site.retry) == ["2097152456.ccr"] and inproc(sim) == []
    rec = parse_file(site.retry / "2097152456.ccr")
    assert (rec.attempts, rec.initial_request_date) == (41, old)
    assert rec.latest_processing_attempt == clock.now and outcome.attempts == 41


def test_two_requests_for_one_machine_in_one_pass_make_one_retry_file(
    site: Site, sim: SiteSimulator
) -> None:
    request = b"[NT Client Configuration Request]\r\nMachine Name=LAB-OFF-5\r\n"
    (site.pending / "2097152001.ccr").write_bytes(request)  # by ResourceID, and by name
    (site.pending / "LAB-OFF-5.ccr").write_bytes(request)

    assert [o.attempts for o in sim.pick_up()] == [1, 2]

    assert names(site.retry) == ["2097152001.ccr"]
    assert parse_file(site.retry / "2097152001.ccr").attempts == 2


def test_a_machine_that_installs_takes_its_retry_file_with_it(
    site: Site, sim: SiteSimulator
) -> None:
    data = demo_retry_request("PC-FIXED", "CORP", "10.1.2.3", 53, 4, datetime(2026, 11, 1))
    (site.retry / "PC-FIXED.ccr").write_bytes(data)
    queue_requests(site, ["PC-FIXED"])
    assert [o.status for o in sim.pick_up()] == ["installed"]
    assert names(site.retry) == []


def test_invalid_request_is_set_aside_not_lost(site: Site, sim: SiteSimulator) -> None:
    (site.pending / "broken.ccr").write_bytes(b"hello\r\n")
    (site.pending / "evil.ccr").write_bytes(
        b"[NT Client Configuration Request]\r\nMachine Name=..\\..\\x\r\n"
    )

    outcomes = sim.pick_up()

    assert sorted(o.status for o in outcomes) == ["bad request", "bad request"]
    assert names(site.pending / "corrupt") == ["broken.ccr", "evil.ccr"]
    assert names(site.retry) == []
    assert any("is not a valid CCR" in line for line in log_lines(site))


def test_request_left_in_inproc_by_a_stopped_server_is_finished(
    site: Site, sim: SiteSimulator
) -> None:
    sim.inproc.mkdir(exist_ok=True)
    (sim.inproc / "LAB-OFF-1.ccr").write_bytes(
        b"[NT Client Configuration Request]\r\nMachine Name=LAB-OFF-1\r\n"
    )
    assert [o.machine for o in sim.pick_up()] == ["LAB-OFF-1"]
    assert names(site.retry) == ["LAB-OFF-1.ccr"] and inproc(sim) == []


def test_only_one_simulator_per_site(site: Site, sim: SiteSimulator) -> None:
    with pytest.raises(SiteBusy, match="already working on this site"):
        SiteSimulator(site).start()


# --------------------------------------------------------------------------- retry passes


def test_hourly_pass_retries_each_request_as_an_hour_later(
    site: Site, sim: SiteSimulator, clock: Clock
) -> None:
    queue_requests(site, ["LAB-DENY-01", "LAB-FLAKY-2"])
    sim.pick_up()
    before = parse_file(site.retry / "LAB-DENY-01.ccr")

    outcomes = sim.advance(3)

    assert [(o.machine, o.status) for o in outcomes] == [
        ("LAB-DENY-01", "failed"),
        ("LAB-FLAKY-2", "installed"),
        ("LAB-DENY-01", "failed"),
        ("LAB-DENY-01", "failed"),
    ]
    after = parse_file(site.retry / "LAB-DENY-01.ccr")
    assert after.attempts == 4
    # three simulated hours passed: the request is three hours older on the real clock
    assert before.initial_request_date is not None
    assert after.initial_request_date == before.initial_request_date - timedelta(hours=3)
    assert after.latest_processing_attempt == clock.now
    assert names(site.retry) == ["LAB-DENY-01.ccr"]
    counts = [x for x in log_lines(site) if x.startswith('CCR count in queue "Retry"')]
    assert [c.split("~")[0] for c in counts] == [
        'CCR count in queue "Retry" is 2.',
        'CCR count in queue "Retry" is 1.',
        'CCR count in queue "Retry" is 1.',
    ]


def test_a_retry_pass_never_takes_a_file_out_of_the_box(
    site: Site, sim: SiteSimulator, clock: Clock
) -> None:
    """A table reading the box during a pass must not see rows vanish and come back."""
    machines = [f"LAB-DENY-{i:02}" for i in range(40)]
    for m in machines:
        data = demo_retry_request(m, "CORP", "10.0.0.1", 5, 3, clock.now - timedelta(hours=3))
        (site.retry / f"{m}.ccr").write_bytes(data)
    expected = sorted(f"{m}.ccr" for m in machines)
    listings: list[list[str]] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set() and len(listings) < 100_000:
            listings.append(sorted(n for n in os.listdir(site.retry) if n.endswith(".ccr")))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        outcomes = sim.retry_pass(timedelta())
    finally:
        done.set()
        thread.join(timeout=30)

    assert [o.attempts for o in outcomes] == [4] * 40
    assert len(listings) > 10
    assert all(listing == expected for listing in listings)
    assert names(site.retry) == expected and inproc(sim) == []


def test_request_is_deleted_after_168_attempts_and_that_is_logged(
    site: Site, sim: SiteSimulator, clock: Clock
) -> None:
    initial = clock.now - timedelta(hours=100)  # well inside the 7 days
    (site.retry / "LAB-OFF-9.ccr").write_bytes(
        demo_retry_request("LAB-OFF-9", "CORP", "10.0.0.9", 53, 167, initial)
    )

    assert [(o.status, o.attempts) for o in sim.retry_pass(timedelta())] == [("failed", 168)]
    assert parse_file(site.retry / "LAB-OFF-9.ccr").attempts == 168
    assert [(o.status, o.attempts) for o in sim.retry_pass(timedelta())] == [("deleted", 168)]

    assert names(site.retry) == [] and inproc(sim) == []
    expiry = [x for x in log_lines(site) if "retry limit" in x]
    assert len(expiry) == 1
    assert '"LAB-OFF-9"' in expiry[0] and "168 attempts" in expiry[0]


def test_request_is_deleted_when_its_7_days_are_over(
    site: Site, sim: SiteSimulator, clock: Clock
) -> None:
    young = clock.now - timedelta(hours=166, minutes=30)
    (site.retry / "HR-DENY-3.ccr").write_bytes(
        demo_retry_request("HR-DENY-3", "CORP", "10.0.0.3", 5, 12, young)
    )

    assert [o.status for o in sim.advance(1)] == ["failed"]  # 167.5 hours old
    assert [o.status for o in sim.advance(1)] == ["deleted"]  # 168.5

    assert names(site.retry) == []


def test_run_picks_up_at_once_and_stops_when_asked(site: Site, clock: Clock) -> None:
    stop = threading.Event()
    seen: list[str] = []

    def report(outcome: object) -> None:
        seen.append(getattr(outcome, "machine", ""))
        stop.set()

    queue_requests(site, ["LAB-DENY-01"])
    with SiteSimulator(site, clock=clock, hour_seconds=3600) as sim:
        worker = threading.Thread(target=sim.run, args=(stop, report, 0.05))
        worker.start()
        worker.join(timeout=30)
    assert not worker.is_alive()
    assert seen == ["LAB-DENY-01"]
    assert names(site.retry) == ["LAB-DENY-01.ccr"]


# --------------------------------------------------------------------------- rules


def test_rules_file_replaces_the_built_in_rules(site: Site, clock: Clock) -> None:
    rules = parse_rules("ROUTER 0x80070005\nlab 1396 once\n* 53\n", "test rules")
    queue_requests(site, ["CORE-ROUTER", "LAB-PC1", "PC-DENY"])
    with SiteSimulator(site, rules, clock=clock) as sim:
        codes = {o.machine: o.code for o in sim.pick_up()}
        assert codes == {"CORE-ROUTER": -2147024891, "LAB-PC1": 1396, "PC-DENY": 53}
        assert [o.status for o in sim.retry_pass() if o.machine == "LAB-PC1"] == ["installed"]


# --------------------------------------------------------------------------- ccm.log


def test_every_log_line_is_in_the_raw_trace_format(site: Site, sim: SiteSimulator) -> None:
    queue_requests(site, ["LAB-OFF-1", "LAB-RPC-2", "PC-OK", "LAB-DENY-3"])
    sim.pick_up()
    sim.advance(1)

    lines = log_lines(site)
    assert ccm_log_path(site) == site.root.parent / "Logs" / "ccm.log"
    matches = [RAW_LINE.match(x) for x in lines]
    assert all(matches), [x for x, m in zip(lines, matches, strict=True) if not m]
    stamps = []
    for m in matches:
        assert m is not None
        assert m.group("comp") == "SMS_CLIENT_CONFIG_MANAGER"
        assert int(m.group("dec")) == int(m.group("hex"), 16) and int(m.group("dec")) % 4 == 0
        stamps.append(datetime.strptime(m.group("date"), "%m-%d-%Y %H:%M:%S.%f"))
    assert stamps == sorted(stamps)  # the log only moves forward
    text = "\n".join(lines)
    for expected in (
        '======>Begin Processing request: "LAB-OFF-1", machine name: "LAB-OFF-1"~',
        "---> Attempting to connect to administrative share '\\\\LAB-OFF-1\\admin$' using "
        "account 'CORP\\cm_push'~",
        "---> Failed to connect to \\\\LAB-OFF-1\\admin$ using account CORP\\cm_push (53)~",
        '---> ERROR: Unable to access target machine for request: "LAB-OFF-1", machine name: '
        '"LAB-OFF-1", error code: 53~',
        'Stored request "LAB-OFF-1", machine name "LAB-OFF-1", in queue "Retry".~',
        '<======End request: "LAB-OFF-1", machine name: "LAB-OFF-1".~',
        "---> WNetAddConnection2 failed (LOGON32_LOGON_NEW_CREDENTIALS) using account "
        "CORP\\cm_push (00000005)~",
        '---> Unable to connect to WMI on remote machine "LAB-RPC-2", error = 0x800706ba.~',
        "error code: -2147023174~",
    ):
        assert expected in text


def test_each_request_block_runs_on_its_own_thread(site: Site, sim: SiteSimulator) -> None:
    queue_requests(site, ["LAB-OFF-1", "LAB-OFF-2"])
    sim.pick_up()
    blocks: dict[str, list[str]] = {}
    for line in log_lines(site):
        m = RAW_LINE.match(line)
        assert m is not None
        blocks.setdefault(m.group("dec"), []).append(m.group("msg"))
    workers = [b for b in blocks.values() if b[0].startswith("======>Begin")]
    assert len(workers) == 2
    assert all(b[-1].startswith("<======End request") for b in workers)


def test_utc_bias_has_ccm_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timezone

    line = ccmtrace.TraceLine(
        "x", datetime(2007, 2, 21, 9, 37, 28, 123000, timezone(timedelta(hours=-5))), 6708
    )
    assert ccmtrace.format_line(line) == (
        "x~  $$<SMS_CLIENT_CONFIG_MANAGER><02-21-2007 09:37:28.123+300><thread=6708 (0x1A34)>\n"
    )
    east = datetime(2007, 2, 21, 9, 37, 28, 0, timezone(timedelta(hours=10)))
    assert "<02-21-2007 09:37:28.000-600>" in ccmtrace.format_line(ccmtrace.TraceLine("x", east, 4))


def test_log_rolls_over_to_ccm_lo_(
    site: Site, sim: SiteSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ccmtrace, "MAX_LOG_BYTES", 3000)
    queue_requests(site, [f"LAB-OFF-{i}" for i in range(8)])
    sim.pick_up()
    log = ccm_log_path(site)
    rolled = log.with_name("ccm.lo_")
    assert rolled.exists() and log.exists()
    assert log.stat().st_size <= 3000


# --------------------------------------------------------------------------- faults


def test_unwritable_retry_box_loses_nothing(site: Site, sim: SiteSimulator) -> None:
    queue_requests(site, ["LAB-DENY-01"])
    with unwritable(site.retry):
        [outcome] = sim.pick_up()
        assert outcome.status == "failed" and outcome.path is None
        assert "could not write to" in outcome.detail
        assert inproc(sim) == ["LAB-DENY-01.ccr"]  # kept for the next pass
    [outcome] = sim.pick_up()
    assert outcome.path == site.retry / "LAB-DENY-01.ccr" and inproc(sim) == []
    assert parse_file(outcome.path).attempts == 1


def test_request_that_cannot_be_claimed_is_an_outcome_not_a_crash(
    site: Site, sim: SiteSimulator
) -> None:
    queue_requests(site, ["LAB-DENY-01", "PC-0042"])
    sim.inproc.mkdir(exist_ok=True)
    with unwritable(site.pending):
        outcomes = sim.pick_up()
    assert [o.status for o in outcomes] == ["error", "error"]
    assert "tried again next pass" in outcomes[0].detail
    assert names(site.pending) == ["LAB-DENY-01.ccr", "PC-0042.ccr"]
    assert sorted(o.status for o in sim.pick_up()) == ["failed", "installed"]
