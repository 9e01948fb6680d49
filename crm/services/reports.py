"""The figures a programme is judged by, and the IPS fidelity figures vejledere steer by.

One pure function per figure, each over database queries and an ``as_of`` date, so tests can
call them one by one on a hand-built data set. Nothing here writes.

Counting rules shared by all figures:

- A programme's borgere are the borgere whose ``programme_id`` is the programme ("enrolled").
  "Active" means not in phase afsluttet.
- An outcome counts for a programme when its OutcomeEvent carries the programme's id (the
  programme the borger was in when it happened). Targets count *distinct borgere* reaching the
  outcome; a share target divides that count by the enrolled borgere.
- Job starts are ordinary job, flexjob and løntilskud starts (the pipeline records them by the
  opening's kind). Praktik is a stepping stone, not a job start.

Privacy (DOMAIN.md, issue 6): anyone but an admin sees aggregates only, and a count from 1 to 4 is
shown as "<5" (``mask_count`` is the one place that decides this, for the page, the printable
page and the exports alike).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from crm.extensions import db
from crm.models import (
    Borger,
    Company,
    ContactLogEntry,
    Opening,
    OutcomeEvent,
    Placement,
    Programme,
    Task,
    User,
)
from crm.models.borger import Phase
from crm.models.programme import OutcomeKind, ProgrammeTarget
from crm.timeutil import to_local, today
from crm.validators import parse_id

K = OutcomeKind

# Counts from 1 to this are hidden from anyone but admins (0 may show: it identifies nobody).
SMALL_COUNT_LIMIT = 4
MASKED = "<5"

# Composite outcome codes that targets may name (besides any single OutcomeKind).
# IPS counts competitive work: ordinary paid jobs and flexjob (ordinary pay, reduced hours), plus
# education. Løntilskud is a subsidised job, not competitive, so it is not "job or education".
COMPOSITE_OUTCOMES: dict[str, tuple[str, frozenset[str]]] = {
    "job_or_education": (
        "Job eller uddannelse",
        frozenset({K.ORDINARY_JOB_START, K.FLEXJOB_START, K.EDUCATION_START}),
    ),
    # Job in mind: moved on to an employment-oriented offer after the clarification course.
    "onward": (
        "Videre i beskæftigelsesrettet tilbud",
        frozenset(
            {
                K.PRAKTIK_START,
                K.LOENTILSKUD_START,
                K.FLEXJOB_CLARIFIED,
                K.FLEXJOB_START,
                K.ORDINARY_JOB_START,
                K.EDUCATION_START,
            }
        ),
    ),
    "ordinary_hours": ("Ordinære timer", frozenset({K.ORDINARY_JOB_START})),
    # Rum til os: ordinary paid work, løntimer and flexjob.
    "ordinary_job": (
        "Ordinært lønnet arbejde (inkl. fleksjob)",
        frozenset({K.ORDINARY_JOB_START, K.FLEXJOB_START}),
    ),
    "education": ("Uddannelse", frozenset({K.EDUCATION_START})),
    "praktik": ("Virksomhedspraktik", frozenset({K.PRAKTIK_START})),
    "enrolled": ("Indskrevne borgere", frozenset()),
}
JOB_STARTS = frozenset({K.ORDINARY_JOB_START, K.FLEXJOB_START, K.LOENTILSKUD_START})
# Retention is asked after every start in job or education (the efterværn tasks).
RETENTION_STARTS = JOB_STARTS | {K.EDUCATION_START}

# IPS fidelity goals (DOMAIN.md / the IPS fidelity scale).
F2F_CONTACTS_GOAL = 6  # face-to-face employer contacts per vejleder per week, at least
F2F_WEEKS = 4  # averaged over the last four full weeks (Monday to Sunday)
FIRST_CONTACT_DAYS_GOAL = 30  # days from enrolment to the first employer contact, at most
COMPETITIVE_SHARE_GOAL = 95  # % of job starts that are ordinary paid jobs, at least
DIVERSITY_GOAL = 85  # % different employers / job types among job starts, at least
# House goal: efterværn contacts done on time (no number in the IPS scale; adjust here).
CADENCE_GOAL = 90
CADENCE_GRACE_DAYS = 2  # a follow-along task done up to two days after its due date is on time
FOLLOW_ALONG_PREFIX = "Efterværn:"


def mask_count(count: int | None, *, full: bool) -> int | str | None:
    """Return ``count`` as it may be shown: ``"<5"`` for 1–4 unless the viewer sees full figures.

    The one place that hides small counts; every page and export goes through it.
    """
    if count is None or full or count == 0 or count > SMALL_COUNT_LIMIT:
        return count
    return MASKED


def sees_full_figures(user) -> bool:
    """Only admins see programme figures unmasked; everyone else sees aggregates with small counts hidden."""
    return user.is_authenticated and user.role == "admin"


def outcome_label(code: str) -> str:
    if code in COMPOSITE_OUTCOMES:
        return COMPOSITE_OUTCOMES[code][0]
    try:
        return OutcomeKind(code).label
    except ValueError:
        return code


def outcome_kinds(code: str) -> frozenset[str]:
    """The OutcomeKinds a target's outcome code counts (a composite or a single kind)."""
    if code in COMPOSITE_OUTCOMES:
        return COMPOSITE_OUTCOMES[code][1]
    return frozenset({OutcomeKind(code)})


