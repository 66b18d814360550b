"""Does a machine answer now? Name resolution, then TCP connects to SMB (445, the ADMIN$
share) and RPC (135), as the site server's push does first.

Each check is bounded: the name lookup and every connect give up after ``timeout``
seconds, and the ports of a machine are tried in parallel (machines too, in
:func:`check_machines`). A port is ``open`` (the connect succeeded), ``closed`` (refused:
the machine is there but nothing listens, or a firewall rejects) or ``timeout`` (no answer:
off, or a firewall drops the traffic; an unreachable host or network counts as this too).

:func:`advice` maps a result onto the client push error codes: a name that does not resolve
or a port that times out explains 53/67; both ports open with 5 or 1326 in the retry file
points at the push account, not the network.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .errors import display_code, format_code

__all__ = [
    "DEFAULT_TIMEOUT",
    "RPC_PORT",
    "SMB_PORT",
    "PortState",
    "Reachability",
    "advice",
    "check_machine",
    "check_machines",
]

SMB_PORT = 445
RPC_PORT = 135
DEFAULT_TIMEOUT = 2.0
_MAX_PARALLEL = 32  # machines checked at once
_NETWORK_CODES = {53, 67, 64, 1203, 0x80070035, 0x80070043}
_ACCOUNT_CODES = {5, 1326, 0x80070005, 0x8007052E}
_RPC_CODES = {1722, 0x800706BA}

Resolver = Callable[[str], list[str]]


class PortState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class Reachability:
    machine: str
    checked_at: datetime  # local time, aware
    addresses: list[str] = field(default_factory=list)
    dns_ok: bool = False
    dns_error: str = ""  # why the name did not resolve
    ports: dict[int, PortState] = field(default_factory=dict)
    port_detail: dict[int, str] = field(default_factory=dict)  # the OS's words per port

    @property
    def ok(self) -> bool:
        return (
            self.dns_ok
            and bool(self.ports)
            and all(s == PortState.OPEN for s in self.ports.values())
        )

    @property
    def summary(self) -> str:
        """``yes``, ``no DNS``, ``445 timeout`` …: short, for a table cell."""
        if not self.dns_ok:
            return "no DNS"
        if self.ok:
            return "yes"
        return ", ".join(f"{p} {s}" for p, s in self.ports.items() if s != PortState.OPEN)

    def to_json(self, last_error: int | None = None) -> dict[str, object]:
        return {
            "machine": self.machine,
            "addresses": list(self.addresses),
            "dns_ok": self.dns_ok,
            "ports": {str(p): str(s) for p, s in self.ports.items()},
            "ok": self.ok,
            "advice": advice(self, last_error),
        }


def _resolve(name: str) -> list[str]:
    infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6) and str(sockaddr[0]) not in seen:
            seen.append(str(sockaddr[0]))
    return seen


def _resolve_within(name: str, timeout: float, resolver: Resolver) -> tuple[list[str], str]:
    """Addresses and "" , or [] and why. The lookup runs on a daemon thread so a resolver
    that hangs never holds the caller (nor the process at exit) past ``timeout``."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["addresses"] = resolver(name)
        except (OSError, UnicodeError, ValueError) as exc:  # gaierror is an OSError; a NUL
            # in the name is a ValueError
            box["error"] = _words(exc)

    worker = threading.Thread(target=run, name=f"resolve {name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return [], f"no answer from DNS within {timeout:g} s"
    if "error" in box:
        return [], str(box["error"])
    addresses = box.get("addresses")
    if not isinstance(addresses, list) or not addresses:
        return [], "the name has no address"
    return [str(a) for a in addresses], ""


def _words(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return exc.strerror or str(exc)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _connect(addresses: Sequence[str], port: int, timeout: float) -> tuple[PortState, str]:
    """The best state over the addresses: open if any connects, else timeout if any gave
    no answer, else closed."""
    state, detail = PortState.CLOSED, ""
    for address in addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect((address, port))
            return PortState.OPEN, f"{address} accepted"
        except TimeoutError:
            state, detail = PortState.TIMEOUT, f"{address}: no answer within {timeout:g} s"
        except ConnectionRefusedError:
            if state != PortState.TIMEOUT:
                detail = f"{address}: refused"
        except OSError as exc:  # no route to host, network unreachable: nothing answers
            state, detail = PortState.TIMEOUT, f"{address}: {_words(exc)}"
        finally:
            sock.close()
    return state, detail


def check_machine(
    name: str,
    *,
    ports: Sequence[int] = (SMB_PORT, RPC_PORT),
    timeout: float = DEFAULT_TIMEOUT,
    resolver: Resolver = _resolve,
) -> Reachability:
    """Resolve ``name``, then connect to each port (in parallel). Never raises for what
    the network says; the answer is in the result. Takes at most about 2 x ``timeout``."""
    addresses, why = _resolve_within(name, timeout, resolver)
    states: dict[int, PortState] = {}
    details: dict[int, str] = {}
    if addresses:
        with ThreadPoolExecutor(max_workers=len(ports) or 1) as pool:
            futures = {p: pool.submit(_connect, addresses, p, timeout) for p in ports}
            for port, fut in futures.items():
                states[port], details[port] = fut.result()
    return Reachability(
        machine=name,
        checked_at=datetime.now().astimezone(),
        addresses=addresses,
        dns_ok=bool(addresses),
        dns_error=why,
        ports=states,
        port_detail=details,
    )


def check_machines(
    names: Iterable[str],
    *,
    ports: Sequence[int] = (SMB_PORT, RPC_PORT),
    timeout: float = DEFAULT_TIMEOUT,
    resolver: Resolver = _resolve,
) -> list[Reachability]:
    """:func:`check_machine` for each name, many at once; results in the order given."""
    names = list(names)
    if not names:
        return []
    with ThreadPoolExecutor(max_workers=min(_MAX_PARALLEL, len(names))) as pool:
        return list(
            pool.map(
                lambda n: check_machine(n, ports=ports, timeout=timeout, resolver=resolver),
                names,
            )
        )


def _port_label(port: int) -> str:
    return {SMB_PORT: "445 (SMB, ADMIN$)", RPC_PORT: "135 (RPC/WMI)"}.get(port, str(port))


def advice(result: Reachability, last_error: int | None = None) -> str:
    """What the result means for client push, in words; sharper when the request's last
    error code is known."""
    code = f" (last error {format_code(last_error)})" if last_error is not None else ""
    # a network failure now, while the last attempt failed further on: something changed
    since = (
        f" The last attempt got further (it failed with {display_code(last_error)}), so "
        "this changed since then."
        if last_error is not None and last_error not in _NETWORK_CODES
        else ""
    )
    if not result.dns_ok:
        explains = "" if since else f", which explains error 53 or 1203{code}"
        return (
            f"The name does not resolve ({result.dns_error}): the site server cannot find "
            f"the machine either{explains}.{since} Check that the machine still exists and "
            "its DNS record; a machine long gone can be left to expire from the retry box."
        )
    timeouts = [p for p, s in result.ports.items() if s == PortState.TIMEOUT]
    closed = [p for p, s in result.ports.items() if s == PortState.CLOSED]
    if timeouts:
        ports = " and ".join(_port_label(p) for p in timeouts)
        explains = "" if since else f"; this explains 53/67{code}"
        return (
            f"No answer on port {ports}: the machine is off or a firewall drops the "
            f"traffic{explains}.{since} Check that it is on, then its firewall "
            "(File and Printer Sharing, Remote Administration)."
        )
    if closed:
        parts = []
        if SMB_PORT in closed:
            parts.append(
                "port 445 refuses: SMB is blocked or File and Printer Sharing is off, so "
                "ADMIN$ cannot be reached (53/67)"
            )
        if RPC_PORT in closed:
            parts.append(
                "port 135 refuses: RPC/WMI is blocked (0x800706BA, RPC server unavailable)"
            )
        others = [p for p in closed if p not in (SMB_PORT, RPC_PORT)]
        if others:
            parts.append(f"port {', '.join(map(str, others))} refuses")
        text = "The machine answers, but " + "; ".join(parts) + f"{code}."
        return text[0].upper() + text[1:] + " Open the ports in the target's firewall."
    if last_error is not None and last_error in _ACCOUNT_CODES:
        return (
            f"The network is fine: name and ports answer, yet the last error was "
            f"{display_code(last_error)}. Look at the push account: local administrator "
            "on the target, correct password, not locked out."
        )
    if last_error is not None and last_error in _NETWORK_CODES:
        return (
            f"It answers now{code}: the earlier network error was likely temporary "
            "(machine off or away). Resubmit it now."
        )
    if last_error is not None and last_error in _RPC_CODES:
        return (
            f"Port 135 answers now{code}; if it fails again, the dynamic RPC port range "
            "is still blocked by the target's firewall."
        )
    return (
        "Reachable: the name resolves and SMB and RPC answer, so a resubmit can reach it. "
        "If it failed with 5 or 1326, the push account is the problem, not the network."
    )
