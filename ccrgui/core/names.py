"""Machine names a CCR may target: a NetBIOS name or a DNS FQDN.

``check_machine_name`` returns the broken rule as a sentence, or None when the name is
fine; ``validate_machine_name`` raises :class:`InvalidMachineName` with that sentence.
"""

from __future__ import annotations

import re

__all__ = [
    "InvalidMachineName",
    "check_machine_name",
    "normalize_input",
    "validate_batch",
    "validate_machine_name",
]

NETBIOS_MAX = 15
FQDN_MAX = 253
LABEL_MAX = 63
_FORBIDDEN = '\\/:*?"<>|=[]'
_NETBIOS_OK = re.compile(r"^[A-Za-z0-9_-]+$")
_LABEL_OK = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
# Windows device names: NAME.ccr (or CON.corp.local.ccr) cannot be a file on the site
# server's NTFS, whatever the extension
DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)
_CONTROL_NAMES = {"\n": "a line break", "\r": "a line break", "\t": "a tab"}


class InvalidMachineName(ValueError):
    """A machine name that breaks a rule; ``str(exc)`` names the rule."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(reason)
        self.name = name
        self.reason = reason


def normalize_input(raw: str) -> str:
    """What the user typed, without surrounding spaces (pasted lists carry them)."""
    return raw.strip(" ")


def check_machine_name(name: str) -> str | None:
    """The rule ``name`` breaks, as a sentence for the user, or None when it is valid."""
    if not name or not name.strip():
        return "The machine name is empty."
    for ch in name:
        if ord(ch) < 32 or ord(ch) == 127:
            what = _CONTROL_NAMES.get(ch, f"control character U+{ord(ch):04X}")
            return f"The name contains {what}; it would break the request file."
    for ch in name:
        if ch in _FORBIDDEN:
            return f"'{ch}' is not allowed in a machine name ({' '.join(_FORBIDDEN)} are not)."
    if " " in name:
        return "Machine names cannot contain spaces."
    if not name.isascii():
        bad = next(ch for ch in name if not ch.isascii())
        return f"'{bad}' is not allowed: use letters A-Z, digits, '-' and '_' only."
    if name in (".", "..") or name.startswith(".") or ".." in name:
        return "The name looks like a path ('.' or '..'); give a machine name."
    first = name.split(".", 1)[0]
    if first.upper() in DEVICE_NAMES:
        return (
            f"{first} is a reserved Windows device name: no computer can have it and the "
            f"request file {name}.ccr cannot exist on the site server (CON, PRN, AUX, NUL, "
            "COM1-COM9 and LPT1-LPT9 are reserved, also before a dot)."
        )
    if not any(ch.isalnum() for ch in first):
        return "A machine name needs at least one letter or digit."
    if "." not in name:
        return _check_netbios(name)
    return _check_fqdn(name)


def _check_netbios(name: str) -> str | None:
    if len(name) > NETBIOS_MAX:
        return (
            f"Too long: a NetBIOS name has at most {NETBIOS_MAX} characters "
            f"(this one has {len(name)}). Use the FQDN for longer names."
        )
    if not _NETBIOS_OK.match(name):
        bad = next(ch for ch in name if not (ch.isalnum() or ch in "-_"))
        return f"'{bad}' is not allowed: use letters, digits, '-' and '_' only."
    if name.startswith("-"):
        return (
            "A machine name cannot start with '-': Windows does not allow it (and a "
            "command would take it for an option)."
        )
    if name.isdigit():
        return "A machine name cannot be all digits."
    if name.endswith("-"):
        return "A machine name cannot end with '-' (DNS host names cannot)."
    return None


def _check_fqdn(name: str) -> str | None:
    if name.endswith("."):
        return "The name ends with a dot; leave the trailing dot out."
    if len(name) > FQDN_MAX:
        return f"Too long: a DNS name has at most {FQDN_MAX} characters (this one has {len(name)})."
    labels = name.split(".")
    for label in labels:
        if len(label) > LABEL_MAX:
            return f"The DNS label '{label[:20]}…' is longer than {LABEL_MAX} characters."
        if not _LABEL_OK.match(label):
            if label.startswith("-") or label.endswith("-"):
                return f"The DNS label '{label}' cannot start or end with '-'."
            bad = next(ch for ch in label if not (ch.isalnum() or ch == "-"))
            return f"'{bad}' is not allowed in a DNS name: labels use letters, digits and '-'."
    if labels[-1].isdigit():
        return "That looks like an IP address; give the machine's name instead."
    return None


def validate_machine_name(raw: str) -> str:
    """The name to write (surrounding spaces removed); raises InvalidMachineName."""
    name = normalize_input(raw)
    reason = check_machine_name(name)
    if reason is not None:
        raise InvalidMachineName(name, reason)
    return name


def validate_batch(raw_names: list[str]) -> tuple[list[str], list[InvalidMachineName]]:
    """Valid names (duplicates dropped, case-insensitively, first kept) and every error."""
    names: list[str] = []
    errors: list[InvalidMachineName] = []
    seen: set[str] = set()
    for raw in raw_names:
        try:
            name = validate_machine_name(raw)
        except InvalidMachineName as exc:
            errors.append(exc)
            continue
        if name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names, errors
