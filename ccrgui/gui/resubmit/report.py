"""What a resubmit or undo batch tells the user: a status-bar line and each row's
outcome. No Qt."""

from __future__ import annotations

from html import escape

from ...core.resubmit import BatchResult, ResubmitMode, ResubmitOutcome, ResubmitStatus
from ..box.rows import RowOutcome

__all__ = ["recent_text", "row_outcome", "status_text"]

NAMES_SHOWN = 6


def row_outcome(outcome: ResubmitOutcome) -> RowOutcome:
    """What the table's Outcome column shows for one file."""
    return RowOutcome(outcome.label, "\n".join(outcome.details()), outcome.kind)


def status_text(result: BatchResult, undo: bool, scope: str = "") -> str:
    """The status bar after a batch; ``scope`` says which rows ("3 selected")."""
    site = result.site.name
    if undo:
        return f"Undo on {site}: {result.summary()}."
    how = "as new requests" if result.mode == ResubmitMode.NEW else ""
    where = f" ({scope})" if scope else ""
    text = f"Resubmit {how}{where} on {site}: {result.summary()}.".replace("  ", " ")
    if result.failed:
        text += " The Outcome column says why."
    if result.succeeded:
        text += " Ctrl+Z undoes it while the files wait in ccr.box."
    return text


def recent_text(result: BatchResult) -> str:
    """The strip above the table after a batch (rich text): what was done, to which
    machines, and where they are now: resubmitted rows leave the retry table, so this
    is where the user still sees them (a link shows them in the pending box)."""
    if not result.outcomes:
        return ""
    when = f"{max(o.time for o in result.outcomes):%H:%M}"
    undo = result.mode == ResubmitMode.UNDO
    moved = ResubmitStatus.MOVED_BACK if undo else ResubmitStatus.RESUBMITTED
    done = [o.machine for o in result.outcomes if o.status == moved]
    names = ", ".join(escape(n) for n in done[:NAMES_SHOWN])
    if len(done) > NAMES_SHOWN:
        names += f" and {len(done) - NAMES_SHOWN:,} more"
    parts = []
    if undo:
        head = f"<b>Undo {when}</b>: {result.summary()}."
        if done:
            parts.append(f"Back in ccrretry.box: {names}.")
    else:
        head = f"<b>Resubmit {when}</b> on {escape(result.site.name)}: {result.summary()}."
        if done:
            parts.append(
                f"Now waiting in ccr.box for the site server: {names} "
                '(<a href="pending">show them in the pending box</a>). Ctrl+Z undoes it.'
            )
        if result.failed:
            parts.append("The rows that stayed say why in the Outcome column.")
    return " ".join([head, *parts])
