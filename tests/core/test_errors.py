"""Error codes as a person reads and types them: signed as the site server writes them,
hex, name; a Win32 code and the HRESULT wrapping it are one error."""

from __future__ import annotations

import pytest

from ccrgui.core.errors import display_code, same_error, search_text, signed_code, win32_code


def test_display_shows_the_code_as_written_its_hex_and_name() -> None:
    assert display_code(0x800706BA) == "-2147023174 (0x800706BA) RPC_S_SERVER_UNAVAILABLE"
    assert display_code(5) == "5 (0x00000005) ERROR_ACCESS_DENIED"
    assert display_code(0x80070005) == "-2147024891 (0x80070005) ERROR_ACCESS_DENIED"
    assert display_code(4242) == "4242 (0x00001092)"  # unknown: no name, nothing made up


def test_signed_code_round_trips_the_file_text() -> None:
    assert signed_code(0x800706BA) == -2147023174
    assert signed_code(0x7FFFFFFF) == 0x7FFFFFFF
    assert signed_code(0) == 0


@pytest.mark.parametrize(
    "typed", ["-2147023174", "2147944122", "800706BA", "0x800706ba", "rpc_s_server", "1722"]
)
def test_every_spelling_of_an_hresult_is_in_its_search_text(typed: str) -> None:
    assert typed.casefold() in search_text(0x800706BA).casefold()


def test_search_text_of_a_wrapped_win32_error_names_it() -> None:
    text = search_text(0x80070005)
    assert "ERROR_ACCESS_DENIED" in text
    assert "Access is denied." in text
    assert "-2147024891" in text.split()


@pytest.mark.parametrize(
    ("code", "wanted", "same"),
    [
        (5, 5, True),
        (0x80070005, 5, True),
        (5, 0x80070005, True),
        (0x800706BA, 1722, True),
        (0x80070005, 0x80070035, False),
        (0x80041001, 0x1001, False),  # a WMI HRESULT does not wrap Win32 error 4097
        (53, 5, False),
    ],
)
def test_same_error_joins_a_win32_code_and_its_hresult(code: int, wanted: int, same: bool) -> None:
    assert same_error(code, wanted) is same


def test_win32_code_only_for_plain_or_facility_win32_codes() -> None:
    assert win32_code(5) == 5
    assert win32_code(0x800706BA) == 1722
    assert win32_code(0x80041001) is None
