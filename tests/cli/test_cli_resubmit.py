"""``ccr resubmit`` as an admin runs it: real processes, exit codes, the files that move,
and three of them at once over the same few hundred requests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.core.activity import read_activity
from ccrgui.core.ccr import new_request, serialize
from ccrgui.core.config import Config, save_config
from ccrgui.core.sandbox import demo_retry_request
from tests.readonly_dir import unwritable


def ccr(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "ccrgui.cli", *args], capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "inboxes"
    (root / "ccr.box").mkdir(parents=True)
    (root / "ccrretry.box").mkdir()
    return root


def put(site: Path, machine: str, code: int = 53, file_name: str | None = None) -> Path:
    data = demo_retry_request(machine, "CORP", "10.0.0.1", code, 7, datetime(2026, 1, 5, 8))
    path = site / "ccrretry.box" / (file_name or f"{machine}.ccr")
    path.write_bytes(data)
    return path


def listing(site: Path) -> tuple[list[str], list[str]]:
    return sorted(os.listdir(site / "ccrretry.box")), sorted(os.listdir(site / "ccr.box"))


def test_resubmit_by_machine_name_inside_the_file(site: Path) -> None:
    src = put(site, "PC1", file_name="2097152456.ccr")
    put(site, "PC2")
    data = src.read_bytes()

    done = ccr("resubmit", "pc1", "--site", str(site))

    assert done.returncode == 0, done.stderr
    dest = site / "ccr.box" / "2097152456.ccr"
    assert done.stdout == f"resubmitted  PC1  {src} -> {dest}\n"
    assert listing(site) == (["PC2.ccr"], ["2097152456.ccr"])
    assert dest.read_bytes() == data
    assert "1 resubmitted" in done.stderr


def test_resubmit_all(site: Path) -> None:
    for m in ("PC1", "PC2", "PC3"):
        put(site, m)
    done = ccr("resubmit", "--all", "--site", str(site))
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 3
    assert all(line.startswith("resubmitted  PC") for line in done.stdout.splitlines())
    assert listing(site) == ([], ["PC1.ccr", "PC2.ccr", "PC3.ccr"])


def test_resubmit_all_of_an_empty_box_is_fine(site: Path) -> None:
    done = ccr("resubmit", "--all", "--site", str(site))
    assert done.returncode == 0
    assert "nothing to resubmit" in done.stdout


@pytest.mark.parametrize("code", ["5", "0x00000005", "0X5"])
def test_resubmit_by_error_code(site: Path, code: str) -> None:
    put(site, "PC1", code=5)
    put(site, "PC2", code=53)
    done = ccr("resubmit", "--error", code, "--site", str(site))
    assert done.returncode == 0, done.stderr
    assert listing(site) == (["PC2.ccr"], ["PC1.ccr"])


@pytest.mark.parametrize("code", ["-2147023174", "0x800706BA", "2147944122", "0x800706ba"])
def test_resubmit_by_signed_or_hex_hresult(site: Path, code: str) -> None:
    put(site, "PC1", code=-2147023174)  # as the site server writes it: signed
    put(site, "PC2", code=5)
    done = ccr("resubmit", "--error", code, "--site", str(site))
    assert done.returncode == 0, done.stderr
    assert listing(site) == (["PC2.ccr"], ["PC1.ccr"])


def test_resubmit_by_win32_code_takes_its_hresult_too(site: Path) -> None:
    put(site, "PC1", code=5)
    put(site, "PC2", code=-2147024891)  # 0x80070005: the same access denied
    put(site, "PC3", code=53)
    done = ccr("resubmit", "--error", "5", "--site", str(site))
    assert done.returncode == 0, done.stderr
    assert listing(site) == (["PC3.ccr"], ["PC1.ccr", "PC2.ccr"])


def test_error_code_nobody_has_exits_1(site: Path) -> None:
    put(site, "PC1", code=5)
    done = ccr("resubmit", "--error", "53", "--site", str(site))
    assert done.returncode == 1
    assert "no request with last error 53" in done.stderr
    assert listing(site) == (["PC1.ccr"], [])


def test_unknown_name_exits_1_but_the_others_are_resubmitted(site: Path) -> None:
    put(site, "PC1")
    done = ccr("resubmit", "PC1", "NOPE", "--site", str(site))
    assert done.returncode == 1
    assert "not found  NOPE" in done.stdout
    assert "resubmitted  PC1" in done.stdout
    assert "no request with NOPE" in done.stderr
    assert listing(site) == ([], ["PC1.ccr"])


def test_already_queued_is_reported_and_not_overwritten(site: Path) -> None:
    put(site, "PC1")
    (site / "ccr.box" / "PC1.ccr").write_bytes(b"pending")
    done = ccr("resubmit", "PC1", "--site", str(site))
    assert done.returncode == 0
    assert done.stdout.startswith("already queued  PC1")
    assert listing(site) == (["PC1.ccr"], ["PC1.ccr"])
    assert (site / "ccr.box" / "PC1.ccr").read_bytes() == b"pending"


def test_read_only_inbox_exits_1_with_the_reason_and_keeps_files(site: Path) -> None:
    put(site, "PC1")
    put(site, "PC2")
    with unwritable(site / "ccr.box"):
        done = ccr("resubmit", "--all", "--site", str(site))
    assert done.returncode == 1
    assert done.stdout.count("failed  PC") == 2
    assert "ccr: PC1: Could not move PC1.ccr" in done.stderr
    assert listing(site) == (["PC1.ccr", "PC2.ccr"], [])


def test_resubmit_new_writes_a_fresh_forced_request(site: Path) -> None:
    put(site, "PC1", file_name="2097152456.ccr")
    done = ccr("resubmit", "PC1", "--new", "--site", str(site))
    assert done.returncode == 0, done.stderr
    assert listing(site) == ([], ["PC1.ccr"])
    assert (site / "ccr.box" / "PC1.ccr").read_bytes() == serialize(new_request("PC1"))


def test_resubmit_new_follows_the_always_install_setting(site: Path) -> None:
    save_config(Config(always_install=False))
    put(site, "PC1")
    assert ccr("resubmit", "PC1", "--new", "--site", str(site)).returncode == 0
    assert (site / "ccr.box" / "PC1.ccr").read_bytes() == serialize(
        new_request("PC1", forced=False)
    )


def test_resubmit_is_in_the_activity_log(site: Path) -> None:
    put(site, "PC1")
    ccr("resubmit", "PC1", "--site", str(site))
    (entry,) = read_activity()
    assert (entry.action, entry.machine, entry.result) == ("resubmit", "PC1", "resubmitted")
    assert entry.source == str(site / "ccrretry.box" / "PC1.ccr")
    assert entry.destination == str(site / "ccr.box" / "PC1.ccr")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["resubmit"], "give machine names, --all or --error CODE"),
        (["resubmit", "PC1", "--all"], "not allowed with"),
        (["resubmit", "--all", "--error", "5"], "not allowed with"),
        (["resubmit", "--error", "banana"], "--error 'banana'"),
        (["resubmit", "--error", "0x1FFFFFFFF"], "--error"),
        (["resubmit", "--error", "-2147483649"], "--error"),
        (["resubmit", "--bogus"], "unrecognized"),
    ],
)
def test_usage_errors_exit_2(site: Path, args: list[str], message: str) -> None:
    put(site, "PC1")
    done = ccr(*args, "--site", str(site))
    assert done.returncode == 2
    assert message in done.stderr
    assert listing(site) == (["PC1.ccr"], [])


def test_site_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_text("")
    done = ccr("resubmit", "--all", "--site", str(f))
    assert done.returncode == 1 and "is a file" in done.stderr


def test_three_concurrent_resubmit_all_keep_every_request_exactly_once(site: Path) -> None:
    n = 300
    for i in range(n):
        put(site, f"PC{i:04d}", code=i)  # every file's bytes differ
    before = Counter(p.read_bytes() for p in (site / "ccrretry.box").iterdir())
    gate = site.parent / "go"
    # the real CLI, held at a gate so the three really run at the same moment
    runner = textwrap.dedent(
        f"""
        import os, sys, time
        from ccrgui.cli import main
        open({str(gate)!r} + ".ready." + str(os.getpid()), "w").close()
        while not os.path.exists({str(gate)!r}):
            time.sleep(0.001)
        sys.exit(main(["resubmit", "--all", "--site", {str(site)!r}]))
        """
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", runner],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    deadline = time.monotonic() + 60
    while len(list(site.parent.glob("go.ready.*"))) < 3:  # all three imported and waiting
        assert time.monotonic() < deadline, "the resubmit processes did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.01)
    gate.write_text("")
    outputs = [p.communicate(timeout=120) for p in procs]

    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err
    after = Counter(p.read_bytes() for p in (site / "ccrretry.box").iterdir())
    after += Counter(p.read_bytes() for p in (site / "ccr.box").iterdir())
    assert after == before  # every original byte string present exactly once
    assert os.listdir(site / "ccrretry.box") == []
    moved = Counter(
        line.split()[1]
        for out, _err in outputs
        for line in out.splitlines()
        if line.startswith("resubmitted ")
    )
    assert len(moved) == n and set(moved.values()) == {1}  # each moved by exactly one process
