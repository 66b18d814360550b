"""``ccr simulate`` with the other commands, as real processes: the whole loop of queueing,
the simulated site server, reading the retry box and resubmitting, with no mocks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ccrgui.core.sandbox import sandbox_root


def ccr(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "ccrgui.cli", *args], capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "SMS_ABC" / "inboxes"
    (root / "ccr.box").mkdir(parents=True)
    (root / "ccrretry.box").mkdir()
    return root


def show(path: Path) -> dict[str, object]:
    done = ccr("show", str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(done.stdout)
    return data


def test_new_simulate_show_resubmit_simulate(site: Path) -> None:
    assert ccr("new", "LAB-DENY-01", "PC-0042", "--site", str(site)).returncode == 0

    done = ccr("simulate", "--site", str(site), "--once")

    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert len(out) == 2
    assert "failed" in out[0] and "LAB-DENY-01  error 5 ERROR_ACCESS_DENIED  attempt 1" in out[0]
    assert "installed  PC-0042  attempt 1" in out[1]
    retry = site / "ccrretry.box" / "LAB-DENY-01.ccr"
    assert sorted(os.listdir(site / "ccrretry.box")) == ["LAB-DENY-01.ccr"]
    first = show(retry)
    assert first["machine_name"] == "LAB-DENY-01" and first["domain"] == "CORP"
    assert first["attempts"] == 1 and first["forced"] is True
    assert (first["last_error_code"], first["last_error_name"]) == (5, "ERROR_ACCESS_DENIED")
    assert first["initial_request_date"] == first["latest_processing_attempt"]
    assert first["problem"] is None and len(first["ip_addresses"]) == 1  # type: ignore[arg-type]

    assert ccr("resubmit", "LAB-DENY-01", "--site", str(site)).returncode == 0
    assert not retry.exists()
    assert ccr("simulate", "--site", str(site), "--once").returncode == 0

    again = show(retry)
    assert again["attempts"] == 2
    assert again["initial_request_date"] == first["initial_request_date"]
    log = (site.parent / "Logs" / "ccm.log").read_text()
    assert log.count('======>Begin Processing request: "LAB-DENY-01"') == 2
    assert log.count('Stored request "LAB-DENY-01", machine name "LAB-DENY-01"') == 2


def test_advance_runs_hourly_passes_until_expiry(site: Path) -> None:
    ccr("new", "LAB-OFF-7", "LAB-FLAKY-2", "--site", str(site))
    ccr("simulate", "--site", str(site), "--once")

    done = ccr("simulate", "--site", str(site), "--advance", "3")

    assert done.returncode == 0, done.stderr
    assert [line.split()[1:3] for line in done.stdout.splitlines()] == [
        ["installed", "LAB-FLAKY-2"],
        ["failed", "LAB-OFF-7"],
        ["failed", "LAB-OFF-7"],
        ["failed", "LAB-OFF-7"],
    ]
    assert show(site / "ccrretry.box" / "LAB-OFF-7.ccr")["attempts"] == 4

    done = ccr("simulate", "--site", str(site), "--advance", "168")

    assert done.returncode == 0, done.stderr
    last = done.stdout.splitlines()[-1]
    assert "deleted" in last and "LAB-OFF-7" in last and "168 attempts" in last
    assert os.listdir(site / "ccrretry.box") == []
    assert "has reached the retry limit" in (site.parent / "Logs" / "ccm.log").read_text()


def test_without_site_it_runs_on_the_sandbox() -> None:
    assert ccr("new", "SALES-OFF-1").returncode == 0  # no site configured: the sandbox
    done = ccr("simulate", "--once")
    assert done.returncode == 0, done.stderr
    assert (sandbox_root() / "ccrretry.box" / "SALES-OFF-1.ccr").exists()
    assert (sandbox_root().parent / "Logs" / "ccm.log").exists()


def test_rules_file(site: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.txt"
    rules.write_text("# everything is unreachable\n* 0x800706BA\n")
    ccr("new", "PC-0042", "--site", str(site))

    done = ccr("simulate", "--site", str(site), "--once", "--rules", str(rules))

    assert done.returncode == 0, done.stderr
    text = (site / "ccrretry.box" / "PC-0042.ccr").read_bytes()
    assert b"Last Error Code=-2147023174\r\n" in text


def test_bad_rules_file_is_a_usage_error_and_nothing_moves(site: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.txt"
    rules.write_text("DENY 5\nOFF fiftythree\n")
    ccr("new", "PC-0042", "--site", str(site))

    done = ccr("simulate", "--site", str(site), "--once", "--rules", str(rules))

    assert done.returncode == 2
    assert f"{rules}, line 2: 'fiftythree' is neither 'installed' nor an error code" in done.stderr
    assert os.listdir(site / "ccr.box") == ["PC-0042.ccr"]


@pytest.mark.parametrize(
    ("where", "words"),
    [
        (r"\\SITESERVER\SMS_ABC\inboxes", "it is a UNC path to a network share"),
        ("//SITESERVER/SMS_ABC/inboxes", "it is a UNC path to a network share"),
        ("smb://siteserver/SMS_ABC/inboxes", "it is a smb:// URL, not a local folder"),
    ],
)
def test_refuses_network_locations(where: str, words: str) -> None:
    done = ccr("simulate", "--site", where, "--once")
    assert done.returncode == 2
    assert f"refusing to simulate a site server on {where}: {words}" in done.stderr
    assert "only runs on a local test folder" in done.stderr


@pytest.mark.samba
def test_refuses_a_folder_on_a_mounted_share(smb_site: object) -> None:
    root = smb_site.client_root / "inboxes"  # type: ignore[attr-defined]
    done = ccr("simulate", "--site", str(root), "--once")
    assert done.returncode == 2, done.stderr
    assert "it is on a network file system (fuse.smbnetfs)" in done.stderr


def test_bad_numbers_are_usage_errors(site: Path) -> None:
    for args in (["--hour-seconds", "0"], ["--hour-seconds", "x"], ["--advance", "-1"]):
        done = ccr("simulate", "--site", str(site), *args)
        assert done.returncode == 2 and "ccr: error:" in done.stderr


def test_foreground_picks_up_retries_hourly_and_stops_on_ctrl_c(site: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ccrgui.cli",
            "simulate",
            "--site",
            str(site),
            "--hour-seconds",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        retry = site / "ccrretry.box" / "LAB-DENY-01.ccr"
        ccr("new", "LAB-DENY-01", "--site", str(site))
        wait_for(retry.exists, "the request to fail into ccrretry.box")
        wait_for(lambda: (show(retry)["attempts"] or 0) >= 2, "an hourly retry pass")  # type: ignore[operator]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "Ctrl+C stops" in err and "simulated site server stopped" in err
    assert "LAB-DENY-01  error 5 ERROR_ACCESS_DENIED  attempt 1" in out
    assert [n for n in os.listdir(site / "ccr.box" / "Inproc") if not n.startswith(".")] == []


def test_a_second_server_on_the_same_site_is_refused(site: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ccrgui.cli", "simulate", "--site", str(site)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        assert "Ctrl+C stops" in proc.stderr.readline()  # it holds the site now
        done = ccr("simulate", "--site", str(site), "--once")
        assert done.returncode == 1
        assert "Another simulated site server is already working on this site" in done.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    assert proc.returncode == 0


def test_reset_demo_then_once() -> None:
    ccr("new", "MY-OWN-PC")

    done = ccr("simulate", "--reset-demo", "--once")

    assert done.returncode == 0, done.stderr
    assert "the sandbox was reseeded with demo requests" in done.stderr
    assert len(done.stdout.splitlines()) == 3  # the demo's pending requests, not MY-OWN-PC
    assert "MY-OWN-PC" not in done.stdout
    listed = ccr("list", "--format", "json")
    assert len(json.loads(listed.stdout)) >= 25
    assert ccr("simulate", "--reset-demo", "--site", "/tmp").returncode == 2


def test_ccr_log_finds_the_simulated_history(site: Path) -> None:
    ccr("new", "LAB-DENY-01", "LAB-DENY-010", "SALES-RPC-9", "PC-0042", "--site", str(site))
    ccr("simulate", "--site", str(site), "--once")
    ccr("resubmit", "LAB-DENY-01", "--site", str(site))
    ccr("simulate", "--site", str(site), "--once")

    done = ccr("log", "LAB-DENY-01", "--site", str(site), "--format", "json")

    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)
    messages = [e["message"] for e in entries]
    assert all('"LAB-DENY-010"' not in m for m in messages)  # exact names only
    assert (
        messages.count(
            '======>Begin Processing request: "LAB-DENY-01", machine name: "LAB-DENY-01"'
        )
        == 2
    )
    assert {e["component"] for e in entries} == {"SMS_CLIENT_CONFIG_MANAGER"}
    assert [e["error_code"] for e in entries if "error code:" in e["message"]] == [5, 5]
    assert len({e["thread"] for e in entries}) == 2  # one worker thread per attempt

    text = ccr("log", "LAB-DENY-01", "--site", str(site)).stdout
    assert "2 attempt(s)" in text and "ERROR_ACCESS_DENIED" in text
    rpc = json.loads(ccr("log", "SALES-RPC-9", "--site", str(site), "--format", "json").stdout)
    assert 0x800706BA in {e["error_code"] for e in rpc}
    installed = ccr("log", "PC-0042", "--site", str(site)).stdout
    assert "1 attempt(s)" in installed and "completed" in installed


def test_refuses_a_real_site_servers_inboxes_folder(site: Path) -> None:
    (site / "ddm.box").mkdir()
    (site / "StatMgr.box").mkdir()
    ccr("new", "PC-0042", "--site", str(site))

    done = ccr("simulate", "--site", str(site), "--once")

    assert done.returncode == 2
    assert "it looks like a real site server's inboxes folder" in done.stderr
    assert "ddm.box, StatMgr.box" in done.stderr
    assert os.listdir(site / "ccr.box") == ["PC-0042.ccr"]  # nothing was touched


def test_refuses_a_configured_site_on_a_share_by_its_name(site: Path) -> None:
    from ccrgui.core.config import Config, SiteEntry, save_config

    save_config(Config(sites=[SiteEntry("ABC", r"\\CM01\SMS_ABC\inboxes")]))
    done = ccr("simulate", "--site", "ABC", "--once")
    assert done.returncode == 2
    assert "refusing to simulate a site server on ABC: it is a UNC path" in done.stderr


def test_help_shows_the_built_in_rules_and_exit_codes() -> None:
    done = ccr("simulate", "--help")
    assert done.returncode == 0
    assert "RPC     0x800706BA" in done.stdout and "FLAKY   53 once" in done.stdout
    assert "0    done, or stopped with Ctrl+C" in done.stdout