# --- enrolment ------------------------------------------------------------------------------------


def enrolled_ids(programme: Programme) -> set[int]:
    """Ids of every borger enrolled in the programme (active or ended)."""
    return set(db.session.scalars(sa.select(Borger.id).where(Borger.programme_id == programme.id)))


def enrolled_count(programme: Programme) -> int:
    """Borgere ever enrolled in the programme."""
    return len(enrolled_ids(programme))


def active_ids(programme: Programme) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Borger.id).where(Borger.programme_id == programme.id, Borger.phase != Phase.AFSLUTTET)
        )
    )


def active_count(programme: Programme) -> int:
    """Borgere in the programme whose course has not ended (phase other than afsluttet)."""
    return len(active_ids(programme))


def phase_ids(programme: Programme, phase: str) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Borger.id).where(Borger.programme_id == programme.id, Borger.phase == phase)
        )
    )


def phase_counts(programme: Programme) -> dict[Phase, int]:
    """Borgere in the programme per phase, every phase listed (0 when none)."""
    rows = (
        db.session.execute(
            sa.select(Borger.phase, sa.func.count())
            .where(Borger.programme_id == programme.id)
            .group_by(Borger.phase)
        )
        .tuples()
        .all()
    )
    found = dict(rows)
    return {phase: found.get(phase, 0) for phase in Phase}


# --- targets ----------------------------------------------------------------------------------------


def outcome_borger_ids(programme: Programme, code: str, *, as_of: date | None = None) -> set[int]:
    """Distinct borgere who reached the outcome (composite or single kind) in the programme by ``as_of``."""
    if code == "enrolled":
        return enrolled_ids(programme)
    as_of = as_of or today()
    return set(
        db.session.scalars(
            sa.select(OutcomeEvent.borger_id)
            .where(
                OutcomeEvent.programme_id == programme.id,
                OutcomeEvent.kind.in_(outcome_kinds(code)),
                OutcomeEvent.on_date <= as_of,
            )
            .distinct()
        )
    )


def elapsed_share(programme: Programme, as_of: date) -> float | None:
    """How much of the programme period has passed, in [0, 1]; None without a start and end date."""
    if programme.starts_on is None or programme.ends_on is None or programme.ends_on <= programme.starts_on:
        return None
    total = (programme.ends_on - programme.starts_on).days
    passed = (as_of - programme.starts_on).days
    return min(1.0, max(0.0, passed / total))


@dataclass
class TargetProgress:
    target: ProgrammeTarget
    count: int  # distinct borgere reaching the outcome
    value: float | None  # the count, or for a share goal the share in % (None: nobody enrolled)
    expected: float | None  # what the value should be by now to be on track
    met: bool | None  # the final goal is reached
    on_track: bool | None  # None when it cannot be judged (no borgere enrolled)
    borger_ids: set[int] = field(default_factory=set)


