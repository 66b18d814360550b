"""Reachability against real sockets on 127.0.0.1 and names that cannot resolve: no
traffic leaves the machine."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from ccrgui.core.reach import PortState, advice, check_machine, check_machines
from tests.listeners import silent_listener


@pytest.fixture
def open_port() -> Iterator[int]:
    with socket.create_server(("127.0.0.1", 0), backlog=16) as server:
        yield server.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as server:
        return int(server.getsockname()[1])  # closed again: connects are refused


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that does not answer (see tests.listeners.silent_listener)."""
    with silent_listener() as port:
        yield port


def test_unresolvable_name() -> None:
    r = check_machine("no-such-host.invalid", timeout=5)
    assert not r.dns_ok and not r.ok and r.addresses == [] and r.ports == {}
    assert "explains error 53" in advice(r)
    assert "explains error 53" in advice(r, last_error=53)
    # it failed with access denied before, so it resolved then: it has changed since
    changed = advice(r, last_error=5)
    assert "explains" not in changed and "got further" in changed and "ACCESS_DENIED" in changed
    assert r.to_json()["dns_ok"] is False


def test_open_and_closed_ports(open_port: int, closed_port: int) -> None:
    r = check_machine("127.0.0.1", ports=(open_port, closed_port), timeout=2)
    assert r.dns_ok and r.addresses == ["127.0.0.1"]
    assert r.ports == {open_port: PortState.OPEN, closed_port: PortState.CLOSED}
    assert not r.ok
    assert r.to_json()["ports"] == {str(open_port): "open", str(closed_port): "closed"}


def test_both_open_is_ok_and_points_at_the_account(open_port: int) -> None:
    r = check_machine("localhost", ports=(open_port, open_port), timeout=2)
    assert r.ok and r.summary == "yes"
    assert "push account" in advice(r, last_error=5)
    assert "push account" in advice(r, last_error=1326)
    assert "Resubmit it now" in advice(r, last_error=53)


def test_no_answer_is_a_timeout(silent_port: int, open_port: int) -> None:
    r = check_machine("127.0.0.1", ports=(silent_port, open_port), timeout=0.5)
    assert r.ports == {silent_port: PortState.TIMEOUT, open_port: PortState.OPEN}
    assert "53/67" in advice(r)


def test_a_hanging_resolver_is_cut_at_the_timeout() -> None:
    import threading

    release = threading.Event()

    def stuck(name: str) -> list[str]:
        release.wait(30)
        return ["127.0.0.1"]

    try:
        r = check_machine("slow.invalid", timeout=0.2, resolver=stuck)
    finally:
        release.set()
    assert not r.dns_ok and "within 0.2 s" in r.dns_error


def test_many_machines_keep_their_order(open_port: int) -> None:
    names = ["127.0.0.1", "x.invalid", "localhost"]
    results = check_machines(names, ports=(open_port,), timeout=2)
    assert [r.machine for r in results] == names
    assert [r.ok for r in results] == [True, False, True]


def test_a_name_no_resolver_accepts_is_a_dns_failure_not_a_crash() -> None:
    for name in ("bad\x00name", "a" * 300 + ".invalid", "x..y"):
        r = check_machine(name, timeout=5)
        assert not r.dns_ok and r.dns_error and not r.ok
