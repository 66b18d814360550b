"""The CCR parser and writer: real samples, every quirk of real files, bad bytes, and
properties (serialize → parse is the identity; arbitrary bytes never raise)."""

from __future__ import annotations

import codecs
import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccrgui.core.ccr import (
    HEADER,
    CcrDocument,
    CcrRecord,
    Section,
    _plain_record,
    new_request,
    parse_bytes,
    parse_file,
    parse_text,
    serialize,
)
from ccrgui.core.errors import describe

FULL = (
    "[NT Client Configuration Request]\r\n"
    "Machine Name=Computer001\r\n"
    "Domain=XXX\r\n"
    "IP Address 1=192.168.100.200\r\n"
    "Initial Request Date=02/20/2007 10:35:19\r\n"
    "\r\n"
    "[IP Address ]\r\n"
    "IP Address 1=192.168.100.200\r\n"
    "IP Address 2=10.0.0.9\r\n"
    "\r\n"
    "[Request Processing]\r\n"
    "Latest Processing Attempt=02/21/2007 09:37:28\r\n"
    "Last Error Code=5\r\n"
    "Number of Processing Attempts=99\r\n"
    "Error Event Created=02/21/2007 10:49:35\r\n"
)


def _head(*lines: str) -> bytes:
    return ("[NT Client Configuration Request]\r\n" + "\r\n".join(lines) + "\r\n").encode()


# --------------------------------------------------------------------------- samples


def test_every_sample_gives_exactly_the_expected_fields(samples: Path) -> None:
    expected = json.loads((samples / "expected.json").read_text(encoding="utf-8"))
    assert expected, "expected.json lists no samples"
    for name, want in expected.items():
        got = parse_file(samples / name).to_json()
        assert got["file"] == os.path.abspath(samples / name)
        for key, value in want.items():
            assert got[key] == value, f"{name}: {key} is {got[key]!r}, expected {value!r}"


def test_json_record_has_exactly_the_documented_keys(samples: Path) -> None:
    keys = set(parse_file(samples / "minimal.ccr").to_json())
    assert keys == {
        "file",
        "machine_name",
        "domain",
        "ip_addresses",
        "forced",
        "client_type",
        "initial_request_date",
        "latest_processing_attempt",
        "error_event_created",
        "expires_at",
        "attempts",
        "last_error_code",
        "last_error_hex",
        "last_error_name",
        "problem",
    }


def test_absent_keys_are_null_not_defaults(samples: Path) -> None:
    rec = parse_file(samples / "minimal.ccr").to_json()
    assert rec["forced"] is None
    assert rec["client_type"] is None
    assert rec["ip_addresses"] == []
    assert rec["expires_at"] is None
    assert rec["last_error_hex"] is None
    assert rec["last_error_name"] is None


# --------------------------------------------------------------------------- quirks


def test_full_retry_file_fields() -> None:
    rec = parse_bytes(FULL.encode(), "x.ccr")
    assert rec.problem is None
    assert rec.machine_name == "Computer001"
    assert rec.domain == "XXX"
    assert rec.ip_addresses == ["192.168.100.200", "10.0.0.9"]  # first seen, no duplicates
    assert rec.initial_request_date == datetime(2007, 2, 20, 10, 35, 19)
    assert rec.latest_processing_attempt == datetime(2007, 2, 21, 9, 37, 28)
    assert rec.error_event_created == datetime(2007, 2, 21, 10, 49, 35)
    assert rec.attempts == 99
    assert rec.last_error_code == 5
    assert rec.last_error_hex == "0x00000005"
    assert rec.last_error_name == "ERROR_ACCESS_DENIED"


def test_expires_at_is_initial_request_date_plus_seven_days() -> None:
    rec = parse_bytes(FULL.encode())
    assert rec.expires_at == datetime(2007, 2, 27, 10, 35, 19)
    assert rec.to_json()["expires_at"] == "2007-02-27T10:35:19"


def test_section_names_with_trailing_spaces_match() -> None:
    data = _head("Machine Name=PC1") + b"[IP Address]\r\nIP Address 1=10.1.1.1\r\n"
    assert parse_bytes(data).ip_addresses == ["10.1.1.1"]
    data = _head("Machine Name=PC1") + b"[  IP Address   ]\r\nIP Address 1=10.1.1.2\r\n"
    assert parse_bytes(data).ip_addresses == ["10.1.1.2"]


