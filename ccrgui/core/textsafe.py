"""Text from files and the network, made safe to print on a terminal.

A log line or a name can carry control characters (an escape sequence that rewrites the
screen, a carriage return that hides what came before, a line break that fakes another
row) or invisible direction overrides. :func:`escape_control` shows each of them as
``\\xNN`` / ``\\uNNNN`` so what is printed is what is there.

A file or folder name that is not valid UTF-8 reaches Python with each bad byte as a
lone surrogate (``surrogateescape``: byte 0xFF is U+DCFF), which no terminal, log or
CSV encoder accepts. :func:`escape_control` and :func:`escape_bytes` show such a byte as
``\\xff``: nothing is lost, and nothing crashes. :func:`shorten` caps what is echoed.
"""

from __future__ import annotations

import re

__all__ = ["escape_bytes", "escape_control", "shorten"]

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m[0])
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_bytes(text: str) -> str:
    """``text`` with only the undecodable bytes (and other lone surrogates) escaped: for
    CSV and logs, which keep every other character as it is."""
    return _SURROGATE.sub(_escape, text)


def shorten(text: str, limit: int = 200) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def escape_control(text: str, *, keep_tabs: bool = False) -> str:
    """``text`` with control and direction-override characters escaped."""
    if keep_tabs:
        return "\t".join(_UNSAFE.sub(_escape, part) for part in text.split("\t"))
    return _UNSAFE.sub(_escape, text)
