"""Single instance: a second ccrgui hands its files to the running one over a local socket.

The "other instance" is always a real second process, as when a user double-clicks a file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccrgui.core.filetype import APP_ID
from ccrgui.gui.runtime.single_instance import (
    PROTOCOL_VERSION,
    Handover,
    InstanceServer,
    decode_message,
    encode_message,
    send_to_running,
    server_name,
)

CLIENT = textwrap.dedent(
    """
    import sys
    from ccrgui.gui.runtime.single_instance import send_to_running
    sys.exit(0 if send_to_running(sys.argv[2:], cwd=sys.argv[1]) else 3)
    """
)

# a first instance in its own process: listens, prints "listening", then just runs
FIRST = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QCoreApplication
    from ccrgui.gui.runtime.single_instance import InstanceServer
    app = QCoreApplication([])
    server = InstanceServer()
    assert server.listen(), server.error_string()
    print("listening", flush=True)
    app.exec()
    """
)


def _client(cwd: Path, *files: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", CLIENT, str(cwd), *files])


@pytest.fixture
def server(qtbot) -> Iterator[InstanceServer]:
    srv = InstanceServer()
    assert srv.listen(), srv.error_string()
    yield srv
    srv.close()


@pytest.fixture
def first_instance() -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([sys.executable, "-c", FIRST], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "listening"
    yield proc
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGCONT)
        proc.kill()
    proc.wait()
    proc.stdout.close()


def test_second_instance_hands_over_absolute_paths(qtbot, server, tmp_path: Path) -> None:
    with qtbot.waitSignal(server.handover, timeout=5000) as got:
        client = _client(tmp_path, "PC1.ccr", "/elsewhere/PC2.ccr")
    handover: Handover = got.args[0]
    assert handover.files == [str(tmp_path / "PC1.ccr"), "/elsewhere/PC2.ccr"]
    assert handover.cwd == str(tmp_path)
    qtbot.waitUntil(lambda: client.poll() is not None, timeout=5000)
    assert client.returncode == 0  # the running instance took the files: exit at once


def test_no_running_instance_means_start_normally() -> None:
    assert send_to_running(["x.ccr"]) is False


def test_dead_instance_socket_is_taken_over(qtbot, first_instance, tmp_path: Path) -> None:
    first_instance.kill()  # died without cleaning up its socket
    first_instance.wait()
    assert send_to_running(["a.ccr"]) is False
    srv = InstanceServer()
    assert srv.listen(), srv.error_string()
    try:
        with qtbot.waitSignal(srv.handover, timeout=5000) as got:
            client = _client(tmp_path, "a.ccr")
        assert got.args[0].files == [str(tmp_path / "a.ccr")]
        qtbot.waitUntil(lambda: client.poll() is not None, timeout=5000)
        assert client.returncode == 0
    finally:
        srv.close()


def test_hung_instance_does_not_block_a_new_one(qtbot, first_instance, tmp_path: Path) -> None:
    os.kill(first_instance.pid, signal.SIGSTOP)  # alive, holding the name, not answering
    assert send_to_running(["b.ccr"]) is False  # gives up after its short timeouts
    srv = InstanceServer()
    assert srv.listen(), srv.error_string()
    try:
        with qtbot.waitSignal(srv.handover, timeout=5000) as got:
            client = _client(tmp_path, "b.ccr")
        assert got.args[0].files == [str(tmp_path / "b.ccr")]
        qtbot.waitUntil(lambda: client.poll() is not None, timeout=5000)
        assert client.returncode == 0
    finally:
        srv.close()


def test_running_instance_answers_and_the_client_returns_true(first_instance) -> None:
    assert send_to_running(["c.ccr"]) is True


def test_name_is_per_user_state_folder(monkeypatch, tmp_path: Path) -> None:
    first = server_name()
    assert first == server_name()
    assert first.startswith(f"{APP_ID}-")  # the one application ID
    # QLocalServer makes <temp folder>/<name>; a Unix socket path has at most 107 bytes
    assert len(os.path.join(tempfile.gettempdir(), first).encode()) < 100
    monkeypatch.setenv("CCRGUI_CONFIG_DIR", str(tmp_path / "other"))
    assert server_name() != first


def test_message_carries_version_cwd_and_absolute_paths(tmp_path: Path) -> None:
    raw = encode_message(["rel.ccr"], str(tmp_path), site="ABC")
    assert raw.endswith(b"\n")
    msg = json.loads(raw)
    assert msg == {
        "version": PROTOCOL_VERSION,
        "cwd": str(tmp_path),
        "files": [str(tmp_path / "rel.ccr")],
        "site": "ABC",
    }
    assert decode_message(raw) == Handover([str(tmp_path / "rel.ccr")], str(tmp_path), "ABC")


@pytest.mark.parametrize(
    "raw",
    [
        b"not json\n",
        b"[1, 2]\n",
        b'{"version": 999, "cwd": "/", "files": []}\n',
        b'{"version": 1, "cwd": "/", "files": [1]}\n',
        b'{"version": 1, "files": []}\n',
        b"\xff\xfe\n",
    ],
)
def test_foreign_or_newer_messages_are_refused(raw: bytes) -> None:
    assert decode_message(raw) is None