def test_indented_keys_spaces_around_equals_and_blank_lines() -> None:
    data = (
        b"\r\n\r\n  [NT Client Configuration Request]  \r\n\r\n\t  Machine Name  =  PC7  \r\n\r\n"
    )
    data += b"   Domain\t=\tCORP\r\n"
    rec = parse_bytes(data)
    assert (rec.machine_name, rec.domain, rec.problem) == ("PC7", "CORP", None)


def test_empty_sections_are_kept_and_harmless() -> None:
    data = _head("Machine Name=PC1") + b"[Request Processing]\r\n\r\n[IP Address ]\r\n"
    rec = parse_bytes(data)
    assert rec.problem is None
    assert rec.attempts is None and rec.ip_addresses == []
    assert rec.document.section("Request Processing") is not None


@pytest.mark.parametrize("eol", [b"\r\n", b"\n", b"\r"])
def test_line_ends_cr_lf_crlf(eol: bytes) -> None:
    data = eol.join([b"[NT Client Configuration Request]", b"Machine Name=PC1", b"Domain=D"])
    rec = parse_bytes(data)
    assert (rec.machine_name, rec.domain) == ("PC1", "D")


def test_mixed_line_ends_in_one_file() -> None:
    data = b"[NT Client Configuration Request]\rMachine Name=PC1\r\nDomain=D\n\r\nClient Type=1\r"
    rec = parse_bytes(data)
    assert (rec.machine_name, rec.domain, rec.client_type) == ("PC1", "D", 1)


def test_section_and_key_names_compare_case_insensitively() -> None:
    data = (
        b"[nt CLIENT configuration REQUEST]\r\nMACHINE NAME=pc1\r\nforced ccr=true\r\n"
        b"[REQUEST processing]\r\nlast error code=53\r\nNUMBER OF PROCESSING ATTEMPTS=4\r\n"
    )
    rec = parse_bytes(data)
    assert rec.problem is None
    assert (rec.machine_name, rec.forced, rec.last_error_code, rec.attempts) == ("pc1", True, 53, 4)


def test_unknown_keys_and_sections_are_kept() -> None:
    data = _head("Machine Name=PC1", "Site Code=ABC") + b"[Custom]\r\nfoo=bar\r\n"
    doc = parse_bytes(data).document
    assert doc.get(HEADER, "Site Code") == "ABC"
    assert doc.get("custom", "FOO") == "bar"
    assert b"Site Code=ABC\r\n" in serialize(doc)
    assert b"[Custom]\r\nfoo=bar\r\n" in serialize(doc)


def test_forced_false_and_garbage() -> None:
    assert parse_bytes(_head("Machine Name=P", "Forced CCR=FALSE")).forced is False
    assert parse_bytes(_head("Machine Name=P", "Forced CCR=maybe")).forced is None


# --------------------------------------------------------------------------- encodings

TEXT = "[NT Client Configuration Request]\r\nMachine Name=PC1\r\nDomain=Bücher-Straße\r\n"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(TEXT.encode("cp1252"), id="cp1252"),
        pytest.param(TEXT.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode("utf-8"), id="utf-8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), id="utf-16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), id="utf-16-be-bom"),
    ],
)
def test_encodings(data: bytes) -> None:
    rec = parse_bytes(data)
    assert rec.problem is None
    assert rec.machine_name == "PC1"
    assert rec.domain == "Bücher-Straße"


def test_cp1252_specific_characters() -> None:
    rec = parse_bytes(_head("Machine Name=PC1") + "Domain=€ „x“".encode("cp1252"))
    assert rec.domain == "€ „x“"


# --------------------------------------------------------------------------- problems


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty file"),
        (b"  \r\n\r\n\t", "empty file"),
        (codecs.BOM_UTF8, "empty file"),
        (codecs.BOM_UTF16_LE, "empty file"),
        (b"\x00\x01\x02\x03\xff\xfe\x00\x00" * 8, "binary"),
        (b"Machine Name=PC1\r\n", "no [NT Client Configuration Request] section"),
        (b"[IDENT]\r\nTYPE=Client Config Request File\r\n", "no [NT Client"),
        (b"[NT Client Configuration Request]\r\nDomain=D\r\n", "no Machine Name"),
        (b"[NT Client Configuration Request]\r\nMachine Name=\r\n", "no Machine Name"),
        (_head("Machine Name=PC1", "Domain=A\x07B"), "control character in the value of 'Domain'"),
        (_head("Machine Name=P\x1bC"), "control character"),
    ],
)
def test_problems_are_reported_not_raised(data: bytes, problem: str) -> None:
    rec = parse_bytes(data, "bad.ccr")
    assert rec.problem is not None
    assert problem in rec.problem
    json.dumps(rec.to_json())  # the CLI can print it


