"""One CCR file, in full: every parsed field, the decoded error with its likely cause and
what to check, a live countdown to expiry and the raw text (or its bytes, for a file that
is not text). The retry table's double-click and ``ccrgui FILE.ccr`` both show it, hosted
by :class:`~ccrgui.gui.detail.window.DetailWindow`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.ccr import CcrRecord
from ...core.errors import describe
from ...core.when import date_text, expiry_text

__all__ = ["DetailView", "hex_dump"]

HEX_LIMIT = 64 * 1024  # bytes shown in the hex view of a file that is not text
_NOT_IN_FILE = "—"


# --------------------------------------------------------------------------- pure helpers


def hex_dump(data: bytes, limit: int = HEX_LIMIT) -> str:
    """Offset, 16 bytes in hex, and the printable ASCII, like ``hexdump -C``."""
    lines = []
    for offset in range(0, min(len(data), limit), 16):
        chunk = data[offset : offset + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hexes:<47}  |{text}|")
    if len(data) > limit:
        lines.append(f"… {len(data) - limit:,} more bytes not shown")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the view


def _value_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _fmt_date(d: datetime | None) -> str:
    return date_text(d, seconds=True, missing=_NOT_IN_FILE)


def _fmt(value: object) -> str:
    if value is None or value == "" or value == []:
        return _NOT_IN_FILE
    if isinstance(value, bool):
        return "yes (always install)" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


class DetailView(QWidget):
    """Everything in one CCR file, for reading. ``clock`` is for tests."""

    EXPIRY_TICK_MS = 30_000

    def __init__(
        self,
        record: CcrRecord | None = None,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._record: CcrRecord | None = None
        self._data = b""
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(self.EXPIRY_TICK_MS)
        self._timer.timeout.connect(self.update_expiry)
        self._timer.start()
        if record is not None:
            self.set_record(record)

    # ---------------------------------------------------------------- building
    def _build(self) -> None:
        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_machine = QToolButton()
        self.copy_machine.setText("Copy name")
        self.copy_machine.setObjectName("copyMachineButton")
        self.copy_machine.setToolTip("Copy the machine name to the clipboard")
        self.copy_machine.clicked.connect(self.copy_machine_name)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.copy_machine)

        self.path_label = _value_label("pathLabel")
        self.copy_path = QToolButton()
        self.copy_path.setText("Copy path")
        self.copy_path.setObjectName("copyPathButton")
        self.copy_path.setToolTip("Copy the file's full path to the clipboard")
        self.copy_path.clicked.connect(self.copy_file_path)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_label, 1)
        path_row.addWidget(self.copy_path)

        self.problem = QLabel()
        self.problem.setObjectName("problemBanner")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setStyleSheet(
            "QLabel { background: #fdecea; color: #8a1c12; border: 1px solid #e0a39b;"
            " border-radius: 4px; padding: 8px; font-weight: bold; }"
        )
        self.problem.hide()

        fields = QGroupBox("Request")
        form = QFormLayout(fields)
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("machine_name", "Machine"),
            ("domain", "Domain"),
            ("ip_addresses", "IP addresses"),
            ("forced", "Forced CCR"),
            ("client_type", "Client type"),
            ("initial_request_date", "Initial request"),
            ("latest_processing_attempt", "Latest attempt"),
            ("error_event_created", "Error event created"),
            ("attempts", "Attempts"),
            ("expires", "Expires"),
            ("encoding", "Encoding"),
        ):
            self.fields[key] = _value_label(f"field_{key}")
            form.addRow(label + ":", self.fields[key])

        self.error_box = QGroupBox("Last error")
        self.error_box.setObjectName("errorBox")
        eform = QFormLayout(self.error_box)
        self.error: dict[str, QLabel] = {}
        for key, label in (
            ("code", "Code"),
            ("name", "Name"),
            ("message", "Meaning"),
            ("cause", "Likely cause"),
            ("fix", "What to check"),
        ):
            self.error[key] = _value_label(f"error_{key}")
            eform.addRow(label + ":", self.error[key])
        bold = self.error["code"].font()
        bold.setBold(True)
        self.error["code"].setFont(bold)

        columns = QHBoxLayout()
        columns.addWidget(fields, 1)
        columns.addWidget(self.error_box, 1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(head)
        top_layout.addLayout(path_row)
        top_layout.addWidget(self.problem)
        top_layout.addLayout(columns)

        self.raw = QPlainTextEdit()
        self.raw.setObjectName("rawText")
        self.raw.setReadOnly(True)
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.hex_toggle = QCheckBox("Show bytes (hex)")
        self.hex_toggle.setObjectName("hexToggle")
        self.hex_toggle.toggled.connect(self._show_raw)
        raw_head = QHBoxLayout()
        raw_head.addWidget(QLabel("<b>File contents</b>"))
        raw_head.addStretch(1)
        raw_head.addWidget(self.hex_toggle)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addLayout(raw_head)
        bottom_layout.addWidget(self.raw)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # ---------------------------------------------------------------- content
    def record(self) -> CcrRecord | None:
        return self._record

    def set_record(self, record: CcrRecord, data: bytes | None = None) -> None:
        """Show ``record``; ``data`` (the file's bytes) enables the hex view."""
        self._record = record
        self._data = data or b""
        self.title.setText(record.machine_name or record.file_name or "(no machine name)")
        self.copy_machine.setEnabled(bool(record.machine_name))
        self.path_label.setText(record.file)
        if record.problem:
            self.problem.setText(f"This file is not a valid CCR: {record.problem}")
            self.problem.show()
        else:
            self.problem.hide()
        for key, label in self.fields.items():
            if key == "expires":
                continue
            if key == "encoding":
                label.setText(record.encoding or _NOT_IN_FILE)
            elif key in ("initial_request_date", "latest_processing_attempt"):
                label.setText(_fmt_date(getattr(record, key)))
            elif key == "error_event_created":
                label.setText(_fmt_date(record.error_event_created))
            else:
                label.setText(_fmt(getattr(record, key)))
        self._show_error(record)
        self.update_expiry()
        unreadable_text = (
            not record.text or "\x00" in record.text or "binary" in (record.problem or "")
        )
        self.hex_toggle.setEnabled(bool(self._data))
        want_hex = bool(self._data) and unreadable_text
        if self.hex_toggle.isChecked() != want_hex:
            self.hex_toggle.setChecked(want_hex)  # calls _show_raw
        else:
            self._show_raw()

    def _show_error(self, record: CcrRecord) -> None:
        code = record.last_error_code
        if code is None:
            self.error_box.setTitle("Last error")
            self.error["code"].setText("none recorded")
            for key in ("name", "message", "cause", "fix"):
                self.error[key].setText(_NOT_IN_FILE)
            return
        info = describe(code)
        self.error["code"].setText(f"{info.written} ({info.hex})")  # as the file writes it
        self.error["name"].setText(info.name or "unknown code")
        self.error["message"].setText(info.message)
        self.error["cause"].setText(info.cause)
        self.error["fix"].setText(info.fix)

    def _show_raw(self) -> None:
        record = self._record
        if record is None:
            self.raw.setPlainText("")
        elif self.hex_toggle.isChecked() and self._data:
            self.raw.setPlainText(hex_dump(self._data))
        elif record.text:
            self.raw.setPlainText(record.text)
        else:
            self.raw.setPlainText(f"(nothing to show: {record.problem or 'empty file'})")

    def update_expiry(self) -> None:
        """Refresh the countdown (a timer calls this every 30 s)."""
        record = self._record
        label = self.fields["expires"]
        if record is None:
            label.setText("")
            return
        text = expiry_text(record.expires_at, self._clock())
        if record.expires_at is not None:
            text += f" ({date_text(record.expires_at)})"
        label.setText(text)
        soon = record.expires_at is not None and (
            (record.expires_at - self._clock()).total_seconds() < 24 * 3600
        )
        label.setStyleSheet("color: #b3261e; font-weight: bold;" if soon else "")

    # ---------------------------------------------------------------- copy
    def copy_machine_name(self) -> None:
        if self._record is not None and self._record.machine_name:
            QGuiApplication.clipboard().setText(self._record.machine_name)

    def copy_file_path(self) -> None:
        if self._record is not None:
            QGuiApplication.clipboard().setText(self._record.file)
