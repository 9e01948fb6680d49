"""Pure validation and normalisation helpers for the company register (CRM).

No Flask or database imports here: these functions are used by forms, import
scripts and seed generators alike, and are unit-tested in isolation.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "CVR_WEIGHTS",
    "cvr_checksum",
    "is_valid_cvr",
    "normalize_cvr",
    "is_valid_pnummer",
    "is_valid_postcode",
    "normalize_company_name",
    "split_items",
    "MAX_DB_INTEGER",
    "parse_int",
    "parse_id",
    "strip_control_characters",
]

#: Weights of the CVR modulus-11 check (the last weight applies to the check digit).
CVR_WEIGHTS: tuple[int, ...] = (2, 7, 6, 5, 4, 3, 2, 1)

_CVR_RE = re.compile(r"[1-9][0-9]{7}")
_PNUMMER_RE = re.compile(r"[0-9]{10}")
_POSTCODE_RE = re.compile(r"[0-9]{4}")

#: The largest value an INTEGER column holds on PostgreSQL (32 bits); ids and versions are INTEGER.
MAX_DB_INTEGER = 2**31 - 1
# ASCII digits only: str.isdigit() and int() also take "²", "١٢" or "1_000", and int() refuses
# more than 4,300 digits with a ValueError; a length cap keeps both out.
_INT_RE = re.compile(r"[+-]?[0-9]{1,19}")
# C0 and C1 control characters and DEL. PostgreSQL refuses NUL in text; the others are never
# typed on purpose and only hide text or break exports.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def cvr_checksum(digits: str) -> int:
    """Return the weighted CVR digit sum modulo 11 for an 8-digit string (0 means valid)."""
    return sum(int(d) * w for d, w in zip(digits, CVR_WEIGHTS, strict=True)) % 11


def is_valid_cvr(value: str) -> bool:
    """True if *value* is an 8-digit CVR number (first digit not 0) with a valid modulus-11 check.

    Surrounding whitespace is tolerated; anything else (inner spaces, a "DK" prefix,
    letters, wrong length) is rejected -- use :func:`normalize_cvr` first for user input.
    """
    if not isinstance(value, str):
        return False
    digits = value.strip()
    if not _CVR_RE.fullmatch(digits):
        return False
    return cvr_checksum(digits) == 0


def normalize_cvr(value: str | None) -> str | None:
    """Remove all whitespace and a leading "DK" (any case, optionally followed by "-").

    Returns None when nothing is left. The result is not validated: pair it with
    :func:`is_valid_cvr`.
    """
    if value is None:
        return None
    cleaned = re.sub(r"\s+", "", str(value))
    if cleaned[:2].upper() == "DK":
        cleaned = cleaned[2:].lstrip("-")
    return cleaned or None


def is_valid_pnummer(value: str) -> bool:
    """True if *value* is a 10-digit P-nummer (production unit number); surrounding spaces tolerated."""
    if not isinstance(value, str):
        return False
    return bool(_PNUMMER_RE.fullmatch(value.strip()))


def is_valid_postcode(value: str) -> bool:
    """True if *value* looks like a Danish postcode: 4 digits in 0800-9999 (format check only)."""
    if not isinstance(value, str):
        return False
    code = value.strip()
    return bool(_POSTCODE_RE.fullmatch(code)) and int(code) >= 800


# Legal-form designations, matched on the casefolded name *before* punctuation is
# dropped (so "I/S" is recognised, while a shop called "Hansens Is" keeps its "is").
_LEGAL_FORM_RE = re.compile(
    r"(?<![\w/.])"
    r"(?:"
    r"a\s?/\s?s|i\s?/\s?s|k\s?/\s?s|p\s?/\s?s"  # A/S, I/S, K/S, P/S
    r"|aps\.?|ivs\.?"  # ApS, Aps., IVS
    r"|[afs]\.?m\.?b\.?a\.?"  # A.m.b.a., F.m.b.a., S.m.b.a., amba
    r"|(?:og|&|\+)\s*co\b\.?"  # og Co, & Co., &Co
    r")"
    r"(?![\w/-])",
)
_APOSTROPHES_RE = re.compile(r"['\u2019\u2018`\u00b4]")
_NON_ALNUM_RE = re.compile(r"[^\w]+|_")


def normalize_company_name(name: str | None) -> str:
    """Return a comparison key for duplicate detection of company names.

    Casefolds, folds "å" to "aa" (Århus == Aarhus) and strips accents (é -> e; æ and ø
    stay), drops legal-form designations (ApS, A/S, I/S, IVS, K/S, P/S, A.m.b.a.,
    "og Co" ...), turns "&" into "og", drops apostrophes, replaces other punctuation
    by spaces and folds whitespace. "Netto  Holstebro ApS" -> "netto holstebro".
    Returns "" for empty input.
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    text = text.replace("å", "aa")
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = _APOSTROPHES_RE.sub("", text)
    text = _LEGAL_FORM_RE.sub(" ", text)
    text = text.replace("&", " og ").replace("+", " og ")
    text = _NON_ALNUM_RE.sub(" ", text)
    return " ".join(text.split())


def split_items(value) -> list[str]:
    """A list, or text with one item per line or comma, as trimmed items without repeats.

    Repeats are found case-insensitively; the first spelling is kept.
    """
    if isinstance(value, str):
        value = value.replace(",", "\n").splitlines()
    seen, items = set(), []
    for item in value or []:
        item = " ".join(str(item).split())
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            items.append(item)
    return items


def parse_int(value, *, minimum: int = -MAX_DB_INTEGER - 1, maximum: int = MAX_DB_INTEGER) -> int | None:
    """The whole number written in ASCII digits (optional sign, surrounding spaces) in *value*,
    or None when it is anything else or outside [minimum, maximum] (default: an INTEGER column)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_id(value) -> int | None:
    """A database id (1 .. MAX_DB_INTEGER) from untrusted input, or None."""
    return parse_int(value, minimum=1)


def strip_control_characters(text: str, *, keep: str = "\t\n\r") -> str:
    """*text* without NUL and other control characters, except those in *keep*."""
    return _CONTROL_RE.sub(lambda match: match.group() if match.group() in keep else "", text)
