"""The daily relationship work on a company: contact persons, the contact log, follow-up tasks,
and which partnerships are going stale. Every write is audited; the caller commits once.

``Company.last_contact_at`` is a cache of the newest log entry, kept here. It is written with a
plain UPDATE that leaves the company's version counter alone: logging a phone call is not an
edit of the profile, so it must not make someone's open edit form conflict (nor block the undo
of an import).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from crm.extensions import db
from crm.models import Borger, Company, ContactLogEntry, ContactPerson, Task, User
from crm.models.company import FACE_TO_FACE_KINDS, ContactKind, PartnershipStatus
from crm.page_cache import REGISTER_COUNTS
from crm.permissions import can, is_staff
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.services.fields import EMAIL_MAX, LONG_TEXT_MAX, PERSON_MAX, PHONE_MAX, TITLE_MAX, clean_text
from crm.services.outcomes import record_first_employer_contact
from crm.timeutil import DANISH_TZ, local_to_utc, to_local, today, utcnow
from crm.validators import parse_id

# A partner with no logged contact for this many days is flagged; the bands say how urgent.
STALE_BANDS = (90, 60, 30)
STALE_AFTER_DAYS = min(STALE_BANDS)
# Done tasks stay on "Mine opgaver" this long, so a mistaken click is easy to undo.
RECENTLY_DONE_DAYS = 14
# Log entries a little in the future are clock skew between the browser and the server.
FUTURE_TOLERANCE = timedelta(minutes=5)
# No contact is logged before this; at the very start of the calendar the conversion to UTC overflows.
EARLIEST_LOG_TIME = datetime(1900, 1, 1)


# --- contact persons -------------------------------------------------------------------------

def _contact_values(data: dict) -> dict:
    values = {
        "name": clean_text(data, "name", max_length=PERSON_MAX, required=_("Angiv kontaktpersonens navn.")),
        "role": clean_text(data, "role", max_length=PERSON_MAX),
        "phone": clean_text(data, "phone", max_length=PHONE_MAX),
        "email": clean_text(data, "email", max_length=EMAIL_MAX),
        "primary": bool(data.get("primary")),
    }
    if values["email"] and "@" not in values["email"]:
        raise ValidationError(_("Angiv en gyldig e-mailadresse."), field="email")
    return values


def _make_only_primary(person: ContactPerson) -> None:
    for other in person.company.contacts:
        if other is not person and other.primary:
            other.primary = False


def add_contact_person(company: Company, data: dict, *, actor=None) -> ContactPerson:
    """Add a contact person; a primary one replaces the company's previous primary contact."""
    values = _contact_values(data)
    person = ContactPerson(**values)
    company.contacts.append(person)
    if person.primary:
        _make_only_primary(person)
    db.session.flush()
    record_event("contact.create", "company", company.id, actor=actor,
                 details={"contact_id": person.id, "name": person.name, "primary": person.primary})
    return person


def update_contact_person(person: ContactPerson, data: dict, *, actor=None) -> ContactPerson:
    values = _contact_values(data)
    changes = {k: v for k, v in values.items() if getattr(person, k) != v}
    for key, value in changes.items():
        setattr(person, key, value)
    if person.primary:
        _make_only_primary(person)
    db.session.flush()
    if changes:
        record_event("contact.update", "company", person.company_id, actor=actor,
                     details={"contact_id": person.id, **changes})
    return person


def delete_contact_person(person: ContactPerson, *, actor=None) -> None:
    company_id, details = person.company_id, {"contact_id": person.id, "name": person.name}
    person.company.contacts.remove(person)
    db.session.flush()
    record_event("contact.delete", "company", company_id, actor=actor, details=details)


# --- tasks ----------------------------------------------------------------------------------

def _staff_user(user_id) -> User:
    user_id = parse_id(user_id)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active or not is_staff(user):
        raise ValidationError(_("Vælg en medarbejder."), field="assignee_id")
    return user


