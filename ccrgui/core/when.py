"""Times as people read them, the same in the table, a detail window, ``ccr`` and a CSV
file: one date layout and one way of saying how long a request has left."""

from __future__ import annotations

from datetime import datetime

from .ccr import time_left

__all__ = ["date_text", "expiry_text"]


def date_text(d: datetime | None, *, seconds: bool = False, missing: str = "") -> str:
    """``2026-11-28 14:02`` (``:05`` with ``seconds``); ``missing`` for no date."""
    if d is None:
        return missing
    return d.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def expiry_text(expires_at: datetime | None, now: datetime, *, short: bool = False) -> str:
    """How long until the site server gives up on a request: ``in 2 days 3 hours``,
    ``in 40 minutes``, ``in less than a minute``, ``expired``; with ``short`` (a table
    cell) ``in 2 days 3 h``, ``in 5 h 20 min``, ``in 1 min``. No date: "" (short) or
    ``unknown (no Initial Request Date)``."""
    if expires_at is None:
        return "" if short else "unknown (no Initial Request Date)"
    left = time_left(expires_at, now)
    if left is None:
        return "expired"
    days, hours, minutes = left
    h, m = ("h", "min") if short else ("hour", "minute")

    def unit(n: int, name: str) -> str:
        return f"{n} {name}" if short else _plural(n, name)

    if days:
        parts = [_plural(days, "day")] + ([unit(hours, h)] if hours else [])
    elif hours:
        parts = [unit(hours, h)] + ([unit(minutes, m)] if minutes else [])
    elif minutes or short:
        parts = [unit(max(minutes, 1), m)]
    else:
        return "in less than a minute"
    return "in " + " ".join(parts)