def test_problem_record_still_has_what_could_be_read() -> None:
    rec = parse_bytes(_head("Machine Name=PC1", "Domain=A\x07B"))
    assert rec.machine_name == "PC1"


def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    rec = parse_file(tmp_path / "missing.ccr")
    assert rec.problem is not None and "cannot read" in rec.problem
    folder = tmp_path / "dir.ccr"
    folder.mkdir()
    assert parse_file(folder).problem is not None


def test_huge_file_is_refused() -> None:
    data = _head("Machine Name=PC1") + b"x=" + b"y" * (2 * 1024 * 1024)
    rec = parse_bytes(data)
    assert rec.problem is not None and "too large" in rec.problem


# --------------------------------------------------------------------------- numbers, dates


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("5", 5),
        ("-2147024891", 0x80070005),
        ("-2147023174", 0x800706BA),
        ("2147944122", 0x800706BA),
        ("0x80041001", 0x80041001),
        ("-1", 0xFFFFFFFF),
        ("4294967295", 0xFFFFFFFF),
        ("4294967296", None),
        ("-2147483649", None),
        ("abc", None),
        ("", None),
        ("5.0", None),
    ],
)
def test_error_codes_normalised_to_unsigned_32_bit(raw: str, code: int | None) -> None:
    data = _head("Machine Name=P") + f"[Request Processing]\r\nLast Error Code={raw}\r\n".encode()
    rec = parse_bytes(data)
    assert rec.problem is None
    assert rec.last_error_code == code


def test_signed_hresult_gets_hex_name_and_advice() -> None:
    data = _head("Machine Name=P") + b"[Request Processing]\r\nLast Error Code=-2147023174\r\n"
    rec = parse_bytes(data)
    assert rec.last_error_hex == "0x800706BA"
    assert rec.last_error_name == "RPC_S_SERVER_UNAVAILABLE"
    info = describe(rec.last_error_code or 0)
    assert info.cause and info.fix


@pytest.mark.parametrize(
    "raw", ["13/45/2007 10:00:00", "yesterday", "2007-02-20T10:35:19", "02/30/2007 10:00:00", ""]
)
def test_bad_dates_become_none(raw: str) -> None:
    data = _head("Machine Name=P", f"Initial Request Date={raw}")
    data += f"[Request Processing]\r\nLatest Processing Attempt={raw}\r\n".encode()
    rec = parse_bytes(data)
    assert rec.problem is None
    assert rec.initial_request_date is None and rec.latest_processing_attempt is None
    assert rec.expires_at is None


@pytest.mark.parametrize("raw", ["abc", "-3", "", "1e3"])
def test_bad_attempt_counts_become_none(raw: str) -> None:
    data = (
        _head("Machine Name=P")
        + f"[Request Processing]\r\nNumber of Processing Attempts={raw}\r\n".encode()
    )
    assert parse_bytes(data).attempts is None


def test_bad_client_type_becomes_none() -> None:
    assert parse_bytes(_head("Machine Name=P", "Client Type=advanced")).client_type is None


# --------------------------------------------------------------------------- writer


def test_new_request_bytes_are_what_the_scripts_write() -> None:
    assert serialize(new_request("COMPUTER001")) == (
        b"[NT Client Configuration Request]\r\n"
        b"Client Type=1\r\n"
        b"Forced CCR=TRUE\r\n"
        b"Machine Name=COMPUTER001\r\n"
        b"\r\n"
        b"[IDENT]\r\n"
        b"TYPE=Client Config Request File\r\n"
    )
    assert b"Forced CCR" not in serialize(new_request("PC1", forced=False))


def test_serializer_puts_sections_and_keys_in_canonical_order() -> None:
    doc = CcrDocument(
        [
            Section("IDENT", [("TYPE", "Client Config Request File")]),
            Section(
                "Request Processing", [("Last Error Code", "5"), ("Latest Processing Attempt", "x")]
            ),
            Section(HEADER, [("IP Address 2", "b"), ("Machine Name", "PC"), ("IP Address 1", "a")]),
        ]
    )
    text = serialize(doc).decode()
    assert text.index("[NT Client") < text.index("[Request Processing]") < text.index("[IDENT]")
    assert text.index("Machine Name") < text.index("IP Address 1") < text.index("IP Address 2")
    assert text.index("Latest Processing") < text.index("Last Error Code")


