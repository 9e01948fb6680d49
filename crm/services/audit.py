"""Write the audit log: one place records who did what to which object and when."""

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from crm.extensions import db
from crm.models import AuditEvent, User

# Keys whose values must never reach the log, whatever a caller passes.
SECRET_KEYS = frozenset({"password", "password_hash", "token", "secret", "totp_secret"})


def record_event(
    action: str,
    object_type: str,
    object_id: object = None,
    *,
    actor: User | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Add an audit row; the actor defaults to the logged-in user of the current request."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    clean = {k: v for k, v in (details or {}).items() if k not in SECRET_KEYS}
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=clean,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


# Danish wording of the audit actions shown on a company's timeline.
COMPANY_TIMELINE_LABELS = {
    "company.create": "Virksomheden oprettet",
    "company.update": "Profilen ændret",
    "company.status": "Status ændret",
    "company.merge": "Dublet flettet ind",
    "company.import": "Importeret",
    "company.import_undo": "Import fortrudt",
    "contact.create": "Kontaktperson tilføjet",
    "contact.update": "Kontaktperson ændret",
    "contact.delete": "Kontaktperson slettet",
    "opening.create": "Stilling oprettet",
    "opening.update": "Stilling ændret",
    "opening.status": "Stillingens status ændret",
    "opening.confirm": "Stilling bekræftet",
    "opening.remind": "Påmindelse sendt om stillinger",
    "invitation.create": "Invitation til portalen sendt",
    "invitation.accept": "Invitation til portalen taget i brug",
    "invitation.revoke": "Invitation trukket tilbage",
    "invitation.revoke_user": "Portaladgang fjernet",
    "attachment.upload": "Bilag tilføjet",
    "attachment.delete": "Bilag slettet",
}
COMPANY_TIMELINE_LENGTH = 25


def company_timeline(company_id: int) -> list[AuditEvent]:
    """The latest changes to a company and its openings and portal access, newest first."""
    return list(db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "company", AuditEvent.object_id == str(company_id),
               AuditEvent.action.in_(COMPANY_TIMELINE_LABELS))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(COMPANY_TIMELINE_LENGTH)
    ))
