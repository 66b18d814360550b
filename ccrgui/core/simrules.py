"""What the simulated site server makes of each machine: outcome rules on the name.

A rules file is plain text, one rule a line, the first rule that matches wins::

    # WORD    OUTCOME
    OFF       53            # the machine name contains "off" (any case): error 53
    RPC       0x800706BA    # hex, or the signed -2147023174 as CCM writes it
    FLAKY     53 once       # 53 on the first attempt, then installed
    *         installed     # any other name

``WORD`` is compared case-insensitively as a substring of the machine name; ``*`` matches
every name. ``OUTCOME`` is ``installed`` or an error code (decimal, signed decimal or
``0x`` hex), optionally followed by ``once`` (only the request's first attempt fails). A
name no rule matches is installed. ``#`` starts a comment; blank lines are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_RULES",
    "DEFAULT_RULES_TEXT",
    "Rule",
    "Rules",
    "RulesError",
    "load_rules",
    "parse_rules",
    "signed_code",
]

DEFAULT_RULES_TEXT = """\
# ccr simulate's built-in rules: the first WORD the machine name contains decides
OFF     53            # ERROR_BAD_NETPATH: the machine is off or unreachable
DENY    5             # ERROR_ACCESS_DENIED: the push account is not an administrator
AUTH    1326          # ERROR_LOGON_FAILURE: wrong push account password
NONAME  67            # ERROR_BAD_NET_NAME: no ADMIN$ share
RPC     0x800706BA    # RPC_S_SERVER_UNAVAILABLE: WMI/RPC blocked
FLAKY   53 once       # unreachable on the first attempt, installed on the next
*       installed     # every other machine
"""

_WORD = re.compile(r"^(\*|[A-Za-z0-9._-]+)$")
_INSTALLED = ("installed", "success", "ok")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file, line and problem."""


def signed_code(code: int) -> int:
    """A 32-bit code as CCM writes it: HRESULTs negative (``0x800706BA`` → -2147023174)."""
    return code - (1 << 32) if code >= 1 << 31 else code


@dataclass(frozen=True, slots=True)
class Rule:
    word: str  # "*" matches every name
    code: int | None  # as CCM writes it (signed); None: installed
    once: bool = False  # fail only the first attempt

    def matches(self, machine: str) -> bool:
        return self.word == "*" or self.word.casefold() in machine.casefold()

    def describe(self) -> str:
        outcome = "installed" if self.code is None else str(self.code)
        return f"{self.word} {outcome}{' once' if self.once else ''}"


@dataclass(frozen=True, slots=True)
class Rules:
    rules: tuple[Rule, ...]
    source: str  # "built-in" or the file's path

    def outcome(self, machine: str, attempt: int) -> int | None:
        """The error code (signed, as CCM writes it) for attempt number ``attempt``
        (1 = the request's first) on ``machine``; None means installed."""
        for rule in self.rules:
            if rule.matches(machine):
                if rule.once and attempt > 1:
                    return None
                return rule.code
        return None


def _parse_code(text: str) -> int | None:
    raw = text.strip()
    try:
        value = int(raw, 16) if raw.lower().startswith(("0x", "-0x")) else int(raw, 10)
    except ValueError:
        return None
    if value == 0 or not -(1 << 31) <= value < 1 << 32:
        return None
    return signed_code(value)


def parse_rules(text: str, source: str = "rules") -> Rules:
    """Parse a rules file's text. Raises RulesError naming the line that is wrong."""
    rules: list[Rule] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}, line {number}"
        parts = line.split()
        if len(parts) not in (2, 3):
            raise RulesError(f"{where}: write WORD OUTCOME [once], e.g. 'DENY 5', not {line!r}")
        word, outcome = parts[0], parts[1]
        if not _WORD.match(word):
            raise RulesError(
                f"{where}: {word!r} is not a WORD (letters, digits, '-', '_', '.') or '*'"
            )
        once = len(parts) == 3
        if once and parts[2].casefold() != "once":
            raise RulesError(f"{where}: only 'once' may follow the outcome, not {parts[2]!r}")
        if outcome.casefold() in _INSTALLED:
            if once:
                raise RulesError(f"{where}: 'installed once' means nothing; drop 'once'")
            rules.append(Rule(word, None))
            continue
        code = _parse_code(outcome)
        if code is None:
            raise RulesError(
                f"{where}: {outcome!r} is neither 'installed' nor an error code "
                "(5, -2147023174 or 0x800706BA; 0 is not an error)"
            )
        rules.append(Rule(word, code, once))
    if not rules:
        raise RulesError(f"{source}: no rules in it (one per line: WORD OUTCOME [once])")
    return Rules(tuple(rules), source)


def load_rules(path: str | Path) -> Rules:
    """Read a rules file. Raises RulesError for a file that cannot be read or parsed."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise RulesError(f"cannot read the rules file {p}: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return parse_rules(text, str(p))


DEFAULT_RULES = parse_rules(DEFAULT_RULES_TEXT, "built-in")