def target_progress(
    programme: Programme, target: ProgrammeTarget, *, as_of: date | None = None
) -> TargetProgress:
    """Current value of one target and whether it is on track.

    Rule: a *count* goal is on track when count ≥ goal × the elapsed share of the programme period
    (a programme without an end date is compared with the whole goal). A *share* goal (in % of
    enrolled borgere) is compared directly: value ≥ goal, whatever the date, since a share does not
    grow with time the way a count does.
    """
    as_of = as_of or today()
    ids = outcome_borger_ids(programme, target.outcome, as_of=as_of)
    count = len(ids)
    if target.goal_kind == "share":
        enrolled = enrolled_count(programme)
        if not enrolled:
            return TargetProgress(target, count, None, target.goal, None, None, ids)
        value = 100.0 * count / enrolled
        met = value >= target.goal
        return TargetProgress(target, count, value, float(target.goal), met, met, ids)
    elapsed = elapsed_share(programme, as_of)
    expected = target.goal * (1.0 if elapsed is None else elapsed)
    return TargetProgress(target, count, float(count), expected, count >= target.goal, count >= expected, ids)


def targets_progress(programme: Programme, *, as_of: date | None = None) -> list[TargetProgress]:
    return [target_progress(programme, t, as_of=as_of) for t in programme.targets]


# --- outcomes over time --------------------------------------------------------------------------

# The series drawn in the chart: label → outcome kinds (events counted per month).
TIME_SERIES = (
    ("Første arbejdsgiverkontakt", frozenset({K.FIRST_EMPLOYER_CONTACT})),
    ("Praktik eller løntilskud", frozenset({K.PRAKTIK_START, K.LOENTILSKUD_START})),
    ("Job eller uddannelse", COMPOSITE_OUTCOMES["job_or_education"][1]),
)
CHART_MONTHS = 12


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _add_month(day: date, n: int = 1) -> date:
    year, month = divmod(day.month - 1 + n, 12)
    return date(day.year + year, month + 1, 1)


def outcomes_by_month(
    programme: Programme, *, as_of: date | None = None, months: int = CHART_MONTHS
) -> tuple[list[date], dict[str, list[int]]]:
    """Outcome events per calendar month for the last ``months`` months up to ``as_of`` (or the
    programme's end when it ended earlier): (month starts, {series label: counts per month}).
    Counts are events (a borger starting two jobs in a month counts twice)."""
    as_of = as_of or today()
    last = min(as_of, programme.ends_on) if programme.ends_on else as_of
    first = _add_month(_month_start(last), -(months - 1))
    month_list = [_add_month(first, i) for i in range(months)]
    rows = (
        db.session.execute(
            sa.select(OutcomeEvent.kind, OutcomeEvent.on_date).where(
                OutcomeEvent.programme_id == programme.id,
                OutcomeEvent.on_date >= first,
                OutcomeEvent.on_date <= last,
            )
        )
        .tuples()
        .all()
    )
    index = {m: i for i, m in enumerate(month_list)}
    series = {label: [0] * months for label, _ in TIME_SERIES}
    for kind, on_date in rows:
        for label, kinds in TIME_SERIES:
            if kind in kinds:
                series[label][index[_month_start(on_date)]] += 1
    return month_list, series


# --- IPS fidelity ------------------------------------------------------------------------------------


def programme_vejleder_ids(programme: Programme) -> list[int]:
    """Vejledere with at least one active borger in the programme."""
    return sorted(
        set(
            db.session.scalars(
                sa.select(Borger.vejleder_id).where(
                    Borger.programme_id == programme.id, Borger.phase != Phase.AFSLUTTET
                )
            )
        )
    )


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


