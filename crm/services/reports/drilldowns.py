"""Drill-down: the borgere behind a dashboard figure (the key a ``Row.drill`` carries)."""

from __future__ import annotations

from datetime import date

from crm.models import Programme
from crm.models.borger import Phase
from crm.services.reports.fidelity import (
    _names,
    caseload_ids,
    competitive_share,
    first_contacts,
    follow_along_cadence,
    programme_vejleder_ids,
    retention,
)
from crm.services.reports.figures import active_ids, enrolled_ids, outcome_borger_ids, phase_ids
from crm.timeutil import today
from crm.validators import parse_id


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

