"""The programme dashboard as tables of display text, masked for the viewer (page, print and exports)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext

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
STATUS_MET = _l("Opfyldt")
STATUS_ON_TRACK = _l("På sporet")
STATUS_BEHIND = _l("Bagud")
STATUS_OK = _l("Opfylder målet")
STATUS_NOT_OK = _l("Under målet")


def format_number(value: float | int | None, *, decimals: int = 1) -> str:
    """A figure in the reader's language (crm/formatting.py): 20, 6,5; "–" for None."""
    if value is None:
        return NOT_AVAILABLE
    return formatting.format_number(value, None if float(value).is_integer() else decimals)


def format_percent(value: float | None) -> str:
    """A share given in per cent (45.5) in the reader's language: "45,5 %" / "45.5%"; "–" for None."""
    if value is None:
        return NOT_AVAILABLE
    rounded = round(value, 1)
    return formatting.percent(rounded / 100, 0 if float(rounded).is_integer() else 1)


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
    return (str(yes), "ok") if ok else (str(no), "behind")


def overview_table(programme: Programme, *, full: bool) -> Table:
    rows = [
        Row([_("Indskrevne borgere"), _shown(enrolled_count(programme), full)], DrillKey(Drill.ENROLLED)),
        Row([_("Aktive borgere"), _shown(active_count(programme), full)], DrillKey(Drill.ACTIVE)),
    ]
    rows += [
        Row([_("Fase: %(phase)s", phase=phase.label), _shown(n, full)], DrillKey.of(Drill.PHASE, phase.value))
        for phase, n in phase_counts(programme).items()
    ]
    return Table("overblik", _("Overblik"), [_("Figur"), _("Antal borgere")], rows)


def _goal_text(target: ProgrammeTarget) -> str:
    return f"≥ {format_percent(target.goal)}" if target.goal_kind == "share" else format_number(target.goal)


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
        _("Mål"),
        [pgettext("target", "Mål"), _("Resultat"), _("Borgere"), pgettext("goal", "Mål"), _("Forventet nu"),
         _("Status")],
        rows,
        note=_("Et antal er på sporet, når det er mindst målet gange den del af perioden, der er gået. "
               "En andel sammenlignes direkte med målet."),
    )


# A month as a table and the chart name it: "01.2026" in Danish, "Jan 2026" in English.
_MONTH_PATTERNS = {"da": "MM.y", "en": "MMM y"}


def month_label(month: date) -> str:
    locale = formatting.current_locale()
    return format_date(month, _MONTH_PATTERNS.get(locale.language, _MONTH_PATTERNS["da"]), locale=locale)