@pytest.mark.parametrize("value", ["PC1\r\nForced CCR=TRUE", "a\nb", "x\x00", "x\x1f"])
def test_serializer_refuses_injected_lines(value: str) -> None:
    doc = CcrDocument([Section(HEADER, [("Machine Name", value)])])
    with pytest.raises(ValueError, match="control character"):
        serialize(doc)


def test_serializer_refuses_characters_ansi_cannot_hold() -> None:
    with pytest.raises(ValueError, match="ANSI"):
        serialize(new_request("PC\u4e00"))


def test_real_retry_file_round_trips(samples: Path) -> None:
    for path in samples.glob("*.ccr"):
        rec = parse_file(path)
        again = parse_bytes(serialize(rec.document))
        assert again.to_json() | {"file": ""} == rec.to_json() | {"file": ""}, path.name
        assert serialize(again.document) == serialize(rec.document)


# --------------------------------------------------------------------------- properties

_WORD = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="[]=;"),
    min_size=1,
    max_size=20,
).map(lambda s: s.strip(" \t"))
_KEY = _WORD.filter(bool)
_VALUE = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30).map(
    lambda s: s.strip(" \t")
)
_SECTION_NAME = st.builds(
    lambda w, trailing: w + (" " if trailing else ""), _KEY, st.booleans()
).filter(lambda n: not n.startswith(";"))


@st.composite
def documents(draw: st.DrawFn) -> CcrDocument:
    names = draw(
        st.lists(_SECTION_NAME, min_size=0, max_size=5, unique_by=lambda n: n.strip().casefold())
    )
    if draw(st.booleans()):
        names = [HEADER, *[n for n in names if n.strip().casefold() != HEADER.casefold()]]
    return CcrDocument(
        [Section(n, draw(st.lists(st.tuples(_KEY, _VALUE), max_size=6))) for n in names]
    )


@given(documents())
@settings(max_examples=300, deadline=None)
def test_serialize_then_parse_gives_the_same_document(doc: CcrDocument) -> None:
    data = serialize(doc)
    parsed, problems = parse_text(data.decode("ascii"))
    assert problems == []
    assert len(parsed.sections) == len(doc.sections)
    for section in doc.sections:
        got = parsed.section(section.name)
        assert got is not None
        assert got.name == section.name
        assert sorted(got.entries) == sorted(section.entries)
    assert serialize(parsed) == data  # canonical: a second pass changes nothing


_NETBIOS = st.from_regex(r"\A[A-Za-z][A-Za-z0-9_-]{0,14}\Z")
_DATES = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@given(
    machine=_NETBIOS,
    forced=st.sampled_from([None, True, False]),
    initial=_DATES,
    latest=_DATES,
    code=st.integers(min_value=-(2**31), max_value=2**32 - 1),
    attempts=st.integers(min_value=0, max_value=10_000),
    ips=st.lists(st.ip_addresses(v=4).map(str), max_size=3, unique=True),
)
@settings(max_examples=200, deadline=None)
def test_record_fields_survive_serialize_and_parse(
    machine: str,
    forced: bool | None,
    initial: datetime,
    latest: datetime,
    code: int,
    attempts: int,
    ips: list[str],
) -> None:
    head = [
        ("Machine Name", machine),
        ("Initial Request Date", initial.strftime("%m/%d/%Y %H:%M:%S")),
    ]
    if forced is not None:
        head.append(("Forced CCR", "TRUE" if forced else "FALSE"))
    head += [(f"IP Address {i + 1}", ip) for i, ip in enumerate(ips)]
    processing = [
        ("Latest Processing Attempt", latest.strftime("%m/%d/%Y %H:%M:%S")),
        ("Last Error Code", str(code)),
        ("Number of Processing Attempts", str(attempts)),
    ]
    doc = CcrDocument([Section(HEADER, head), Section("Request Processing", processing)])
    rec = parse_bytes(serialize(doc))
    assert rec.problem is None
    assert rec.machine_name == machine
    assert rec.forced is forced
    assert rec.initial_request_date == initial
    assert rec.latest_processing_attempt == latest
    assert rec.last_error_code == code & 0xFFFFFFFF
    assert rec.attempts == attempts
    assert rec.ip_addresses == ips


@given(st.binary(max_size=2000))
@settings(max_examples=500, deadline=None)
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    rec = parse_bytes(data, "x.ccr")
    json.dumps(rec.to_json())
    assert rec.problem is not None or rec.machine_name