def create_task(*, title: str, due: date | None, assignee_id, company: Company | None = None,
                note: str = "", log_entry: ContactLogEntry | None = None, actor=None) -> Task:
    """Create a follow-up task for a staff member. Raises ValidationError naming the field.

    A person may not set a due date before today (a task due in the past is a typing mistake);
    the system (``actor=None``: the demo, tests of overdue tasks) may."""
    data = {"title": title, "note": note}
    title = clean_text(data, "title", max_length=TITLE_MAX, required=_("Angiv en titel på opgaven."))
    note = clean_text(data, "note", max_length=LONG_TEXT_MAX)
    if not isinstance(due, date):
        raise ValidationError(_("Angiv en frist."), field="due")
    if actor is not None and due < today():
        raise ValidationError(_("Fristen kan ikke ligge før i dag. Ret datoen."), field="due")
    assignee = _staff_user(assignee_id)
    task = Task(title=title, note=note, due=due, assignee_id=assignee.id,
                company_id=company.id if company else None,
                log_entry_id=log_entry.id if log_entry else None,
                created_by_id=actor.id if actor else None)
    db.session.add(task)
    db.session.flush()
    record_event("task.create", "task", task.id, actor=actor,
                 details={"title": title, "due": due.isoformat(), "assignee_id": assignee.id,
                          "company_id": task.company_id, "log_entry_id": task.log_entry_id})
    return task


def set_task_done(task: Task, done: bool, *, actor=None) -> Task:
    """Mark a task done (stamped now) or open again."""
    if task.done == done:
        return task
    task.done = done
    task.done_at = utcnow() if done else None
    db.session.flush()
    record_event("task.done" if done else "task.undone", "task", task.id, actor=actor,
                 details={"title": task.title})
    return task


def tasks_query(user: User, *, now: datetime | None = None) -> sa.Select:
    """The user's tasks: open ones by due date (so overdue come first), then recently done."""
    now = now or utcnow()
    return sa.select(Task).options(selectinload(Task.company), selectinload(Task.borger)).where(
        Task.assignee_id == user.id,
        sa.or_(Task.done.is_(False), Task.done_at >= now - timedelta(days=RECENTLY_DONE_DAYS)),
    ).order_by(
        Task.done,
        sa.case((Task.done.is_(False), Task.due)),
        sa.case((Task.done.is_(True), Task.done_at)).desc(),
        Task.id,
    )


def tasks_for(user: User, *, now: datetime | None = None) -> list[Task]:
    """All of tasks_query; pages use the query itself."""
    return list(db.session.scalars(tasks_query(user, now=now)))


def open_tasks_for_company(company: Company) -> list[Task]:
    return list(db.session.scalars(
        sa.select(Task).where(Task.company_id == company.id, Task.done.is_(False))
        .order_by(Task.due, Task.id)
    ))


def is_overdue(task: Task, *, on: date | None = None) -> bool:
    return not task.done and task.due < (on or today())


# --- the contact log ------------------------------------------------------------------------

def _log_time(at) -> datetime:
    """Accept a naive local (Danish) datetime or None (now); return naive UTC."""
    if at is None:
        return utcnow()
    if not isinstance(at, datetime):
        raise ValidationError(_("Angiv dato og tidspunkt."), field="at")
    if at.replace(tzinfo=None) < EARLIEST_LOG_TIME:
        raise ValidationError(_("Tidspunktet kan ikke ligge før %(year)s.", year=EARLIEST_LOG_TIME.year), field="at")
    try:
        if at.tzinfo is not None:
            at = at.astimezone(UTC).replace(tzinfo=None)
        else:
            # A time in the autumn hour that comes twice means the latest pass that has happened.
            latest = local_to_utc(at, fold=1)
            at = latest if latest <= utcnow() + FUTURE_TOLERANCE else local_to_utc(at, fold=0)
    except OverflowError:  # the last hours of year 9999
        raise ValidationError(_("Tidspunktet kan ikke ligge i fremtiden."), field="at") from None
    if at > utcnow() + FUTURE_TOLERANCE:
        raise ValidationError(_("Tidspunktet kan ikke ligge i fremtiden."), field="at")
    return at


def refresh_last_contact(company: Company) -> None:
    """Set ``last_contact_at`` to the newest log entry, without bumping the company's version."""
    newest = db.session.scalar(
        sa.select(sa.func.max(ContactLogEntry.at)).where(ContactLogEntry.company_id == company.id)
    )
    db.session.execute(
        # updated_at is set to itself so its onupdate stamp does not fire: not a profile edit.
        sa.update(Company).where(Company.id == company.id)
        .values(last_contact_at=newest, updated_at=Company.updated_at)
        .execution_options(synchronize_session=False)
    )
    # Keep the loaded object in step without marking it dirty (which would bump the version).
    set_committed_value(company, "last_contact_at", newest)


