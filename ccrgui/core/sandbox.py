"""The built-in sandbox site: a local inbox folder in the user data dir, so a new user can
try everything (queue, inspect, resubmit) without touching a real site server.

On first creation its retry box gets a few realistic failed requests to look at;
:func:`reset_demo` reseeds it with a few dozen machines in various states and a matching
ccm.log, for the simulated site server (:mod:`simulator`) to work on.
"""

from __future__ import annotations

import contextlib
import os
import random
from datetime import datetime, timedelta
from pathlib import Path

from . import paths
from .ccmtrace import TraceLine, append_lines, failed_lines, installed_lines
from .ccr import HEADER, IDENT, IDENT_TYPE, CcrDocument, Section, new_request, serialize
from .retryform import machine_ip, retry_document
from .safefs import write_new_file
from .simulator import SiteSimulator, ccm_log_path
from .site import PENDING_BOX, RETRY_BOX, Site, open_site

__all__ = [
    "SANDBOX_NAME",
    "demo_retry_request",
    "ensure_sandbox",
    "reset_demo",
    "sandbox_root",
]

SANDBOX_NAME = "Sandbox"
_ACCOUNT = "CORP\\cm_push"  # the push account the demo history names
_DATE = "%m/%d/%Y %H:%M:%S"

# (machine, domain, ip, error code as the site server writes it, attempts, age in hours)
_DEMO = [
    ("Computer001", "CORP", "10.1.20.31", 5, 37, 40),
    ("SALES-PC9", "CORP", "10.20.30.40", -2147023174, 31, 30),
    ("WKS-LAB-07", "CORP", "10.1.7.107", 53, 150, 152),
    ("FINANCE12", "CORP", "10.1.12.12", 1326, 12, 12),
    ("HR-LAPTOP3", "CORP", "10.1.30.3", 67, 90, 91),
    ("KIOSK-02", "CORP", "10.9.0.2", 120, 3, 3),
    ("LAB-ROUTER", "CORP", "10.9.0.254", 67, 160, 165),
]


def sandbox_root() -> Path:
    return paths.data_dir() / "sandbox" / "inboxes"


def demo_retry_request(
    machine: str,
    domain: str,
    ip: str,
    error: int,
    attempts: int,
    initial: datetime,
) -> bytes:
    """The bytes of a retry-box CCR as the site server leaves it."""
    latest = initial + timedelta(hours=max(attempts - 1, 0))
    doc = CcrDocument(
        [
            Section(
                HEADER,
                [
                    ("Machine Name", machine),
                    ("Domain", domain),
                    ("IP Address 1", ip),
                    ("Initial Request Date", initial.strftime(_DATE)),
                ],
            ),
            Section("IP Address ", [("IP Address 1", ip)]),
            Section("Resource Names ", [("Resource Names 1", machine)]),
            Section(
                "Request Processing",
                [
                    ("Latest Processing Attempt", latest.strftime(_DATE)),
                    ("Last Error Code", str(error)),
                    ("Number of Processing Attempts", str(attempts)),
                    ("Error Event Created", (initial + timedelta(hours=1)).strftime(_DATE)),
                ],
            ),
            Section(IDENT, [("TYPE", IDENT_TYPE)]),
        ]
    )
    return serialize(doc)


def ensure_sandbox(now: datetime | None = None) -> Site:
    """Create the sandbox site when missing (seeded with demo failures) and open it."""
    root = sandbox_root()
    pending, retry = root / PENDING_BOX, root / RETRY_BOX
    fresh = not retry.exists()
    pending.mkdir(parents=True, exist_ok=True)
    retry.mkdir(parents=True, exist_ok=True)
    site = open_site(root, SANDBOX_NAME, sandbox=True)
    if fresh:
        now = now or datetime.now().replace(microsecond=0)
        rng = random.Random(7)
        log: list[TraceLine] = []
        for machine, domain, ip, error, attempts, age in _DEMO:
            initial = now - timedelta(hours=age)
            data = demo_retry_request(machine, domain, ip, error, attempts, initial)
            with contextlib.suppress(FileExistsError):
                write_new_file(retry, f"{machine}.ccr", data)
            log += _history(machine, machine, error, attempts, initial, rng)
        with contextlib.suppress(OSError):  # the boxes work without their history
            append_lines(ccm_log_path(site), sorted(log, key=lambda x: x.time))
    return site


def _history(
    request_id: str,
    machine: str,
    code: int,
    attempts: int,
    initial: datetime,
    rng: random.Random,
) -> list[TraceLine]:
    """ccm.log lines for a request's first and last two attempts, an hour apart."""
    lines: list[TraceLine] = []
    for attempt in sorted({1, max(attempts - 1, 1), attempts}):
        when = initial + timedelta(hours=attempt - 1)
        lines += _timed(failed_lines(request_id, machine, code, _ACCOUNT), when, rng)
    return lines


# --------------------------------------------------------------------------- reset demo

