"""Client push error codes: number, Win32 name, plain words, likely cause and what to check.

Codes are normalised to unsigned 32-bit (``-2147024891`` is ``0x80070005``) for keys and
JSON. What a person reads shows the code as the site server writes it (signed decimal,
as in the CCR file and ccm.log), its hex and its name: :func:`display_code`. What a
person can search for is :func:`search_text`: every one of those spellings, so
``-2147023174``, ``2147944122``, ``800706BA`` and ``RPC_S_SERVER_UNAVAILABLE`` all find
the same file. An HRESULT that wraps a Win32 code (``0x8007xxxx``) is the same error as
that code: it is described by the Win32 entry when it has no entry of its own, and
:func:`same_error` treats ``5`` and ``0x80070005`` as one error.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

__all__ = [
    "ErrorInfo",
    "describe",
    "display_code",
    "format_code",
    "known_codes",
    "normalize_code",
    "same_error",
    "search_text",
    "signed_code",
    "win32_code",
]


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    code: int  # unsigned 32-bit
    name: str  # Win32/HRESULT symbolic name, "" when unknown
    message: str  # plain words
    cause: str  # likely cause in client push
    fix: str  # what to check

    @property
    def hex(self) -> str:
        return f"0x{self.code:08X}"

    @property
    def written(self) -> str:
        """The code as the site server writes it: signed decimal (``-2147023174``)."""
        return str(signed_code(self.code))

    @property
    def known(self) -> bool:
        return bool(self.name)

    @property
    def short(self) -> str:
        """``5 ERROR_ACCESS_DENIED`` or ``0x800706BA RPC_S_SERVER_UNAVAILABLE``."""
        return f"{format_code(self.code)} {self.name}".strip()


def _e(code: int, name: str, message: str, cause: str, fix: str) -> ErrorInfo:
    return ErrorInfo(code, name, message, cause, fix)


_TABLE: dict[int, ErrorInfo] = {
    e.code: e
    for e in (
        _e(
            0,
            "ERROR_SUCCESS",
            "No error recorded.",
            "The last attempt did not report an error.",
            "Nothing to fix; check ccm.log if the client is still missing.",
        ),
        _e(
            2,
            "ERROR_FILE_NOT_FOUND",
            "The system cannot find the file specified.",
            "The client installation files are missing on the site server.",
            "Refresh or redistribute the client package on the site server.",
        ),
        _e(
            5,
            "ERROR_ACCESS_DENIED",
            "Access is denied.",
            "The push account is not a local administrator on the target, is locked out "
            "or has a wrong password; or DCOM/Kerberos hardening refuses it.",
            "Add the push account to the target's local Administrators group; check the "
            "account is not locked and its password is current; check the DCOM hardening "
            "policy.",
        ),
        _e(
            52,
            "ERROR_DUP_NAME",
            "A duplicate name exists on the network.",
            "Another machine answers to the same name.",
            "Clean up stale DNS and WINS records for this name.",
        ),
        _e(
            53,
            "ERROR_BAD_NETPATH",
            "The network path was not found.",
            "The target is off, its name does not resolve, a firewall blocks SMB (port 445), "
            "or File and Printer Sharing is off.",
            "Ping the name and check DNS; open ports 445 and 135; enable File and Printer "
            "Sharing on the target.",
        ),
        _e(
            64,
            "ERROR_NETNAME_DELETED",
            "The specified network name is no longer available.",
            "The connection to the target dropped during the install.",
            "Check network stability to the target, then retry.",
        ),
        _e(
            67,
            "ERROR_BAD_NET_NAME",
            "The network name cannot be found.",
            "The ADMIN$ share is missing, File and Printer Sharing is off, or the target is "
            "not a Windows machine.",
            "Check the admin shares (AutoShareWks); exclude non-Windows hosts from push.",
        ),
        _e(
            86,
            "ERROR_INVALID_PASSWORD",
            "The specified network password is not correct.",
            "The name resolves to a different machine than intended.",
            "Check the DNS records for this name.",
        ),
        _e(
            112,
            "ERROR_DISK_FULL",
            "There is not enough space on the disk.",
            "The target's disk is full.",
            "Free disk space on the target.",
        ),
        _e(
            120,
            "ERROR_CALL_NOT_IMPLEMENTED",
            "Client already installed (code reused by Configuration Manager).",
            "A client of the same version is already installed and Forced CCR was not set.",
            'Resubmit with Forced CCR=TRUE ("Always install").',
        ),
        _e(
            1003,
            "ERROR_CAN_NOT_COMPLETE",
            "Cannot complete this function.",
            "A generic failure during the install.",
            "Read ccm.log on the site server for the detail.",
        ),
        _e(
            1053,
            "ERROR_SERVICE_REQUEST_TIMEOUT",
            "The service did not respond to the start or control request in a timely fashion.",
            "The ccmsetup service did not start in time on the target.",
            "Check the target's System event log.",
        ),
        _e(
            1068,
            "ERROR_SERVICE_DEPENDENCY_FAIL",
            "The dependency service or group failed to start.",
            "A service that ccmsetup depends on is disabled or stopped.",
            "Check the services on the target (BITS, WMI, Server, Workstation).",
        ),
        _e(
            1203,
            "ERROR_NO_NET_OR_BAD_PATH",
            "The network path was either typed incorrectly, does not exist, or the network "
            "provider is not currently available.",
            "No network provider accepted the path; usually precedes error 53.",
            "Check DNS and name resolution for the target.",
        ),
        _e(
            1326,
            "ERROR_LOGON_FAILURE",
            "The user name or password is incorrect.",
            "The push account's name or password is wrong.",
            "Update the client push installation account in the console.",
        ),
        _e(
            1396,
            "ERROR_WRONG_TARGET_NAME",
            "The target account name is incorrect.",
            "A stale DNS record, or a Kerberos SPN mismatch.",
            "Clean up DNS for this name; check the machine's SPNs.",
        ),
        _e(
            1722,
            "RPC_S_SERVER_UNAVAILABLE",
            "The RPC server is unavailable.",
            "RPC/WMI is blocked: port 135 and the dynamic RPC port range.",
            "Allow RPC and WMI through the target's firewall (135 and the dynamic range).",
        ),
        _e(
            1789,
            "ERROR_TRUSTED_RELATIONSHIP_FAILURE",
            "The trust relationship between this workstation and the primary domain failed.",
            "The machine's domain trust is broken.",
            "Rejoin the machine to the domain.",
        ),
        _e(
            1825,
            "RPC_S_SEC_PKG_ERROR",
            "A security package specific error occurred.",
            "A Kerberos/NTLM policy refuses the connection.",
            "Check the authentication policy (Kerberos, NTLM restrictions).",
        ),
        _e(
            0x80041001,
            "WBEM_E_FAILED",
            "WMI call failed.",
            "WMI is broken on the target.",
            "Repair WMI on the target (winmgmt /verifyrepository, /salvagerepository).",
        ),
        _e(
            0x80041002,
            "WBEM_E_NOT_FOUND",
            "WMI object not found.",
            "A WMI object ccmsetup needs is missing on the target.",
            "Repair WMI on the target.",
        ),
        _e(
            0x80080005,
            "CO_E_SERVER_EXEC_FAILURE",
            "Server execution failed.",
            "The DCOM server failed to start on the target.",
            "Check the DCOM configuration on the target (dcomcnfg).",
        ),
        _e(
            0x80004005,
            "E_FAIL",
            "Unspecified error.",
            "In Kerberos-only domains with NTLM fallback turned off, push fails this way.",
            "Allow NTLM fallback for client push, or fix Kerberos for the target.",
        ),
    )
}

_FACILITY_WIN32 = 0x80070000


def normalize_code(value: int) -> int | None:
    """Return ``value`` as unsigned 32-bit, or None when it cannot be a 32-bit code."""
    if -(2**31) <= value < 0:
        return value & 0xFFFFFFFF
    if 0 <= value <= 0xFFFFFFFF:
        return value
    return None


def format_code(code: int) -> str:
    """Decimal for small Win32 codes, hex for HRESULTs (high bit set)."""
    return f"0x{code:08X}" if code >= 0x80000000 else str(code)


def signed_code(code: int) -> int:
    """``code`` (unsigned 32-bit) as a signed 32-bit number: how CCR files and ccm.log
    write an HRESULT (``0x800706BA`` is ``-2147023174``); small codes are unchanged."""
    return code - 0x1_0000_0000 if code >= 0x80000000 else code


def display_code(code: int) -> str:
    """What a person reads: ``-2147023174 (0x800706BA) RPC_S_SERVER_UNAVAILABLE``,
    ``5 (0x00000005) ERROR_ACCESS_DENIED`` (no name when the code is unknown)."""
    info = describe(code)
    return f"{info.written} ({info.hex}) {info.name}".rstrip()


def win32_code(code: int) -> int | None:
    """The Win32 error ``code`` is or wraps (``0x80070005`` and ``5`` are both 5);
    None for other HRESULTs."""
    if code < 0x10000:
        return code
    if code & 0xFFFF0000 == _FACILITY_WIN32:
        return code & 0xFFFF
    return None


def same_error(code: int, wanted: int) -> bool:
    """True when ``code`` is ``wanted``, or both are the same Win32 error (one plain, one
    wrapped in an HRESULT): ``ccr list --error 5`` also finds ``0x80070005``."""
    if code == wanted:
        return True
    win32 = win32_code(code)
    return win32 is not None and win32 == win32_code(wanted)


def search_text(code: int) -> str:
    """Every way a person may type ``code`` into a filter, with its name and meaning:
    signed and unsigned decimal, hex with and without leading zeros, the Win32 code an
    HRESULT wraps. Not case-folded."""
    info = describe(code)
    words = [info.written, str(code), info.hex, f"0x{code:X}"]
    win32 = win32_code(code)
    if win32 is not None and win32 != code:
        words.append(str(win32))
    return " ".join(dict.fromkeys([*words, info.name, info.message])).strip()


def describe(code: int) -> ErrorInfo:
    """Everything known about ``code`` (unsigned 32-bit). Unknown codes get plain text."""
    info = _TABLE.get(code)
    if info is not None:
        return info
    if code & 0xFFFF0000 == _FACILITY_WIN32:
        inner = _TABLE.get(code & 0xFFFF)
        if inner is not None:
            return ErrorInfo(code, inner.name, inner.message, inner.cause, inner.fix)
    message = _system_message(code) or "Unknown error code."
    return ErrorInfo(
        code,
        "",
        message,
        "Not a code ccrgui knows from client push.",
        "Search ccm.log on the site server for this machine name around the latest attempt.",
    )


def known_codes() -> list[int]:
    return sorted(_TABLE)


def _system_message(code: int) -> str:
    """The operating system's own text for ``code`` (Windows only; "" elsewhere)."""
    if sys.platform != "win32":
        return ""
    try:
        import ctypes

        return ctypes.FormatError(code).strip()  # type: ignore[attr-defined,unused-ignore]
    except (OSError, ValueError, AttributeError):
        return ""
