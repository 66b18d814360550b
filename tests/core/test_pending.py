"""The pending box: how long requests wait, and the warning when they pile up."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ccrgui.core.pending import STALE_AFTER, pile_up_warning, waiting_text

NOW = datetime(2026, 3, 2, 14, 0)


@pytest.mark.parametrize(
    ("ago", "text"),
    [
        (timedelta(seconds=20), "under a minute"),
        (timedelta(minutes=12, seconds=40), "12 min"),
        (timedelta(hours=3, minutes=5), "3 h 5 min"),
        (timedelta(hours=2), "2 h"),
        (timedelta(days=1, hours=4), "1 day 4 h"),
        (timedelta(days=3), "3 days"),
    ],
)
def test_waiting_text(ago: timedelta, text: str) -> None:
    assert waiting_text(NOW - ago, NOW) == text


def test_no_warning_while_requests_are_taken_in_time() -> None:
    fresh = [NOW - timedelta(seconds=30), NOW - STALE_AFTER + timedelta(seconds=1), None]
    assert pile_up_warning(fresh, NOW) == ""
    assert pile_up_warning([], NOW) == ""


def test_warning_counts_the_stale_requests_and_names_the_longest_wait() -> None:
    queued = [NOW - timedelta(minutes=11), NOW - timedelta(hours=2, minutes=3), NOW]
    text = pile_up_warning(queued, NOW)
    assert text.startswith("2 requests have waited in ccr.box for more than 10 minutes")
    assert "(the longest 2 h 3 min)" in text
    assert "SMS_CLIENT_CONFIG_MANAGER" in text
    assert pile_up_warning([NOW - timedelta(hours=1)], NOW).startswith("1 request has waited")
