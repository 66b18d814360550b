"""The detail view: what a user reads about one CCR file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QFontMetrics, QGuiApplication

from ccrgui.core.ccr import parse_bytes, parse_file
from ccrgui.core.errors import describe
from ccrgui.gui.detail.view import DetailView, hex_dump

NOW = datetime(2030, 1, 10, 12, 0, 0)


def test_hex_dump_shows_offsets_bytes_and_ascii() -> None:
    dump = hex_dump(b"\x00\x01AB" + b"x" * 20)
    first = dump.splitlines()[0]
    assert first.startswith("00000000  00 01 41 42 78")
    assert first.endswith("|..ABxxxxxxxxxxxx|")
    assert dump.splitlines()[1].startswith("00000010  78")


def test_retry_file_shows_fields_error_and_raw_text(qtbot, samples: Path) -> None:
    path = samples / "retry-access-denied.ccr"
    view = DetailView(parse_file(path), clock=lambda: NOW)
    qtbot.addWidget(view)
    assert view.title.text() == "Computer001"
    assert view.fields["machine_name"].text() == "Computer001"
    assert view.fields["domain"].text() == "XXX"
    assert view.fields["ip_addresses"].text() == "192.168.100.200"
    assert view.fields["attempts"].text() == "99"
    assert view.fields["initial_request_date"].text() == "2007-02-20 10:35:19"
    assert view.fields["latest_processing_attempt"].text() == "2007-02-21 09:37:28"
    assert view.fields["error_event_created"].text() == "2007-02-21 10:49:35"
    assert view.fields["forced"].text() == "—"  # absent from the file, not "no"
    assert view.fields["expires"].text().startswith("expired")
    info = describe(5)
    assert view.error["code"].text() == "5 (0x00000005)"
    assert view.error["name"].text() == "ERROR_ACCESS_DENIED"
    assert view.error["message"].text() == info.message
    assert view.error["cause"].text() == info.cause
    assert view.error["fix"].text() == info.fix
    assert view.problem.isHidden()
    raw = path.read_bytes().decode("ascii").replace("\r\n", "\n")
    assert view.raw.toPlainText() == raw
    assert view.raw.isReadOnly()
    metrics = QFontMetrics(view.raw.font())  # monospace: every character equally wide
    assert metrics.horizontalAdvance("iiiiii") == metrics.horizontalAdvance("WWWWWW")
    assert str(path) in view.path_label.text()


def test_signed_hresult_shown_in_decimal_and_hex(qtbot, samples: Path) -> None:
    view = DetailView(parse_file(samples / "retry-rpc-signed.ccr"), clock=lambda: NOW)
    qtbot.addWidget(view)
    # as the file and ccm.log write it, never the unsigned 2147944122
    assert view.error["code"].text() == "-2147023174 (0x800706BA)"
    assert view.error["name"].text() == "RPC_S_SERVER_UNAVAILABLE"


def test_unknown_error_code_still_shows_number_and_advice(qtbot) -> None:
    data = (
        b"[NT Client Configuration Request]\r\nMachine Name=PC1\r\n"
        b"[Request Processing]\r\nLast Error Code=4242\r\n"
    )
    view = DetailView(parse_bytes(data, "/x/PC1.ccr"))
    qtbot.addWidget(view)
    assert view.error["code"].text() == "4242 (0x00001092)"
    assert view.error["name"].text() == "unknown code"
    assert "ccm.log" in view.error["fix"].text()


def _request(initial: datetime) -> bytes:
    return (
        "[NT Client Configuration Request]\r\nMachine Name=PC7\r\n"
        f"Initial Request Date={initial:%m/%d/%Y %H:%M:%S}\r\n"
    ).encode()


def test_countdown_is_live(qtbot) -> None:
    now = [NOW]
    initial = NOW - timedelta(days=4, hours=21)  # expires in 2 days 3 hours
    view = DetailView(parse_bytes(_request(initial), "/x/PC7.ccr"), clock=lambda: now[0])
    qtbot.addWidget(view)
    assert view.fields["expires"].text().startswith("in 2 days 3 hours")
    assert view._timer.isActive()
    now[0] = NOW + timedelta(days=2, hours=2, minutes=30)
    view._timer.timeout.emit()  # what the running timer does every 30 s
    assert view.fields["expires"].text().startswith("in 30 minutes")
    now[0] = NOW + timedelta(days=3)
    view._timer.timeout.emit()
    assert view.fields["expires"].text().startswith("expired")


def test_file_that_does_not_parse_shows_problem_and_text(qtbot) -> None:
    data = b"[Something Else]\r\nfoo=bar\r\n"
    view = DetailView(parse_bytes(data, "/x/odd.ccr"), clock=lambda: NOW)
    qtbot.addWidget(view)
    view.show()
    assert view.problem.isVisible()
    assert "no [NT Client Configuration Request] section" in view.problem.text()
    assert view.raw.toPlainText() == "[Something Else]\nfoo=bar\n"
    assert view.title.text() == "odd.ccr"
    assert not view.copy_machine.isEnabled()


def test_binary_file_shows_problem_and_readable_bytes(qtbot) -> None:
    data = b"\x00\x01\x02CCR?\xff" * 4
    view = DetailView(clock=lambda: NOW)
    qtbot.addWidget(view)
    view.set_record(parse_bytes(data, "/x/bin.ccr"), data)
    assert "binary" in view.problem.text()
    assert view.hex_toggle.isChecked()
    assert view.raw.toPlainText().startswith("00000000  00 01 02 43 43 52 3f ff")
    view.hex_toggle.setChecked(False)  # the decoded text is still there to read
    assert "CCR?" in view.raw.toPlainText()


def test_empty_file_says_so(qtbot) -> None:
    view = DetailView(parse_bytes(b"", "/x/empty.ccr"))
    qtbot.addWidget(view)
    assert "empty file" in view.problem.text()
    assert "empty file" in view.raw.toPlainText()


def test_copy_buttons_put_name_and_path_on_clipboard(qtbot, samples: Path) -> None:
    path = samples / "retry-rpc-signed.ccr"
    view = DetailView(parse_file(path))
    qtbot.addWidget(view)
    clipboard = QGuiApplication.clipboard()
    view.copy_machine.click()
    assert clipboard.text() == "SALES-PC9"
    view.copy_path.click()
    assert clipboard.text() == str(path.resolve())
