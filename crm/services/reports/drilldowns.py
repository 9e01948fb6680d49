"""Drill-down: the borgere behind a dashboard figure.

A figure's drill-down key (``Row.drill``) is a ``DrillKey``: a ``Drill`` kind, plus an argument for
the kinds that name one phase, target or vejleder. It travels in the URL as text (``phase:match``,
``target:7``); ``DrillKey.parse`` is the one place that reads it back, so an unknown or tampered key
is ``None`` (a clean 404) before anything looks it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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


class Drill(StrEnum):
    """What a dashboard figure counts, and so which borgere (or contacts) lie behind it."""

    ENROLLED = "enrolled"
    ACTIVE = "active"
    PHASE = "phase"  # argument: a Phase value
    TARGET = "target"  # argument: a ProgrammeTarget id
    CASELOAD = "caseload"  # argument: a vejleder's user id
    CONTACTS = "contacts"  # argument: a vejleder's user id; opens the contacts page, not a borger list
    FIRST_CONTACT = "first_contact"
    NO_CONTACT = "no_contact"
    JOB_STARTS = "job_starts"
    CADENCE_MISSED = "cadence_missed"
    RETAINED_13 = "retained_13"
    RETAINED_26 = "retained_26"


# Kinds whose key carries an argument after a colon; the others have none.
_ID_ARGUMENT = frozenset({Drill.TARGET, Drill.CASELOAD, Drill.CONTACTS})
_WITH_ARGUMENT = _ID_ARGUMENT | {Drill.PHASE}
_RETENTION_WEEKS = {Drill.RETAINED_13: 13, Drill.RETAINED_26: 26}
# Drill-downs whose borger list shows each borger's days to (or waiting for) the first contact.
_SHOWS_FIRST_CONTACT_DAYS = frozenset({Drill.FIRST_CONTACT, Drill.NO_CONTACT})

_TITLES = {
    Drill.ENROLLED: _l("Indskrevne borgere"),
    Drill.ACTIVE: _l("Aktive borgere"),
    Drill.FIRST_CONTACT: _l("Borgere med første arbejdsgiverkontakt"),
    Drill.NO_CONTACT: _l("Borgere uden arbejdsgiverkontakt endnu"),
    Drill.JOB_STARTS: _l("Borgere med jobstart"),
    Drill.CADENCE_MISSED: _l("Borgere med efterværnskontakter, der ikke blev holdt til tiden"),
    Drill.RETAINED_13: _l("Stadig i job/uddannelse efter %(weeks)s uger", weeks=13),
    Drill.RETAINED_26: _l("Stadig i job/uddannelse efter %(weeks)s uger", weeks=26),
}


@dataclass(frozen=True)
class DrillKey:
    """A drill-down key: its kind and, for the kinds in ``_WITH_ARGUMENT``, a checked argument."""

    kind: Drill
    arg: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.arg}" if self.kind in _WITH_ARGUMENT else str(self.kind)

    @classmethod
    def of(cls, kind: Drill, arg: object = "") -> DrillKey:
        return cls(kind, str(arg))

    @classmethod
    def parse(cls, text: str) -> DrillKey | None:
        """The key written as ``text`` (``kind`` or ``kind:arg``); None when it is not a valid key."""
        name, colon, arg = text.partition(":")
        try:
            kind = Drill(name)
        except ValueError:
            return None
        if kind not in _WITH_ARGUMENT:
            return None if colon else cls(kind)
        if kind in _ID_ARGUMENT:
            number = parse_id(arg)
            return None if number is None else cls(kind, str(number))
        return cls(kind, arg) if arg in set(Phase) else None

    @property
    def id(self) -> int:
        """The argument as an id, for the kinds in ``_ID_ARGUMENT``."""
        return int(self.arg)

    @property
    def opens_contacts(self) -> bool:
        """The key leads to a vejleder's contacts page rather than a list of borgere."""
        return self.kind == Drill.CONTACTS

    @property
    def shows_first_contact_days(self) -> bool:
        return self.kind in _SHOWS_FIRST_CONTACT_DAYS


def _target(programme: Programme, key: DrillKey):
    return next((t for t in programme.targets if t.id == key.id), None)


def figure_borger_ids(programme: Programme, key: DrillKey, *, as_of: date | None = None) -> set[int] | None:
    """The borgere behind a dashboard figure (``Row.drill``); None when the key names nothing in the
    programme (an unknown target, a vejleder outside it) or leads to no borger list (contacts)."""
    as_of = as_of or today()
    match key.kind:
        case Drill.ENROLLED:
            return enrolled_ids(programme)
        case Drill.ACTIVE:
            return active_ids(programme)
        case Drill.PHASE:
            return phase_ids(programme, key.arg)
        case Drill.TARGET:
            target = _target(programme, key)
            return None if target is None else outcome_borger_ids(programme, target.outcome, as_of=as_of)
        case Drill.CASELOAD:
            return caseload_ids(key.id) if key.id in programme_vejleder_ids(programme) else None
        case Drill.FIRST_CONTACT:
            return {f.borger_id for f in first_contacts(programme, as_of=as_of) if not f.waiting}
        case Drill.NO_CONTACT:
            return {f.borger_id for f in first_contacts(programme, as_of=as_of) if f.waiting}
        case Drill.JOB_STARTS:
            return competitive_share(programme, as_of=as_of).borger_ids
        case Drill.CADENCE_MISSED:
            return follow_along_cadence(programme, as_of=as_of).borger_ids
        case Drill.RETAINED_13 | Drill.RETAINED_26:
            return retention(programme, _RETENTION_WEEKS[key.kind], as_of=as_of).borger_ids
    return None  # Drill.CONTACTS: the contacts page, not a borger list


def figure_title(programme: Programme, key: DrillKey) -> str:
    """The heading of a drill-down page, in the reader's language."""
    match key.kind:
        case Drill.PHASE:
            return _("Borgere i fasen %(phase)s", phase=Phase(key.arg).label)
        case Drill.TARGET:
            target = _target(programme, key)
            return _("Mål: %(target)s", target=target.label) if target else str(key)
        case Drill.CASELOAD:
            return _("Sagsstamme: %(name)s (alle indsatser)", name=_names([key.id]).get(key.id, ""))
    return str(_TITLES.get(key.kind, key))
