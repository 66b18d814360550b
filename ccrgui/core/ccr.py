"""The CCR file format: parse any real file into a :class:`CcrRecord`, write canonical ones.

Parsing never raises on bad bytes: what is wrong goes into ``CcrRecord.problem``, and
values that do not parse (numbers, dates) become ``None``.

Why this module is long: the format is one idea (parse, the record, serialize), and
the parser's fast paths sit beside the record they build.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .errors import describe, normalize_code
from .readfile import read_regular_file

_json_str = json.encoder.encode_basestring_ascii  # what json.dumps writes for a str

__all__ = [
    "HEADER",
    "IDENT_TYPE",
    "RETRY_WINDOW",
    "CcrDocument",
    "CcrRecord",
    "Section",
    "decode_bytes",
    "new_request",
    "parse_bytes",
    "parse_file",
    "parse_text",
    "serialize",
]

HEADER = "NT Client Configuration Request"
IDENT = "IDENT"
IDENT_TYPE = "Client Config Request File"
IP_SECTION = "IP Address "
NAMES_SECTION = "Resource Names "
PROCESSING = "Request Processing"
RETRY_WINDOW = timedelta(days=7)
MAX_FILE_BYTES = 1024 * 1024  # a CCR is a few hundred bytes; refuse to parse a huge file

K_MACHINE = "Machine Name"
K_DOMAIN = "Domain"
K_FORCED = "Forced CCR"
K_CLIENT_TYPE = "Client Type"
K_INITIAL = "Initial Request Date"
K_LATEST = "Latest Processing Attempt"
K_ERROR = "Last Error Code"
K_ATTEMPTS = "Number of Processing Attempts"
K_EVENT = "Error Event Created"

_DATE_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_IP_KEY = re.compile(r"^ip address\s*(\d+)$", re.IGNORECASE)
_NAME_KEY = re.compile(r"^resource names\s*(\d+)$", re.IGNORECASE)


def _fold(name: str) -> str:
    return name.strip().casefold()


@dataclass(slots=True)
class Section:
    """One ``[name]`` block, keeping names and entry order as written."""

    name: str
    entries: list[tuple[str, str]] = field(default_factory=list)

    def get(self, key: str) -> str | None:
        want = _fold(key)
        for k, v in self.entries:
            if _fold(k) == want:
                return v
        return None


@dataclass(slots=True)
class CcrDocument:
    """The sections of a CCR file, unknown keys and sections included."""

    sections: list[Section] = field(default_factory=list)

    def section(self, name: str) -> Section | None:
        want = _fold(name)
        for s in self.sections:
            if _fold(s.name) == want:
                return s
        return None

    def get(self, section: str, key: str) -> str | None:
        s = self.section(section)
        return None if s is None else s.get(key)


@dataclass(slots=True)
class CcrRecord:
    """What ccrgui knows about one CCR file. Absent keys are ``None``, not defaults."""

    file: str
    machine_name: str | None = None
    domain: str | None = None
    ip_addresses: list[str] = field(default_factory=list)
    forced: bool | None = None
    client_type: int | None = None
    initial_request_date: datetime | None = None
    latest_processing_attempt: datetime | None = None
    error_event_created: datetime | None = None
    attempts: int | None = None
    last_error_code: int | None = None
    problem: str | None = None
    text: str = ""  # decoded file text, for the raw view
    encoding: str = ""
    document: CcrDocument = field(default_factory=CcrDocument)

    @property
    def expires_at(self) -> datetime | None:
        if self.initial_request_date is None:
            return None
        try:
            return self.initial_request_date + RETRY_WINDOW
        except OverflowError:  # "12/31/9999": no expiry a datetime can hold
            return None

    @property
    def last_error_hex(self) -> str | None:
        return None if self.last_error_code is None else f"0x{self.last_error_code:08X}"

    @property
    def last_error_name(self) -> str | None:
        if self.last_error_code is None:
            return None
        return describe(self.last_error_code).name or None

    @property
    def file_name(self) -> str:
        return Path(self.file).name

    @property
    def machine_label(self) -> str:
        """The Machine Name, or the file's name without ``.ccr`` when it has none."""
        return self.machine_name or Path(self.file).stem

    def to_json(self) -> dict[str, Any]:
        """The record as the CLI's JSON prints it (exactly these keys)."""
        code = self.last_error_code
        return {
            "file": self.file,
            "machine_name": self.machine_name,
            "domain": self.domain,
            "ip_addresses": list(self.ip_addresses),
            "forced": self.forced,
            "client_type": self.client_type,
            "initial_request_date": _iso(self.initial_request_date),
            "latest_processing_attempt": _iso(self.latest_processing_attempt),
            "error_event_created": _iso(self.error_event_created),
            "expires_at": _iso(self.expires_at),
            "attempts": self.attempts,
            "last_error_code": code,
            "last_error_hex": None if code is None else f"0x{code:08X}",
            "last_error_name": None if code is None else (describe(code).name or None),
            "problem": self.problem,
        }

    def to_json_text(self) -> str:
        """``json.dumps(self.to_json())``, written directly: half the time of building the
        dict and encoding it (``ccr list`` writes one per request; a test holds the two
        equal)."""
        code = self.last_error_code
        if code is None:
            code_text = hex_text = name_text = "null"
        else:
            name = describe(code).name
            code_text, hex_text = str(code), f'"0x{code:08X}"'
            name_text = _json_str(name) if name else "null"
        ips = ", ".join(map(_json_str, self.ip_addresses))
        forced = "null" if self.forced is None else "true" if self.forced else "false"
        return (
            f'{{"file": {_json_str(self.file)}, '
            f'"machine_name": {_json_opt(self.machine_name)}, '
            f'"domain": {_json_opt(self.domain)}, '
            f'"ip_addresses": [{ips}], '
            f'"forced": {forced}, '
            f'"client_type": {_json_int(self.client_type)}, '
            f'"initial_request_date": {_json_date(self.initial_request_date)}, '
            f'"latest_processing_attempt": {_json_date(self.latest_processing_attempt)}, '
            f'"error_event_created": {_json_date(self.error_event_created)}, '
            f'"expires_at": {_json_date(self.expires_at)}, '
            f'"attempts": {_json_int(self.attempts)}, '
            f'"last_error_code": {code_text}, '
            f'"last_error_hex": {hex_text}, '
            f'"last_error_name": {name_text}, '
            f'"problem": {_json_opt(self.problem)}}}'
        )


