"""The programmes side by side: the figures a council or an investor compares them by.

Per programme, with the counting rules of ``figures`` and ``fidelity``:

- placements in ordinary work or education per 100 borgere: distinct borgere with an ordinary job,
  flexjob or education start (``job_or_education``) per 100 enrolled;
- days to first employer contact: the median over borgere who have had one;
- retention at 3 and 6 months: the 13- and 26-week retention shares;
- cost per result, where a results contract exists: the kroner earned (verified results) per
  verified result.

Counts of 1–4, and any share or median resting on one, are hidden for anyone but admins.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.extensions import db
from crm.formatting import money
from crm.models import Programme
from crm.services.reports.fidelity import Ratio, first_contacts, retention
from crm.services.reports.figures import MASKED, enrolled_count, mask_count, outcome_borger_ids
from crm.services.reports.tables import NOT_AVAILABLE, Row, Table, format_number, format_percent

#: Whether the reader sees exact counts: for all programmes, or per programme.
FullFigures = bool | Callable[[Programme], bool]
from crm.sorting import danish
from crm.timeutil import today


@dataclass
class Comparison:
    programme: Programme
    enrolled: int
    placed: int
    first_contact_median: float | None
    first_contact_count: int
    retained_3m: Ratio
    retained_6m: Ratio
    verified_results: int | None  # None: no results contract
    earned: int | None

    @property
    def placed_per_100(self) -> float | None:
        return 100.0 * self.placed / self.enrolled if self.enrolled else None

    @property
    def cost_per_result(self) -> float | None:
        if not self.verified_results:
            return None
        return self.earned / self.verified_results


def compare_programmes(*, as_of: date | None = None) -> list[Comparison]:
    """Every programme's comparison figures, by name."""
    from crm.services.contracts import contract_figures, contract_for

    as_of = as_of or today()
    rows = []
    for programme in db.session.scalars(sa.select(Programme).order_by(danish(Programme.name))):
        done = [f.days for f in first_contacts(programme, as_of=as_of) if not f.waiting]
        contract = contract_for(programme)
        figures = contract_figures(contract, as_of=as_of) if contract else None
        rows.append(Comparison(
            programme=programme,
            enrolled=enrolled_count(programme),
            placed=len(outcome_borger_ids(programme, "job_or_education", as_of=as_of)),
            first_contact_median=_median(done),
            first_contact_count=len(done),
            retained_3m=retention(programme, 13, as_of=as_of),
            retained_6m=retention(programme, 26, as_of=as_of),
            verified_results=figures.total.verified if figures else None,
            earned=figures.total.verified_amount if figures else None,
        ))
    return rows


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


# The page's and the XLSX's headings (lazy: ``comparison_columns()`` gives them as text).
COMPARISON_COLUMNS = [
    _l("Indsats"), _l("Indskrevne borgere"), _l("I ordinært job eller uddannelse"), _l("Pr. 100 borgere"),
    _l("Dage til første arbejdsgiverkontakt (median)"), _l("Fastholdt 3 måneder (%)"),
    _l("Fastholdt 6 måneder (%)"), _l("Omkostning pr. resultat (kr.)"),
]


def comparison_columns() -> list[str]:
    """The comparison's column headings in the reader's language."""
    return [str(column) for column in COMPARISON_COLUMNS]


def _hidden(count: int | None, full: bool) -> bool:
    return count is not None and mask_count(count, full=full) == MASKED


def comparison_values(rows: list[Comparison], *, full: FullFigures) -> list[list]:
    """Raw cells per programme (numbers as numbers, "<5" for a hidden count, None for none).

    ``full`` says whether the reader sees exact counts: for every programme (a bool) or per
    programme (a function of it, e.g. the teamleder of one programme)."""
    values = []
    for c in rows:
        row_full = full(c.programme) if callable(full) else full
        placed_hidden = _hidden(c.placed, row_full) or _hidden(c.enrolled, row_full)

        def share(ratio: Ratio, row_full: bool = row_full) -> float | str | None:
            if _hidden(ratio.numerator, row_full) or _hidden(ratio.denominator, row_full):
                return MASKED
            return None if ratio.percent is None else round(ratio.percent, 1)

        values.append([
            c.programme.name,
            mask_count(c.enrolled, full=row_full),
            mask_count(c.placed, full=row_full),
            MASKED if placed_hidden else (None if c.placed_per_100 is None else round(c.placed_per_100, 1)),
            MASKED if _hidden(c.first_contact_count, row_full) else c.first_contact_median,
            share(c.retained_3m),
            share(c.retained_6m),
            MASKED if _hidden(c.verified_results, row_full) else
            (None if c.cost_per_result is None else round(c.cost_per_result)),
        ])
    return values


def comparison_table(rows: list[Comparison], *, full: FullFigures) -> Table:
    """The comparison as display text (the page)."""
    def text(value, column: int) -> str:
        if value is None:
            return NOT_AVAILABLE
        if isinstance(value, str):
            return value
        if column in (5, 6):
            return format_percent(value)
        if column == 7:
            return money(int(value))
        return format_number(value)

    return Table(
        "sammenligning",
        _("Indsatserne side om side"),
        comparison_columns(),
        [Row([text(v, i) if i else v for i, v in enumerate(cells)])
         for cells in comparison_values(rows, full=full)],
        note=_("Ordinært job eller uddannelse: ordinært job, fleksjob og uddannelse (ikke løntilskud eller "
               "praktik). Omkostning pr. resultat: optjent beløb pr. verificeret resultat, kun hvor der er en "
               "resultatkontrakt."),
    )