@given(st.text(max_size=500), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
@settings(max_examples=300, deadline=None)
def test_arbitrary_text_in_any_encoding_never_raises(text: str, encoding: str) -> None:
    data = (HEADER.join(["[", "]\r\n"]) + text).encode(encoding, errors="replace")
    rec = parse_bytes(data)
    json.dumps(rec.to_json())


# --------------------------------------------------------------------------- dates


def _reference_date(value: str | None) -> datetime | None:
    """What dates mean (DOMAIN.md): the formats site servers write, and nothing else."""
    if not value:
        return None
    for fmt in ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


_DATE_CHARS = st.sampled_from(list("0123456789/: +-.,TZ\u0661"))


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.text(_DATE_CHARS, min_size=17, max_size=21),
        st.builds(
            lambda mo, d, y, h, mi, s: f"{mo:02d}/{d:02d}/{y:04d} {h:02d}:{mi:02d}:{s:02d}",
            st.integers(0, 13),
            st.integers(0, 32),
            st.integers(1, 9999),
            st.integers(0, 25),
            st.integers(0, 61),
            st.integers(0, 61),
        ),
    )
)
def test_dates_parse_exactly_as_strptime_would(value: str) -> None:
    from ccrgui.core.ccr import _parse_date

    assert _parse_date(value) == _reference_date(value)


@pytest.mark.parametrize(
    "value",
    ["11/28/2026 13:45:07", "02/29/2024 00:00:00", "12/31/9999 23:59:59", "11/28/2026 134507,0"],
)
def test_usual_dates_and_their_near_misses(value: str) -> None:
    from ccrgui.core.ccr import _parse_date

    assert _parse_date(value) == _reference_date(value)


# --------------------------------------------------------------------------- list records
# A list or table asks for records without text (keep_text=False); plain files then go
# through a regex reader instead of the line parser. It must give exactly the same record.

_BLANKS = st.sampled_from(["", " ", "\t", "  ", " \t "])
_KNOWN_SECTIONS = [HEADER, "IP Address ", "Request Processing", "Resource Names ", "IDENT"]
_KNOWN_KEYS = [
    "Machine Name",
    "Domain",
    "Forced CCR",
    "Client Type",
    "Initial Request Date",
    "IP Address 1",
    "IP Address 12",
    "IP Address",
    "IPAddress 2",
    "Latest Processing Attempt",
    "Last Error Code",
    "Number of Processing Attempts",
    "Error Event Created",
    "Machine  Name",
    "Machine NameX",
]
_KNOWN_VALUES = [
    "",
    "PC-001",
    "11/28/2026 13:45:07",
    "02/30/2026 10:00:00",
    "11/28/2026",
    "5",
    "-2147024891",
    "0x80070005",
    "-1",
    "TRUE",
    "no",
    "10.0.0.1",
    "a = b",
    "[x]",
    ";",
]
_PLAIN_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)


@st.composite
def _cased(draw: st.DrawFn, choices: list[str]) -> str:
    """One of ``choices`` or a plain string, letters in random case."""
    word = draw(st.one_of(st.sampled_from(choices), _PLAIN_TEXT))
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.swapcase() if f else c for c, f in zip(word, flips, strict=True))


@st.composite
def _ccr_lines(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["section", "entry", "entry", "entry", "comment", "other"]))
    left, right = draw(_BLANKS), draw(_BLANKS)
    if kind == "section":
        inner = draw(_BLANKS) + draw(_cased(_KNOWN_SECTIONS)) + draw(_BLANKS)
        return f"{left}[{inner}]{right}"
    if kind == "entry":
        key, value = draw(_cased(_KNOWN_KEYS)), draw(_cased(_KNOWN_VALUES))
        return f"{left}{key}{draw(_BLANKS)}={draw(_BLANKS)}{value}{right}"
    if kind == "comment":
        return f"{left};{draw(_cased(_KNOWN_KEYS))}=x"
    return draw(_PLAIN_TEXT)


@st.composite
def _ccr_texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_ccr_lines(), max_size=25))
    ends = draw(st.lists(st.sampled_from(["\r\n", "\n", "\r"]), min_size=len(lines)))
    if draw(st.booleans()):  # one line end for the whole file, as real files have
        ends = [ends[0] if ends else "\r\n"] * len(lines)
    return "".join(line + end for line, end in zip(lines, ends, strict=False))


def _without_text(data: bytes) -> CcrRecord:
    """The reference: the line parser's record, its text and document dropped."""
    rec = parse_bytes(data, "x.ccr")
    rec.text, rec.document = "", CcrDocument()
    return rec


