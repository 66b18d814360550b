"""Loopback listeners for reachability tests (no traffic leaves the machine)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator


@contextlib.contextmanager
def silent_listener() -> Iterator[int]:
    """The port of a listener on 127.0.0.1 whose accept queue is full: further connects get
    no answer (a SYN to a full queue is dropped), as with a firewall that drops traffic."""
    with socket.create_server(("127.0.0.1", 0), backlog=0) as server:
        port = server.getsockname()[1]
        fillers: list[socket.socket] = []
        try:
            for _ in range(8):  # bounded: the queue fills after one or two
                s = socket.socket()
                s.settimeout(0.3)
                try:
                    s.connect(("127.0.0.1", port))
                except TimeoutError:
                    s.close()
                    break
                fillers.append(s)
            else:
                raise AssertionError("the accept queue never filled")
            yield port
        finally:
            for s in fillers:
                s.close()
