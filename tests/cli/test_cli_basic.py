"""``ccr new/show/list`` as a user runs them: a real process, exit codes, output, files."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.cli import build_parser
from ccrgui.core.ccr import new_request, serialize
from ccrgui.core.config import Config, SiteEntry, save_config
from ccrgui.core.csvexport import CSV_HEADER
from ccrgui.core.sandbox import demo_retry_request, sandbox_root
from tests.readonly_dir import unwritable

JSON_KEYS = [
    "file",
    "machine_name",
    "domain",
    "ip_addresses",
    "forced",
    "client_type",
    "initial_request_date",
    "latest_processing_attempt",
    "error_event_created",
    "expires_at",
    "attempts",
    "last_error_code",
    "last_error_hex",
    "last_error_name",
    "problem",
]


def ccr(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "ccrgui.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=dict(os.environ),
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "inboxes"
    (root / "ccr.box").mkdir(parents=True)
    (root / "ccrretry.box").mkdir()
    return root


# --------------------------------------------------------------------------- new


def test_new_queues_and_prints_the_path(site: Path) -> None:
    done = ccr("new", "PC1", "wks-02.corp.example", "--site", str(site))
    assert done.returncode == 0, done.stderr
    assert f"queued  PC1  {site / 'ccr.box' / 'PC1.ccr'}" in done.stdout
    assert sorted(os.listdir(site / "ccr.box")) == ["PC1.ccr", "wks-02.corp.example.ccr"]
    assert (site / "ccr.box" / "PC1.ccr").read_bytes() == serialize(new_request("PC1"))


def test_new_no_force(site: Path) -> None:
    assert ccr("new", "PC1", "--no-force", "--site", str(site)).returncode == 0
    assert (site / "ccr.box" / "PC1.ccr").read_bytes() == serialize(
        new_request("PC1", forced=False)
    )


def test_new_with_an_invalid_name_writes_nothing_and_exits_2(site: Path) -> None:
    done = ccr("new", "PC1", "bad|name", "--site", str(site))
    assert done.returncode == 2
    assert "'|' is not allowed" in done.stderr
    assert "nothing was queued" in done.stderr
    assert os.listdir(site / "ccr.box") == []


def test_new_without_names_is_a_usage_error(site: Path) -> None:
    done = ccr("new", "--site", str(site))
    assert done.returncode == 2
    assert "give machine names" in done.stderr


def test_new_already_queued_exits_0_naming_the_file_that_waits(site: Path) -> None:
    # the same rule as `ccr resubmit`: the machine has a request waiting, so nothing failed
    (site / "ccr.box" / "pc1.ccr").write_bytes(b"original")
    done = ccr("new", "PC1", "PC2", "--site", str(site))
    assert done.returncode == 0, done.stderr
    assert f"already queued  PC1  {site / 'ccr.box' / 'pc1.ccr'}" in done.stdout
    assert "queued  PC2" in done.stdout
    assert "ccr: PC1: PC1 is already queued (pc1.ccr is waiting in ccr.box)" in done.stderr
    assert (site / "ccr.box" / "pc1.ccr").read_bytes() == b"original"


def test_new_exits_1_when_one_fails_even_if_others_were_already_queued(site: Path) -> None:
    (site / "ccr.box" / "PC1.ccr").write_bytes(b"original")
    with unwritable(site / "ccr.box"):
        done = ccr("new", "PC1", "PC2", "--site", str(site))
    assert done.returncode == 1
    assert "already queued  PC1" in done.stdout
    assert "failed  PC2" in done.stdout


def test_new_into_unwritable_box_exits_1_with_the_reason(site: Path) -> None:
    with unwritable(site / "ccr.box"):
        done = ccr("new", "PC1", "--site", str(site))
    assert done.returncode == 1
    assert "Could not write PC1.ccr" in done.stderr
    assert os.listdir(site / "ccr.box") == []


def test_new_from_stdin_ignores_blanks_and_comments(site: Path) -> None:
    names = "# machines for the lab\nPC1\n\n  PC2   # second\r\n#PC3\nPC4\n"
    done = ccr("new", "--from-file", "-", "--site", str(site), stdin=names)
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(site / "ccr.box")) == ["PC1.ccr", "PC2.ccr", "PC4.ccr"]


def test_new_from_file_adds_to_names_on_the_command_line(site: Path, tmp_path: Path) -> None:
    lst = tmp_path / "names.txt"
    lst.write_bytes(b"\xef\xbb\xbfPC2\r\n# c\r\nPC3\r\n")  # Notepad's UTF-8 with BOM, CRLF
    done = ccr("new", "PC1", "--from-file", str(lst), "--site", str(site))
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(site / "ccr.box")) == ["PC1.ccr", "PC2.ccr", "PC3.ccr"]


def test_new_from_a_notepad_unicode_file(site: Path, tmp_path: Path) -> None:
    lst = tmp_path / "names.txt"
    lst.write_bytes("PC5\r\nPC6\r\n".encode("utf-16"))  # Notepad's "Unicode": UTF-16, BOM
    done = ccr("new", "--from-file", str(lst), "--site", str(site))
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(site / "ccr.box")) == ["PC5.ccr", "PC6.ccr"]


def test_new_from_a_binary_file_says_so_and_writes_nothing(site: Path, tmp_path: Path) -> None:
    lst = tmp_path / "names.exe"
    lst.write_bytes(b"MZ\x90\x00\x03\x00PC1\n")
    done = ccr("new", "--from-file", str(lst), "--site", str(site))
    assert done.returncode == 2
    assert "names.exe is not a text file" in done.stderr
    assert os.listdir(site / "ccr.box") == []


def test_new_from_file_with_a_bad_name_writes_nothing(site: Path) -> None:
    done = ccr("new", "--from-file", "-", "--site", str(site), stdin="PC1\nPC 2\n")
    assert done.returncode == 2
    assert "spaces" in done.stderr
    assert os.listdir(site / "ccr.box") == []


def test_new_from_unreadable_file_exits_1_without_traceback(site: Path, tmp_path: Path) -> None:
    done = ccr("new", "--from-file", str(tmp_path / "missing.txt"), "--site", str(site))
    assert done.returncode == 1
    assert "cannot read" in done.stderr and "missing.txt" in done.stderr
    done = ccr("new", "--from-file", str(tmp_path), "--site", str(site))  # a folder
    assert done.returncode == 1
    assert "cannot read" in done.stderr
    assert os.listdir(site / "ccr.box") == []


def test_site_that_is_a_file_exits_1_with_a_message(tmp_path: Path) -> None:
    f = tmp_path / "file.txt"
    f.write_text("x")
    for args in (["new", "PC1"], ["list"]):
        done = ccr(*args, "--site", str(f))
        assert done.returncode == 1
        assert "is a file, not a folder" in done.stderr


def test_site_that_is_missing_or_has_no_boxes(tmp_path: Path) -> None:
    done = ccr("list", "--site", str(tmp_path / "nope"))
    assert done.returncode == 1 and "cannot be found" in done.stderr
    done = ccr("new", "PC1", "--site", str(tmp_path))
    assert done.returncode == 1 and "no ccr.box" in done.stderr
    assert os.listdir(tmp_path) == []  # nothing created on a "real" site


# --------------------------------------------------------------------------- site resolution


def test_site_comes_from_env_then_default_then_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_site, default_site = tmp_path / "env", tmp_path / "default"
    for root in (env_site, default_site):
        (root / "ccr.box").mkdir(parents=True)
        (root / "ccrretry.box").mkdir()
    save_config(Config(sites=[SiteEntry("Main", str(default_site))], default_site="Main"))
    monkeypatch.setenv("CCRGUI_SITE", str(env_site))

    assert ccr("new", "PC1").returncode == 0
    assert os.listdir(env_site / "ccr.box") == ["PC1.ccr"]

    monkeypatch.delenv("CCRGUI_SITE")
    assert ccr("new", "PC2").returncode == 0
    assert os.listdir(default_site / "ccr.box") == ["PC2.ccr"]

    assert ccr("new", "PC3", "--site", "main").returncode == 0  # a configured site's name
    assert sorted(os.listdir(default_site / "ccr.box")) == ["PC2.ccr", "PC3.ccr"]

    save_config(Config())
    assert ccr("new", "PC4").returncode == 0
    assert os.listdir(sandbox_root() / "ccr.box") == ["PC4.ccr"]


def test_the_sandbox_chosen_as_default_is_used_though_sites_exist(tmp_path: Path) -> None:
    # what Settings shows, "(built-in sandbox)", is what ccr uses: never the first site
    real = tmp_path / "real"
    (real / "ccr.box").mkdir(parents=True)
    (real / "ccrretry.box").mkdir()
    save_config(Config(sites=[SiteEntry("Main", str(real))], default_site=""))
    done = ccr("new", "PC1")
    assert done.returncode == 0, done.stderr
    assert os.listdir(sandbox_root() / "ccr.box") == ["PC1.ccr"]
    assert os.listdir(real / "ccr.box") == []


def test_a_default_site_that_is_not_configured_is_refused(tmp_path: Path) -> None:
    save_config(Config(sites=[SiteEntry("Main", str(tmp_path))], default_site="Old"))
    done = ccr("new", "PC1")
    assert done.returncode == 1
    assert "default site 'Old' is not one of the configured sites (Main)" in done.stderr
    assert not (sandbox_root() / "ccr.box").exists() or not os.listdir(sandbox_root() / "ccr.box")


@pytest.mark.parametrize(
    "text",
    ["{oops", '{"poll_seconds": 1e400}', "[" * 100_000, '{"always_install": "no"}'],
)
def test_damaged_config_is_said_once_and_the_defaults_used(text: str, tmp_path: Path) -> None:
    """Issue 9: every command ended in "unexpected error", even with --site DIR."""
    cfg = Path(os.environ["CCRGUI_CONFIG_DIR"]) / "config.json"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(text)
    site = tmp_path / "site"
    (site / "ccr.box").mkdir(parents=True)
    (site / "ccrretry.box").mkdir()
    for args in (["list"], ["resubmit", "--all", "--site", str(site)], ["new", "PC1"]):
        done = ccr(*args)
        assert done.returncode == 0, done.stderr
        assert done.stderr.count(str(cfg)) == 1  # said once
        assert "unexpected error" not in done.stderr
    assert "sandbox" in str(sandbox_root()) and os.listdir(sandbox_root() / "ccr.box")


# --------------------------------------------------------------------------- show


def test_show_json_one_file_is_one_object_with_exactly_the_keys(samples: Path) -> None:
    done = ccr("show", str(samples / "retry-access-denied.ccr"), "--format", "json")
    assert done.returncode == 0, done.stderr
    obj = json.loads(done.stdout)
    assert list(obj) == JSON_KEYS
    expected = json.loads((samples / "expected.json").read_text())["retry-access-denied.ccr"]
    assert {k: obj[k] for k in expected} == expected
    assert obj["file"] == str(samples / "retry-access-denied.ccr")


def test_show_json_relative_path_gives_absolute_file(samples: Path) -> None:
    done = ccr("show", "minimal.ccr", "--format", "json", cwd=samples)
    assert json.loads(done.stdout)["file"] == str(samples / "minimal.ccr")


def test_show_json_several_files_is_an_array(samples: Path) -> None:
    files = [str(samples / n) for n in ("minimal.ccr", "indented.ccr")]
    done = ccr("show", *files, "--format", "json")
    data = json.loads(done.stdout)
    assert [d["machine_name"] for d in data] == ["PC-0042", "HR-LAPTOP3"]
    assert all(list(d) == JSON_KEYS for d in data)


def test_show_text_explains_the_error(samples: Path) -> None:
    done = ccr("show", str(samples / "retry-rpc-signed.ccr"))
    assert done.returncode == 0
    assert "SALES-PC9" in done.stdout
    # as the file and ccm.log write it (signed), its hex and its name; never the unsigned
    # 2147944122, a number in neither the file nor the logs
    assert "-2147023174 (0x800706BA) RPC_S_SERVER_UNAVAILABLE" in done.stdout
    assert "2147944122" not in done.stdout
    assert "What to check" in done.stdout


def test_show_missing_file_exits_1_but_shows_the_others(samples: Path, tmp_path: Path) -> None:
    done = ccr("show", str(tmp_path / "nope.ccr"), str(samples / "minimal.ccr"))
    assert done.returncode == 1
    assert "nope.ccr: no such file" in done.stderr
    assert "PC-0042" in done.stdout


def test_show_a_bad_file_reports_its_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ccr"
    bad.write_bytes(b"\x00\xff\x00\x01" * 20)
    done = ccr("show", str(bad), "--format", "json")
    assert done.returncode == 0
    assert "binary" in json.loads(done.stdout)["problem"]


# --------------------------------------------------------------------------- list


def _fill(site: Path, samples: Path) -> None:
    for name in ("retry-access-denied.ccr", "retry-rpc-signed.ccr", "minimal.ccr"):
        (site / "ccrretry.box" / name).write_bytes((samples / name).read_bytes())
    (site / "ccrretry.box" / "notes.txt").write_text("not a request")
    (site / "ccrretry.box" / ".PC9.ccr.1a2b3c4d.tmp").write_text("temporary")
    (site / "ccrretry.box" / "Inproc").mkdir()


def test_list_json_is_an_array_of_request_files_only(site: Path, samples: Path) -> None:
    _fill(site, samples)
    done = ccr("list", "--site", str(site), "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [d["machine_name"] for d in data] == ["PC-0042", "Computer001", "SALES-PC9"]
    assert all(list(d) == JSON_KEYS for d in data)
    assert data[2]["last_error_code"] == 2147944122


def test_list_csv_and_table(site: Path, samples: Path) -> None:
    _fill(site, samples)
    done = ccr("list", "--site", str(site), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["Machine"] for r in rows] == ["PC-0042", "Computer001", "SALES-PC9"]
    assert rows[1]["Last error (hex)"] == "0x00000005"
    assert list(rows[0]) == CSV_HEADER  # the app's export layout, IP addresses included
    done = ccr("list", "--site", str(site))
    assert done.returncode == 0
    assert "ERROR_ACCESS_DENIED" in done.stdout
    assert done.stdout.rstrip().endswith("3 request(s)")


@pytest.mark.parametrize(
    ("wanted", "found"),
    [
        ("5", ["PC-PLAIN", "PC-WRAPPED"]),  # Win32 5 also finds its HRESULT 0x80070005
        ("0x80070005", ["PC-PLAIN", "PC-WRAPPED"]),
        ("-2147024891", ["PC-PLAIN", "PC-WRAPPED"]),  # 0x80070005 as a signed number
        ("1722", ["PC-RPC"]),  # RPC_S_SERVER_UNAVAILABLE, written as 0x800706BA
        ("-2147023174", ["PC-RPC"]),
        ("53", []),
    ],
)
def test_list_by_error_finds_the_same_win32_error_however_written(
    site: Path, wanted: str, found: list[str]
) -> None:
    when = datetime(2026, 1, 5, 8)
    for machine, code in (("PC-PLAIN", 5), ("PC-WRAPPED", -2147024891), ("PC-RPC", -2147023174)):
        data = demo_retry_request(machine, "CORP", "10.0.0.1", code, 3, when)
        (site / "ccrretry.box" / f"{machine}.ccr").write_bytes(data)
    done = ccr("list", "--site", str(site), "--error", wanted, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert sorted(d["machine_name"] for d in json.loads(done.stdout)) == found


def test_help_lists_every_command_every_option_and_the_exit_codes() -> None:
    done = ccr("--help")
    assert done.returncode == 0
    for command in ("new", "show", "list", "resubmit", "register-filetype"):
        assert f"\n    {command} " in done.stdout, command
    assert "resubmit" in done.stdout.split("\n\n")[1]  # the one-line description too
    for code in ("0", "1", "2", "130"):
        assert f"\n  {code} " in done.stdout.split("exit codes:")[1], code
    listing = ccr("list", "--help").stdout
    assert "ccrretry.box, the failed requests" in listing
    assert "csv for a spreadsheet" in listing


def test_every_option_of_every_command_has_help() -> None:
    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, sub in commands.choices.items():
        for action in sub._actions:
            if action.option_strings:  # the arguments' names say enough for positionals
                assert action.help, (name, action.option_strings)


def test_a_box_given_as_the_site_suggests_its_parent(site: Path) -> None:
    done = ccr("list", "--site", str(site / "ccrretry.box"))
    assert done.returncode == 1
    assert f"{site / 'ccrretry.box'} is a box, not a site" in done.stderr
    assert f"give the folder that holds it, {site}, as the site" in done.stderr


def test_list_pending_box(site: Path) -> None:
    assert ccr("new", "PC1", "--site", str(site)).returncode == 0
    data = json.loads(
        ccr("list", "--site", str(site), "--box", "pending", "--format", "json").stdout
    )
    assert [d["machine_name"] for d in data] == ["PC1"]
    assert json.loads(ccr("list", "--site", str(site), "--format", "json").stdout) == []


# --------------------------------------------------------------------------- usage, start-up


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["frobnicate"],
        ["list", "--format", "xml"],
        ["list", "--box", "inproc"],
        ["show"],
        ["new", "--bogus"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    done = ccr(*args)
    assert done.returncode == 2
    assert "usage: ccr" in done.stderr


def test_help_and_version_exit_0() -> None:
    assert ccr("--help").returncode == 0
    done = ccr("--version")
    assert done.returncode == 0 and done.stdout.startswith("ccr ")


def test_cli_never_imports_qt() -> None:
    code = (
        "import sys, ccrgui.cli, ccrgui.core.ccr, ccrgui.core.queue;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ccrgui.gui'))];"
        "print(bad)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_new_from_stdin_with_bytes_that_are_not_utf8(site: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ccrgui.cli", "new", "--from-file", "-", "--site", str(site)],
        input=b"PC1\nPC\xff2\n",
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr and b"not allowed" in done.stderr
    assert os.listdir(site / "ccr.box") == []


def test_list_loads_only_the_modules_it_needs(site: Path) -> None:
    """A short command's time is mostly the process start: ``ccr list`` must not pull in
    the inbox writers, ccm.log reading, the simulator or Qt (each command imports its own)."""
    code = (
        "import sys; from ccrgui.cli import main;"
        f"main(['list', '--site', {str(site)!r}, '--format', 'json']);"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stderr.split())
    assert "ccrgui.core.scanner" in loaded  # it did list the box
    unwanted = {
        "ccrgui.core.queue",
        "ccrgui.core.resubmit",
        "ccrgui.core.safefs",
        "ccrgui.core.activity",
        "ccrgui.core.ccmlog",
        "ccrgui.core.simulator",
        "ccrgui.core.reach",
        "concurrent.futures",
        "PySide6",
    }
    assert loaded & unwanted == set()