@given(_ccr_texts())
@settings(max_examples=1500, deadline=None)
def test_list_records_of_plain_files_equal_the_line_parsers(text: str) -> None:
    data = text.encode("ascii")
    assert parse_bytes(data, "x.ccr", keep_text=False) == _without_text(data)
    if text.strip(" \t\r\n"):  # what parse_bytes hands the regex reader
        assert _plain_record(text, "x.ccr", "ascii") == _without_text(data)


@given(
    _ccr_texts(),
    st.sampled_from(["\x0c", "\x1f", "\x85", "\xa0", "\u0131", "\u212a", "\u017f", "\xdf"]),
    st.integers(min_value=0),
    st.sampled_from(["utf-8", "utf-16", "cp1252"]),
)
@settings(max_examples=500, deadline=None)
def test_list_records_of_other_files_equal_the_line_parsers(
    text: str, odd: str, where: int, encoding: str
) -> None:
    """Control characters, non-ASCII blanks and letters whose case folds to ASCII (the
    dotless i, the Kelvin sign, the long s, the sharp s) take the line parser."""
    at = where % (len(text) + 1)
    data = (text[:at] + odd + text[at:]).encode(encoding, errors="replace")
    assert parse_bytes(data, "x.ccr", keep_text=False) == _without_text(data)


@pytest.mark.parametrize(
    "text",
    [
        FULL,
        FULL.replace("\r\n", "\n"),
        FULL.replace("\r\n", "\r"),
        "[nt client configuration request ]\n MACHINE NAME = pc1 \n machine name=pc2\n",
        "Machine Name=before\n[IP Address ]\nIP Address 1=10.0.0.1\n[NT Client Configuration"
        " Request]\nDomain=X\n[ip address]\nip address 2=10.0.0.1\nIP Address 3= 10.0.0.2",
        "[Request Processing]\nLast Error Code=5\n[NT Client Configuration Request]\n"
        "[Request Processing]\nLast Error Code=6\nNumber of Processing Attempts=-1\n",
        "[NT Client Configuration Request] ;x\nMachine Name=pc\n",
        "[NT Client Configuration Request]\n;Machine Name=pc\n  ;Machine Name=pc\n",
    ],
)
def test_list_records_of_tricky_plain_files(text: str) -> None:
    data = text.encode("ascii")
    assert parse_bytes(data, "x.ccr", keep_text=False) == _without_text(data)


def test_list_records_share_one_empty_document_and_keep_no_text() -> None:
    a = parse_bytes(FULL.encode(), "a.ccr", keep_text=False)
    b = parse_bytes(b"\xff\xfe" + FULL.encode("utf-16-le"), "b.ccr", keep_text=False)
    c = parse_bytes(b"\x00\x01binary", "c.ccr", keep_text=False)
    assert (a.text, b.text, c.text) == ("", "", "")
    assert a.document is b.document is c.document
    assert a.document.sections == []
    assert a.machine_name == b.machine_name == "Computer001"
    assert c.problem == "binary file, not a CCR"


_ANY_TEXT = st.one_of(st.none(), st.text(max_size=30))
_ANY_DATE = st.one_of(st.none(), st.datetimes(min_value=datetime(1, 1, 1)))
_ANY_INT = st.one_of(st.none(), st.integers(min_value=-(2**40), max_value=2**40))


@given(
    st.builds(
        CcrRecord,
        file=st.one_of(st.text(max_size=40), st.just("/box/PC\udcff.ccr")),  # a raw byte
        machine_name=_ANY_TEXT,
        domain=_ANY_TEXT,
        ip_addresses=st.lists(st.text(max_size=15), max_size=3),
        forced=st.one_of(st.none(), st.booleans()),
        client_type=_ANY_INT,
        initial_request_date=_ANY_DATE,
        latest_processing_attempt=_ANY_DATE,
        error_event_created=_ANY_DATE,
        attempts=_ANY_INT,
        last_error_code=st.one_of(st.none(), st.integers(0, 0xFFFFFFFF), st.sampled_from([5, 53])),
        problem=_ANY_TEXT,
    )
)
@settings(max_examples=500, deadline=None)
def test_json_text_is_exactly_json_dumps_of_the_record(rec: CcrRecord) -> None:
    assert rec.to_json_text() == json.dumps(rec.to_json())


def test_json_text_of_every_sample(samples: Path) -> None:
    for path in samples.glob("*.ccr"):
        rec = parse_file(path)
        assert rec.to_json_text() == json.dumps(rec.to_json()), path.name
