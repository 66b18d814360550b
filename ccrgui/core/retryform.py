"""The retry-box form of a request: what the site server writes into ``ccrretry.box`` after
a failed attempt (DOMAIN.md; samples/retry-access-denied.ccr), for the simulated site
server and the sandbox's demo requests."""

from __future__ import annotations

import zlib
from datetime import datetime

from .ccr import (
    HEADER,
    IP_SECTION,
    K_ATTEMPTS,
    K_DOMAIN,
    K_ERROR,
    K_EVENT,
    K_INITIAL,
    K_LATEST,
    K_MACHINE,
    NAMES_SECTION,
    PROCESSING,
    CcrDocument,
    Section,
)

__all__ = ["DATE", "machine_ip", "retry_document"]

DATE = "%m/%d/%Y %H:%M:%S"


def machine_ip(machine: str) -> str:
    """A made-up but stable address for ``machine`` (10.x.y.z)."""
    h = zlib.crc32(machine.casefold().encode("utf-8"))
    return f"10.{(h >> 16) & 0xFF}.{(h >> 8) & 0xFF}.{h % 254 + 1}"


def _section(doc: CcrDocument, name: str) -> Section:
    found = doc.section(name)
    if found is None:
        found = Section(name)
        doc.sections.append(found)
    return found


def _set(section: Section, key: str, value: str) -> None:
    want = key.casefold()
    section.entries = [(k, v) for k, v in section.entries if k.strip().casefold() != want]
    section.entries.append((key, value))


def retry_document(
    request: CcrDocument,
    machine: str,
    *,
    domain: str,
    ip: str,
    initial: datetime,
    latest: datetime,
    event: datetime,
    code: int,
    attempts: int,
) -> CcrDocument:
    """The retry-box form of ``request``: its sections plus the site server's bookkeeping."""
    doc = CcrDocument([Section(s.name, list(s.entries)) for s in request.sections])
    head = _section(doc, HEADER)
    _set(head, K_MACHINE, machine)
    if not head.get(K_DOMAIN):
        _set(head, K_DOMAIN, domain)
    if not any(k.strip().casefold().startswith("ip address") for k, _v in head.entries):
        head.entries.append(("IP Address 1", ip))
    _set(head, K_INITIAL, initial.strftime(DATE))
    _set(_section(doc, IP_SECTION), "IP Address 1", ip)
    _set(_section(doc, NAMES_SECTION), "Resource Names 1", machine)
    processing = _section(doc, PROCESSING)
    processing.entries = [
        (K_LATEST, latest.strftime(DATE)),
        (K_ERROR, str(code)),
        (K_ATTEMPTS, str(attempts)),
        (K_EVENT, event.strftime(DATE)),
    ]
    return doc
