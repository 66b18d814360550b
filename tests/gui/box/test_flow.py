"""The flow layout wraps its widgets onto new lines instead of scrolling them away."""

from __future__ import annotations

from PySide6.QtWidgets import QToolButton, QWidget
from pytestqt.qtbot import QtBot

from ccrgui.gui.box.flow import FlowLayout


def test_widgets_wrap_onto_new_lines_and_all_stay_inside(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    flow = FlowLayout(host)
    buttons = []
    for i in range(8):
        b = QToolButton()
        b.setText(f"{i * 111}  Access is denied (5 ERROR_ACCESS_DENIED)")
        flow.addWidget(b)
        buttons.append(b)
    one_line = flow.heightForWidth(10_000)
    narrow = 500
    assert flow.heightForWidth(narrow) > 2 * one_line  # wrapped onto several lines
    host.resize(narrow, flow.heightForWidth(narrow))
    host.show()
    qtbot.waitExposed(host)
    for b in buttons:
        g = b.geometry()
        assert g.left() >= 0 and g.right() < narrow, b.text()
        assert g.bottom() < host.height(), b.text()
    # in order: left to right, then down
    spots = [(b.geometry().top(), b.geometry().left()) for b in buttons]
    assert spots == sorted(spots)
