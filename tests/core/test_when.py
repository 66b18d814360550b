"""One date layout and one expiry text, in words (a detail window) and short (a table
cell)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ccrgui.core.when import date_text, expiry_text

NOW = datetime(2030, 1, 10, 12, 0, 0)


@pytest.mark.parametrize(
    ("delta", "words", "short"),
    [
        (timedelta(days=2, hours=3, minutes=10), "in 2 days 3 hours", "in 2 days 3 h"),
        (timedelta(days=1, minutes=5), "in 1 day", "in 1 day"),
        (timedelta(hours=5, minutes=12), "in 5 hours 12 minutes", "in 5 h 12 min"),
        (timedelta(hours=1), "in 1 hour", "in 1 h"),
        (timedelta(minutes=40, seconds=30), "in 40 minutes", "in 40 min"),
        (timedelta(seconds=20), "in less than a minute", "in 1 min"),
        (timedelta(0), "expired", "expired"),
        (-timedelta(days=30), "expired", "expired"),
    ],
)
def test_expiry_countdown(delta: timedelta, words: str, short: str) -> None:
    assert expiry_text(NOW + delta, NOW) == words
    assert expiry_text(NOW + delta, NOW, short=True) == short


def test_expiry_unknown_without_initial_request_date() -> None:
    assert "unknown" in expiry_text(None, NOW)
    assert expiry_text(None, NOW, short=True) == ""


def test_one_date_layout() -> None:
    when = datetime(2026, 11, 28, 14, 2, 5)
    assert date_text(when) == "2026-11-28 14:02"
    assert date_text(when, seconds=True) == "2026-11-28 14:02:05"
    assert date_text(None) == "" and date_text(None, missing="—") == "—"
