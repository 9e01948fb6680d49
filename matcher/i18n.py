"""Translating the matcher's few texts (the reasons it gives) without depending on a web framework.

The matcher writes Danish, marked with ``_`` so the app's catalogue extraction finds it; the app
hands in its translator once (``set_translator``), and ``_`` looks the text up in the reader's
language at the moment a reason is worded. Without a translator the Danish text is used.

A text with values is translated first and filled in after: ``_("Ønsker %(wish)s") % {"wish": w}``.
Labels kept in a table (a kind's name) are marked with ``N_`` where they are written and looked up
when read (``Labels``), so a table built at import time still reads in the reader's language.
Numbers in a reason go through ``number`` (the app hands in its formatter: 7,5 / 7.5).
"""

from collections.abc import Callable

_translate: Callable[[str], str] | None = None
_format_number: Callable[[float], str] | None = None


def set_translator(translate: Callable[[str], str] | None) -> None:
    global _translate
    _translate = translate


def set_number_formatter(format_number: Callable[[float], str] | None) -> None:
    """How a number reads in the reader's language (without one: Danish, "7,5")."""
    global _format_number
    _format_number = format_number


def _(text: str) -> str:
    return _translate(text) if _translate is not None else text


def N_(text: str) -> str:
    """Mark ``text`` for the catalogue without translating it now (it is translated when read)."""
    return text


def number(value: float) -> str:
    """``value`` as the reader writes it: 8 → "8", 7.5 → "7,5" (Danish) or "7.5" (English)."""
    if _format_number is not None:
        return _format_number(value)
    return f"{value:g}".replace(".", ",")


class Labels(dict):
    """A table of Danish labels (marked with ``N_``) that reads each label in the reader's language.

    Equality, ``keys`` and iteration see the Danish source; ``[key]``, ``get``, ``values`` and
    ``items`` translate.
    """

    def __getitem__(self, key):
        return _(super().__getitem__(key))

    def get(self, key, default=None):
        return self[key] if key in self else default

    def values(self):
        return [self[key] for key in self]

    def items(self):
        return [(key, self[key]) for key in self]
