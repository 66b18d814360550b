"""Writing ``ccm.log`` as Client Configuration Manager does: raw trace lines and the
messages of one request, for the simulated site server and the sandbox's demo history.

One line (DOMAIN.md, "ccm.log")::

    MESSAGE~  $$<SMS_CLIENT_CONFIG_MANAGER><MM-DD-YYYY HH:MM:SS.mmm+TZ><thread=DEC (0xHEX)>

``+TZ`` is the UTC bias in minutes with the sign inverted (UTC-5 is ``+300``). The
messages follow the ones real site servers write (see the samples); the wording of the
expiry message is ours, as no published log shows it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

__all__ = [
    "COMPONENT",
    "MAX_LOG_BYTES",
    "TraceLine",
    "append_lines",
    "bad_request_lines",
    "expired_lines",
    "failed_lines",
    "format_line",
    "installed_lines",
    "queue_count_line",
]

COMPONENT = "SMS_CLIENT_CONFIG_MANAGER"
MAX_LOG_BYTES = 2 * 1024 * 1024  # then ccm.log becomes ccm.lo_, as the site server rolls it
ROLLED_NAME = "ccm.lo_"


@dataclass(frozen=True, slots=True)
class TraceLine:
    message: str
    time: datetime  # local time, naive (as the site server's clock shows it)
    thread: int


def _bias(when: datetime) -> int:
    """Minutes to add to local time to get UTC (CCM's sign): UTC-5 is 300."""
    offset = when.astimezone().utcoffset() if when.tzinfo is None else when.utcoffset()
    return -int((offset or timedelta()).total_seconds() // 60)


def format_line(line: TraceLine, component: str = COMPONENT) -> str:
    """One raw trace line, newline included."""
    t, bias = line.time, _bias(line.time)
    stamp = f"{t:%m-%d-%Y %H:%M:%S}.{t.microsecond // 1000:03d}{'-' if bias < 0 else '+'}"
    stamp += f"{abs(bias):03d}"
    message = line.message.replace("\r", " ").replace("\n", " ")
    return f"{message}~  $$<{component}><{stamp}><thread={line.thread} (0x{line.thread:X})>\n"


def append_lines(log: Path, lines: Iterable[TraceLine]) -> None:
    """Append lines to ``log`` in one write (creating its folder), rolling it over to
    ``ccm.lo_`` beside it when it would pass :data:`MAX_LOG_BYTES`. Raises OSError."""
    data = "".join(format_line(x) for x in lines).encode("utf-8", errors="replace")
    if not data:
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        if os.path.getsize(log) + len(data) > MAX_LOG_BYTES:
            os.replace(log, log.with_name(ROLLED_NAME))
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- messages


def queue_count_line(queue: str, count: int) -> str:
    return f'CCR count in queue "{queue}" is {count}.'


def _begin(request_id: str, machine: str, account: str) -> list[str]:
    return [
        f'======>Begin Processing request: "{request_id}", machine name: "{machine}"',
        "---> Trying each entry in the SMS Client Remote Installation account list",
        f"---> Attempting to connect to administrative share '\\\\{machine}\\admin$' "
        f"using account '{account}'",
    ]


def _connected(machine: str, account: str) -> list[str]:
    return [
        f"---> Connected to administrative share on machine {machine} using account '{account}'",
        f"---> Attempting to make IPC connection to share <\\\\{machine}\\IPC$>",
    ]


def _end(request_id: str, machine: str) -> str:
    return f'<======End request: "{request_id}", machine name: "{machine}".'


def failed_lines(request_id: str, machine: str, code: int, account: str) -> list[str]:
    """The messages of one failed attempt; ``code`` as CCM writes it (signed)."""
    lines = _begin(request_id, machine, account)
    unsigned = code & 0xFFFFFFFF
    if code < 0:  # an HRESULT: the share answered, WMI/RPC did not
        lines += _connected(machine, account)
        lines.append(
            f'---> Unable to connect to WMI on remote machine "{machine}", '
            f"error = 0x{unsigned:08x}."
        )
    elif code in (5, 1326):  # the logon itself was refused
        lines.append(
            "---> WNetAddConnection2 failed (LOGON32_LOGON_NEW_CREDENTIALS) using account "
            f"{account} ({unsigned:08x})"
        )
    else:
        lines.append(
            f"---> Failed to connect to \\\\{machine}\\admin$ using account {account} ({code})"
        )
    return [
        *lines,
        f'---> ERROR: Unable to access target machine for request: "{request_id}", '
        f'machine name: "{machine}", error code: {code}',
        f'Stored request "{request_id}", machine name "{machine}", in queue "Retry".',
        _end(request_id, machine),
    ]


def installed_lines(request_id: str, machine: str, account: str) -> list[str]:
    """The messages of an attempt that installed the client."""
    return [
        *_begin(request_id, machine, account),
        *_connected(machine, account),
        f"---> Searching for SMSClientInstall.* under '\\\\{machine}\\admin$\\'",
        f"---> Copying client files to \\\\{machine}\\admin$\\ccmsetup.",
        f'---> Created service "ccmsetup" on machine "{machine}".',
        f'---> Started service "ccmsetup" on machine "{machine}".',
        f'---> Completed request "{request_id}", machine name "{machine}".',
        f'Deleted request "{request_id}", machine name "{machine}"',
        _end(request_id, machine),
    ]


def expired_lines(request_id: str, machine: str, attempts: int, initial: str) -> list[str]:
    """A request the retry pass gives up on (168 attempts or 7 days)."""
    return [
        f'======>Begin Processing request: "{request_id}", machine name: "{machine}"',
        f'---> Request "{request_id}", machine name "{machine}", has reached the retry '
        f"limit ({attempts} attempts since {initial}; the limit is 168 attempts over "
        "7 days): deleting it.",
        f'Deleted request "{request_id}", machine name "{machine}"',
        _end(request_id, machine),
    ]


def bad_request_lines(file_name: str, problem: str, moved_to: str) -> list[str]:
    return [f'---> ERROR: "{file_name}" is not a valid CCR ({problem}); moved it to {moved_to}.']
