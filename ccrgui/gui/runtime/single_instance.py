"""One ccrgui per user: a second ``ccrgui FILE.ccr`` hands its files to the running one.

The running instance listens on a :class:`QLocalServer` (a Unix socket in the temp folder,
a named pipe on Windows) whose name is hashed from the user and ccrgui's state folder, so
users (and test runs with their own ``CCRGUI_CONFIG_DIR``) never meet. A second instance
connects, sends one JSON line and waits briefly for ``ok``:

    {"version": 1, "cwd": "/home/me", "files": ["/abs/a.ccr"], "site": null}

If nobody answers in time (the first instance hangs or died and left its socket behind),
the second one starts normally and takes the name over.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from ...core import paths
from ...core.filetype import APP_ID

__all__ = [
    "PROTOCOL_VERSION",
    "Handover",
    "InstanceServer",
    "decode_message",
    "encode_message",
    "send_to_running",
    "server_name",
]

PROTOCOL_VERSION = 1
CONNECT_TIMEOUT_MS = 300
REPLY_TIMEOUT_MS = 500
MAX_MESSAGE = 1024 * 1024
ACK = b"ok\n"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name (a container without passwd entry)
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def server_name() -> str:
    """``<application ID>-<hash>``: per user and per state folder, short enough for a Unix
    socket."""
    key = f"{_user()}\0{paths.config_dir().resolve()}"
    return f"{APP_ID}-" + hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Handover:
    """What a second instance asks the running one to do."""

    files: list[str] = field(default_factory=list)  # absolute paths
    cwd: str = ""
    site: str | None = None


def encode_message(files: Sequence[str], cwd: str, site: str | None = None) -> bytes:
    absolute = [os.path.abspath(os.path.join(cwd, f)) for f in files]
    msg = {"version": PROTOCOL_VERSION, "cwd": cwd, "files": absolute, "site": site}
    return json.dumps(msg).encode("utf-8") + b"\n"


def decode_message(data: bytes) -> Handover | None:
    """The handover in ``data``, or None when it is not a message this version reads."""
    try:
        msg = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(msg, dict) or msg.get("version") != PROTOCOL_VERSION:
        return None
    cwd = msg.get("cwd")
    files = msg.get("files")
    site = msg.get("site")
    if not isinstance(cwd, str) or not isinstance(files, list):
        return None
    if not all(isinstance(f, str) for f in files) or not isinstance(site, str | None):
        return None
    return Handover([os.path.abspath(os.path.join(cwd, f)) for f in files], cwd, site)


def send_to_running(
    files: Sequence[str],
    *,
    cwd: str | None = None,
    site: str | None = None,
    name: str | None = None,
) -> bool:
    """Hand ``files`` to the running instance. True when it took them (this process may
    exit); False when none runs or it did not answer in time (start normally)."""
    sock = QLocalSocket()
    sock.connectToServer(name or server_name())
    if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    try:
        sock.write(encode_message(files, cwd or os.getcwd(), site))
        if not sock.waitForBytesWritten(REPLY_TIMEOUT_MS):
            return False
        reply = b""
        while not reply.endswith(b"\n"):
            if not sock.waitForReadyRead(REPLY_TIMEOUT_MS):
                return False
            reply += bytes(sock.readAll().data())
        return reply == ACK
    finally:
        sock.abort()


class InstanceServer(QObject):
    """Listens for second instances; emits ``handover(Handover)`` on the GUI thread."""

    handover = Signal(object)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening. A name left behind (a dead or hung instance) is taken over.

        Call it only after :func:`send_to_running` found nobody answering."""
        if self._server.listen(self.name):
            return True
        if self._server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
            QLocalServer.removeServer(self.name)
            return self._server.listen(self.name)
        return False

    def is_listening(self) -> bool:
        return self._server.isListening()

    def error_string(self) -> str:
        return self._server.errorString()

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        # Each socket is deleted by an explicit deleteLater() once answered or dropped (at
        # most 2 s). It does not stay the server's child: destroying the server while a
        # deleteLater() is pending, or from the socket's own ``disconnected`` signal,
        # crashes PySide.
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            if sock is None:
                return
            sock.setParent(None)
            buf = bytearray()
            sock.readyRead.connect(partial(self._read, sock, buf))
            timer = QTimer(sock)  # a client that never finishes its line is dropped
            timer.setSingleShot(True)
            timer.timeout.connect(partial(self._drop, sock))
            timer.start(2000)
            self._read(sock, buf)

    @staticmethod
    def _drop(sock: QLocalSocket) -> None:
        sock.abort()
        sock.deleteLater()

    def _read(self, sock: QLocalSocket, buf: bytearray) -> None:
        buf += bytes(sock.readAll().data())
        if len(buf) > MAX_MESSAGE:
            self._drop(sock)
            return
        if not buf.endswith(b"\n"):
            return
        handover = decode_message(bytes(buf))
        if handover is None:
            self._drop(sock)
            return
        sock.write(ACK)
        sock.waitForBytesWritten(100)  # three bytes into a local socket: immediate
        sock.disconnectFromServer()
        sock.deleteLater()
        self.handover.emit(handover)
