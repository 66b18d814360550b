"""Which site a window works on: the strip above the box table (name, inbox folder, a
SANDBOX badge for the practice site and, in red, why it cannot be reached) and the
File › Switch site menu."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..core.site import Site

__all__ = ["SANDBOX_SITE", "SiteBar", "SiteMenu"]

SANDBOX_SITE = ":sandbox:"  # the built-in sandbox, whatever is configured


class SiteBar(QFrame):
    """Which site this window works on, and whether it can be reached."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("siteBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name_label = QLabel("Opening site…")
        self.name_label.setObjectName("siteName")
        font = self.name_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.name_label.setFont(font)
        self.badge = QLabel("SANDBOX")
        self.badge.setObjectName("sandboxBadge")
        self.badge.setToolTip(
            "A local practice site in your profile: nothing here reaches a real site server.\n"
            "Add your sites in Settings (Ctrl+,)."
        )
        self.badge.setStyleSheet(
            "QLabel#sandboxBadge { background: #f0b400; color: black; font-weight: bold;"
            " border-radius: 3px; padding: 1px 6px; }"
        )
        self.badge.hide()
        self.path_label = QLabel("")
        self.path_label.setObjectName("sitePath")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # a long share path must not stop the window from being made narrower
        self.path_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state_label = QLabel("")
        self.state_label.setObjectName("siteState")
        self.state_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.name_label)
        top.addWidget(self.badge)
        top.addWidget(self.path_label, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addLayout(top)
        lay.addWidget(self.state_label)
        self.state_label.hide()

    def show_site(self, site: Site) -> None:
        self.name_label.setText(site.name)
        self.badge.setVisible(site.sandbox)
        self.path_label.setText(str(site.root))
        self.path_label.setToolTip(str(site.root))
        self.set_error("")

    def show_failure(self, name: str, message: str) -> None:
        """The site ``name`` could not be opened: ``message`` says why."""
        self.name_label.setText(name)
        self.badge.hide()
        self.path_label.setText("")
        self.set_error(message)

    def set_error(self, message: str) -> None:
        self.state_label.setText(message)
        self.state_label.setStyleSheet("color: #b00020;" if message else "")
        self.state_label.setVisible(bool(message))


class SiteMenu(QMenu):
    """The sandbox and the configured sites, the current one checked; ``chosen(name)``
    (a configured name, or SANDBOX_SITE). ``about_to_fill`` asks the owner to :meth:`fill`
    it just before it shows."""

    chosen = Signal(str)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName("switchSiteMenu")

    def fill(self, sites: Sequence[str], current: Site | None, extra: QAction) -> None:
        self.clear()
        group = QActionGroup(self)
        for name in [SANDBOX_SITE, *sites]:
            label = "Sandbox (built-in practice site)" if name == SANDBOX_SITE else name
            act = self.addAction(label.replace("&", "&&"))
            act.setCheckable(True)
            act.setActionGroup(group)
            if current is not None:
                act.setChecked(
                    current.sandbox
                    if name == SANDBOX_SITE
                    else not current.sandbox and current.name.casefold() == name.casefold()
                )
            act.triggered.connect(partial(self._chosen, name))
        self.addSeparator()
        self.addAction(extra)

    def _chosen(self, name: str, _checked: bool = False) -> None:
        self.chosen.emit(name)
