"""A staff user's private calendar feed (ICS, RFC 5545) for Outlook and Google Calendar.

The feed's URL carries a secret random token; the database keeps only its SHA-256, so the URL is
shown once, when it is made (like the recovery codes), and a new one replaces the old (which stops
working at once). Revoking deletes it. The calendar reader fetches the URL without a session, so the
token is the whole key: a wrong or revoked token, or one of a user no longer active, answers 404.

What it holds: the user's open tasks (efterværn follow-ups among them) as all-day events on their
due date, and the face-to-face meetings the user logged in the contact log in the last year, at
their time (UTC). A calendar is synchronised to other services, so, as in the e-mail digest, a
borger is named by the internal reference only and no free text about a borger is included.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from icalendar import Calendar, Event

from crm.extensions import db
from crm.i18n import in_language, language_for
from crm.models import CalendarFeed, ContactLogEntry, Task, User
from crm.permissions import roles_with
from crm.services.audit import record_event
from crm.services.digest import task_label
from crm.timeutil import utcnow

#: Logged meetings this far back are in the feed (days).
MEETINGS_BACK_DAYS = 365
#: At most this many tasks and this many meetings (newest), so a feed stays small for the reader.
MAX_EVENTS = 1000
PRODID = "-//Fodfæste//Kalender//DA"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def create_feed(user: User, *, actor=None) -> str:
    """Make the user's feed token (replacing any earlier one); returns the token, shown only now."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(user)
    replaced = feed is not None
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token_hash = _hash(token)
    feed.created_at = utcnow()
    db.session.flush()
    record_event("calendar.renew" if replaced else "calendar.create", "user", user.id, actor=actor or user)
    return token


def revoke_feed(user: User, *, actor=None) -> bool:
    """Stop the user's feed URL from working; returns whether there was one."""
    feed = feed_of(user)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    record_event("calendar.revoke", "user", user.id, actor=actor or user)
    return True


def user_for_token(token: str) -> User | None:
    """The active staff user whose feed the token opens; None for any other token."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None:
        return None
    user = feed.user
    if not user.active or user.role not in roles_with("account.settings"):
        return None
    return user


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


def calendar_for(user: User, *, tasks_url: str, now: datetime | None = None) -> bytes:
    """The user's calendar as ICS bytes (see the module docstring for what it holds), its titles in
    the user's language (the calendar reader fetching it has no say)."""
    with in_language(language_for(user)):
        return _calendar(user, tasks_url=tasks_url, now=now)


def _calendar(user: User, *, tasks_url: str, now: datetime | None) -> bytes:
    now = now or utcnow()
    stamp = _utc(now)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Fodfæste")
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    tasks = db.session.scalars(
        sa.select(Task).where(Task.assignee_id == user.id, Task.done.is_(False))
        .order_by(Task.due, Task.id).limit(MAX_EVENTS))
    for task in tasks:
        event = Event()
        event.add("uid", f"task-{task.id}@fodfaeste")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.due)  # a DATE: an all-day event
        event.add("dtend", task.due + timedelta(days=1))
        if task.eftervaern:
            summary = (_("Efterværn: opfølgning med borger %(reference)s", reference=task.borger.reference)
                       if task.borger is not None else _("Efterværn: %(title)s", title=task.title))
        else:
            summary = task_label(task)
        event.add("summary", summary)
        event.add("categories", [_("Efterværn") if task.eftervaern else _("Opgave")])
        event.add("transp", "TRANSPARENT")
        event.add("url", tasks_url)
        event.add("description", _("Se opgaven i Fodfæste: %(url)s", url=tasks_url))
        calendar.add_component(event)
    meetings = db.session.scalars(
        sa.select(ContactLogEntry).where(ContactLogEntry.user_id == user.id, ContactLogEntry.face_to_face.is_(True),
                                         ContactLogEntry.at >= now - timedelta(days=MEETINGS_BACK_DAYS))
        .order_by(ContactLogEntry.at.desc(), ContactLogEntry.id.desc()).limit(MAX_EVENTS))
    for entry in meetings:
        event = Event()
        event.add("uid", f"contact-{entry.id}@fodfaeste")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(entry.at))
        event.add("summary", f"{entry.kind_enum.label}: {entry.company.name}")
        event.add("categories", [_("Møde")])
        if entry.company.address or entry.company.city:
            event.add("location", ", ".join(p for p in (entry.company.address,
                                                        f"{entry.company.postcode} {entry.company.city}".strip()) if p))
        calendar.add_component(event)
    return calendar.to_ical()
