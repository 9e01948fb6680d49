"""The programme dashboard as tables of display text, masked for the viewer (page, print and exports)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from crm import formatting
from crm.models import Programme
from crm.models.programme import ProgrammeTarget
from crm.services.reports.drilldowns import Drill, DrillKey
from crm.services.reports.fidelity import (
    CADENCE_GOAL,
    CADENCE_GRACE_DAYS,
    COMPETITIVE_SHARE_GOAL,
    DIVERSITY_GOAL,
    F2F_CONTACTS_GOAL,
    F2F_WEEKS,
    FIRST_CONTACT_DAYS_GOAL,
    Ratio,
    caseload_per_vejleder,
    competitive_share,
    count_programme_vejledere,
    count_waiting_for_first_contact,
    employer_diversity,
    f2f_contacts_per_week,
    first_contact_within_goal,
    first_contacts,
    follow_along_cadence,
    job_type_diversity,
    retention,
)
from crm.services.reports.figures import (
    MASKED,
    TIME_SERIES,
    active_count,
    enrolled_count,
    mask_count,
    outcomes_by_month,
    phase_counts,
    targets_progress,
)
from crm.timeutil import today

NOT_AVAILABLE = "–"
STATUS_MET = "Opfyldt"
STATUS_ON_TRACK = "På sporet"
STATUS_BEHIND = "Bagud"
STATUS_OK = "Opfylder målet"
STATUS_NOT_OK = "Under målet"


def format_number(value: float | int | None, *, decimals: int = 1) -> str:
    """A figure in the reader's language (crm/formatting.py): 20, 6,5; "–" for None."""
    if value is None:
        return NOT_AVAILABLE
    return formatting.format_number(value, None if float(value).is_integer() else decimals)


