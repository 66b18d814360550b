"""The strip above the box table: which site this window works on (name, inbox folder, a
SANDBOX badge for the practice site) and, in red, why it cannot be reached."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..core.site import Site

__all__ = ["SiteBar"]


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

    def set_error(self, message: str) -> None:
        self.state_label.setText(message)
        self.state_label.setStyleSheet("color: #b00020;" if message else "")
        self.state_label.setVisible(bool(message))
