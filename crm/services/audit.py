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


# The Danish label of every audit action: the one mapping the revision log, its export and the
# company timeline read (tests/crm/admin/test_audit_log.py fails for an action in the code without one).
ACTION_LABELS = {
    "login.success": "Login",
    "login.failure": "Login mislykkedes",
    "login.locked": "Login spærret efter for mange forsøg",
    "logout": "Log ud",
    "user.create": "Bruger oprettet",
    "user.update": "Bruger ændret",
    "user.programmes": "Brugerens indsatser ændret",
    "user.password_reset": "Adgangskode nulstillet",
    "user.totp_enabled": "Totrinsbekræftelse slået til",
    "user.recovery_codes": "Gendannelseskoder lavet",
    "user.recovery_code_used": "Gendannelseskode brugt",
    "user.totp_reset": "Totrinsbekræftelse nulstillet",
    "borger.create": "Borger oprettet",
    "borger.view": "Borger set",
    "borger.denied": "Adgang til borger nægtet",
    "borger.update": "Borger ændret",
    "borger.reassign": "Borger overdraget til anden vejleder",
    "borger.export": "Indsigt udleveret til borger",
    "borger.erase": "Borger slettet",
    "borger.contact_logged": "Arbejdsgiverkontakt om borger noteret",
    "placement.shortlist": "Sat på kortlisten",
    "placement.stage": "Trin i forløb registreret",
    "outcome.record": "Resultat registreret",
    "proposal.answer": "Arbejdsgiver svarede på forslag",
    "match.not_a_fit": "Match markeret «passer ikke»",
    "referral.start": "Henvisningsperiode registreret",
    "referral.renew": "Henvisning fornyet",
    "referral.remind": "Påmindelse om henvisningsperiode",
    "company.create": "Virksomheden oprettet",
    "company.update": "Virksomhedens profil ændret",
    "company.status": "Virksomhedens status ændret",
    "company.merge": "Virksomheder flettet",
    "company.import": "Virksomheder importeret",
    "company.import_undo": "Import fortrudt",
    "company.export": "Virksomheder eksporteret",
    "contact.create": "Kontaktperson tilføjet",
    "contact.update": "Kontaktperson ændret",
    "contact.delete": "Kontaktperson slettet",
    "contact_log.create": "Kontakt noteret i kontaktloggen",
    "task.create": "Opgave oprettet",
    "task.done": "Opgave udført",
    "task.undone": "Opgave genåbnet",
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
    "attachment.download": "Bilag hentet",
    "attachment.unavailable": "Bilag kunne ikke læses",
    "calendar.create": "Kalenderlink oprettet",
    "calendar.renew": "Kalenderlink fornyet",
    "calendar.revoke": "Kalenderlink tilbagekaldt",
    "digest.subscribe": "Dagligt overblik slået til",
    "digest.unsubscribe": "Dagligt overblik slået fra",
    "digest.send": "Dagligt overblik sendt",
    "api_token.create": "API-nøgle oprettet",
    "api_token.revoke": "API-nøgle tilbagekaldt",
    "programme.create": "Indsats oprettet",
    "programme.update": "Indsats ændret",
    "programme.export": "Indsatsens tal eksporteret",
    "contract.create": "Resultatkontrakt oprettet",
    "contract.update": "Resultatkontrakt ændret",
    "contract.verify": "Resultat verificeret",
    "contract.invoice": "Faktura udstedt",
    "contract.payment": "Betaling registreret",
    "contract.investor_export": "Investorrapport eksporteret",
    "weights.fit": "Matchvægte beregnet",
    "weights.adopt": "Matchvægte taget i brug",
    "weights.restore": "Matchvægte gendannet",
    "audit.export": "Revisionslog eksporteret",
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
