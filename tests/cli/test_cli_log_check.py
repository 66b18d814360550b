"""``ccr log`` and ``ccr check`` as a user runs them: real processes, files and sockets."""

from __future__ import annotations

import json
import select
import socket
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

import pytest

from ccrgui.core.config import Config, SiteEntry, save_config
from tests.cli.test_cli_basic import ccr

RAW_LINE = "{m}~  $$<SMS_CLIENT_CONFIG_MANAGER><02-21-2007 09:37:20.000+300><thread=7 (0x7)>\n"


def test_log_json_on_the_sample(samples: Path) -> None:
    done = ccr("log", "sales-pc9", "--log", str(samples / "ccm-raw.log"), "--format", "json")
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)
    assert len(entries) == 6
    assert entries[0] == {
        "time": "2007-02-21T09:37:28.100-05:00",
        "component": "SMS_CLIENT_CONFIG_MANAGER",
        "thread": 6712,
        "message": '======>Begin Processing request: "SALES-PC9", machine name: "SALES-PC9"',
        "error_code": None,
    }
    assert [e["error_code"] for e in entries[2:4]] == [53, 53]


def test_log_text_decodes_errors_and_sums_up_attempts(samples: Path) -> None:
    done = ccr("log", "WKS-LAB-07", "--log", str(samples / "ccm-cmtrace-copy.log"))
    assert done.returncode == 0, done.stderr
    assert "error = 0x80070005.  [-2147024891 (0x80070005) ERROR_ACCESS_DENIED]" in done.stdout
    assert "1 attempt(s):" in done.stdout
    assert "failed, will retry  -2147024891 (0x80070005) ERROR_ACCESS_DENIED" in done.stdout


def test_log_text_escapes_control_characters(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_text(RAW_LINE.format(m="PC1 \x1b[2Jcleared\rfake"), encoding="utf-8")
    done = ccr("log", "PC1", "--log", str(log))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\r" not in done.stdout
    assert "PC1 \\x1b[2Jcleared\\x0dfake" in done.stdout


def test_log_multi_line_message_in_json(tmp_path: Path) -> None:
    log = tmp_path / "ccm.log"
    log.write_text("first about PC1\n" + RAW_LINE.format(m="second"), encoding="utf-8")
    done = ccr("log", "pc1", "--log", str(log), "--format", "json")
    assert json.loads(done.stdout)[0]["message"] == "first about PC1\nsecond"


def test_log_found_beside_the_site_and_in_the_sites_setting(tmp_path: Path) -> None:
    inboxes = tmp_path / "SMS_ABC" / "inboxes"
    (inboxes / "ccr.box").mkdir(parents=True)
    (inboxes / "ccrretry.box").mkdir()
    (tmp_path / "SMS_ABC" / "Logs").mkdir()
    (tmp_path / "SMS_ABC" / "Logs" / "ccm.log").write_text(RAW_LINE.format(m="beside PC1"))
    done = ccr("log", "PC1", "--site", str(inboxes), "--format", "json")
    assert [e["message"] for e in json.loads(done.stdout)] == ["beside PC1"]

    elsewhere = tmp_path / "copied-logs"
    elsewhere.mkdir()
    (elsewhere / "CCM.LOG").write_text(RAW_LINE.format(m="elsewhere PC1"))
    save_config(Config(sites=[SiteEntry("ABC", str(inboxes), str(elsewhere))]))
    done = ccr("log", "PC1", "--site", "ABC", "--format", "json")
    assert [e["message"] for e in json.loads(done.stdout)] == ["elsewhere PC1"]


def test_log_nothing_found_or_no_log(tmp_path: Path, samples: Path) -> None:
    done = ccr("log", "PC-404", "--log", str(samples / "ccm-raw.log"))
    assert done.returncode == 1 and "no entries for PC-404" in done.stderr
    done = ccr("log", "PC1", "--log", str(tmp_path / "missing.log"))
    assert done.returncode == 1 and "no ccm.log at" in done.stderr
    done = ccr("log", "PC1", "--log", "x", "--site", "y")
    assert done.returncode == 2
    done = ccr("log", "two words", "--log", str(samples / "ccm-raw.log"))
    assert done.returncode == 2 and "not a machine name" in done.stderr


@pytest.fixture
def listener() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0), backlog=16) as server:
        yield server.getsockname()[1]


