"""Time helpers: the database stores naive UTC datetimes (SQLite keeps no time zone)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

DANISH_TZ = ZoneInfo("Europe/Copenhagen")


def utcnow() -> datetime:
    """Return the current time as a naive UTC datetime, the form stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Return today's date in Denmark."""
    return datetime.now(DANISH_TZ).date()


def to_local(value: datetime | None) -> datetime | None:
    """Convert a stored naive UTC datetime to Danish local time for display."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(DANISH_TZ)
