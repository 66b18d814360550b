"""What a resubmit or undo batch tells the user: a status-bar line and each row's
outcome. No Qt."""

from __future__ import annotations

from ...core.resubmit import BatchResult, ResubmitMode, ResubmitOutcome
from ..box.rows import RowOutcome

__all__ = ["row_outcome", "status_text"]


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
