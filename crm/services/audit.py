"""Write the audit log: one place records who did what to which object and when."""

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
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
    event = AuditEvent(**_row(action, object_type, object_id, actor=actor, details=details))
    db.session.add(event)
    return event


def record_events(action: str, object_type: str, object_ids, *, actor: User | None = None,
                  details: dict | None = None) -> None:
    """Add one audit row per object, written in one statement (a list page's reads of 50 records)."""
    rows = [_row(action, object_type, object_id, actor=actor, details=details) for object_id in object_ids]
    if rows:
        db.session.execute(sa.insert(AuditEvent), rows)


def _row(action: str, object_type: str, object_id: object, *, actor: User | None, details: dict | None) -> dict:
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    return {
        "actor_id": actor.id if actor is not None else None,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "details": {k: v for k, v in (details or {}).items() if k not in SECRET_KEYS},
        "ip": request.remote_addr if has_request_context() else None,
    }


# The label of every audit action (lazy: in the reader's language): the one mapping the revision log,
# its export and the company timeline read (tests/crm/admin/test_audit_log.py fails for an action in
# the code without one).
ACTION_LABELS = {
    "login.success": _l("Login"),
    "login.failure": _l("Login mislykkedes"),
    "login.locked": _l("Login spærret efter for mange forsøg"),
    "logout": _l("Log ud"),
    "user.create": _l("Bruger oprettet"),
    "user.update": _l("Bruger ændret"),
    "user.programmes": _l("Brugerens indsatser ændret"),
    "user.password_reset": _l("Adgangskode nulstillet"),
    "user.totp_enabled": _l("Totrinsbekræftelse slået til"),
    "user.recovery_codes": _l("Gendannelseskoder lavet"),
    "user.recovery_code_used": _l("Gendannelseskode brugt"),
    "user.totp_reset": _l("Totrinsbekræftelse nulstillet"),
    "borger.create": _l("Borger oprettet"),
    "borger.view": _l("Borger set"),
    "borger.denied": _l("Adgang til borger nægtet"),
    "borger.update": _l("Borger ændret"),
    "borger.reassign": _l("Borger overdraget til anden vejleder"),
    "borger.export": _l("Indsigt udleveret til borger"),
    "borger.erase": _l("Borger slettet"),
    "borger.contact_logged": _l("Arbejdsgiverkontakt om borger noteret"),
    "placement.shortlist": _l("Sat på kortlisten"),
    "placement.stage": _l("Trin i forløb registreret"),
    "outcome.record": _l("Resultat registreret"),
    "proposal.answer": _l("Arbejdsgiver svarede på forslag"),
    "match.not_a_fit": _l("Match markeret «passer ikke»"),
    "referral.start": _l("Henvisningsperiode registreret"),
    "referral.renew": _l("Henvisning fornyet"),
    "referral.remind": _l("Påmindelse om henvisningsperiode"),
    "company.create": _l("Virksomheden oprettet"),
    "company.update": _l("Virksomhedens profil ændret"),
    "company.status": _l("Virksomhedens status ændret"),
    "company.merge": _l("Virksomheder flettet"),
    "company.import": _l("Virksomheder importeret"),
    "company.import_undo": _l("Import fortrudt"),
    "company.export": _l("Virksomheder eksporteret"),
    "contact.create": _l("Kontaktperson tilføjet"),
    "contact.update": _l("Kontaktperson ændret"),
    "contact.delete": _l("Kontaktperson slettet"),
    "contact_log.create": _l("Kontakt noteret i kontaktloggen"),
    "task.create": _l("Opgave oprettet"),
    "task.done": _l("Opgave udført"),
    "task.undone": _l("Opgave genåbnet"),
    "opening.create": _l("Stilling oprettet"),
    "opening.update": _l("Stilling ændret"),
    "opening.status": _l("Stillingens status ændret"),
    "opening.confirm": _l("Stilling bekræftet"),
    "opening.remind": _l("Påmindelse sendt om stillinger"),
    "invitation.create": _l("Invitation til portalen sendt"),
    "invitation.accept": _l("Invitation til portalen taget i brug"),
    "invitation.revoke": _l("Invitation trukket tilbage"),
    "invitation.revoke_user": _l("Portaladgang fjernet"),
    "attachment.upload": _l("Bilag tilføjet"),
    "attachment.delete": _l("Bilag slettet"),
    "attachment.download": _l("Bilag hentet"),
    "attachment.unavailable": _l("Bilag kunne ikke læses"),
    "calendar.create": _l("Kalenderlink oprettet"),
    "calendar.renew": _l("Kalenderlink fornyet"),
    "calendar.revoke": _l("Kalenderlink tilbagekaldt"),
    "digest.subscribe": _l("Dagligt overblik slået til"),
    "digest.unsubscribe": _l("Dagligt overblik slået fra"),
    "digest.send": _l("Dagligt overblik sendt"),
    "api_token.create": _l("API-nøgle oprettet"),
    "api_token.revoke": _l("API-nøgle tilbagekaldt"),
    "programme.create": _l("Indsats oprettet"),
    "programme.update": _l("Indsats ændret"),
    "programme.export": _l("Indsatsens tal eksporteret"),
    "contract.create": _l("Resultatkontrakt oprettet"),
    "contract.update": _l("Resultatkontrakt ændret"),
    "contract.verify": _l("Resultat verificeret"),
    "contract.invoice": _l("Faktura udstedt"),
    "contract.payment": _l("Betaling registreret"),
    "contract.investor_export": _l("Investorrapport eksporteret"),
    "weights.fit": _l("Matchvægte beregnet"),
    "weights.adopt": _l("Matchvægte taget i brug"),
    "weights.restore": _l("Matchvægte gendannet"),
    "audit.export": _l("Revisionslog eksporteret"),
}

# The actions shown on a company's timeline (in ACTION_LABELS' words).
COMPANY_TIMELINE_ACTIONS = (
    "company.create", "company.update", "company.status", "company.merge", "company.import",
    "company.import_undo", "contact.create", "contact.update", "contact.delete", "opening.create",
    "opening.update", "opening.status", "opening.confirm", "opening.remind", "invitation.create",
    "invitation.accept", "invitation.revoke", "invitation.revoke_user",
)
COMPANY_TIMELINE_LABELS = {action: ACTION_LABELS[action] for action in COMPANY_TIMELINE_ACTIONS}
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
