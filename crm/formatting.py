"""Numbers, amounts, distances, dates and times as the reader's language writes them: the one place
pages, e-mails, exports and messages format a value for people (the template filters of the same
names, crm/templating.py). Babel's formatters do the work; the patterns below are the house style.

Danish is written 1.234,5 and 01.12.2026; English 1,234.5 and 1 Dec 2026. Outside a request (the
CLI, a job) the language is Danish unless ``flask_babel.force_locale`` says otherwise.
"""

import decimal
from datetime import date, datetime

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal

from crm.timeutil import to_local  # an aware datetime in Danish time

DEFAULT_LOCALE = "da"

# Date and time patterns (CLDR) per language. English spells the month, so 1 Dec is never 12 Jan.
_PATTERNS = {
    "da": {"date": "dd.MM.y", "datetime": "dd.MM.y HH:mm", "seconds": "dd.MM.y HH:mm:ss",
           "long_date": "d. MMMM y", "long_datetime": "d. MMMM y 'kl'. HH.mm"},
    "en": {"date": "d MMM y", "datetime": "d MMM y, HH:mm", "seconds": "d MMM y, HH:mm:ss",
           "long_date": "d MMMM y", "long_datetime": "d MMMM y 'at' HH:mm"},
}


def current_locale() -> Locale:
    """The language of the request (crm/i18n.py decides), or Danish where there is none."""
    try:
        from flask_babel import get_locale

        locale = get_locale()
    except (RuntimeError, KeyError, AttributeError):  # no app context, or Babel not set up on it
        locale = None
    return locale or Locale.parse(DEFAULT_LOCALE)


def _patterns() -> dict[str, str]:
    return _PATTERNS.get(current_locale().language, _PATTERNS[DEFAULT_LOCALE])


def format_number(value: float | int, decimals: int | None = None) -> str:
    """``value`` with the language's separators: 1.234 and 7,5 in Danish, 1,234 and 7.5 in English.

    With ``decimals`` the number has exactly that many (a distance: 3,0 km); without, it shows the
    decimals it has (up to six), and a whole number none.
    """
    fraction = "0" * decimals if decimals is not None else "#" * 6
    pattern = f"#,##0.{fraction}" if fraction else "#,##0"
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP  # 2,345 → 2,35, as people round (Babel takes the context's)
        return format_decimal(value, format=pattern, locale=current_locale())


def km(value: float) -> str:
    """A distance: "2,7 km" / "2.7 km"."""
    return f"{format_number(value, 1)} km"


def minutes(value: float) -> str:
    """A travel or working time in whole minutes: "25 min"."""
    return f"{format_number(round(value))} min"


def percent(value: float, decimals: int = 0) -> str:
    """A share (0.42) as a percentage: "42 %" in Danish, "42%" in English."""
    text = format_number(round(value * 100, decimals), decimals or None)
    return f"{text}\N{NO-BREAK SPACE}%" if current_locale().language == "da" else f"{text}%"


def money(value: float, decimals: int | None = None) -> str:
    """An amount in Danish kroner: "1.234 kr." / "1,234 kr."."""
    return f"{format_number(value, decimals)} kr."


def file_size(size: int) -> str:
    """A file's size in bytes: "12 kB", "1,4 MB" (the ``file_size`` filter)."""
    if size < 1024 * 1024:
        return f"{format_number(max(1, round(size / 1024)))} kB"
    return f"{format_number(round(size / (1024 * 1024), 1))} MB"


def short_date(value: date | None) -> str:
    """A date in a table or a form's message: "01.12.2026" / "1 Dec 2026" (the ``date`` filter)."""
    return _babel_date(value, _patterns()["date"], locale=current_locale()) if value else ""


def short_datetime(value: datetime | None, *, seconds: bool = False) -> str:
    """A stored (naive UTC) moment in Danish time: "01.12.2026 09:30" (the ``datetime`` filter)."""
    local = to_local(value)
    if local is None:
        return ""
    pattern = _patterns()["seconds" if seconds else "datetime"]
    return _babel_datetime(local, pattern, locale=current_locale())


def long_date(value: date | None) -> str:
    """A date written out: "1. december 2026" / "1 December 2026"."""
    return _babel_date(value, _patterns()["long_date"], locale=current_locale()) if value else ""


def long_datetime(value: datetime | None) -> str:
    """A stored (naive UTC) moment in Danish time, written out: "1. december 2026 kl. 09.30"."""
    local = to_local(value)
    if local is None:
        return ""
    return _babel_datetime(local, _patterns()["long_datetime"], locale=current_locale())
