"""The built-in sandbox site: a local inbox folder in the user data dir, so a new user can
try everything (queue, inspect, resubmit) without touching a real site server.

On first creation its retry box gets a few realistic failed requests to look at.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path

from . import paths
from .ccr import HEADER, IDENT, IDENT_TYPE, CcrDocument, Section, serialize
from .safefs import write_new_file
from .site import PENDING_BOX, RETRY_BOX, Site, open_site

__all__ = ["SANDBOX_NAME", "demo_retry_request", "ensure_sandbox", "sandbox_root"]

SANDBOX_NAME = "Sandbox"
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
    if fresh:
        now = now or datetime.now().replace(microsecond=0)
        for machine, domain, ip, error, attempts, age in _DEMO:
            initial = now - timedelta(hours=age)
            data = demo_retry_request(machine, domain, ip, error, attempts, initial)
            with contextlib.suppress(FileExistsError):
                write_new_file(retry, f"{machine}.ccr", data)
    return open_site(root, SANDBOX_NAME, sandbox=True)