def _iso(d: datetime | None) -> str | None:
    if d is None:
        return None
    # isoformat() is the same text for a whole second (every parsed date), and 30% faster
    return d.isoformat(timespec="seconds") if d.microsecond else d.isoformat()


def _json_opt(s: str | None) -> str:
    return "null" if s is None else _json_str(s)


def _json_int(n: int | None) -> str:
    return "null" if n is None else int.__repr__(n)


def _json_date(d: datetime | None) -> str:
    return "null" if d is None else f'"{_iso(d)}"'


def time_left(expires_at: datetime, now: datetime) -> tuple[int, int, int] | None:
    """(days, hours, minutes) from ``now`` until ``expires_at``; None once it has passed."""
    seconds = int((expires_at - now).total_seconds())
    if seconds <= 0:
        return None
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return days, hours, rest // 60


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a CCR's bytes: (text, encoding name). Never raises."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        # UTF-16-LE without a BOM: ASCII text with every other byte zero
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"
    try:
        return data.decode("utf-8"), ("ascii" if data.isascii() else "utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


# --------------------------------------------------------------------------- parsing


def _split_lines(text: str) -> Iterator[str]:
    # CRLF, LF and lone CR all end a line
    return iter(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def parse_text(text: str) -> tuple[CcrDocument, list[str]]:
    """Split text into sections; also return complaints about control characters."""
    doc = CcrDocument()
    problems: list[str] = []
    by_name: dict[str, Section] = {}  # folded name -> section: no rescan per header
    # one search over the whole text: per-line checks only for the rare file that needs them
    check = _CONTROL.search(text.replace("\r", "")) is not None
    entries: list[tuple[str, str]] | None = None  # the current section's
    for raw in _split_lines(text):
        line = raw.strip(" \t")
        if not line:
            continue
        first = line[0]
        if first == ";":
            continue
        if first == "[" and line[-1] == "]":
            name = line[1:-1]
            folded = _fold(name)
            current = by_name.get(folded)
            if current is None:
                current = by_name[folded] = Section(name)
                doc.sections.append(current)
            entries = current.entries
            continue
        if entries is None:
            continue
        key, sep, value = line.partition("=")
        if not sep:
            continue
        # the line is stripped already: only the sides next to "=" can have blanks
        key, value = key.rstrip(" \t"), value.lstrip(" \t")
        if check and (_CONTROL.search(value) or _CONTROL.search(key)):
            problems.append(f"control character in the value of '{_printable(key)}'")
        entries.append((key, value))
    return doc, problems


def _printable(s: str) -> str:
    return _CONTROL.sub("?", s)


_USUAL_DATE = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    if (  # MM/DD/YYYY HH:MM:SS as site servers write it: by C, 3x the regex path below
        len(value) == 19
        and value[2] == "/"
        and value[5] == "/"
        and value[10] == " "
        and value[13] == ":"
        and value[16] == ":"
        and value.isascii()
    ):
        try:
            fast = datetime.fromisoformat(f"{value[6:10]}-{value[:2]}-{value[3:5]}T{value[11:]}")
        except ValueError:
            pass  # the paths below decide
        else:
            if fast.tzinfo is None and not fast.microsecond:
                return fast
    usual = _USUAL_DATE.fullmatch(value)  # what site servers write: 10x faster than strptime
    if usual is not None:
        mo, d, y, h, mi, sec = map(int, usual.groups())
        try:
            return datetime(y, mo, d, h, mi, sec)
        except ValueError:
            pass  # strptime below decides, so both paths accept exactly the same
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _parse_int(value: str | None) -> int | None:
    if value is None:
        return None
    v = value.strip()
    try:
        return int(v, 16) if v.lower().startswith("0x") else int(v, 10)
    except ValueError:
        return None


def _parse_bool(value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.strip().casefold()
    if v in ("true", "yes", "1"):
        return True
    if v in ("false", "no", "0"):
        return False
    return None


def _ordered_unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v not in seen:
            seen[v] = None
    return list(seen)


_FOLDED_HEADER, _FOLDED_PROCESSING, _FOLDED_IP_SECTION = map(
    _fold, (HEADER, PROCESSING, IP_SECTION)
)
(
    _FOLDED_MACHINE,
    _FOLDED_DOMAIN,
    _FOLDED_FORCED,
    _FOLDED_CLIENT_TYPE,
    _FOLDED_INITIAL,
    _FOLDED_LATEST,
    _FOLDED_ERROR,
    _FOLDED_ATTEMPTS,
    _FOLDED_EVENT,
) = map(
    _fold,
    (
        K_MACHINE,
        K_DOMAIN,
        K_FORCED,
        K_CLIENT_TYPE,
        K_INITIAL,
        K_LATEST,
        K_ERROR,
        K_ATTEMPTS,
        K_EVENT,
    ),
)


def _folded_entries(section: Section) -> dict[str, str]:
    """Folded key -> value; the first of a key wins, as in ``Section.get``."""
    return {k.strip().casefold(): v for k, v in reversed(section.entries)}


def record_from_document(file: str, doc: CcrDocument) -> CcrRecord:
    """Fill a record's typed fields from a parsed document (no problem checks)."""
    rec = CcrRecord(file=file, document=doc)
    sections: dict[str, Section] = {}
    for section in reversed(doc.sections):  # the first of a name wins, as in section()
        sections[_fold(section.name)] = section
    head = sections.get(_FOLDED_HEADER)
    processing = sections.get(_FOLDED_PROCESSING)
    ip_section = sections.get(_FOLDED_IP_SECTION)
    if head is not None:
        get = _folded_entries(head).get
        _set_head(
            rec,
            get(_FOLDED_MACHINE),
            get(_FOLDED_DOMAIN),
            get(_FOLDED_FORCED),
            get(_FOLDED_CLIENT_TYPE),
            get(_FOLDED_INITIAL),
        )
    ips = [v for s in (head, ip_section) if s for k, v in s.entries if _IP_KEY.match(k.strip())]
    rec.ip_addresses = _ordered_unique(ips)
    if processing is not None:
        get = _folded_entries(processing).get
        _set_processing(
            rec, get(_FOLDED_LATEST), get(_FOLDED_EVENT), get(_FOLDED_ATTEMPTS), get(_FOLDED_ERROR)
        )
    return rec


def _set_head(
    rec: CcrRecord,
    machine: str | None,
    domain: str | None,
    forced: str | None,
    client_type: str | None,
    initial: str | None,
) -> None:
    """The request section's typed fields from their texts (both parsers use this)."""
    rec.machine_name = machine or None
    rec.domain = domain or None
    rec.forced = _parse_bool(forced)
    rec.client_type = _parse_int(client_type)
    rec.initial_request_date = _parse_date(initial)


def _set_processing(
    rec: CcrRecord,
    latest: str | None,
    event: str | None,
    attempts: str | None,
    error: str | None,
) -> None:
    """The [Request Processing] fields from their texts (both parsers use this)."""
    rec.latest_processing_attempt = _parse_date(latest)
    rec.error_event_created = _parse_date(event)
    count = _parse_int(attempts)
    rec.attempts = count if count is not None and count >= 0 else None
    code = _parse_int(error)
    rec.last_error_code = None if code is None else normalize_code(code)


def parse_bytes(data: bytes, file: str = "", *, keep_text: bool = True) -> CcrRecord:
    """Parse a CCR file's bytes. Never raises; see ``CcrRecord.problem``.

    ``keep_text=False``: a record without its text and document (what a list or a table
    needs), all such records sharing one empty document. Plain files (nearly all) are then
    read by :func:`_plain_record`, a few regex passes instead of a loop over lines."""
    if (
        not keep_text
        and len(data) <= MAX_FILE_BYTES
        and not data.translate(None, _PLAIN_BYTES)  # printable ASCII, tabs, line ends
        and data.strip(b" \t\r\n")
    ):
        return _plain_record(data.decode("ascii"), file, "ascii")
    rec = _parse_bytes(data, file, keep_text)
    if not keep_text:
        rec.text, rec.document = "", NO_DOCUMENT
    return rec


def _parse_bytes(data: bytes, file: str, keep_text: bool) -> CcrRecord:
    if not data.strip(b" \t\r\n\x00"):
        return CcrRecord(file=file, problem="empty file")
    if len(data) > MAX_FILE_BYTES:
        return CcrRecord(
            file=file, problem=f"file too large for a CCR ({len(data):,} bytes)", text=""
        )
    text, encoding = decode_bytes(data)
    if not text.strip(" \t\r\n\ufeff"):
        return CcrRecord(file=file, problem="empty file", encoding=encoding)
    if "\x00" in text:
        shown = text.replace("\x00", "\N{SYMBOL FOR NULL}")
        return CcrRecord(file=file, problem="binary file, not a CCR", text=shown, encoding=encoding)
    if not keep_text and _NOT_PLAIN.search(text) is None:  # e.g. ASCII text in UTF-16
        return _plain_record(text, file, encoding)
    doc, problems = parse_text(text)
    rec = record_from_document(file, doc)
    rec.text, rec.encoding = text, encoding
    head = doc.section(HEADER)
    if head is None:
        problems.insert(0, f"no [{HEADER}] section")
    elif rec.machine_name is None:
        problems.insert(0, "no Machine Name")
    rec.problem = "; ".join(problems) or None
    return rec


# A list's or table's records share one empty document: nothing mutates a record's
# document (a detail view reads the file again, with its text).
NO_DOCUMENT = CcrDocument()

# ------------------------------------------------------------- plain files, by regex
# For plain text (ASCII with no control character but tab and line ends) the line parser
# above comes down to: lines end at LF, CR or CRLF; blanks are spaces and tabs (strip()
# strips nothing else); names compare in lower case (casefold() is lower() in ASCII).
# The patterns below say the same over a whole text at once. Every line starts after a
# "\n" (a literal first character lets the regex engine skip ahead by itself); a "\r"
# can only come before a "\n" (lone CRs are turned into LFs first), so it ends a line.
_PLAIN_BYTES = bytes(range(0x20, 0x7F)) + b"\t\r\n"
_NOT_PLAIN = re.compile(r"[^\t\n\r -~]")
_SECTION_LINE = re.compile(r"\n[ \t]*\[([^\r\n]*)\][ \t]*(?=[\r\n]|\Z)")
# after a key: "=", then the value without the blanks around it
_VALUE = r"[ \t]*=[ \t]*([^ \t\r\n](?:[^\r\n]*[^ \t\r\n])?)?[ \t]*(?=[\r\n]|\Z)"


def _values_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    either = "|".join(re.escape(k) for k in keys)
    return re.compile(rf"\n[ \t]*({either}){_VALUE}", re.IGNORECASE | re.ASCII)


_HEAD_KEYS = (K_MACHINE, K_DOMAIN, K_FORCED, K_CLIENT_TYPE, K_INITIAL)
_PROCESSING_KEYS = (K_LATEST, K_ERROR, K_ATTEMPTS, K_EVENT)
_HEAD_VALUES = _values_pattern(_HEAD_KEYS)
_PROCESSING_VALUES = _values_pattern(_PROCESSING_KEYS)
_IP_VALUES = re.compile(rf"\n[ \t]*ip address[ \t]*[0-9]+{_VALUE}", re.IGNORECASE | re.ASCII)
_SPELLING = {k.lower(): k for k in (*_HEAD_KEYS, *_PROCESSING_KEYS)}
_SPELLED = frozenset(_SPELLING.values())


def _first_values(pattern: re.Pattern[str], body: str) -> dict[str, str]:
    """Key (as spelled in K_*) -> value for the keys ``pattern`` finds; the first wins."""
    found = pattern.findall(body)
    values = dict(reversed(found))
    if values.keys() <= _SPELLED:  # spelled as site servers spell them
        return values
    return {_SPELLING[k.lower()]: v for k, v in reversed(found)}


def _plain_record(text: str, file: str, encoding: str) -> CcrRecord:
    """What the line parser makes of plain ``text``, without text or document."""
    if text.count("\r") != text.count("\r\n"):  # lone CRs: line ends
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = _SECTION_LINE.split("\n" + text)  # [before any section, name, body, ...]
    names = list(map(str.lower, map(str.strip, parts[1::2])))
    sections = dict(zip(names, parts[2::2], strict=True))
    if len(sections) < len(names):  # a section written twice is one, entries in order
        sections = {}
        for name, body in zip(names, parts[2::2], strict=True):
            sections[name] = sections.get(name, "") + body
    head = sections.get(_FOLDED_HEADER)
    processing = sections.get(_FOLDED_PROCESSING)
    ip_section = sections.get(_FOLDED_IP_SECTION)
    rec = CcrRecord(file=file, encoding=encoding, document=NO_DOCUMENT)
    ips = []
    if head is None:
        rec.problem = f"no [{HEADER}] section"
    else:
        get = _first_values(_HEAD_VALUES, head).get
        _set_head(
            rec, get(K_MACHINE), get(K_DOMAIN), get(K_FORCED), get(K_CLIENT_TYPE), get(K_INITIAL)
        )
        if rec.machine_name is None:
            rec.problem = "no Machine Name"
        ips = _IP_VALUES.findall(head)
    if ip_section is not None:
        ips += _IP_VALUES.findall(ip_section)
    if ips:
        unique = dict.fromkeys(ips)
        unique.pop("", None)
        rec.ip_addresses = list(unique)
    if processing is not None:
        get = _first_values(_PROCESSING_VALUES, processing).get
        _set_processing(rec, get(K_LATEST), get(K_EVENT), get(K_ATTEMPTS), get(K_ERROR))
    return rec


def parse_file(path: str | Path) -> CcrRecord:
    """Read and parse one file. I/O errors become the record's problem."""
    p = Path(path)
    file = os.path.abspath(p)
    try:
        data = read_regular_file(p, MAX_FILE_BYTES + 1)
    except OSError as exc:
        return CcrRecord(file=file, problem=f"cannot read: {exc.strerror or exc}")
    return parse_bytes(data, file)


# --------------------------------------------------------------------------- writing

_SECTION_ORDER = [HEADER, IP_SECTION, NAMES_SECTION, PROCESSING]
_KEY_ORDER = {
    _fold(HEADER): [K_CLIENT_TYPE, K_FORCED, K_MACHINE, K_DOMAIN, "*ip", K_INITIAL],
    _fold(PROCESSING): [K_LATEST, K_ERROR, K_ATTEMPTS, K_EVENT],
}


def _numbered(key: str) -> int:
    m = re.search(r"(\d+)\s*$", key)
    return int(m.group(1)) if m else 0


def _canonical_entries(section: Section) -> list[tuple[str, str]]:
    order = _KEY_ORDER.get(_fold(section.name))
    if order is None:
        return list(section.entries)
    folded = [_fold(k) for k in order]

    def rank(item: tuple[int, tuple[str, str]]) -> tuple[int, int, int]:
        index, (key, _value) = item
        if _IP_KEY.match(key.strip()) and "*ip" in order:
            return (order.index("*ip"), _numbered(key), index)
        f = _fold(key)
        return (folded.index(f) if f in folded else len(order), 0, index)

    return [e for _i, e in sorted(enumerate(section.entries), key=rank)]


def _section_rank(item: tuple[int, Section]) -> tuple[int, int]:
    index, section = item
    f = _fold(section.name)
    if f == _fold(IDENT):
        return (len(_SECTION_ORDER) + 1, index)
    known = [_fold(n) for n in _SECTION_ORDER]
    return (known.index(f) if f in known else len(_SECTION_ORDER), index)


def serialize(doc: CcrDocument) -> bytes:
    """Canonical bytes: header first, [IDENT] last, CRLF line ends, ANSI (cp1252).

    Raises ValueError when a key or value cannot be written safely (a line break or
    control character would inject keys; a character outside cp1252 cannot be encoded).
    """
    lines: list[str] = []
    for _index, section in sorted(enumerate(doc.sections), key=_section_rank):
        if lines:
            lines.append("")
        lines.append(f"[{section.name}]")
        for key, value in _canonical_entries(section):
            for part in (key, value):
                if _CONTROL.search(part) or "\n" in part or "\r" in part:
                    raise ValueError(f"control character in {key!r}: refusing to write")
            lines.append(f"{key}={value}")
    text = "\r\n".join(lines) + "\r\n"
    try:
        return text.encode("cp1252")
    except UnicodeEncodeError as exc:
        raise ValueError(f"cannot encode {exc.object[exc.start : exc.end]!r} in ANSI") from exc


def new_request(machine_name: str, *, forced: bool = True) -> CcrDocument:
    """The request ccrgui queues: what the well-known scripts write."""
    head = Section(HEADER, [(K_CLIENT_TYPE, "1")])
    if forced:
        head.entries.append((K_FORCED, "TRUE"))
    head.entries.append((K_MACHINE, machine_name))
    return CcrDocument([head, Section(IDENT, [("TYPE", IDENT_TYPE)])])
