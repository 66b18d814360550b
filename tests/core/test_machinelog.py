"""One machine's entries: request blocks on their thread, other lines naming it, exact
names; the chunked search gives what parsing every entry gives; attempts per request."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ccrgui.core.ccmlog import iter_entries
from ccrgui.core.machinelog import MachineLog, Outcome, group_attempts, machine_entries, select


def line(message: str, thread: int, second: int = 0) -> str:
    return (
        f"{message}~  $$<SMS_CLIENT_CONFIG_MANAGER><02-21-2007 09:{second // 60:02d}:"
        f"{second % 60:02d}.000+300><thread={thread} (0x{thread:X})>\r\n"
    )


def begin(machine: str, thread: int, rid: str | None = None) -> str:
    rid = rid or machine
    return line(f'======>Begin Processing request: "{rid}", machine name: "{machine}"', thread)


def end(machine: str, thread: int) -> str:
    return line(f'<======End request: "{machine}", machine name: "{machine}".', thread)


def messages(log: Path, name: str) -> list[str]:
    return [e.message for e in machine_entries(log, name)]


def test_sample_block_only_on_its_thread(samples: Path) -> None:
    got = list(machine_entries(samples / "ccm-raw.log", "computer001"))
    assert len(got) == 7
    assert {e.thread for e in got} == {6708}
    assert got[0].message.startswith("======>Begin Processing request")
    assert got[-1].message.startswith("<======End request")
    assert "WNetAddConnection2 failed" in got[3].message  # in the block, does not name it


def test_interleaved_threads(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_text(
        begin("PC1", 1)
        + begin("PC2", 2)
        + line("---> Trying each entry", 1)
        + line("---> Trying each entry", 2)
        + line("---> WNetAddConnection2 failed (00000005)", 2)
        + line("---> WNetAddConnection2 failed (00000035)", 1)
        + end("PC2", 2)
        + line("---> after that block, thread 2", 2)
        + end("PC1", 1)
        + line("---> after that block, thread 1", 1),
        newline="",
    )
    got = list(machine_entries(log, "PC1"))
    assert [e.thread for e in got] == [1, 1, 1, 1]
    assert got[2].error_code == 0x35
    assert [e.thread for e in machine_entries(log, "pc2")] == [2, 2, 2, 2]


def test_names_match_whole_and_case_insensitively(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_text(
        line(r"connect to \\PC-10\admin$", 1)
        + line(r"connect to \\XPC-1\admin$", 1)
        + line(r"connect to \\pc-1\admin$", 1)
        + line('remote machine "PC-1.corp.example", error = 0x80070005.', 1)
        + line('remote machine "PC-1.other.example"', 1)
        + line("Stored request for PC-1.", 1)
        + line("PC-1_old is another machine", 1),
        newline="",
    )
    assert messages(log, "PC-1") == [
        r"connect to \\pc-1\admin$",
        'remote machine "PC-1.corp.example", error = 0x80070005.',
        'remote machine "PC-1.other.example"',
        "Stored request for PC-1.",
    ]
    assert messages(log, "pc-1.CORP.example") == [
        r"connect to \\pc-1\admin$",
        'remote machine "PC-1.corp.example", error = 0x80070005.',
        "Stored request for PC-1.",
    ]
    assert messages(log, "PC-10") == [r"connect to \\PC-10\admin$"]
    assert messages(log, "PC") == []


def test_fqdn_request_block_matches_short_name(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_text(
        begin("WKS-7.corp.example", 5, "2097152456")
        + line("---> Trying each entry", 5)
        + end("WKS-7.corp.example", 5),
        newline="",
    )
    assert len(messages(log, "wks-7")) == 3
    assert len(messages(log, "2097152456")) == 3  # by request ID
    assert len(messages(log, "WKS-7.other.example")) == 0


def test_block_without_end_closes_at_next_begin_on_its_thread(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_text(begin("PC1", 1) + line("one", 1) + begin("PC2", 1) + line("two", 1), newline="")
    assert messages(log, "PC1") == [
        '======>Begin Processing request: "PC1", machine name: "PC1"',
        "one",
    ]


def test_attempts_grouped_per_request(samples: Path, tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_text(
        begin("PC1", 1)
        + line(r"---> Failed to connect to \\PC1\admin$ using account D\p (67)", 1)
        + line('---> ERROR: Unable to access target machine for request: "PC1", error code: 53', 1)
        + line('Stored request "PC1", machine name "PC1", in queue "Retry".', 1)
        + end("PC1", 1)
        + begin("PC1", 3)
        + line(r"---> Failed to connect to \\PC1\admin$ (00000005)", 3)
        + line('---> Completed request "PC1", machine name "PC1".', 3)
        + end("PC1", 3)
        + begin("PC1", 5)
        + line('---> Request "PC1", machine name "PC1", has reached the retry limit', 5)
        + line('Deleted request "PC1", machine name "PC1"', 5)
        + end("PC1", 5)
        + begin("PC1", 4)
        + line("---> Trying each entry", 4),
        newline="",
    )
    attempts = group_attempts(machine_entries(log, "PC1"))
    assert [(a.outcome, a.error_code, len(a.entries)) for a in attempts] == [
        (Outcome.RETRY, 53, 5),  # the summary line's code, not the first one seen
        (Outcome.COMPLETED, None, 4),
        (Outcome.GAVE_UP, None, 4),
        (Outcome.UNFINISHED, None, 2),
    ]
    copy = group_attempts(machine_entries(samples / "ccm-cmtrace-copy.log", "WKS-LAB-07"))
    assert [(a.request_id, a.outcome, a.error_code) for a in copy] == [
        (None, Outcome.RETRY, 0x80070005)
    ]


# ----------------------------------------------------------------- fast path == plain path

NAMES = ["PC1", "pc1", "PC10", "PC1.corp.example", "XPC1", "PC2", "2097"]
MESSAGES = [
    "---> Trying each entry",
    "Sleeping for 661 seconds...",
    r"---> Failed to connect to \\{n}\admin$ (53)",
    'Stored request "{n}", machine name "{n}", in queue "Retry".',
    "multi\nline about {n}\nthird",
    '======>Begin Processing request: "2097", machine name: "{n}"',
    '======>Begin Processing request: "{n}", machine name: "{n}"',
    '<======End request: "{n}", machine name: "{n}".',
]
entries_st = st.lists(
    st.tuples(st.sampled_from(MESSAGES), st.sampled_from(NAMES), st.integers(1, 3)),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(
    entries=entries_st,
    query=st.sampled_from(["pc1", "PC1.corp.example", "pc10", "2097", "pc2"]),
    chunk=st.sampled_from([1, 7, 64, 300, 1 << 20]),
    junk=st.booleans(),
)
def test_chunked_search_equals_parsing_everything(
    tmp_path_factory: object, entries: list[tuple[str, str, int]], query: str, chunk: int,
    junk: bool,
) -> None:  # fmt: skip
    text = "".join(line(m.format(n=n), t, i) for i, (m, n, t) in enumerate(entries))
    if junk:
        text = "stray line with pc1 and no metadata\r\n" + text + "trailing pc1 line\r\n"
    log = Path(str(tmp_path_factory.mktemp("log"))) / "ccm.log"  # type: ignore[attr-defined]
    log.write_text(text, newline="")
    plain = list(select(iter_entries(log), query))
    fast = MachineLog(log, query, chunk_size=chunk)
    assert [e for batch in fast.read() for e in batch] == plain


def test_reads_what_the_simulated_site_server_writes(tmp_path: Path) -> None:
    from datetime import datetime

    from ccrgui.core import ccmtrace

    log = tmp_path / "Logs" / "ccm.log"
    when = datetime(2026, 11, 2, 8, 0, 0)
    for i, (machine, code) in enumerate(
        [("LAB-1", 53), ("LAB-10", 5), ("LAB-1", -2147023174), ("LAB-1", 1326), ("LAB-1", 0)]
    ):
        messages = (
            ccmtrace.installed_lines(str(i), machine, "CORP\\push")
            if code == 0
            else ccmtrace.failed_lines(str(i), machine, code, "CORP\\push")
        )
        ccmtrace.append_lines(log, [ccmtrace.TraceLine(m, when, 100 + i) for m in messages])
    attempts = group_attempts(machine_entries(log, "lab-1"))
    assert [(a.outcome, a.error_code) for a in attempts] == [
        (Outcome.RETRY, 53),
        (Outcome.RETRY, 0x800706BA),
        (Outcome.RETRY, 1326),
        (Outcome.COMPLETED, None),
    ]
    assert attempts[0].time is not None and attempts[0].time.utcoffset() is not None
