"""Unit tests for crm.validators (pure functions, no app needed)."""

import pytest

from crm.validators import (
    MAX_DB_INTEGER,
    cvr_checksum,
    is_valid_cvr,
    is_valid_pnummer,
    is_valid_postcode,
    normalize_company_name,
    normalize_cvr,
    parse_id,
    parse_int,
    strip_control_characters,
)

# 1*2 + 0 + 0 + 0 + 0 + 0 + 0 + 9*1 = 11 -> divisible by 11
VALID_CVR = "10000009"
# 1*2 + 2*7 + 3*6 + 4*5 + 5*4 + 6*3 + 7*2 + 4*1 = 110 = 11 * 10 -> valid
OTHER_VALID_CVR = "12345674"
# same first seven digits, weighted sum 114 -> wrong check digit
WRONG_CHECK_DIGIT = "12345678"


def _weighted(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2, 1)))


@pytest.mark.parametrize("value", [VALID_CVR, OTHER_VALID_CVR, " 10000009 ", "10000009\n"])
def test_valid_cvr(value):
    assert _weighted(value.strip()) % 11 == 0
    assert is_valid_cvr(value)


@pytest.mark.parametrize(
    "value",
    [
        "10000008",  # wrong check digit
        "10000000",  # wrong check digit
        WRONG_CHECK_DIGIT,
        "12345670",
        "1000009",  # too short
        "100000090",  # too long
        "1000000A",  # letter
        "ABCDEFGH",
        "00000000",  # first digit 0 (sum is 0 but not a CVR)
        "01000003",  # first digit 0
        "1000 0009",  # inner space
        "DK10000009",  # prefix: normalise first
        "1000000-9",
        "１０００００００９"[:8],  # full-width digits are not ASCII digits
        "",
        "   ",
    ],
)
def test_invalid_cvr(value):
    assert not is_valid_cvr(value)


@pytest.mark.parametrize("value", [None, 10000009, 1.0, b"10000009"])
def test_invalid_cvr_non_string(value):
    assert not is_valid_cvr(value)


def test_checksum_helper():
    assert cvr_checksum(VALID_CVR) == 0
    assert cvr_checksum("10000008") != 0


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("10000009", "10000009"),
        (" 10 00 00 09 ", "10000009"),
        ("DK10000009", "10000009"),
        ("dk 1000 0009", "10000009"),
        ("DK-10000009", "10000009"),
        ("", None),
        ("   ", None),
        ("DK", None),
        (None, None),
        ("1234", "1234"),  # not validated
    ],
)
def test_normalize_cvr(raw, expected):
    assert normalize_cvr(raw) == expected


def test_normalize_then_validate():
    assert is_valid_cvr(normalize_cvr("DK 1000 0009"))
    assert not is_valid_cvr(normalize_cvr("DK 1000 0008"))


@pytest.mark.parametrize("value", ["1234567890", " 0012345678 ", "0000000000"])
def test_valid_pnummer(value):
    assert is_valid_pnummer(value)


@pytest.mark.parametrize("value", ["123456789", "12345678901", "12345678a0", "", None, 1234567890])
def test_invalid_pnummer(value):
    assert not is_valid_pnummer(value)


@pytest.mark.parametrize("value", ["0800", "8000", "7500", "9999", " 8722 "])
def test_valid_postcode(value):
    assert is_valid_postcode(value)


@pytest.mark.parametrize("value", ["0799", "0000", "800", "80000", "8OOO", "DK-8000", "", None, 8000])
def test_invalid_postcode(value):
    assert not is_valid_postcode(value)


def test_netto_pair_normalises_equal():
    a = normalize_company_name("Netto Holstebro")
    b = normalize_company_name("Netto  Holstebro ApS")
    assert a == b == "netto holstebro"


@pytest.mark.parametrize(
    "variant",
    [
        "NETTO HOLSTEBRO",
        "  Netto\tHolstebro  ",
        "Netto Holstebro A/S",
        "Netto Holstebro a/s",
        "Netto Holstebro I/S",
        "Netto Holstebro K/S",
        "Netto Holstebro P/S",
        "Netto Holstebro IVS",
        "Netto Holstebro Aps.",
        "Netto Holstebro, ApS",
        "Netto Holstebro A.m.b.a.",
        "Netto Holstebro amba",
        "Netto Holstebro og Co.",
        "Netto Holstebro & Co",
        "Netto Holstebro & Co. ApS",
        "Netto-Holstebro",
        "Netto Holstebro.",
    ],
)
def test_legal_forms_and_punctuation_dropped(variant):
    assert normalize_company_name(variant) == "netto holstebro"


def test_danish_letters():
    assert normalize_company_name("Århus Bageri ApS") == normalize_company_name("Aarhus Bageri")
    assert normalize_company_name("Café Søstjernen") == "cafe søstjernen"
    assert normalize_company_name("Grøn Æble I/S") == "grøn æble"


def test_ampersand_and_apostrophe():
    assert normalize_company_name("Hansen & Søn") == normalize_company_name("Hansen og Søn")
    assert normalize_company_name("Jensen's Køkken") == normalize_company_name("Jensens Køkken")


def test_lookalike_words_are_kept():
    # "Is" (ice cream) and "As" are words, not legal forms, without the slash.
    assert normalize_company_name("Hansens Is") == "hansens is"
    assert normalize_company_name("Kaffe og Co-working") == "kaffe og co working"
    assert normalize_company_name("Apsara Thai") == "apsara thai"
    # different companies stay different
    assert normalize_company_name("Netto Holstebro") != normalize_company_name("Netto Struer")


@pytest.mark.parametrize("value", ["", None, "   ", "ApS", "--"])
def test_empty_names(value):
    assert normalize_company_name(value) == ""


# --- whole numbers and ids from untrusted input -------------------------------------------------

@pytest.mark.parametrize("value", ["²", "١٢", "１２", "1_000", "0x10", "1.0", "", " ", "abc", "9" * 5000, None, True])
def test_parse_int_takes_only_ascii_digits(value):
    assert parse_int(value) is None


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (" 7 ", 7), ("-3", -3), ("+5", 5), (42, 42)])
def test_parse_int_reads_a_whole_number(value, expected):
    assert parse_int(value) == expected


def test_parse_int_refuses_what_an_integer_column_cannot_hold():
    assert parse_int(str(MAX_DB_INTEGER)) == MAX_DB_INTEGER
    assert parse_int(str(MAX_DB_INTEGER + 1)) is None
    assert parse_int("99999999999999999999") is None


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("0", None), ("-1", None), ("2147483648", None)])
def test_parse_id_is_a_positive_integer_column_value(value, expected):
    assert parse_id(value) == expected


def test_strip_control_characters_keeps_tabs_and_line_breaks_by_default():
    assert strip_control_characters("a\x00b\x07\x1b[0m\x7f\x85c\td\r\ne") == "ab[0mc\td\r\ne"
    assert strip_control_characters("a\tb\nc", keep="") == "abc"
