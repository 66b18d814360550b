"""A detail window's **Reachability** tab: the checklist a push goes through first (the
name resolves; SMB 445 answers, for ADMIN$; RPC 135 answers), each step ticked or crossed,
when it was checked, and what that means for this request's last error."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.reach import RPC_PORT, SMB_PORT, PortState, Reachability, advice

__all__ = ["ReachPanel"]

_MARK = {True: "✔", False: "✘"}
_GOOD, _BAD = "#1b5e20", "#b3261e"


def _step(ok: bool | None, text: str) -> str:
    if ok is None:
        return text
    colour = _GOOD if ok else _BAD
    return f'<span style="color:{colour}"><b>{_MARK[ok]}</b> {text}</span>'


class ReachPanel(QWidget):
    """``check_requested()`` when the user asks for a check; :meth:`show_checking` and
    :meth:`show_result` show its progress and result."""

    check_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: Reachability | None = None
        self.last_error: int | None = None
        self.dns = self._label("reachDns")
        self.smb = self._label("reachSmb")
        self.rpc = self._label("reachRpc")
        self.when = self._label("reachWhen")
        self.advice = self._label("reachAdvice")
        self.button = QPushButton("Check &now")
        self.button.setObjectName("checkNowButton")
        self.button.setToolTip("Resolve the name, then connect to ports 445 and 135")
        self.button.clicked.connect(self.check_requested)
        form = QFormLayout()
        form.addRow("Name resolves (DNS)", self.dns)
        form.addRow(f"SMB {SMB_PORT} (ADMIN$)", self.smb)
        form.addRow(f"RPC {RPC_PORT} (WMI, services)", self.rpc)
        form.addRow("Checked", self.when)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.advice)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self._clear("not checked yet")

    def _label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _clear(self, text: str) -> None:
        for label in (self.dns, self.smb, self.rpc):
            label.setText("…" if text == "checking…" else "")
        self.when.setText(text)
        self.advice.setText("")

    def set_last_error(self, code: int | None) -> None:
        """The request's last error, so the advice can name its cause."""
        self.last_error = code
        if self.result is not None:
            self.show_result(self.result)

    def show_checking(self) -> None:
        self.button.setEnabled(False)
        self._clear("checking…")

    def show_result(self, result: Reachability) -> None:
        self.result = result
        self.button.setEnabled(True)
        where = ", ".join(result.addresses)
        dns = where if result.dns_ok else result.dns_error
        self.dns.setText(_step(result.dns_ok, html.escape(dns)))
        tried = list(result.ports.items())  # SMB first, then RPC (as the check was asked)
        for i, label in enumerate((self.smb, self.rpc)):
            if i >= len(tried):
                label.setText(_step(None, "not tried: the name has no address"))
                continue
            port, state = tried[i]
            detail = html.escape(result.port_detail.get(port, ""))
            label.setText(_step(state == PortState.OPEN, f"port {port} {state} — {detail}"))
        self.when.setText(f"{result.checked_at:%Y-%m-%d %H:%M:%S}")
        self.advice.setText(advice(result, self.last_error))
        self.advice.setTextFormat(Qt.TextFormat.PlainText)
