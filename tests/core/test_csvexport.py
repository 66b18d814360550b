"""The one CSV layout (``ccr list --format csv`` and the app's export): formulas defused,
numbers kept, every byte of a name kept visible, normal file permissions."""

from __future__ import annotations

import csv
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from ccrgui.core.ccr import parse_bytes
from ccrgui.core.csvexport import CSV_HEADER, neutralize, write_csv
from ccrgui.core.sandbox import demo_retry_request


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|'/C calc'!A0", "'+cmd|'/C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-2147024891", "-2147024891"),  # a number stays a number
        ("+5", "+5"),
        ("-1.5e3", "-1.5e3"),
        ("PC-1", "PC-1"),
        ("", ""),
        (os.fsdecode(b"B\xff"), "B\\xff"),  # an undecodable byte, visible and lossless
    ],
)
def test_neutralize(cell: str, shown: str) -> None:
    assert neutralize(cell) == shown


def _record(machine: str, file: str = "/box/PC1.ccr") -> object:
    data = demo_retry_request("MACHINEX", "CORP", "10.0.0.7", 5, 3, datetime(2026, 1, 5))
    return parse_bytes(data.replace(b"MACHINEX", machine.encode("utf-8", "surrogateescape")), file)


def test_write_csv_defuses_formulas_and_keeps_odd_names(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    records = [_record("=1+1"), _record("PC2", os.fsdecode(b"/box/B\xff.ccr"))]
    assert write_csv(target, records) == 2  # raised UnicodeEncodeError before
    with open(target, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == CSV_HEADER
    assert rows[0]["Machine"] == "'=1+1"
    assert rows[0]["IP addresses"] == "10.0.0.7"
    assert rows[1]["File"] == "/box/B\\xff.ccr"


def test_an_export_gets_the_usual_permissions_for_a_new_file(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_csv(tmp_path / "out.csv", [_record("PC1")])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o644  # was 0600
    assert os.listdir(tmp_path) == ["out.csv"]
