"""The box table's filter: text as you type and one error key. Sorting is the row
store's (see :mod:`ccrgui.gui.box.rows`); the proxy keeps the source order."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from ...core.ccr import CcrRecord
from ..runtime.qt_compat import change_row_filter
from .model import BoxTableModel, Index

__all__ = ["BoxFilterProxy"]


class BoxFilterProxy(QSortFilterProxyModel):
    """Filters the box table by text (every typed word, anywhere in the row's names,
    addresses and error words), by one error key (a code, ``PROBLEM`` for invalid
    files, ``NO_ERROR``) and to the machines that answered a Check. Sorting is delegated
    to the source model."""

    def __init__(self, source: BoxTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._needle = ""
        self._words: list[str] = []
        self._error: int | None = None
        self._error_set = False
        self._reachable_only = False
        self.setSourceModel(source)

    @property
    def text(self) -> str:
        return self._needle

    @property
    def error(self) -> int | None:
        """The error key rows must have, or None for all."""
        return self._error if self._error_set else None

    def set_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle != self._needle:
            # every word, anywhere: "access denied" finds "Access is denied."
            self._change(lambda: self._set_needle(needle))

    def _set_needle(self, needle: str) -> None:
        self._needle, self._words = needle, needle.split()

    def set_error(self, key: int | None) -> None:
        """Only rows whose key is ``key`` (PROBLEM, NO_ERROR or a code); None: all."""
        if (key is not None) != self._error_set or key != self._error:
            self._change(lambda: self._set_error(key))

    def _set_error(self, key: int | None) -> None:
        self._error, self._error_set = key, key is not None

    @property
    def reachable_only(self) -> bool:
        return self._reachable_only

    def set_reachable_only(self, only: bool) -> None:
        """Only rows whose machine answered its latest Check (resolves, 445 and 135
        open); rows never checked are hidden too."""
        if only != self._reachable_only:

            def apply() -> None:
                self._reachable_only = only

            self._change(apply)

    def reach_changed(self) -> None:
        """Check results changed: filter again when only answering machines show."""
        if self._reachable_only:
            self._change(lambda: None)

    def _change(self, apply: Callable[[], None]) -> None:
        change_row_filter(self, apply)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not (self._needle or self._error_set or self._reachable_only):
            return True
        row = self._source.row_at(source_row)
        if self._error_set and row.error_key != self._error:
            return False
        if self._reachable_only:
            result = self._source.reach(row.record)
            if result is None or not result.ok:
                return False
        hay = row.haystack
        return all(word in hay for word in self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source.sort(column, order)

    def record(self, proxy_row: int) -> CcrRecord:
        return self._source.record(self.mapToSource(self.index(proxy_row, 0)).row())

    def records(self) -> list[CcrRecord]:
        """The visible rows' records, top to bottom."""
        src = self._source
        return [
            src.record(self.mapToSource(self.index(i, 0)).row()) for i in range(self.rowCount())
        ]
