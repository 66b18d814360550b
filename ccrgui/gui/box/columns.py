"""The box table's columns and the words its cells and filters use. No Qt: the row store
and its tests use these too."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ...core.errors import ErrorInfo, describe, search_text
from ...core.reach import Reachability, advice

__all__ = [
    "COLUMNS",
    "NO_ERROR",
    "PENDING",
    "PROBLEM",
    "RETRY",
    "Column",
    "error_info",
    "error_label",
    "reach_text",
    "reach_tip",
    "search_words",
]

PROBLEM = -1  # error filter / summary key for files that are not valid CCRs
NO_ERROR = -2  # ... for requests without a Last Error Code (the pending box)
SOON_SECONDS = 24 * 3600  # expiry closer than this is highlighted


RETRY, PENDING = "retry", "pending"
BOTH = frozenset({RETRY, PENDING})


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    tip: str
    width: int  # default width in pixels
    numeric: bool = False
    boxes: frozenset[str] = BOTH  # the boxes it means something in
    shown: frozenset[str] = BOTH  # the boxes it shows in by default (the rest: header menu)


_R, _P = frozenset({RETRY}), frozenset({PENDING})
_NONE: frozenset[str] = frozenset()

# Each box's default columns fit the default window (1200 px) with Machine first, so the
# table never scrolls sideways on a first launch (with Reachable too, once a Check has
# results); the others are a right-click away.
COLUMNS: tuple[Column, ...] = (
    Column("machine", "Machine", "Machine Name in the request", 150),
    Column("domain", "Domain", "Domain recorded by the site server", 70, shown=_NONE),
    Column("ip", "IP", "IP addresses recorded for the machine", 105),
    Column("attempts", "Attempts", "Number of processing attempts so far", 70, True, _R, _R),
    Column(
        "error", "Last error", "Last error code (hex for HRESULTs) and its name", 220, False, _R, _R
    ),
    Column("meaning", "Meaning", "What the last error means, in words", 340, False, _R, _R),
    Column("initial", "Initial request", "When the request was first made", 122, False, _R, _NONE),
    Column("latest", "Latest attempt", "When the site server last tried", 122, False, _R, _NONE),
    Column(
        "expires",
        "Expires",
        "The site server gives up 7 days after the request",
        110,
        False,
        _R,
        _R,
    ),
    Column("file", "File", "File name in the box", 160, False, BOTH, _P),
    Column("modified", "Modified", "When the file last changed", 130, False, BOTH, _NONE),
    Column(
        "outcome",
        "Outcome",
        "What the last resubmit or undo did with this request (shown while any row has one)",
        150,
    ),
    Column(
        "reachable",
        "Reachable",
        "Whether the machine answered a Check (DNS, SMB 445, RPC 135), and when (shown "
        "once a Check has results)",
        130,
        False,
        BOTH,
        _NONE,
    ),
    Column(
        "queued",
        "Queued at",
        "When the request arrived in ccr.box (seen arriving; else the file's time)",
        130,
        False,
        _P,
        _P,
    ),
    Column(
        "waiting",
        "Waiting for",
        "How long it has waited; the site server takes a request within seconds",
        100,
        True,
        _P,
        _P,
    ),
    Column("forced", "Forced", "Forced CCR: install even if a client is there", 70, False, _P, _P),
)
(
    COL_MACHINE,
    COL_DOMAIN,
    COL_IP,
    COL_ATTEMPTS,
    COL_ERROR,
    COL_MEANING,
    COL_INITIAL,
    COL_LATEST,
    COL_EXPIRES,
    COL_FILE,
    COL_MODIFIED,
    COL_OUTCOME,
    COL_REACHABLE,
    COL_QUEUED,
    COL_WAITING,
    COL_FORCED,
) = range(len(COLUMNS))


@lru_cache(maxsize=512)
def error_info(code: int) -> ErrorInfo:
    return describe(code)


@lru_cache(maxsize=512)
def search_words(code: int) -> str:
    """What the filter field finds an error code by: the number as the file writes it
    (signed) and unsigned, hex with and without leading zeros, the Win32 code an HRESULT
    wraps, the name and the words (:func:`ccrgui.core.errors.search_text`)."""
    return search_text(code)


def error_label(key: int) -> tuple[str, str]:
    """(short text, tooltip) for a summary/filter key (a code, PROBLEM or NO_ERROR)."""
    if key == PROBLEM:
        return "Not a valid CCR", "Files that cannot be read or are not CCR files"
    if key == NO_ERROR:
        return "No error recorded", "Requests without a Last Error Code (not tried yet)"
    info = describe(key)
    words = info.message.rstrip(".")
    tip = f"{info.short}\n{info.message}\n\nLikely cause: {info.cause}\nWhat to check: {info.fix}"
    return f"{words} ({info.short})", tip


def reach_text(result: Reachability) -> str:
    """``yes 14:02``, ``no DNS 14:02``, ``445 timeout 14:02``: the Reachable cell."""
    return f"{result.summary} {result.checked_at:%H:%M}"


def reach_tip(result: Reachability, last_error: int | None) -> str:
    """Every step of the check, when, and what it means for this request."""
    lines = [f"Checked {result.checked_at:%Y-%m-%d %H:%M:%S}"]
    if result.dns_ok:
        lines.append(f"DNS: {', '.join(result.addresses)}")
        lines += [
            f"Port {p}: {s} ({result.port_detail.get(p, '')})" for p, s in result.ports.items()
        ]
    else:
        lines.append(f"DNS: {result.dns_error}")
    return "\n".join(lines) + "\n\n" + advice(result, last_error)