def timeline_table(programme: Programme, *, full: bool, as_of: date | None = None) -> Table:
    months, series = outcomes_by_month(programme, as_of=as_of)
    rows = [
        Row([month_label(m), *[_shown(series[label][i], full) for label, _kinds in TIME_SERIES]])
        for i, m in enumerate(months)
    ]
    return Table(
        "udvikling",
        _("Resultater pr. måned"),
        [_("Måned"), *[str(label) for label, _kinds in TIME_SERIES]],
        rows,
        note=_("Antal hændelser pr. måned."),
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
    return note + " " + _("Viser %(shown)s af %(total)s vejledere: dem under målet først, så efter navn. "
                          "Eksporten har dem alle.", shown=format_number(shown), total=format_number(total))


def caseload_table(programme: Programme, *, full: bool, limit: int | None = None) -> Table:
    rows = []
    figures = caseload_per_vejleder(programme, limit=limit)
    for f in figures:
        hidden = _hidden(int(f.value), full)
        status, css = _status(f.ok, hidden)
        rows.append(
            Row(
                [f.name, _shown(int(f.value), full), f"≤ {format_number(f.goal)}", status],
                DrillKey.of(Drill.CASELOAD, f.vejleder_id),
                css,
            )
        )
    return Table(
        "sagsstamme",
        _("Sagsstamme pr. vejleder"),
        [_("Vejleder"), _("Aktive borgere"), _("Norm"), _("Status")],
        rows,
        note=_capped_note(_("Vejlederens samlede aktive sagsstamme, på tværs af indsatser."), len(figures),
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
                [f.name, format_number(f.value), f"≥ {format_number(F2F_CONTACTS_GOAL)}", status],
                DrillKey.of(Drill.CONTACTS, f.vejleder_id),
                css,
            )
        )
    return Table(
        "kontakter",
        _("Arbejdsgiverkontakter ansigt til ansigt pr. uge"),
        [_("Vejleder"), _("Pr. uge"), pgettext("goal", "Mål"), _("Status")],
        rows,
        note=_capped_note(_("Gennemsnit over de seneste %(weeks)s hele uger (mandag–søndag).", weeks=F2F_WEEKS),
                          len(figures),
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
                _("Dage fra indskrivning til første arbejdsgiverkontakt (median)"),
                NOT_AVAILABLE if hidden else format_number(median),
                _shown(len(done), full),
                NOT_AVAILABLE,
                f"≤ {format_number(FIRST_CONTACT_DAYS_GOAL)}",
                status,
            ],
            DrillKey(Drill.FIRST_CONTACT),
            css,
        ),
        _ratio_row(
            _("Første arbejdsgiverkontakt inden for %(days)s dage", days=FIRST_CONTACT_DAYS_GOAL),
            first_contact_within_goal(programme, as_of=as_of, contacts=done),
            NOT_AVAILABLE,
            DrillKey(Drill.FIRST_CONTACT),
            full,
        ),
        Row(
            [
                _("Borgere uden arbejdsgiverkontakt endnu"),
                _shown(waiting, full),
                _shown(waiting, full),
                NOT_AVAILABLE,
                NOT_AVAILABLE,
                NOT_AVAILABLE,
            ],
            DrillKey(Drill.NO_CONTACT),
        ),
        _ratio_row(
            _("Konkurrenceudsatte job blandt jobstarter"),
            competitive_share(programme, as_of=as_of),
            f"≥ {format_percent(COMPETITIVE_SHARE_GOAL)}",
            DrillKey(Drill.JOB_STARTS),
            full,
        ),
        _ratio_row(
            _("Forskellige arbejdsgivere blandt jobstarter"),
            employer_diversity(programme, as_of=as_of),
            f"≥ {format_percent(DIVERSITY_GOAL)}",
            DrillKey(Drill.JOB_STARTS),
            full,
        ),
        _ratio_row(
            _("Forskellige jobtyper blandt jobstarter"),
            job_type_diversity(programme, as_of=as_of),
            f"≥ {format_percent(DIVERSITY_GOAL)}",
            DrillKey(Drill.JOB_STARTS),
            full,
        ),
        _ratio_row(
            _("Efterværnskontakter holdt til tiden"),
            follow_along_cadence(programme, as_of=as_of),
            f"≥ {format_percent(CADENCE_GOAL)}",
            DrillKey(Drill.CADENCE_MISSED),
            full,
        ),
        _ratio_row(
            _("Stadig i job/uddannelse efter %(weeks)s uger", weeks=13),
            retention(programme, 13, as_of=as_of),
            NOT_AVAILABLE,
            DrillKey(Drill.RETAINED_13),
            full,
        ),
        _ratio_row(
            _("Stadig i job/uddannelse efter %(weeks)s uger", weeks=26),
            retention(programme, 26, as_of=as_of),
            NOT_AVAILABLE,
            DrillKey(Drill.RETAINED_26),
            full,
        ),
    ]
    return Table(
        "fidelity",
        _("IPS-fidelity"),
        [_("Figur"), _("Værdi"), _("Antal"), _("Ud af"), pgettext("goal", "Mål"), _("Status")],
        rows,
        note=_("Jobstarter er ordinære job, fleksjob og løntilskud. Efterværnskontakter tæller som holdt, "
               "når opgaven er løst senest %(days)s dage efter fristen.", days=CADENCE_GRACE_DAYS),
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
