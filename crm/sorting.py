"""Danish alphabetical order: the one place where names are given their sort order.

Danish sorts æ, ø and å after z, in that order, and "aa" as å (Aalborg beside Århus); ä, ö and ü
sort as æ, ø and y, other accents only break ties, and upper case comes before lower case.

- In SQL, order by ``danish(column)``. It is ``column COLLATE "da-DK-x-icu"``: PostgreSQL's ICU
  collation for Danish (built into PostgreSQL with ICU, which Debian's is). SQLite gets a
  collation of the same name on every connection (``register_sqlite_collation``, called from
  ``crm/__init__.py``), built on ``danish_key``, so one query sorts alike on both databases.
- In Python, sort with ``key=danish_key`` (or ``danish_key(x.name)`` inside a key tuple).
- A large table sorted by name page by page keeps ``sort_key(name)`` in an indexed column, so the
  database reads the first page off the index instead of sorting every row through the collation
  (companies: ``Company.sort_key``, kept by the model whenever ``name_key`` is set). It orders
  byte by byte (binary on SQLite, ``COLLATE "C"`` on PostgreSQL) exactly as ``danish_key``.

``danish_key`` follows the ICU rules above for letters, digits and spaces; rarer symbols may
order differently on the two databases (they do not occur in names).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.sql import operators

#: The collation's name, on PostgreSQL (ICU) and as registered on SQLite.
COLLATION = "da-DK-x-icu"

#: Letters that sort as another letter at the first level (ICU's Danish tailoring).
_PRIMARY_AS = {"ä": "æ", "ö": "ø", "ü": "y", "ő": "ø", "ű": "y"}
#: æ, ø, å after z, in that order: the three code points after "z" in ASCII.
_AFTER_Z = str.maketrans({"æ": "{", "ø": "|", "å": "}"})
#: Danish letters that NFKD must not take apart (å would become a + ring).
_KEEP = frozenset("æøå")
#: Between the levels of a ``sort_key``: below every character of a name, so the joined text
#: orders as the tuple does (NUL is not allowed in PostgreSQL text).
_LEVELS = "\x01"
#: Room for ``sort_key`` of a 200-character name (three levels and two separators).
SORT_KEY_LENGTH = 3 * 200 + 2


def danish(expr):
    """``expr`` with the Danish collation, for ``order_by`` (both databases)."""
    return sa.collate(expr, COLLATION)


def python_key(expr):
    """How Python compares the values SQL sorts by ``expr``: through ``danish_key`` when ``expr``
    is ``danish(...)``, else as they are (for sorting rows read from the database the same way)."""
    if getattr(expr, "operator", None) is operators.collate and getattr(expr.right, "collation", None) == COLLATION:
        return danish_key
    return _same


def _same(value):
    return value


@lru_cache(maxsize=65536)
def danish_key(text: str | None) -> tuple[str, str, str]:
    """A key that sorts texts in Danish alphabetical order (None sorts as "").

    Three levels, as a collation compares: the letters (case and accents ignored, æ ø å after
    z, aa as å), then the accents, then the text itself (upper case first).
    """
    text = unicodedata.normalize("NFC", text or "")
    folded = text.casefold().replace("aa", "å")
    primary, secondary = [], []
    for ch in folded:
        base = _PRIMARY_AS.get(ch, ch)
        if base not in _KEEP:
            base = "".join(c for c in unicodedata.normalize("NFKD", base) if not unicodedata.combining(c))
        primary.append(base)
        secondary.append(ch)
    return "".join(primary).translate(_AFTER_Z), "".join(secondary).translate(_AFTER_Z), text


def sort_key(text: str | None) -> str:
    """``danish_key`` as one text that sorts in the same order compared character by character."""
    return _LEVELS.join(danish_key(text))


def _compare(left: str, right: str) -> int:
    a, b = danish_key(left), danish_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(dbapi_connection) -> None:
    """Give a sqlite3 connection the Danish collation under PostgreSQL's name."""
    dbapi_connection.create_collation(COLLATION, _compare)
