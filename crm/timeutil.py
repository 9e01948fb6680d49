"""Time helpers: the database stores naive UTC datetimes (SQLite keeps no time zone)."""

import calendar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DANISH_TZ = ZoneInfo("Europe/Copenhagen")


def utcnow() -> datetime:
    """Return the current time as a naive UTC datetime, the form stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_now() -> datetime:
    """Return Danish wall-clock time now as a naive datetime, the form a datetime-local input takes."""
    return datetime.now(DANISH_TZ).replace(tzinfo=None)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (earlier when negative); a day the month lacks
    becomes its last (31 January + 1 month is 28 or 29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def today() -> date:
    """Return today's date in Denmark."""
    return datetime.now(DANISH_TZ).date()


def local_to_utc(value: datetime, *, fold: int = 0) -> datetime:
    """Convert a naive Danish wall-clock time to naive UTC.

    In the autumn hour that comes twice (02:00–03:00 on the last Sunday of October) ``fold=0`` reads
    the first, summer-time pass and ``fold=1`` the second; other times have only one reading.
    """
    return value.replace(tzinfo=DANISH_TZ, fold=fold).astimezone(UTC).replace(tzinfo=None)


def to_local(value: datetime | None) -> datetime | None:
    """Convert a stored naive UTC datetime to Danish local time for display."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(DANISH_TZ)