def _borger_for(borger_id, actor) -> Borger | None:
    """The borger a contact was about, if the actor may open that borger's record."""
    if borger_id in (None, "", 0):
        return None
    borger = db.session.get(Borger, parse_id(borger_id) or 0)
    if borger is None or actor is None or not can(actor, "borger.edit", borger):
        raise ValidationError(_("Vælg en borger fra din egen caseload."), field="borger_id")
    return borger


def log_contact(company: Company, data: dict, *, actor=None,
                follow_up: dict | None = None) -> ContactLogEntry:
    """Log a contact with the company; optionally create a follow-up task from it.

    ``data``: kind (ContactKind value), at (naive Danish local time, default now; not in the
    future), contact_person_id or with_whom, summary. ``follow_up``: title, due, assignee_id,
    note. The face-to-face flag follows from the kind. Raises ValidationError naming the field.
    """
    try:
        kind = ContactKind(data.get("kind") or "")
    except ValueError:
        raise ValidationError(_("Vælg en kontaktform."), field="kind") from None
    at = _log_time(data.get("at"))
    person = None
    if data.get("contact_person_id") not in (None, "", 0):
        person = db.session.get(ContactPerson, parse_id(data["contact_person_id"]) or 0)
        if person is None or person.company_id != company.id:
            raise ValidationError(_("Vælg en kontaktperson fra virksomheden."), field="contact_person_id")
    with_whom = clean_text(data, "with_whom", max_length=TITLE_MAX) or (person.name if person else "")
    summary = clean_text(data, "summary", max_length=LONG_TEXT_MAX,
                         required=_("Skriv kort, hvad kontakten handlede om."))
    borger = _borger_for(data.get("borger_id"), actor)
    entry = ContactLogEntry(
        company_id=company.id, at=at, kind=kind.value, face_to_face=kind in FACE_TO_FACE_KINDS,
        user_id=actor.id if actor else None, contact_person_id=person.id if person else None,
        with_whom=with_whom, summary=summary, borger_id=borger.id if borger else None,
    )
    db.session.add(entry)
    db.session.flush()
    if borger is not None:
        first = entry.face_to_face and record_first_employer_contact(
            borger, on_date=to_local(at).date(), actor=actor, company_id=company.id)
        # The borger's record gains a contact: one audit row on the borger.
        record_event("borger.contact_logged", "borger", borger.id, actor=actor,
                     details={"company_id": company.id, "log_entry_id": entry.id,
                              "first_employer_contact": bool(first)})
    record_event("contact_log.create", "company", company.id, actor=actor,
                 details={"log_entry_id": entry.id, "kind": kind.value, "at": at.isoformat(),
                          "face_to_face": entry.face_to_face})
    if follow_up:
        create_task(title=follow_up.get("title") or "", due=follow_up.get("due"),
                    assignee_id=follow_up.get("assignee_id"), note=follow_up.get("note") or "",
                    company=company, log_entry=entry, actor=actor)
    refresh_last_contact(company)
    return entry


def contact_log(company: Company) -> list[ContactLogEntry]:
    """The company's contact log, newest first."""
    return list(db.session.scalars(
        sa.select(ContactLogEntry).where(ContactLogEntry.company_id == company.id)
        .order_by(ContactLogEntry.at.desc(), ContactLogEntry.id.desc())
    ))


# --- relationships going stale --------------------------------------------------------------

@dataclass(frozen=True)
class Staleness:
    days: int | None  # days since the last logged contact; None: never contacted
    band: int  # 30, 60 or 90

    @property
    def label(self) -> str:
        if self.days is None:
            return _("Ingen kontakt registreret")
        return ngettext("Ingen kontakt i %(num)s dag", "Ingen kontakt i %(num)s dage", self.days)


def days_since(moment: datetime | None, *, on: date | None = None) -> int | None:
    """Whole days from ``moment`` (naive UTC) to ``on`` (a Danish date, default today)."""
    if moment is None:
        return None
    local = moment.replace(tzinfo=UTC).astimezone(DANISH_TZ).date()
    return ((on or today()) - local).days