def caseload_per_vejleder(programme: Programme) -> list[VejlederFigure]:
    """Each programme vejleder's whole active caseload (all programmes: the IPS norm is about the
    person's total load) against the programme's caseload norm; ok when ≤ the norm."""
    ids = programme_vejleder_ids(programme)
    if not ids:
        return []
    counts = dict(
        db.session.execute(
            sa.select(Borger.vejleder_id, sa.func.count())
            .where(Borger.vejleder_id.in_(ids), Borger.phase != Phase.AFSLUTTET)
            .group_by(Borger.vejleder_id)
        )
        .tuples()
        .all()
    )
    names = _names(ids)
    norm = programme.caseload_norm
    return [
        VejlederFigure(v, names.get(v, "?"), counts.get(v, 0), norm, counts.get(v, 0) <= norm)
        for v in sorted(ids, key=lambda i: names.get(i, ""))
    ]


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


def _f2f_query(first: date, last: date) -> sa.Select:
    # The log stores naive UTC; widen by a day each side, then filter on the local date.
    return sa.select(ContactLogEntry).where(
        ContactLogEntry.face_to_face.is_(True),
        ContactLogEntry.at >= datetime.combine(first - timedelta(days=1), time.min),
        ContactLogEntry.at < datetime.combine(last + timedelta(days=2), time.min),
    )


def f2f_contacts(user_id: int, first: date, last: date) -> list[ContactLogEntry]:
    """Face-to-face employer contacts logged by the user between two dates (Danish local dates)."""
    rows = db.session.scalars(
        _f2f_query(first, last).where(ContactLogEntry.user_id == user_id).order_by(ContactLogEntry.at)
    ).all()
    return [e for e in rows if first <= to_local(e.at).date() <= last]


def f2f_contact_counts(user_ids, first: date, last: date) -> dict[int, int]:
    """Face-to-face contacts per user between two Danish dates, in one query whatever the number of users."""
    ids = list(user_ids)
    counts = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    rows = db.session.execute(
        _f2f_query(first, last).with_only_columns(ContactLogEntry.user_id, ContactLogEntry.at)
        .where(ContactLogEntry.user_id.in_(ids))
    ).tuples()
    for user_id, at in rows:
        if first <= to_local(at).date() <= last:
            counts[user_id] += 1
    return counts


def f2f_contacts_per_week(
    programme: Programme, *, as_of: date | None = None, weeks: int = F2F_WEEKS
) -> list[VejlederFigure]:
    """Face-to-face employer contacts per programme vejleder per week, averaged over the last
    ``weeks`` full weeks; ok when ≥ 6 (IPS fidelity)."""
    as_of = as_of or today()
    first, last = full_weeks_window(as_of, weeks)
    ids = programme_vejleder_ids(programme)
    names = _names(ids)
    counts = f2f_contact_counts(ids, first, last)
    result = []
    for vid in sorted(ids, key=lambda i: names.get(i, "")):
        per_week = counts[vid] / weeks
        result.append(
            VejlederFigure(
                vid, names.get(vid, "?"), per_week, F2F_CONTACTS_GOAL, per_week >= F2F_CONTACTS_GOAL
            )
        )
    return result


@dataclass
class FirstContact:
    borger_id: int
    enrolled_on: date
    contact_on: date | None
    days: int  # to the first contact, or so far without one

    @property
    def waiting(self) -> bool:
        return self.contact_on is None


def first_contacts(
    programme: Programme, *, as_of: date | None = None, vejleder_id: int | None = None
) -> list[FirstContact]:
    """Per borger in the programme: days from enrolment to the first employer contact, or days so
    far without one (borgere who ended without contact are left out of the waiting list)."""
    as_of = as_of or today()
    query = sa.select(Borger.id, Borger.enrolled_on, Borger.phase).where(Borger.programme_id == programme.id)
    if vejleder_id is not None:
        query = query.where(Borger.vejleder_id == vejleder_id)
    borgere = db.session.execute(query).tuples().all()
    firsts = _first_contact_dates([b[0] for b in borgere])
    result = []
    for bid, enrolled_on, phase in borgere:
        contact = firsts.get(bid)
        if contact is None and phase == Phase.AFSLUTTET:
            continue
        days = ((contact or as_of) - enrolled_on).days
        result.append(FirstContact(bid, enrolled_on, contact, days))
    return sorted(result, key=lambda f: -f.days if f.waiting else f.days)


