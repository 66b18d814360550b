"""Machine name rules: NetBIOS names and DNS FQDNs pass; every other class is refused with
a message that names the rule it breaks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccrgui.core.names import (
    DEVICE_NAMES,
    InvalidMachineName,
    check_machine_name,
    validate_batch,
    validate_machine_name,
)


@pytest.mark.parametrize(
    "name",
    [
        "PC1",
        "a",
        "COMPUTER001",
        "WKS-LAB-07",
        "wks_lab_07",
        "_svc",
        "A" * 15,
        "1PC",
        "pc1.corp.example.com",
        "wks-02.corp.example",
        "x.y",
        "a1.b2.c3",
        ".".join(["a" * 63] * 3) + ".com",
        ".".join(["a" * 49] * 5) + ".x",  # 251 chars
    ],
)
def test_valid_names(name: str) -> None:
    assert check_machine_name(name) is None
    assert validate_machine_name(name) == name


def test_surrounding_spaces_are_trimmed_not_refused() -> None:
    assert validate_machine_name("  PC1  ") == "PC1"


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("A" * 16, "at most 15 characters"),
        ("A" * 40, "Use the FQDN"),
        ("12345", "all digits"),
        ("PC 1", "spaces"),
        ("PC\t1", "a tab"),
        ("PC1\nForced CCR=TRUE", "line break"),
        ("PC1\r", "line break"),
        ("PC\x00", "control character U+0000"),
        ("PC\x1b", "control character U+001B"),
        ("PC\x7f", "control character U+007F"),
        ("PCé", "'é' is not allowed"),
        ("PC.café.com", "'é' is not allowed"),
        ("PC!", "'!' is not allowed"),
        ("PC@1", "'@' is not allowed"),
        ("a" * 64 + ".example.com", "longer than 63"),
        (".".join(["a" * 50] * 5) + ".xyz", "at most 253"),
        ("-bad.example.com", "cannot start or end with '-'"),
        ("bad-.example.com", "cannot start or end with '-'"),
        ("pc_1.example.com", "'_' is not allowed in a DNS name"),
        ("pc1.example.com.", "trailing dot"),
        ("10.1.2.3", "IP address"),
    ],
)
def test_invalid_names_say_which_rule(name: str, rule: str) -> None:
    reason = check_machine_name(name)
    assert reason is not None
    assert rule in reason
    with pytest.raises(InvalidMachineName, match=None) as info:
        validate_machine_name(name)
    assert rule in str(info.value)


@pytest.mark.parametrize("ch", list('\\/:*?"<>|=[]'))
def test_every_forbidden_character_is_named(ch: str) -> None:
    reason = check_machine_name(f"PC{ch}1")
    assert reason is not None
    assert f"'{ch}' is not allowed in a machine name" in reason


@pytest.mark.parametrize(
    "name",
    [
        ".",
        "..",
        "../PC1",
        "..\\PC1",
        "/etc/passwd",
        "C:\\x",
        "\\\\server\\share",
        ".hidden",
        "a..b",
    ],
)
def test_path_tricks_are_refused(name: str) -> None:
    reason = check_machine_name(name)
    assert reason is not None
    assert any(word in reason for word in ("path", "not allowed"))


def test_batch_collects_every_error_and_drops_duplicates() -> None:
    names, errors = validate_batch(["PC1", "bad name", "pc1", " PC2 ", "", "PC1"])
    assert names == ["PC1", "PC2"]
    assert [e.name for e in errors] == ["bad name", ""]
    assert "spaces" in errors[0].reason and "empty" in errors[1].reason


_VALID_NETBIOS = st.from_regex(r"\A[A-Za-z0-9_-]{1,15}\Z").filter(
    lambda s: (
        not s.isdigit()
        and any(c.isalnum() for c in s)
        and not s.startswith("-")
        and not s.endswith("-")
        and s.upper() not in DEVICE_NAMES
    )
)


@given(_VALID_NETBIOS)
@settings(max_examples=200, deadline=None)
def test_every_netbios_shaped_name_passes(name: str) -> None:
    assert check_machine_name(name) is None


@given(st.text(max_size=300))
@settings(max_examples=500, deadline=None)
def test_a_name_that_passes_cannot_break_the_file_or_a_path(name: str) -> None:
    if check_machine_name(name) is None:
        assert name.isascii()
        assert not any(ch in name for ch in '\\/:*?"<>|=[] \r\n\t\x00')
        assert not name.startswith(".") and ".." not in name
        assert len(name) <= 253
        assert name.split(".")[0].upper() not in DEVICE_NAMES
        assert any(c.isalnum() for c in name) and not name.startswith("-")


@pytest.mark.parametrize(
    "name",
    ["CON", "prn", "Aux", "NUL", "COM1", "com9", "LPT1", "LPT9", "CON.corp.local", "nul.lab"],
)
def test_windows_device_names_are_refused_with_the_rule(name: str) -> None:
    reason = check_machine_name(name)
    assert reason is not None and "reserved Windows device name" in reason


@pytest.mark.parametrize("name", ["COM10", "LPT0", "CONSOLE", "NULL1", "AUXPC", "CON-1"])
def test_names_that_only_start_like_a_device_are_fine(name: str) -> None:
    assert check_machine_name(name) is None


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("-", "letter or digit"),
        ("--", "letter or digit"),
        ("_", "letter or digit"),
        ("-rf", "cannot start with '-'"),
        ("-1", "cannot start with '-'"),
        ("1-", "cannot end with '-'"),
    ],
)
def test_a_name_needs_a_letter_or_digit_and_no_leading_hyphen(name: str, rule: str) -> None:
    reason = check_machine_name(name)
    assert reason is not None and rule in reason
