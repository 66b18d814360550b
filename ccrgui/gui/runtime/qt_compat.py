"""Differences between the Qt versions the project supports (PySide6 >= 6.6)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel

__all__ = ["change_row_filter"]


def change_row_filter(proxy: QSortFilterProxyModel, apply: Callable[[], None]) -> None:
    """Run ``apply()`` (it changes what ``proxy.filterAcceptsRow`` accepts) and have the
    proxy filter its rows again, on every Qt the project supports."""
    if hasattr(proxy, "beginFilterChange"):  # Qt 6.9+
        proxy.beginFilterChange()
        apply()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:  # pragma: no cover - older Qt
        apply()
        proxy.invalidateRowsFilter()