def _first_contact_dates(borger_ids: list[int]) -> dict[int, date]:
    if not borger_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(OutcomeEvent.borger_id, sa.func.min(OutcomeEvent.on_date))
            .where(
                OutcomeEvent.borger_id.in_(borger_ids),
                OutcomeEvent.kind == K.FIRST_EMPLOYER_CONTACT,
            )
            .group_by(OutcomeEvent.borger_id)
        )
        .tuples()
        .all()
    )


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


def first_contact_within_goal(programme: Programme, *, as_of: date | None = None) -> Ratio:
    """Borgere whose first employer contact came within 30 days of enrolment, of those who have had one."""
    done = [f for f in first_contacts(programme, as_of=as_of) if not f.waiting]
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
    ordinary = [r for r in rows if r[1] == K.ORDINARY_JOB_START]
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
    """Efterværn follow-along tasks (titles starting "Efterværn:") due by ``as_of`` for the programme's
    borgere that were done on or before their due date + 2 days; counted in tasks; goal ≥ 90 %."""
    as_of = as_of or today()
    tasks = (
        db.session.execute(
            sa.select(Task.borger_id, Task.due, Task.done, Task.done_at)
            .join(Borger, Borger.id == Task.borger_id)
            .where(
                Borger.programme_id == programme.id,
                Task.title.startswith(FOLLOW_ALONG_PREFIX),
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


# --- presentation: the dashboard as tables of display text (page, print and exports) ----------

NOT_AVAILABLE = "–"
STATUS_MET = "Opfyldt"
STATUS_ON_TRACK = "På sporet"
STATUS_BEHIND = "Bagud"
STATUS_OK = "Opfylder målet"
STATUS_NOT_OK = "Under målet"


def format_number(value: float | int | None, *, decimals: int = 1) -> str:
    """Danish number text: 20, 6,5 (comma decimal); "–" for None."""
    if value is None:
        return NOT_AVAILABLE
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{decimals}f}".replace(".", ",")


def format_percent(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{format_number(round(value, 1))} %"


def _shown(count: int, full: bool) -> str:
    return str(mask_count(count, full=full))


def _hidden(count: int, full: bool) -> bool:
    return mask_count(count, full=full) == MASKED


@dataclass
class Row:
    cells: list[str]
    drill: str | None = None  # key of the drill-down page behind the row's figure
    status: str | None = None  # "ok", "behind" or None: a CSS hint, also given as text in a cell


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[Row]
    note: str = ""


def _status(
    ok: bool | None, hidden: bool, yes: str = STATUS_OK, no: str = STATUS_NOT_OK
) -> tuple[str, str | None]:
    if hidden or ok is None:
        return NOT_AVAILABLE, None
    return (yes, "ok") if ok else (no, "behind")


def overview_table(programme: Programme, *, full: bool) -> Table:
    rows = [
        Row(["Indskrevne borgere", _shown(enrolled_count(programme), full)], "enrolled"),
        Row(["Aktive borgere", _shown(active_count(programme), full)], "active"),
    ]
    rows += [
        Row([f"Fase: {phase.label}", _shown(n, full)], f"phase:{phase.value}")
        for phase, n in phase_counts(programme).items()
    ]
    return Table("overblik", "Overblik", ["Figur", "Antal borgere"], rows)


def _goal_text(target: ProgrammeTarget) -> str:
    return (
        f"≥ {format_number(target.goal)} %"
        if target.goal_kind == "share"
        else f"{format_number(target.goal)}"
    )


def targets_table(programme: Programme, *, full: bool, as_of: date | None = None) -> Table:
    rows = []
    for p in targets_progress(programme, as_of=as_of):
        t = p.target
        # A share reveals its count when the enrolment is known, so it hides with it.
        hidden = _hidden(p.count, full) or (
            t.goal_kind == "share" and _hidden(enrolled_count(programme), full)
        )
        if t.goal_kind == "share":
            value = NOT_AVAILABLE if hidden else format_percent(p.value)
            expected = format_percent(p.expected)
        else:
            value = _shown(p.count, full)
            expected = format_number(p.expected)
        if p.met:
            status, css = _status(True, hidden, yes=STATUS_MET)
        else:
            status, css = _status(p.on_track, hidden, yes=STATUS_ON_TRACK, no=STATUS_BEHIND)
        rows.append(
            Row(
                [t.label, value, _shown(p.count, full), _goal_text(t), expected, status],
                f"target:{t.id}",
                css,
            )
        )
    return Table(
        "maal",
        "Mål",
        ["Mål", "Resultat", "Borgere", "Mål", "Forventet nu", "Status"],
        rows,
        note="Et antal er på sporet, når det er mindst målet gange den del af perioden, der er gået. "
        "En andel sammenlignes direkte med målet.",
    )


def month_label(month: date) -> str:
    return f"{month.month:02d}.{month.year}"


def timeline_table(programme: Programme, *, full: bool, as_of: date | None = None) -> Table:
    months, series = outcomes_by_month(programme, as_of=as_of)
    rows = [
        Row([month_label(m), *[_shown(series[label][i], full) for label, _ in TIME_SERIES]])
        for i, m in enumerate(months)
    ]
    return Table(
        "udvikling",
        "Resultater pr. måned",
        ["Måned", *[label for label, _ in TIME_SERIES]],
        rows,
        note="Antal hændelser pr. måned.",
    )


def caseload_table(programme: Programme, *, full: bool) -> Table:
    rows = []
    for f in caseload_per_vejleder(programme):
        hidden = _hidden(int(f.value), full)
        status, css = _status(f.ok, hidden)
        rows.append(
            Row([f.name, _shown(int(f.value), full), f"≤ {f.goal}", status], f"caseload:{f.vejleder_id}", css)
        )
    return Table(
        "sagsstamme",
        "Sagsstamme pr. vejleder",
        ["Vejleder", "Aktive borgere", "Norm", "Status"],
        rows,
        note="Vejlederens samlede aktive sagsstamme, på tværs af indsatser.",
    )


def contacts_table(programme: Programme, *, as_of: date | None = None) -> Table:
    """Employer contacts are the vejleders' own work, not borger data: shown unmasked."""
    rows = []
    for f in f2f_contacts_per_week(programme, as_of=as_of):
        status, css = _status(f.ok, False)
        rows.append(
            Row(
                [f.name, format_number(f.value), f"≥ {F2F_CONTACTS_GOAL}", status],
                f"contacts:{f.vejleder_id}",
                css,
            )
        )
    return Table(
        "kontakter",
        "Arbejdsgiverkontakter ansigt til ansigt pr. uge",
        ["Vejleder", "Pr. uge", "Mål", "Status"],
        rows,
        note=f"Gennemsnit over de seneste {F2F_WEEKS} hele uger (mandag–søndag).",
    )


def _ratio_row(label: str, ratio: Ratio, goal_text: str, drill: str | None, full: bool) -> Row:
    hidden = _hidden(ratio.numerator, full) or _hidden(ratio.denominator, full)
    status, css = _status(ratio.ok, hidden)
    value = NOT_AVAILABLE if hidden else format_percent(ratio.percent)
    return Row(
        [label, value, _shown(ratio.numerator, full), _shown(ratio.denominator, full), goal_text, status],
        drill,
        css,
    )


def fidelity_table(programme: Programme, *, full: bool, as_of: date | None = None) -> Table:
    contacts = first_contacts(programme, as_of=as_of)
    done = [f for f in contacts if not f.waiting]
    median = statistics.median([f.days for f in done]) if done else None
    hidden = _hidden(len(done), full)
    status, css = _status(None if median is None else median <= FIRST_CONTACT_DAYS_GOAL, hidden)
    waiting = len(contacts) - len(done)
    rows = [
        Row(
            [
                "Dage fra indskrivning til første arbejdsgiverkontakt (median)",
                NOT_AVAILABLE if hidden else format_number(median),
                _shown(len(done), full),
                NOT_AVAILABLE,
                f"≤ {FIRST_CONTACT_DAYS_GOAL}",
                status,
            ],
            "first_contact",
            css,
        ),
        _ratio_row(
            f"Første arbejdsgiverkontakt inden for {FIRST_CONTACT_DAYS_GOAL} dage",
            first_contact_within_goal(programme, as_of=as_of),
            NOT_AVAILABLE,
            "first_contact",
            full,
        ),
        Row(
            [
                "Borgere uden arbejdsgiverkontakt endnu",
                _shown(waiting, full),
                _shown(waiting, full),
                NOT_AVAILABLE,
                NOT_AVAILABLE,
                NOT_AVAILABLE,
            ],
            "no_contact",
        ),
        _ratio_row(
            "Konkurrenceudsatte job blandt jobstarter",
            competitive_share(programme, as_of=as_of),
            f"≥ {COMPETITIVE_SHARE_GOAL} %",
            "job_starts",
            full,
        ),
        _ratio_row(
            "Forskellige arbejdsgivere blandt jobstarter",
            employer_diversity(programme, as_of=as_of),
            f"≥ {DIVERSITY_GOAL} %",
            "job_starts",
            full,
        ),
        _ratio_row(
            "Forskellige jobtyper blandt jobstarter",
            job_type_diversity(programme, as_of=as_of),
            f"≥ {DIVERSITY_GOAL} %",
            "job_starts",
            full,
        ),
        _ratio_row(
            "Efterværnskontakter holdt til tiden",
            follow_along_cadence(programme, as_of=as_of),
            f"≥ {CADENCE_GOAL} %",
            "cadence_missed",
            full,
        ),
        _ratio_row(
            "Stadig i job/uddannelse efter 13 uger",
            retention(programme, 13, as_of=as_of),
            NOT_AVAILABLE,
            "retained_13",
            full,
        ),
        _ratio_row(
            "Stadig i job/uddannelse efter 26 uger",
            retention(programme, 26, as_of=as_of),
            NOT_AVAILABLE,
            "retained_26",
            full,
        ),
    ]
    return Table(
        "fidelity",
        "IPS-fidelity",
        ["Figur", "Værdi", "Antal", "Ud af", "Mål", "Status"],
        rows,
        note="Jobstarter er ordinære job, fleksjob og løntilskud. Efterværnskontakter tæller som holdt, "
        f"når opgaven er løst senest {CADENCE_GRACE_DAYS} dage efter fristen.",
    )


def dashboard_tables(programme: Programme, *, full: bool, as_of: date | None = None) -> list[Table]:
    """Every table of the programme dashboard as display text, masked for the viewer.

    The page, the printable page and both exports show exactly these cells.
    """
    as_of = as_of or today()
    return [
        overview_table(programme, full=full),
        targets_table(programme, full=full, as_of=as_of),
        timeline_table(programme, full=full, as_of=as_of),
        caseload_table(programme, full=full),
        contacts_table(programme, as_of=as_of),
        fidelity_table(programme, full=full, as_of=as_of),
    ]


# --- drill-down: the borgere behind a figure -------------------------------------------------------


def figure_borger_ids(programme: Programme, key: str, *, as_of: date | None = None) -> set[int] | None:
    """The borgere behind a dashboard figure (``Row.drill``); None for an unknown key."""
    as_of = as_of or today()
    kind, _, arg = key.partition(":")
    if kind == "enrolled":
        return enrolled_ids(programme)
    if kind == "active":
        return active_ids(programme)
    if kind == "phase" and arg in set(Phase):
        return phase_ids(programme, arg)
    if kind == "target" and parse_id(arg) is not None:
        target = next((t for t in programme.targets if t.id == parse_id(arg)), None)
        return None if target is None else outcome_borger_ids(programme, target.outcome, as_of=as_of)
    if kind == "caseload" and parse_id(arg) is not None:
        return caseload_ids(parse_id(arg)) if parse_id(arg) in programme_vejleder_ids(programme) else None
    if kind == "first_contact":
        return {f.borger_id for f in first_contacts(programme, as_of=as_of) if not f.waiting}
    if kind == "no_contact":
        return {f.borger_id for f in first_contacts(programme, as_of=as_of) if f.waiting}
    if kind == "job_starts":
        return competitive_share(programme, as_of=as_of).borger_ids
    if kind == "cadence_missed":
        return follow_along_cadence(programme, as_of=as_of).borger_ids
    if kind in ("retained_13", "retained_26"):
        return retention(programme, int(kind[-2:]), as_of=as_of).borger_ids
    return None


def figure_title(programme: Programme, key: str) -> str:
    titles = {
        "enrolled": "Indskrevne borgere",
        "active": "Aktive borgere",
        "first_contact": "Borgere med første arbejdsgiverkontakt",
        "no_contact": "Borgere uden arbejdsgiverkontakt endnu",
        "job_starts": "Borgere med jobstart",
        "cadence_missed": "Borgere med efterværnskontakter, der ikke blev holdt til tiden",
        "retained_13": "Stadig i job/uddannelse efter 13 uger",
        "retained_26": "Stadig i job/uddannelse efter 26 uger",
    }
    kind, _, arg = key.partition(":")
    if kind == "phase":
        return f"Borgere i fasen {Phase(arg).label}"
    if kind == "target":
        target = next((t for t in programme.targets if str(t.id) == arg), None)
        return f"Mål: {target.label}" if target else key
    if kind == "caseload":
        return f"Sagsstamme: {_names([int(arg)]).get(int(arg), '')} (alle indsatser)"
    return titles.get(kind, key)


# --- a vejleder's own week ------------------------------------------------------------------------------


def my_phase_counts(user_id: int) -> dict[Phase, int]:
    """The vejleder's active borgere per phase (afsluttet left out)."""
    rows = dict(
        db.session.execute(
            sa.select(Borger.phase, sa.func.count())
            .where(Borger.vejleder_id == user_id, Borger.phase != Phase.AFSLUTTET)
            .group_by(Borger.phase)
        )
        .tuples()
        .all()
    )
    return {phase: rows.get(phase, 0) for phase in Phase if phase != Phase.AFSLUTTET}


def my_f2f_contacts_this_week(user_id: int, *, as_of: date | None = None) -> list[ContactLogEntry]:
    """Face-to-face employer contacts the user logged from Monday of this week up to ``as_of`` (goal 6)."""
    as_of = as_of or today()
    return f2f_contacts(user_id, week_start(as_of), as_of)


@dataclass
class Waiting:
    borger: Borger
    days: int

    @property
    def late(self) -> bool:
        return self.days > FIRST_CONTACT_DAYS_GOAL


def my_borgere_without_contact(user_id: int, *, as_of: date | None = None) -> list[Waiting]:
    """The vejleder's active borgere with no employer contact yet, longest waiting first."""
    as_of = as_of or today()
    contacted = sa.select(OutcomeEvent.borger_id).where(OutcomeEvent.kind == K.FIRST_EMPLOYER_CONTACT)
    borgere = db.session.scalars(
        sa.select(Borger).where(
            Borger.vejleder_id == user_id, Borger.phase != Phase.AFSLUTTET, Borger.id.not_in(contacted)
        )
    ).all()
    waiting = [Waiting(b, (as_of - b.enrolled_on).days) for b in borgere]
    return sorted(waiting, key=lambda w: (-w.days, w.borger.first_name))


def _overdue_tasks_query(user_id: int, as_of: date) -> sa.Select:
    return sa.select(Task).where(Task.assignee_id == user_id, Task.done.is_(False), Task.due < as_of)


def my_overdue_tasks(user_id: int, *, as_of: date | None = None) -> list[Task]:
    """Open tasks assigned to the user whose due date has passed, oldest first."""
    query = _overdue_tasks_query(user_id, as_of or today()).order_by(Task.due, Task.id)
    return list(db.session.scalars(query))


def count_my_overdue_tasks(user_id: int, *, as_of: date | None = None) -> int:
    query = _overdue_tasks_query(user_id, as_of or today())
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