def format_percent(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{format_number(round(value, 1))} %"


def _shown(count: int, full: bool) -> str:
    return str(mask_count(count, full=full))


def _hidden(count: int, full: bool) -> bool:
    return mask_count(count, full=full) == MASKED


@dataclass
class Row:
    cells: list[str]
    drill: DrillKey | None = None  # the drill-down page behind the row's figure
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
        Row(["Indskrevne borgere", _shown(enrolled_count(programme), full)], DrillKey(Drill.ENROLLED)),
        Row(["Aktive borgere", _shown(active_count(programme), full)], DrillKey(Drill.ACTIVE)),
    ]
    rows += [
        Row([f"Fase: {phase.label}", _shown(n, full)], DrillKey.of(Drill.PHASE, phase.value))
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
                DrillKey.of(Drill.TARGET, t.id),
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


# The page and the printout list this many vejledere per table, those who miss the goal first; the
# exports list them all. A programme of 300 vejledere would otherwise make a page of 600 rows.
DASHBOARD_VEJLEDER_ROWS = 20


def _capped_note(note: str, shown: int, programme: Programme, limit: int | None) -> str:
    if limit is None or shown < limit:
        return note
    total = count_programme_vejledere(programme)
    if total <= shown:
        return note
    return (f"{note} Viser {shown} af {total} vejledere: dem under målet først, så efter navn. "
            "Eksporten har dem alle.")


def caseload_table(programme: Programme, *, full: bool, limit: int | None = None) -> Table:
    rows = []
    figures = caseload_per_vejleder(programme, limit=limit)
    for f in figures:
        hidden = _hidden(int(f.value), full)
        status, css = _status(f.ok, hidden)
        rows.append(
            Row(
                [f.name, _shown(int(f.value), full), f"≤ {f.goal}", status],
                DrillKey.of(Drill.CASELOAD, f.vejleder_id),
                css,
            )
        )
    return Table(
        "sagsstamme",
        "Sagsstamme pr. vejleder",
        ["Vejleder", "Aktive borgere", "Norm", "Status"],
        rows,
        note=_capped_note("Vejlederens samlede aktive sagsstamme, på tværs af indsatser.", len(figures),
                          programme, limit),
    )


def contacts_table(programme: Programme, *, as_of: date | None = None, limit: int | None = None) -> Table:
    """Employer contacts are the vejleders' own work, not borger data: shown unmasked."""
    rows = []
    figures = f2f_contacts_per_week(programme, as_of=as_of, limit=limit)
    for f in figures:
        status, css = _status(f.ok, False)
        rows.append(
            Row(
                [f.name, format_number(f.value), f"≥ {F2F_CONTACTS_GOAL}", status],
                DrillKey.of(Drill.CONTACTS, f.vejleder_id),
                css,
            )
        )
    return Table(
        "kontakter",
        "Arbejdsgiverkontakter ansigt til ansigt pr. uge",
        ["Vejleder", "Pr. uge", "Mål", "Status"],
        rows,
        note=_capped_note(f"Gennemsnit over de seneste {F2F_WEEKS} hele uger (mandag–søndag).", len(figures),
                          programme, limit),
    )


def _ratio_row(label: str, ratio: Ratio, goal_text: str, drill: DrillKey | None, full: bool) -> Row:
    hidden = _hidden(ratio.numerator, full) or _hidden(ratio.denominator, full)
    status, css = _status(ratio.ok, hidden)
    value = NOT_AVAILABLE if hidden else format_percent(ratio.percent)
    return Row(
        [label, value, _shown(ratio.numerator, full), _shown(ratio.denominator, full), goal_text, status],
        drill,
        css,
    )


def fidelity_table(programme: Programme, *, full: bool, as_of: date | None = None) -> Table:
    # Those who have had a first contact are listed for the median; the waiting are only counted.
    done = first_contacts(programme, as_of=as_of, waiting=False)
    median = statistics.median([f.days for f in done]) if done else None
    hidden = _hidden(len(done), full)
    status, css = _status(None if median is None else median <= FIRST_CONTACT_DAYS_GOAL, hidden)
    waiting = count_waiting_for_first_contact(programme)
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
            DrillKey(Drill.FIRST_CONTACT),
            css,
        ),
        _ratio_row(
            f"Første arbejdsgiverkontakt inden for {FIRST_CONTACT_DAYS_GOAL} dage",
            first_contact_within_goal(programme, as_of=as_of, contacts=done),
            NOT_AVAILABLE,
            DrillKey(Drill.FIRST_CONTACT),
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
            DrillKey(Drill.NO_CONTACT),
        ),
        _ratio_row(
            "Konkurrenceudsatte job blandt jobstarter",
            competitive_share(programme, as_of=as_of),
            f"≥ {COMPETITIVE_SHARE_GOAL} %",
            DrillKey(Drill.JOB_STARTS),
            full,
        ),
        _ratio_row(
            "Forskellige arbejdsgivere blandt jobstarter",
            employer_diversity(programme, as_of=as_of),
            f"≥ {DIVERSITY_GOAL} %",
            DrillKey(Drill.JOB_STARTS),
            full,
        ),
        _ratio_row(
            "Forskellige jobtyper blandt jobstarter",
            job_type_diversity(programme, as_of=as_of),
            f"≥ {DIVERSITY_GOAL} %",
            DrillKey(Drill.JOB_STARTS),
            full,
        ),
        _ratio_row(
            "Efterværnskontakter holdt til tiden",
            follow_along_cadence(programme, as_of=as_of),
            f"≥ {CADENCE_GOAL} %",
            DrillKey(Drill.CADENCE_MISSED),
            full,
        ),
        _ratio_row(
            "Stadig i job/uddannelse efter 13 uger",
            retention(programme, 13, as_of=as_of),
            NOT_AVAILABLE,
            DrillKey(Drill.RETAINED_13),
            full,
        ),
        _ratio_row(
            "Stadig i job/uddannelse efter 26 uger",
            retention(programme, 26, as_of=as_of),
            NOT_AVAILABLE,
            DrillKey(Drill.RETAINED_26),
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


def dashboard_tables(programme: Programme, *, full: bool, as_of: date | None = None,
                     vejleder_rows: int | None = None) -> list[Table]:
    """Every table of the programme dashboard as display text, masked for the viewer.

    The page, the printable page and both exports show exactly these cells; the page and the
    printout pass ``vejleder_rows`` (DASHBOARD_VEJLEDER_ROWS) to list only the first vejledere.
    """
    as_of = as_of or today()
    return [
        overview_table(programme, full=full),
        targets_table(programme, full=full, as_of=as_of),
        timeline_table(programme, full=full, as_of=as_of),
        caseload_table(programme, full=full, limit=vejleder_rows),
        contacts_table(programme, as_of=as_of, limit=vejleder_rows),
        fidelity_table(programme, full=full, as_of=as_of),
        *_referral_tables(programme, full=full, as_of=as_of),
    ]


def _referral_tables(programme: Programme, *, full: bool, as_of: date) -> list[Table]:
    """The referral-period table, for a programme that limits referrals (Job in mind)."""
    if not programme.referral_months:
        return []
    from crm.services.reports.referrals import referrals_table

    return [referrals_table(programme, full=full, as_of=as_of)]