def test_check_all_ok_exits_0(listener: int) -> None:
    done = ccr(
        "check", "127.0.0.1", "--smb-port", str(listener), "--rpc-port", str(listener),
        "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(done.stdout)
    assert result["machine"] == "127.0.0.1"
    assert result["addresses"] == ["127.0.0.1"]
    assert result["dns_ok"] is True and result["ok"] is True
    assert result["ports"] == {str(listener): "open"}
    assert isinstance(result["advice"], str) and result["advice"]


def test_check_any_not_ok_exits_1(listener: int) -> None:
    with socket.create_server(("127.0.0.1", 0)) as s:
        closed = s.getsockname()[1]
    done = ccr(
        "check", "127.0.0.1", "nothing-here.invalid", "--smb-port", str(listener),
        "--rpc-port", str(closed), "--timeout", "2",
    )  # fmt: skip
    assert done.returncode == 1
    assert f"127.0.0.1: NOT reachable [127.0.0.1]; {listener} open, {closed} closed" in (
        done.stdout
    )
    assert "nothing-here.invalid: NOT reachable: the name does not resolve" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "PC1", "--timeout", "0"],
        ["check", "PC1", "--timeout", "nan"],
        ["check", "PC1", "--smb-port", "70000"],
        ["check", "bad name"],
    ],
)
def test_check_usage_errors_exit_2(args: list[str]) -> None:
    assert ccr(*args).returncode == 2


def _line_within(stream: IO[str], seconds: float) -> str:
    """The next line ccr prints, or "" when none comes within ``seconds``."""
    ready, _, _ = select.select([stream], [], [], seconds)
    return stream.readline() if ready else ""


def test_log_follow_prints_what_is_appended_until_ctrl_c(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    log = tmp_path / "ccm.log"
    log.write_text(RAW_LINE.format(m="first for PC1"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "ccrgui.cli", "log", "PC1", "--log", str(log), "--follow"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    try:
        assert proc.stdout is not None
        assert "first for PC1" in _line_within(proc.stdout, 30)
        with open(log, "a") as fh:
            fh.write(RAW_LINE.format(m="not this one") + RAW_LINE.format(m="then PC1 again"))
        assert "then PC1 again" in _line_within(proc.stdout, 30)
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_check_with_site_names_the_push_account(tmp_path: Path, listener: int) -> None:
    from ccrgui.core.sandbox import demo_retry_request

    inboxes = tmp_path / "inboxes"
    (inboxes / "ccr.box").mkdir(parents=True)
    (inboxes / "ccrretry.box").mkdir()
    data = demo_retry_request("127.0.0.1", "CORP", "127.0.0.1", 5, 3, datetime(2026, 11, 2))
    (inboxes / "ccrretry.box" / "2097152456.ccr").write_bytes(data)
    done = ccr(
        "check", "127.0.0.1", "--site", str(inboxes), "--smb-port", str(listener),
        "--rpc-port", str(listener), "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "push account" in json.loads(done.stdout)[0]["advice"]
    assert "ERROR_ACCESS_DENIED" in json.loads(done.stdout)[0]["advice"]


def test_check_all_machines_of_the_retry_box(tmp_path: Path, listener: int) -> None:
    from ccrgui.core.sandbox import demo_retry_request

    inboxes = tmp_path / "inboxes"
    (inboxes / "ccr.box").mkdir(parents=True)
    (inboxes / "ccrretry.box").mkdir()
    for name, code in (("localhost", 5), ("gone-pc.invalid", 53)):
        data = demo_retry_request(name, "CORP", "127.0.0.1", code, 3, datetime(2026, 11, 2))
        (inboxes / "ccrretry.box" / f"{name}.ccr").write_bytes(data)
    done = ccr(
        "check", "--all", "--site", str(inboxes), "--smb-port", str(listener),
        "--rpc-port", str(listener), "--format", "json",
    )  # fmt: skip
    assert done.returncode == 1  # one does not answer
    results = {r["machine"]: r for r in json.loads(done.stdout)}
    assert set(results) == {"localhost", "gone-pc.invalid"}
    assert results["localhost"]["ok"] and "push account" in results["localhost"]["advice"]
    assert not results["gone-pc.invalid"]["dns_ok"]
    assert ccr("check", "--all").returncode == 2  # --all needs --site
    assert ccr("check", "PC1", "--all", "--site", str(inboxes)).returncode == 2