# (machine, error as CCM writes it, attempts, age in hours, file name when not MACHINE.ccr).
# Names with a rule word keep failing under the simulated site server's built-in rules;
# the others install at their next attempt (fixed meanwhile), as real machines do.
_MIX: list[tuple[str, int, int, int, str | None]] = [
    ("LAB-OFF-01", 53, 3, 2, None),
    ("SALES-OFF-14", 53, 40, 39, None),
    ("WKS-OFF-0231", 53, 150, 150, None),
    ("HR-OFF-07", 53, 167, 167, None),
    ("OLD-OFF-99", 53, 168, 168, None),
    ("KIOSK-OFF-2", 53, 12, 14, None),
    ("LAB-DENY-02", 5, 5, 4, None),
    ("FIN-DENY-11", 5, 60, 61, None),
    ("WKS-DENY-0412", 5, 100, 102, None),
    ("HR-DENY-05", 5, 2, 1, None),
    ("WKS-DENY-0577", 5, 26, 25, "2097152456.ccr"),
    ("SRV-AUTH-01", 1326, 8, 7, None),
    ("LAB-AUTH-04", 1326, 30, 30, None),
    ("PRN-NONAME-1", 67, 90, 92, None),
    ("MAC-NONAME-02", 67, 20, 19, None),
    ("WKS-RPC-0110", -2147023174, 31, 30, None),
    ("SALES-RPC-3", -2147023174, 7, 6, None),
    ("FIN-RPC-09", -2147023174, 120, 121, None),
    ("LAB-FLAKY-06", 53, 1, 0, None),
    ("Computer001", 5, 37, 40, None),
    ("SALES-PC9", -2147023174, 31, 30, None),
    ("WKS-LAB-07", 53, 150, 152, None),
    ("FINANCE12", 1326, 12, 12, None),
    ("HR-LAPTOP3", 67, 90, 91, None),
    ("KIOSK-02", 120, 3, 3, None),
    ("LAB-ROUTER", 67, 160, 165, None),
    ("ACCT-PC07", 112, 9, 9, None),
    ("WKS-0815", 1203, 44, 45, None),
    ("LAB-PC12", -2147024891, 16, 17, None),
    ("TRAIN-03", 1396, 5, 5, None),
    ("CONF-ROOM-2", 1789, 70, 71, None),
]
_MIX_PENDING = ["LAB-PC21", "LAB-PC22", "SALES-OFF-20"]
_MIX_INSTALLED = [("LAB-PC01", 26), ("LAB-PC02", 26), ("HR-PC11", 5), ("SALES-PC4", 2)]


def reset_demo(now: datetime | None = None) -> Site:
    """Reseed the sandbox: empty both boxes, then a realistic mix of failed requests
    (errors, attempts, some about to expire), a few pending ones, and a ccm.log with
    their history. Raises SiteBusy while a simulated site server works on the sandbox."""
    site = ensure_sandbox()
    now = (now or datetime.now()).replace(microsecond=0)
    rng = random.Random(14)
    with SiteSimulator(site) as sim:
        for box in (site.pending, site.retry, sim.inproc, site.pending / "corrupt"):
            _empty(box)
        log: list[TraceLine] = []
        for machine, code, attempts, age, file_name in _MIX:
            initial = now - timedelta(hours=age, minutes=rng.randrange(5, 50))
            latest = initial + timedelta(hours=attempts - 1)
            doc = retry_document(
                new_request(machine),
                machine,
                domain="CORP",
                ip=machine_ip(machine),
                initial=initial,
                latest=latest,
                event=initial,
                code=code,
                attempts=attempts,
            )
            name = file_name or f"{machine}.ccr"
            write_new_file(site.retry, name, serialize(doc))
            log += _history(Path(name).stem, machine, code, attempts, initial, rng)
        for machine, age in _MIX_INSTALLED:
            when = now - timedelta(hours=age, minutes=rng.randrange(1, 50))
            log += _timed(installed_lines(machine, machine, _ACCOUNT), when, rng)
        for machine in _MIX_PENDING:
            write_new_file(site.pending, f"{machine}.ccr", serialize(new_request(machine)))
        path = ccm_log_path(site)
        for old in (path, path.with_name("ccm.lo_")):
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
        append_lines(path, sorted(log, key=lambda x: x.time))
    return site


def _timed(messages: list[str], when: datetime, rng: random.Random) -> list[TraceLine]:
    thread = rng.randrange(250, 5000) * 4
    start = when + timedelta(milliseconds=rng.randrange(0, 900))
    step = timedelta(milliseconds=40)
    return [TraceLine(m, start + step * i, thread) for i, m in enumerate(messages)]


def _empty(box: Path) -> None:
    """Delete the request and temporary files in ``box`` (not folders, not the lock)."""
    try:
        entries = list(os.scandir(box))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.is_file(follow_symlinks=False) and entry.name != ".simulator.lock":
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
