"""Translating the matcher's few texts (the reasons it gives) without depending on a web framework.

The matcher writes Danish, marked with ``_`` so the app's catalogue extraction finds it; the app
hands in its translator once (``set_translator``), and ``_`` looks the text up in the reader's
language at the moment a reason is worded. Without a translator the Danish text is used.
A module-level label is marked with ``N_`` (found by the extraction, left as it is) and looked up
with ``_`` where it is shown.
"""

from collections.abc import Callable

_translate: Callable[[str], str] | None = None


def set_translator(translate: Callable[[str], str] | None) -> None:
    global _translate
    _translate = translate


def _(text: str) -> str:
    return _translate(text) if _translate is not None else text


def N_(text: str) -> str:
    """Mark ``text`` for the catalogue without translating it (gettext's usual name)."""
    return text
