"""The icons of ccrgui's actions, one per meaning, so the main window and the detail
windows show the same picture for the same thing (and no two actions share one).

The style's own icons where one fits (Fusion's arrows are large black triangles, so none
of those); Resubmit, which has no standard picture, is the reload arrows with a green
"go" badge (the request goes round once more); Undo the same with an amber "back" badge.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import QApplication, QStyle

__all__ = ["action_icon"]

_STANDARD = {
    "new": QStyle.StandardPixmap.SP_FileIcon,  # New install request, Queue on site
    "open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "refresh": QStyle.StandardPixmap.SP_BrowserReload,  # F5, a detail window's Reload
    "export": QStyle.StandardPixmap.SP_DialogSaveButton,
    "settings": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "folder": QStyle.StandardPixmap.SP_DirOpenIcon,  # Show in folder
    "site": QStyle.StandardPixmap.SP_DriveNetIcon,  # Open site
    "help": QStyle.StandardPixmap.SP_DialogHelpButton,
    "check": QStyle.StandardPixmap.SP_ComputerIcon,  # Check reachability
}

_cache: dict[str, QIcon] = {}


def action_icon(kind: str) -> QIcon:
    """The icon for ``kind``: one of new, open, refresh, export, settings, folder, site,
    undo, help, resubmit, check."""
    icon = _cache.get(kind)
    if icon is None:
        if kind == "resubmit":
            icon = _badged("#2e7d32", forward=True)
        elif kind == "undo":
            icon = _badged("#b26a00", forward=False)
        else:
            icon = _standard(kind)
        _cache[kind] = icon
    return icon


def _standard(kind: str) -> QIcon:
    style = QApplication.style()
    return style.standardIcon(_STANDARD[kind])


def _badged(colour: str, *, forward: bool) -> QIcon:
    base = _standard("refresh")
    icon = QIcon()
    for size in (16, 22, 24, 32, 48):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawPixmap(0, 0, base.pixmap(size, size))
        badge = QRectF(size * 0.45, size * 0.45, size * 0.55, size * 0.55)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colour))
        painter.drawEllipse(badge)
        c, r = badge.center(), badge.width() * 0.24
        d = 1 if forward else -1  # the triangle points right (go) or left (back)
        painter.setBrush(QColor("white"))
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(c.x() - d * r * 0.7, c.y() - r),
                    QPointF(c.x() - d * r * 0.7, c.y() + r),
                    QPointF(c.x() + d * r, c.y()),
                ]
            )
        )
        painter.end()
        icon.addPixmap(pixmap)
    return icon