def staleness(company: Company, *, on: date | None = None) -> Staleness | None:
    """How stale a partnership is; None when it is not a partner or was contacted lately."""
    if company.status != PartnershipStatus.PARTNER:
        return None
    days = days_since(company.last_contact_at, on=on)
    if days is None:
        return Staleness(None, max(STALE_BANDS))
    for band in STALE_BANDS:
        if days >= band:
            return Staleness(days, band)
    return None


def stale_partners_queries(*, konsulent_id: int | None = None, on: date | None = None) -> list[sa.Select]:
    """Partners with no logged contact for STALE_AFTER_DAYS or more (or never), longest first: the
    never-contacted by name, then the others by their last contact. Page them as one list (``page_of``).

    Two queries rather than one ordered by "never first": each is read in order from an index on
    (konsulent, status, last contact, sort key), so a page costs the same at any register size
    (names in Danish order through the sort key, crm/sorting.py, as the company list sorts them).
    ``konsulent_id`` limits the list to one konsulent's companies; None means all.
    """
    on = on or today()
    # The cut-off is the start of the Danish day STALE_AFTER_DAYS ago, in naive UTC.
    start_of_day = datetime.combine(on - timedelta(days=STALE_AFTER_DAYS - 1), datetime.min.time(),
                                    tzinfo=DANISH_TZ)
    cutoff = start_of_day.astimezone(UTC).replace(tzinfo=None)
    partners = (sa.select(Company).where(Company.status == PartnershipStatus.PARTNER.value)
                .options(selectinload(Company.konsulent)))  # the list names each one's konsulent
    if konsulent_id is not None:
        partners = partners.where(Company.konsulent_id == konsulent_id)
    return [partners.where(Company.last_contact_at.is_(None)).order_by(Company.sort_key, Company.id),
            partners.where(Company.last_contact_at < cutoff)
            .order_by(Company.last_contact_at, Company.sort_key, Company.id)]


def with_staleness(companies, *, on: date | None = None) -> list[tuple[Company, Staleness]]:
    """Pair each company of a stale_partners_queries page with its staleness flag."""
    return [(company, staleness(company, on=on)) for company in companies]


def stale_partners(*, konsulent_id: int | None = None, on: date | None = None) \
        -> list[tuple[Company, Staleness]]:
    """All of stale_partners_queries as (company, flag) pairs; pages use the queries themselves."""
    return with_staleness([company for query in stale_partners_queries(konsulent_id=konsulent_id, on=on)
                           for company in db.session.scalars(query)], on=on)


def stale_partner_counts(*, konsulent_id: int | None = None, on: date | None = None) -> list[int]:
    """How many rows each of stale_partners_queries has (the never contacted, the others): counted
    over their index once per register version and day, then taken from ``REGISTER_COUNTS``."""
    on = on or today()

    def count() -> tuple[int, ...]:
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
                     for query in stale_partners_queries(konsulent_id=konsulent_id, on=on))

    return list(REGISTER_COUNTS.get_or_make(("stale_partners", konsulent_id, on), count))


def count_stale_partners(*, konsulent_id: int | None = None, on: date | None = None) -> int:
    """How many partners are stale (all, or one konsulent's)."""
    return sum(stale_partner_counts(konsulent_id=konsulent_id, on=on))


# --- the partnership agreement --------------------------------------------------------------

# A renewal this close (days) is flagged on the company page, so there is time to meet about it.
RENEWAL_SOON_DAYS = 60


@dataclass(frozen=True)
class RenewalState:
    overdue: bool
    label: str


def renewal_state(company: Company, *, on: date | None = None) -> RenewalState | None:
    """Flag an agreement whose renewal date has passed or is within RENEWAL_SOON_DAYS."""
    if company.agreement_renewal is None:
        return None
    days = (company.agreement_renewal - (on or today())).days
    if days < 0:
        return RenewalState(True, ngettext("Fornyelsen er overskredet med %(num)s dag",
                                           "Fornyelsen er overskredet med %(num)s dage", -days))
    if days <= RENEWAL_SOON_DAYS:
        return RenewalState(False, _("Fornyes i dag") if days == 0 else ngettext(
            "Fornyes om %(num)s dag", "Fornyes om %(num)s dage", days))
    return None
