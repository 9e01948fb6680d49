"""The figures a programme is judged by: enrolment, targets and outcomes over time.

One pure function per figure, each over database queries and an ``as_of`` date, so tests can
call them one by one on a hand-built data set. Nothing here writes.

Counting rules shared by all figures:

- A programme's borgere are the borgere whose ``programme_id`` is the programme ("enrolled").
  "Active" means not in phase afsluttet.
- An outcome counts for a programme when its OutcomeEvent carries the programme's id (the
  programme the borger was in when it happened). Targets count *distinct borgere* reaching the
  outcome; a share target divides that count by the enrolled borgere.
- Job starts are ordinary job, flexjob and løntilskud starts (the pipeline records them by the
  opening's kind). Praktik is a stepping stone, not a job start. Which start counts as what is the
  outcome class column of the one kind table (``matcher.kinds``); the sets here are drawn from it.

Privacy (DOMAIN.md, issues 6 and 13): only those holding ``report.full_figures`` on the programme
(an admin, the programme's teamleder; crm/permissions.py) see exact counts; everyone else sees
aggregates only, and a count from 1 to 4 is shown as "<5" (``mask_count`` is the one place that
decides this, for the page, the printable page and the exports alike).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crm.extensions import db
from crm.models import Borger, OutcomeEvent, Programme
from crm.models.borger import Phase
from crm.models.programme import OutcomeKind, ProgrammeTarget
from crm.timeutil import add_months, today
from matcher import kinds as kind_table

K = OutcomeKind


def _starts(classes=None) -> frozenset[OutcomeKind]:
    """The outcomes a start records in the kinds of these outcome classes (all kinds when None)."""
    return frozenset(OutcomeKind(code) for code in kind_table.start_outcomes(classes))


JOB_STARTS = _starts(kind_table.PAID_WORK)
COMPETITIVE_STARTS = _starts(kind_table.COMPETITIVE)  # the IPS competitive share counts these
EDUCATION_STARTS = _starts({kind_table.OutcomeClass.EDUCATION})

# Counts from 1 to this are hidden from those without full figures (0 may show: it identifies nobody).
SMALL_COUNT_LIMIT = 4
MASKED = "<5"

# Composite outcome codes that targets may name (besides any single OutcomeKind).
# IPS counts competitive work: ordinary paid jobs and flexjob (ordinary pay, reduced hours), plus
# education. Løntilskud is a subsidised job, not competitive, so it is not "job or education".
COMPOSITE_OUTCOMES: dict[str, tuple[str, frozenset[str]]] = {
    "job_or_education": (_l("Job eller uddannelse"), _starts(kind_table.JOB_OR_EDUCATION)),
    # Job in mind: moved on to an employment-oriented offer after the clarification course (a start
    # of any kind, or clarified for flexjob).
    "onward": (_l("Videre i beskæftigelsesrettet tilbud"), _starts() | {K.FLEXJOB_CLARIFIED}),
    "ordinary_hours": (_l("Ordinære timer"), COMPETITIVE_STARTS),
    # Rum til os: ordinary paid work, løntimer and flexjob.
    "ordinary_job": (_l("Ordinært lønnet arbejde (inkl. fleksjob)"), _starts(kind_table.ORDINARY_PAY)),
    "education": (_l("Uddannelse"), EDUCATION_STARTS),
    "praktik": (_l("Virksomhedspraktik"), _starts({kind_table.OutcomeClass.STEPPING})),
    "enrolled": (_l("Indskrevne borgere"), frozenset()),
}
# Retention is asked after every start in job or education (the efterværn tasks).
RETENTION_STARTS = JOB_STARTS | EDUCATION_STARTS


def mask_count(count: int | None, *, full: bool) -> int | str | None:
    """Return ``count`` as it may be shown: ``"<5"`` for 1–4 unless the viewer sees full figures.

    The one place that hides small counts; every page and export goes through it.
    """
    if count is None or full or count == 0 or count > SMALL_COUNT_LIMIT:
        return count
    return MASKED


def sees_full_figures(user, programme: Programme) -> bool:
    """Whether ``user`` sees ``programme``'s figures unmasked (an admin, the programme's teamleder);
    everyone else sees aggregates with small counts hidden."""
    from crm.permissions import can

    return can(user, "report.full_figures", programme)


def outcome_label(code: str) -> str:
    """A target's outcome code (a composite or a single kind) in the reader's language; an unknown code as itself."""
    if code in COMPOSITE_OUTCOMES:
        return str(COMPOSITE_OUTCOMES[code][0])
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
    return db.session.scalar(sa.select(sa.func.count()).select_from(Borger)
                             .where(Borger.programme_id == programme.id))


def active_ids(programme: Programme) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Borger.id).where(Borger.programme_id == programme.id, Borger.phase != Phase.AFSLUTTET)
        )
    )


def active_count(programme: Programme) -> int:
    """Borgere in the programme whose course has not ended (phase other than afsluttet)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Borger)
                             .where(Borger.programme_id == programme.id, Borger.phase != Phase.AFSLUTTET))


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

# The series drawn in the chart: label → outcome kinds (events counted per month). The labels are
# lazy texts: they key the series and are written in the reader's language where shown.
TIME_SERIES = (
    (_l("Første arbejdsgiverkontakt"), frozenset({K.FIRST_EMPLOYER_CONTACT})),
    (_l("Praktik eller løntilskud"), _starts(kind_table.STEPPING_STONES)),
    (_l("Job eller uddannelse"), COMPOSITE_OUTCOMES["job_or_education"][1]),
)
CHART_MONTHS = 12


def _month_start(day: date) -> date:
    return day.replace(day=1)


def outcomes_by_month(
    programme: Programme, *, as_of: date | None = None, months: int = CHART_MONTHS
) -> tuple[list[date], dict[str, list[int]]]:
    """Outcome events per calendar month for the last ``months`` months up to ``as_of`` (or the
    programme's end when it ended earlier): (month starts, {series label: counts per month}).
    Counts are events (a borger starting two jobs in a month counts twice)."""
    as_of = as_of or today()
    last = min(as_of, programme.ends_on) if programme.ends_on else as_of
    first = add_months(_month_start(last), -(months - 1))
    month_list = [add_months(first, i) for i in range(months)]
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

