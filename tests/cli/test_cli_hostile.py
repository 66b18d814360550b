"""Issue 9: no file, name or setting crashes ``ccr``, hangs it, or reaches the terminal or
a spreadsheet as anything but text. Each test failed before the fix."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.cli import main
from ccrgui.core import scanner as scanner_module
from ccrgui.core.activity import read_activity
from ccrgui.core.ccr import CcrRecord
from ccrgui.core.sandbox import demo_retry_request
from ccrgui.core.scan import read_box

TIMEOUT = 30  # a hang (a FIFO opened for reading) fails the test instead of the suite


def ccr_bytes(*args: str | bytes, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """``ccr`` with arguments as bytes (a folder name that is not UTF-8) and a strict UTF-8
    terminal, as a Linux admin's shell has."""
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    env.pop("PYTHONIOENCODING", None)
    done = subprocess.run(
        [sys.executable, "-m", "ccrgui.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=TIMEOUT,
        env=env,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    assert b"unexpected error" not in done.stderr, done.stderr.decode(errors="replace")
    return done


def _site(root: Path) -> Path:
    (root / "ccr.box").mkdir(parents=True)
    (root / "ccrretry.box").mkdir()
    return root


def _retry(site: Path, file_name: bytes | str, machine: str, domain: str = "CORP") -> Path:
    data = demo_retry_request("MACHINEX", "DOMAINX", "10.0.0.1", 53, 4, datetime(2026, 1, 5))
    data = data.replace(b"MACHINEX", machine.encode("utf-8", "surrogateescape"))
    data = data.replace(b"DOMAINX", domain.encode("utf-8", "surrogateescape"))
    name = file_name if isinstance(file_name, bytes) else file_name.encode()
    path = os.path.join(os.fsencode(site / "ccrretry.box"), name)
    with open(path, "wb") as fh:
        fh.write(data)
    return Path(os.fsdecode(path))


# --------------------------------------------------------------------------- non-UTF-8


def test_resubmit_all_with_a_non_utf8_file_name_moves_everything_and_says_so(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path / "site")
    _retry(site, b"B\xff.ccr", "B1")
    _retry(site, "PC1.ccr", "PC1")

    done = ccr_bytes("resubmit", "--all", "--site", str(site))

    assert done.returncode == 0, done.stderr
    assert b"B\\xff.ccr" in done.stdout  # visible, lossless
    assert sorted(os.listdir(os.fsencode(site / "ccr.box"))) == [b"B\xff.ccr", b"PC1.ccr"]
    logged = {e.source for e in read_activity(10)}
    assert str(site / "ccrretry.box" / os.fsdecode(b"B\xff.ccr")) in logged  # exact


def test_new_on_a_site_folder_with_a_non_utf8_name_queues_every_machine(tmp_path: Path) -> None:
    site = os.path.join(os.fsencode(tmp_path), b"site\xff")
    _site(Path(os.fsdecode(site)))

    done = ccr_bytes("new", "--site", site, "A1", "B1", "C1")

    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(os.path.join(site, b"ccr.box"))) == [b"A1.ccr", b"B1.ccr", b"C1.ccr"]
    assert done.stdout.count(b"site\\xff") == 3
    assert len(read_activity(10)) == 3


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_list_with_a_non_utf8_file_name_on_a_strict_utf8_terminal(tmp_path: Path, fmt: str) -> None:
    site = _site(tmp_path / "site")
    _retry(site, b"B\xff.ccr", "B1")

    done = ccr_bytes("list", "--site", str(site), "--format", fmt)

    assert done.returncode == 0, done.stderr
    if fmt == "json":  # exact: the escape gives the original bytes back
        (row,) = json.loads(done.stdout)
        assert os.fsencode(row["file"]).endswith(b"/B\xff.ccr")
    else:
        assert b"B\\xff.ccr" in done.stdout


# --------------------------------------------------------------------------- terminal


EVIL_MACHINE = "EVIL\x1b]0;pwned\x07"
EVIL_DOMAIN = "\x1b[2JCORP"


def test_control_characters_are_escaped_in_text_output_and_exact_in_json(
    tmp_path: Path,
) -> None:
    site = _site(tmp_path / "site")
    _retry(site, "PC1.ccr", EVIL_MACHINE, EVIL_DOMAIN)
    _retry(site, b"PC2\nPC9  9  fake row.ccr", "PC2")
    show_target = str(site / "ccrretry.box" / "PC1.ccr")

    for args in (
        ("list", "--site", str(site)),
        ("show", show_target),
        ("resubmit", "--all", "--site", str(site)),
    ):
        done = ccr_bytes(*args)
        out = done.stdout + done.stderr
        assert b"\x1b" not in out and b"\x07" not in out, args
        assert b"\\x1b]0;pwned\\x07" in out or args[0] == "resubmit", args
        assert not any(line.startswith(b"PC9") for line in out.splitlines()), args
    assert b"PC2\\x0aPC9" in ccr_bytes("list", "--site", str(site), "--box", "pending").stdout

    shown = ccr_bytes("show", "--format", "json", str(site / "ccr.box" / "PC1.ccr"))
    record = json.loads(shown.stdout)
    assert (record["machine_name"], record["domain"]) == (EVIL_MACHINE, EVIL_DOMAIN)


def test_a_huge_machine_name_does_not_pad_the_table(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    _retry(site, "BIG.ccr", "A" * 300_000)
    _retry(site, "PC1.ccr", "PC1")

    done = ccr_bytes("list", "--site", str(site))

    assert done.returncode == 0
    assert len(done.stdout) < 2000  # was 2.7 MB of padding
    assert b"300,000 characters" in done.stdout


def test_a_huge_line_in_a_name_list_is_not_echoed_whole(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    names = tmp_path / "names.txt"
    names.write_bytes(b"PC1\n" + b"X" * 3_000_000 + b"\n")

    done = ccr_bytes("new", "--site", str(site), "--from-file", str(names))

    assert done.returncode == 2
    assert len(done.stderr) < 2000
    assert b"characters)" in done.stderr
    assert os.listdir(site / "ccr.box") == []  # one invalid name: nothing written


def test_new_from_file_reads_a_notepad_unicode_list(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    names = tmp_path / "names.txt"
    names.write_bytes("PC1\r\nPC2 # lab\r\n".encode("utf-16"))  # BOM + UTF-16LE

    done = ccr_bytes("new", "--site", str(site), "--from-file", str(names))

    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(site / "ccr.box")) == ["PC1.ccr", "PC2.ccr"]


# --------------------------------------------------------------------------- special files


def test_a_fifo_that_replaces_a_listed_request_is_named_not_waited_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listing sees a file; by the time it is read, a FIFO has taken its place."""
    site = _site(tmp_path / "site")
    _retry(site, "PC1.ccr", "PC1")
    victim = _retry(site, "PIPE.ccr", "PIPE")
    real_scandir = os.scandir

    def listing_then_swap(path: object) -> object:
        entries = list(real_scandir(path))  # type: ignore[call-overload]
        for e in entries:
            e.is_file(), e.stat()  # what the listing saw: a regular file
        if victim.exists() and not victim.is_fifo():
            victim.unlink()
            os.mkfifo(victim)
        return _Listing(entries)

    monkeypatch.setattr(scanner_module.os, "scandir", listing_then_swap)
    found: list[list[CcrRecord]] = []
    reader = threading.Thread(target=lambda: found.append(read_box(site / "ccrretry.box")))
    reader.daemon = True  # it hung forever before: let the test fail, not the suite
    reader.start()
    reader.join(TIMEOUT)
    monkeypatch.undo()
    if reader.is_alive():
        with open(victim, "wb"):  # a writer releases the stuck reader
            pass
        pytest.fail("reading the box waited on a named pipe")
    (records,) = found

    problems = {Path(r.file).name: r.problem for r in records}
    assert problems["PC1.ccr"] is None
    assert "named pipe" in str(problems["PIPE.ccr"])


class _Listing(list):  # type: ignore[type-arg]
    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), b"is a folder, not a file"),
        (lambda p: os.mkfifo(p), b"is a named pipe (FIFO), not a file"),
        (lambda p: None, b"no such file"),
    ],
)
def test_show_names_what_is_wrong_with_the_path(
    tmp_path: Path, make: object, message: bytes
) -> None:
    target = tmp_path / "X.ccr"
    make(target)  # type: ignore[operator]
    done = ccr_bytes("show", str(target))
    assert done.returncode == 1
    assert message in done.stderr


def test_show_an_unreadable_file_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Root reads everything, so the operating system's refusal is played here."""
    target = tmp_path / "X.ccr"
    target.write_bytes(b"[NT Client Configuration Request]\r\n")
    real_open = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if os.fspath(path) == str(target):  # type: ignore[call-overload]
            raise PermissionError(13, "Permission denied", str(target))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    assert main(["show", str(target)]) == 1  # was 0
    assert "Permission denied" in capsys.readouterr().err


def test_new_from_a_fifo_does_not_wait(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    os.mkfifo(tmp_path / "names.txt")
    done = ccr_bytes("new", "--site", str(site), "--from-file", str(tmp_path / "names.txt"))
    assert done.returncode == 1
    assert b"named pipe" in done.stderr


# --------------------------------------------------------------------------- CSV


def test_list_csv_neutralizes_formulas_but_keeps_numbers(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    _retry(site, "PC1.ccr", '=HYPERLINK("http://evil","x")', "+cmd|'/C calc'!A0")
    _retry(site, "PC2.ccr", "@SUM(1+1)", "-2+3")

    done = ccr_bytes("list", "--site", str(site), "--format", "csv")

    rows = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    assert [r["Machine"] for r in rows] == ['\'=HYPERLINK("http://evil","x")', "'@SUM(1+1)"]
    assert [r["Domain"] for r in rows] == ["'+cmd|'/C calc'!A0", "'-2+3"]
    assert rows[0]["Attempts"] == "4"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        (["--", "-rf"], b"cannot start with '-'"),
        (["CON"], b"reserved Windows device name"),
        (["nul.corp.local"], b"reserved Windows device name"),
        (["--"], b"give machine names"),
    ],
)
def test_new_refuses_device_and_hyphen_names_saying_why(
    tmp_path: Path, args: list[str], rule: bytes
) -> None:
    site = _site(tmp_path / "site")
    done = ccr_bytes("new", "--site", str(site), *args)
    assert done.returncode == 2
    assert rule in done.stderr
    assert os.listdir(site / "ccr.box") == []
