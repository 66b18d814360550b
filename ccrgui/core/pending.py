"""The pending box (``ccr.box``): how long each request has waited, and when the wait
says the site server is not processing.

Client Configuration Manager takes a request out of ``ccr.box`` within seconds of its
arrival (it watches the folder). A request that has waited minutes means the component is
stopped, backlogged or cannot read the share: :func:`pile_up_warning` says so once
requests have waited longer than :data:`STALE_AFTER`.

When a request arrived is known exactly only when it was seen arriving; for a file that
was already there, its modification time is the best guess (a resubmitted file keeps the
time the site server last wrote it, so such a guess can be early, never late).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

__all__ = ["STALE_AFTER", "pile_up_warning", "waiting_text"]

STALE_AFTER = timedelta(minutes=10)


def waiting_text(since: datetime | None, now: datetime) -> str:
    """``under a minute``, ``12 min``, ``3 h 5 min``, ``2 days 4 h`` ("" when unknown)."""
    if since is None:
        return ""
    seconds = int((now - since).total_seconds())
    if seconds < 60:
        return "under a minute"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' if days > 1 else ''}" + (f" {hours} h" if hours else "")


def pile_up_warning(queued: Iterable[datetime | None], now: datetime) -> str:
    """A sentence when requests have waited longer than the site server takes ("" when
    none has): how many, the longest wait, and what to check."""
    waits = [now - q for q in queued if q is not None]
    stale = [w for w in waits if w > STALE_AFTER]
    if not stale:
        return ""
    oldest = waiting_text(now - max(stale), now)
    many = len(stale) != 1
    count = f"{len(stale):,} requests have" if many else "1 request has"
    return (
        f"{count} waited in ccr.box for more than {int(STALE_AFTER.total_seconds() // 60)} "
        f"minutes (the longest {oldest}): the site server is not taking requests. Check "
        "that SMS_CLIENT_CONFIG_MANAGER is running and ccm.log on the site server."
    )
