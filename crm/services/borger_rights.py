"""The borger's rights: a copy of their data and of who has looked at it (GDPR art. 15, and
Datatilsynet's practice after CJEU C-579/21), and erasure on request or when the retention period
after the course has run out."""

import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from crm.extensions import db
from crm.models import AuditEvent, Borger, ContactLogEntry, OutcomeEvent, Task, User
from crm.models.borger import Phase
from crm.services.audit import record_event
from crm.timeutil import to_local, today

# Audit actions that are someone looking at or changing the borger's record.
ACCESS_ACTIONS = ("borger.view", "borger.create", "borger.update", "borger.export", "borger.denied",
                  "placement.shortlist", "placement.stage", "outcome.record")


def _iso(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "hour"):
        return to_local(value).isoformat(timespec="minutes")
    return value.isoformat()


def export_borger_data(borger: Borger, *, actor) -> dict:
    """Everything stored about the borger, and every access to the record (who, when, what)."""
    record_event("borger.export", "borger", borger.id, actor=actor)
    db.session.flush()
    users = {u.id: u.name for u in db.session.scalars(sa.select(User))}
    access = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "borger",
                                    AuditEvent.object_id == str(borger.id),
                                    AuditEvent.action.in_(ACCESS_ACTIONS))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return {
        "borger": {
            "reference": borger.reference, "first_name": borger.first_name,
            "vejleder": users.get(borger.vejleder_id), "programme": borger.programme.name if borger.programme else None,
            "enrolled_on": _iso(borger.enrolled_on), "phase": borger.phase_enum.label,
            "postcode": borger.postcode, "transport": borger.transport_enum.label,
            "max_travel_minutes": borger.max_travel_minutes,
            "hours_per_week": [borger.hours_min, borger.hours_max], "wishes": borger.wishes,
            "strengths": borger.strengths, "needs": borger.needs, "open_to": borger.accepts,
            "excluded_industries": borger.excluded_industries,
            "consent_to_be_proposed": borger.consent_to_propose, "shared_with_employers": borger.shared_fields,
            "employer_may_be_told_of_illness": borger.disclosure, "notes": borger.notes,
            "ended_on": _iso(borger.ended_on), "end_reason": borger.end_reason,
        },
        "placements": [
            {"company": p.company.name, "opening": p.opening.title if p.opening else None,
             "stage": p.stage_enum.label, "employer_answer": p.employer_answer,
             "steps": [{"stage": e.stage, "date": _iso(e.on_date), "note": e.note} for e in p.events]}
            for p in borger.placements
        ],
        "outcomes": [
            {"outcome": o.kind_enum.label, "date": _iso(o.on_date), "hours_per_week": o.hours_per_week}
            for o in db.session.scalars(sa.select(OutcomeEvent).where(OutcomeEvent.borger_id == borger.id))
        ],
        "contacts_with_employers": [
            {"company": entry.company.name, "at": _iso(entry.at), "summary": entry.summary}
            for entry in db.session.scalars(sa.select(ContactLogEntry).where(ContactLogEntry.borger_id == borger.id))
        ],
        "tasks": [
            {"title": t.title, "due": _iso(t.due), "done": t.done}
            for t in db.session.scalars(sa.select(Task).where(Task.borger_id == borger.id))
        ],
        "access_log": [
            {"at": _iso(e.at), "who": users.get(e.actor_id, "ukendt"), "what": e.action,
             "details": e.details}
            for e in access
        ],
    }


# What an erased borger's audit rows are filed under: a random key, the same for all of that
# person's rows and known to nothing else, so the rows still show who looked when, but can never
# be matched to the borger's id (or anyone else's) again.
ERASED_SUBJECT_PREFIX = "slettet-"


def erase_borger(borger: Borger, *, actor, reason: str) -> None:
    """Erase the borger and what concerns only them; the audit log keeps who did what and when.

    Placements, outcome events and tasks about the borger go with them; contact-log entries about
    the borger stay with the company but lose the link and their summary (it may name them). The
    borger's audit rows are moved to a pseudonym that dies here and lose their details (they name
    companies, fields and the reference); so do the rows about the borger's tasks (their titles
    name the borger). The reference stays issued (borger_references), so it is never given again.
    """
    borger_id = borger.id
    pseudonym = ERASED_SUBJECT_PREFIX + secrets.token_hex(12)
    task_ids = [str(task_id) for task_id in db.session.scalars(sa.select(Task.id).where(Task.borger_id == borger_id))]
    db.session.execute(
        sa.update(ContactLogEntry).where(ContactLogEntry.borger_id == borger_id)
        .values(borger_id=None, summary="(slettet sammen med borgerens oplysninger)")
    )
    db.session.execute(sa.delete(Task).where(Task.borger_id == borger_id))
    db.session.execute(sa.delete(OutcomeEvent).where(OutcomeEvent.borger_id == borger_id))
    db.session.execute(
        sa.update(AuditEvent).where(AuditEvent.object_type == "borger", AuditEvent.object_id == str(borger_id))
        .values(object_id=pseudonym, details={})
    )
    if task_ids:
        db.session.execute(
            sa.update(AuditEvent).where(AuditEvent.object_type == "task", AuditEvent.object_id.in_(task_ids))
            .values(details={})
        )
    db.session.delete(borger)
    db.session.flush()
    record_event("borger.erase", "borger", pseudonym, actor=actor, details={"reason": reason})


def due_for_erasure(*, on: date | None = None) -> list[Borger]:
    """Borgere whose course ended longer ago than the retention period (BORGER_RETENTION_DAYS)."""
    cutoff = (on or today()) - timedelta(days=current_app.config["BORGER_RETENTION_DAYS"])
    return list(db.session.scalars(sa.select(Borger).where(
        Borger.phase == Phase.AFSLUTTET, Borger.ended_on.is_not(None), Borger.ended_on < cutoff)))
