"""Text from files and the network, made safe to print on a terminal.

A log line or a name can carry control characters (an escape sequence that rewrites the
screen, a carriage return that hides what came before, a line break that fakes another
row) or invisible direction overrides. :func:`escape_control` shows each of them as
``\\xNN`` / ``\\uNNNN`` so what is printed is what is there.
"""

from __future__ import annotations

import re

__all__ = ["escape_control"]

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(text: str, *, keep_tabs: bool = False) -> str:
    """``text`` with control and direction-override characters escaped."""
    if keep_tabs:
        return "\t".join(_UNSAFE.sub(_escape, part) for part in text.split("\t"))
    return _UNSAFE.sub(_escape, text)
