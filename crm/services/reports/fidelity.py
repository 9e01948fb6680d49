"""The IPS fidelity figures vejledere steer by: caseload, employer contacts, first contact, job
starts, efterværn cadence and retention. Counting rules as in ``figures``."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Borger, Company, ContactLogEntry, Opening, OutcomeEvent, Placement, Programme, Task, User
from crm.models.borger import Phase
from crm.services.reports.figures import COMPETITIVE_STARTS, JOB_STARTS, RETENTION_STARTS, K
from crm.timeutil import local_to_utc, to_local, today

# IPS fidelity goals (DOMAIN.md / the IPS fidelity scale).
F2F_CONTACTS_GOAL = 6  # face-to-face employer contacts per vejleder per week, at least
F2F_WEEKS = 4  # averaged over the last four full weeks (Monday to Sunday)
FIRST_CONTACT_DAYS_GOAL = 30  # days from enrolment to the first employer contact, at most
COMPETITIVE_SHARE_GOAL = 95  # % of job starts that are ordinary paid jobs, at least
DIVERSITY_GOAL = 85  # % different employers / job types among job starts, at least
# House goal: efterværn contacts done on time (no number in the IPS scale; adjust here).
CADENCE_GOAL = 90
CADENCE_GRACE_DAYS = 2  # a follow-along task done up to two days after its due date is on time


def _programme_vejledere(programme: Programme) -> sa.Subquery:
    """Vejledere with at least one active borger in the programme, as a subquery (vejleder_id)."""
    return (sa.select(Borger.vejleder_id).where(Borger.programme_id == programme.id, Borger.phase != Phase.AFSLUTTET)
            .distinct().subquery())


def programme_vejleder_ids(programme: Programme) -> list[int]:
    """Vejledere with at least one active borger in the programme."""
    return sorted(db.session.scalars(sa.select(_programme_vejledere(programme).c.vejleder_id)))


def count_programme_vejledere(programme: Programme) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_programme_vejledere(programme)))


def _names(user_ids) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(
        db.session.execute(sa.select(User.id, User.name).where(User.id.in_(list(user_ids)))).tuples().all()
    )


@dataclass
class VejlederFigure:
    vejleder_id: int
    name: str
    value: float
    goal: float
    ok: bool


def _vejleder_figures(query: sa.Select, missed, *, limit: int | None) -> sa.Select:
    """Order per-vejleder rows (id, name, value) the way the dashboard shows them: those who miss the
    goal first, then by name; ``limit`` keeps the first rows (the rest are counted, not listed)."""
    query = query.order_by(missed.desc(), User.name, User.id)
    return query.limit(limit) if limit is not None else query


def caseload_per_vejleder(programme: Programme, *, limit: int | None = None) -> list[VejlederFigure]:
    """Each programme vejleder's whole active caseload (all programmes: the IPS norm is about the
    person's total load) against the programme's caseload norm; ok when ≤ the norm. Those over the
    norm first, then by name; one query, counted in the database."""
    norm = programme.caseload_norm
    counts = (sa.select(Borger.vejleder_id, sa.func.count().label("n"))
              .where(Borger.vejleder_id.in_(sa.select(_programme_vejledere(programme).c.vejleder_id)),
                     Borger.phase != Phase.AFSLUTTET)
              .group_by(Borger.vejleder_id).subquery())
    query = sa.select(User.id, User.name, counts.c.n).join(counts, counts.c.vejleder_id == User.id)
    rows = db.session.execute(_vejleder_figures(query, sa.case((counts.c.n > norm, 1), else_=0),
                                                limit=limit)).tuples()
    return [VejlederFigure(v, name, n, norm, n <= norm) for v, name, n in rows]


def caseload_ids(vejleder_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Borger.id).where(Borger.vejleder_id == vejleder_id, Borger.phase != Phase.AFSLUTTET)
        )
    )


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def full_weeks_window(as_of: date, weeks: int) -> tuple[date, date]:
    """The last ``weeks`` full Monday–Sunday weeks before ``as_of``'s week: (first day, last day)."""
    end = week_start(as_of) - timedelta(days=1)
    return end - timedelta(days=7 * weeks - 1), end


