"""Outcome events: the dated facts of a borger's course that programmes are judged by.

Most are recorded by the placement pipeline as it moves; the rest (flexjob clarification,
retention at 13 and 26 weeks, course ended) are recorded by the vejleder.
"""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from crm.extensions import db
from crm.models import Borger, OutcomeEvent
from crm.models.borger import Phase
from crm.models.programme import OutcomeKind
from crm.permissions import require
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.timeutil import today

# Recorded by hand on the borger's page (the pipeline records the others).
MANUAL_KINDS = (OutcomeKind.FLEXJOB_CLARIFIED, OutcomeKind.RETAINED_13W, OutcomeKind.RETAINED_26W)


def record_outcome(borger: Borger, kind: str, *, on_date: date, actor, hours_per_week: float | None = None,
                   note: str = "") -> OutcomeEvent:
    """Record one outcome for the borger's current programme, audited. Raises ValidationError."""
    require(actor, "borger.edit", borger)
    event = add_outcome_event(borger, kind, on_date=on_date, actor=actor, hours_per_week=hours_per_week,
                              note=note)
    record_event("outcome.record", "borger", borger.id, actor=actor, details={"kind": str(event.kind)})
    return event


def add_outcome_event(borger: Borger, kind: str, *, on_date: date, actor, hours_per_week: float | None = None,
                      company_id: int | None = None, placement_id: int | None = None,
                      note: str = "") -> OutcomeEvent:
    """Add an outcome event as one step of a larger operation (a placement's stage change) whose
    own audit row names it; ``record_outcome`` is the audited operation on its own.
    Raises ValidationError."""
    try:
        kind = OutcomeKind(kind)
    except ValueError:
        raise ValidationError(_("Ukendt resultat."), field="kind") from None
    if on_date > today():
        raise ValidationError(_("Datoen kan ikke ligge i fremtiden."), field="on_date")
    if on_date < borger.enrolled_on:
        raise ValidationError(_("Datoen kan ikke ligge før indskrivningen."), field="on_date")
    event = OutcomeEvent(borger_id=borger.id, programme_id=borger.programme_id, kind=kind, on_date=on_date,
                         hours_per_week=hours_per_week, company_id=company_id, placement_id=placement_id,
                         note=note.strip(), recorded_by_id=actor.id if actor else None)
    db.session.add(event)
    return event


def has_outcome(borger: Borger, kind: OutcomeKind) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutcomeEvent).where(
        OutcomeEvent.borger_id == borger.id, OutcomeEvent.kind == kind)) > 0


def record_first_employer_contact(borger: Borger, *, on_date: date, actor, company_id: int | None) -> bool:
    """The first employer contact on the borger's behalf (IPS fidelity: within 30 days).

    Returns whether this was the first; the caller's audit row says so.
    """
    db.session.flush()
    if has_outcome(borger, OutcomeKind.FIRST_EMPLOYER_CONTACT):
        return False
    add_outcome_event(borger, OutcomeKind.FIRST_EMPLOYER_CONTACT, on_date=max(on_date, borger.enrolled_on),
                      actor=actor, company_id=company_id)
    return True


def end_course(borger: Borger, *, on_date: date, reason: str, actor) -> None:
    """End the borger's course: phase afsluttet, with the date and reason kept."""
    require(actor, "borger.edit", borger)
    if not reason.strip():
        raise ValidationError(_("Angiv hvorfor forløbet slutter."), field="reason")
    record_outcome(borger, OutcomeKind.COURSE_ENDED, on_date=on_date, actor=actor, note=reason)
    borger.phase = Phase.AFSLUTTET
    borger.ended_on = on_date
    borger.end_reason = reason.strip()