def _utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The naive-UTC instants [start of ``first``, start of the day after ``last``) in Danish time."""
    return (local_to_utc(datetime.combine(first, time.min)),
            local_to_utc(datetime.combine(last + timedelta(days=1), time.min)))


def _f2f_query(first: date, last: date) -> sa.Select:
    """Face-to-face contacts logged between two Danish dates (the log stores naive UTC)."""
    start, end = _utc_bounds(first, last)
    return sa.select(ContactLogEntry).where(
        ContactLogEntry.face_to_face.is_(True), ContactLogEntry.at >= start, ContactLogEntry.at < end)


def f2f_contacts(user_id: int, first: date, last: date) -> list[ContactLogEntry]:
    """Face-to-face employer contacts logged by the user between two dates (Danish local dates)."""
    return list(db.session.scalars(
        _f2f_query(first, last).where(ContactLogEntry.user_id == user_id).order_by(ContactLogEntry.at)))


def f2f_contact_counts(user_ids, first: date, last: date) -> dict[int, int]:
    """Face-to-face contacts per user between two Danish dates, in one query whatever the number of users."""
    ids = list(user_ids)
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    counts.update(db.session.execute(
        _f2f_query(first, last).with_only_columns(ContactLogEntry.user_id, sa.func.count())
        .where(ContactLogEntry.user_id.in_(ids)).group_by(ContactLogEntry.user_id)).tuples())
    return counts


def f2f_contacts_per_week(
    programme: Programme, *, as_of: date | None = None, weeks: int = F2F_WEEKS, limit: int | None = None
) -> list[VejlederFigure]:
    """Face-to-face employer contacts per programme vejleder per week, averaged over the last
    ``weeks`` full weeks; ok when ≥ 6 (IPS fidelity). Those below the goal first, then by name;
    one query, counted in the database."""
    as_of = as_of or today()
    first, last = full_weeks_window(as_of, weeks)
    vejledere = _programme_vejledere(programme)
    counts = (_f2f_query(first, last).with_only_columns(ContactLogEntry.user_id, sa.func.count().label("n"))
              .where(ContactLogEntry.user_id.in_(sa.select(vejledere.c.vejleder_id)))
              .group_by(ContactLogEntry.user_id).subquery())
    n = sa.func.coalesce(counts.c.n, 0)
    query = (sa.select(User.id, User.name, n).join(vejledere, vejledere.c.vejleder_id == User.id)
             .outerjoin(counts, counts.c.user_id == User.id))
    rows = db.session.execute(_vejleder_figures(query, sa.case((n < F2F_CONTACTS_GOAL * weeks, 1), else_=0),
                                                limit=limit)).tuples()
    return [VejlederFigure(v, name, count / weeks, F2F_CONTACTS_GOAL, count / weeks >= F2F_CONTACTS_GOAL)
            for v, name, count in rows]


@dataclass
class FirstContact:
    borger_id: int
    enrolled_on: date
    contact_on: date | None
    days: int  # to the first contact, or so far without one

    @property
    def waiting(self) -> bool:
        return self.contact_on is None


def _first_contact_query(programme: Programme, vejleder_id: int | None) -> tuple[sa.Select, sa.ColumnElement]:
    """The programme's borgere (id, enrolled_on, phase) with their first employer contact's date."""
    query = sa.select(Borger.id, Borger.enrolled_on, Borger.phase).where(Borger.programme_id == programme.id)
    if vejleder_id is not None:
        query = query.where(Borger.vejleder_id == vejleder_id)
    firsts = (sa.select(OutcomeEvent.borger_id, sa.func.min(OutcomeEvent.on_date).label("on_date"))
              .where(OutcomeEvent.kind == K.FIRST_EMPLOYER_CONTACT,
                     OutcomeEvent.borger_id.in_(query.with_only_columns(Borger.id)))
              .group_by(OutcomeEvent.borger_id).subquery())
    return (query.add_columns(firsts.c.on_date).outerjoin(firsts, firsts.c.borger_id == Borger.id),
            firsts.c.on_date)


def first_contacts(
    programme: Programme, *, as_of: date | None = None, vejleder_id: int | None = None,
    waiting: bool | None = None,
) -> list[FirstContact]:
    """Per borger in the programme: days from enrolment to the first employer contact, or days so
    far without one (borgere who ended without contact are left out of the waiting list).
    ``waiting``: only those still waiting (True) or only those who have had one (False)."""
    as_of = as_of or today()
    query, contact_on = _first_contact_query(programme, vejleder_id)
    if waiting is not None:
        query = query.where(contact_on.is_(None) if waiting else contact_on.is_not(None))
    result = []
    for bid, enrolled_on, phase, contact in db.session.execute(query).tuples():
        if contact is None and phase == Phase.AFSLUTTET:
            continue
        days = ((contact or as_of) - enrolled_on).days
        result.append(FirstContact(bid, enrolled_on, contact, days))
    return sorted(result, key=lambda f: -f.days if f.waiting else f.days)


def count_waiting_for_first_contact(programme: Programme) -> int:
    """Active borgere of the programme without an employer contact yet, counted in the database."""
    query, contact_on = _first_contact_query(programme, None)
    query = query.where(contact_on.is_(None), Borger.phase != Phase.AFSLUTTET)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def median_days_to_first_contact(
    programme: Programme, *, as_of: date | None = None, vejleder_id: int | None = None
) -> float | None:
    """Median days from enrolment to first employer contact over borgere who have had one
    (goal ≤ 30); None when nobody has."""
    days = [f.days for f in first_contacts(programme, as_of=as_of, vejleder_id=vejleder_id) if not f.waiting]
    return statistics.median(days) if days else None


@dataclass
class Ratio:
    """A share with what it is made of: ``numerator`` of ``denominator`` (items, not always borgere)."""

    numerator: int
    denominator: int
    goal: float | None
    borger_ids: set[int] = field(default_factory=set)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.numerator / self.denominator if self.denominator else None

    @property
    def ok(self) -> bool | None:
        if self.percent is None or self.goal is None:
            return None
        return self.percent >= self.goal


def first_contact_within_goal(programme: Programme, *, as_of: date | None = None,
                              contacts: list[FirstContact] | None = None) -> Ratio:
    """Borgere whose first employer contact came within 30 days of enrolment, of those who have had one.
    ``contacts``: first_contacts(programme, as_of=as_of) when the caller has it already."""
    if contacts is None:
        contacts = first_contacts(programme, as_of=as_of)
    done = [f for f in contacts if not f.waiting]
    within = {f.borger_id for f in done if f.days <= FIRST_CONTACT_DAYS_GOAL}
    return Ratio(len(within), len(done), None, within)


def _job_start_rows(programme: Programme, *, as_of: date):
    return (
        db.session.execute(
            sa.select(
                OutcomeEvent.borger_id,
                OutcomeEvent.kind,
                OutcomeEvent.company_id,
                Opening.title,
                Opening.occupation,
                Company.industry_code,
            )
            .outerjoin(Placement, Placement.id == OutcomeEvent.placement_id)
            .outerjoin(Opening, Opening.id == Placement.opening_id)
            .outerjoin(Company, Company.id == OutcomeEvent.company_id)
            .where(
                OutcomeEvent.programme_id == programme.id,
                OutcomeEvent.kind.in_(JOB_STARTS),
                OutcomeEvent.on_date <= as_of,
            )
        )
        .tuples()
        .all()
    )


def competitive_share(programme: Programme, *, as_of: date | None = None) -> Ratio:
    """Job starts that are competitive (ordinary paid jobs) of all job starts (ordinary, flexjob,
    løntilskud); counted in starts; goal ≥ 95 %."""
    rows = _job_start_rows(programme, as_of=as_of or today())
    ordinary = [r for r in rows if r[1] in COMPETITIVE_STARTS]
    return Ratio(len(ordinary), len(rows), COMPETITIVE_SHARE_GOAL, {r[0] for r in rows})


def employer_diversity(programme: Programme, *, as_of: date | None = None) -> Ratio:
    """Different employers among job starts: distinct companies / job starts; goal ≥ 85 %."""
    rows = _job_start_rows(programme, as_of=as_of or today())
    companies = {r[2] if r[2] is not None else f"ukendt-{i}" for i, r in enumerate(rows)}
    return Ratio(len(companies), len(rows), DIVERSITY_GOAL, {r[0] for r in rows})


def _job_type(row, i: int) -> str:
    """A start's job type: the opening's occupation or title; without an opening (job development)
    the company's industry code; failing both the start counts as a type of its own."""
    _, _, _, title, occupation, industry = row
    for value in (occupation, title, industry):
        if value and value.strip():
            return value.strip().casefold()
    return f"ukendt-{i}"


def job_type_diversity(programme: Programme, *, as_of: date | None = None) -> Ratio:
    """Different job types among job starts: distinct job types / job starts; goal ≥ 85 %."""
    rows = _job_start_rows(programme, as_of=as_of or today())
    types = {_job_type(r, i) for i, r in enumerate(rows)}
    return Ratio(len(types), len(rows), DIVERSITY_GOAL, {r[0] for r in rows})


def follow_along_cadence(programme: Programme, *, as_of: date | None = None) -> Ratio:
    """Efterværn follow-along tasks (``Task.eftervaern``) due by ``as_of`` for the programme's
    borgere that were done on or before their due date + 2 days; counted in tasks; goal ≥ 90 %."""
    as_of = as_of or today()
    tasks = (
        db.session.execute(
            sa.select(Task.borger_id, Task.due, Task.done, Task.done_at)
            .join(Borger, Borger.id == Task.borger_id)
            .where(
                Borger.programme_id == programme.id,
                Task.eftervaern.is_(True),
                Task.due <= as_of,
            )
        )
        .tuples()
        .all()
    )
    kept, missed = 0, set()
    for borger_id, due, done, done_at in tasks:
        if (
            done
            and done_at is not None
            and to_local(done_at).date() <= due + timedelta(days=CADENCE_GRACE_DAYS)
        ):
            kept += 1
        else:
            missed.add(borger_id)
    return Ratio(kept, len(tasks), CADENCE_GOAL, missed)


def retention(programme: Programme, weeks: int, *, as_of: date | None = None) -> Ratio:
    """Borgere still in job/education ``weeks`` (13 or 26) after the start: borgere with a
    retained_13w/26w outcome, of borgere whose first start in job or education is at least that
    many weeks old. Counted in borgere; no fixed IPS goal."""
    as_of = as_of or today()
    kind = {13: K.RETAINED_13W, 26: K.RETAINED_26W}[weeks]
    cutoff = as_of - timedelta(weeks=weeks)
    started = set(
        db.session.scalars(
            sa.select(OutcomeEvent.borger_id)
            .where(
                OutcomeEvent.programme_id == programme.id,
                OutcomeEvent.kind.in_(RETENTION_STARTS),
                OutcomeEvent.on_date <= cutoff,
            )
            .distinct()
        )
    )
    retained = (
        set(
            db.session.scalars(
                sa.select(OutcomeEvent.borger_id)
                .where(
                    OutcomeEvent.programme_id == programme.id,
                    OutcomeEvent.kind == kind,
                    OutcomeEvent.on_date <= as_of,
                )
                .distinct()
            )
        )
        & started
    )
    return Ratio(len(retained), len(started), None, retained)

