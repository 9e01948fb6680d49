"""Invitations to the employer portal: a konsulent invites a company's contact person, the
invited person sets a password, and a konsulent can take the access away again.

The link carries a token signed with the app's SECRET_KEY (itsdangerous) naming the invitation
row and its random nonce. The signature proves the link was made here; the row decides whether it
still works: used, revoked or expired invitations are refused, each with its own message.
Accepting marks the row used with a conditional UPDATE, so two clicks on the same link can never
create two accounts.

The konsulent chooses the invitation's language (``Invitation.language``): the e-mail is written in
it, the invitation page is shown in it (unless the person has chosen a language already), and the
employer user the invitation creates reads the portal in it until they switch.
"""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_mailman import EmailMessage
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from crm.extensions import db
from crm.i18n import DEFAULT_LANGUAGE, chosen_language, in_language
from crm.models import Company, ContactPerson, Invitation, User
from crm.models.user import Role
from crm.services import ServiceError, ValidationError
from crm.services.audit import record_event
from crm.services.fields import EMAIL_MAX, PERSON_MAX, clean_text
from crm.services.users import check_password_strength, create_user, get_user_by_email, normalize_email
from crm.sorting import danish
from crm.timeutil import utcnow

INVITATION_DAYS = 7
MAX_AGE_SECONDS = INVITATION_DAYS * 24 * 3600
SALT = "fodfaeste.portal-invitation"

INVALID_MESSAGE = _l("Linket virker ikke. Tjek, at du har kopieret hele linket, eller bed om en ny invitation.")
EXPIRED_MESSAGE = _l("Invitationen er udløbet (et link gælder i %(days)s dage). "
                     "Bed jobcentrets virksomhedskonsulent om en ny invitation.", days=INVITATION_DAYS)
USED_MESSAGE = _l("Invitationen er allerede brugt. Log ind med den adgangskode, du valgte, "
                  "eller bed om en ny invitation.")
REVOKED_MESSAGE = _l("Invitationen er trukket tilbage. Kontakt jobcentrets virksomhedskonsulent.")

#: Where an invitation stands (``invitation_state``): code → label.
STATE_LABELS = {
    "revoked": _l("Trukket tilbage"),
    "used": _l("Brugt"),
    "expired": _l("Udløbet"),
    "pending": _l("Afventer"),
}


class InvitationError(ServiceError):
    """The invitation link cannot be used (tampered, expired, used or revoked)."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(invitation: Invitation) -> str:
    return _serializer().dumps({"id": invitation.id, "nonce": invitation.nonce})


def create_invitation(company: Company, *, email: str, name: str = "",
                      contact_person: ContactPerson | None = None, language: str = DEFAULT_LANGUAGE,
                      actor=None) -> tuple[Invitation, str]:
    """Invite a person to the company's portal in ``language`` (crm/i18n.py LANGUAGES); return the
    invitation and its link token.

    Raises ValidationError for a bad e-mail, a contact person of another company, an e-mail that
    already has an account, or a language we do not have.
    """
    if chosen_language(language) is None:
        raise ValidationError(_("Vælg dansk eller engelsk."), field="language")
    if contact_person is not None:
        if contact_person.company_id != company.id:
            raise ValidationError(_("Vælg en kontaktperson fra virksomheden."), field="contact_person_id")
        email = email or contact_person.email
        name = name or contact_person.name
    email = normalize_email(email)
    if not email or "@" not in email or len(email) > EMAIL_MAX:
        raise ValidationError(_("Angiv en gyldig e-mailadresse."), field="email")
    if get_user_by_email(email) is not None:
        raise ValidationError(_("Der findes allerede en bruger med den e-mail."), field="email")
    name = clean_text({"name": name}, "name", max_length=PERSON_MAX)
    now = utcnow()
    invitation = Invitation(
        company_id=company.id, contact_person_id=contact_person.id if contact_person else None,
        email=email, name=name, language=language, nonce=secrets.token_urlsafe(32),
        created_by_id=actor.id if actor else None, created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    record_event("invitation.create", "company", company.id, actor=actor,
                 details={"invitation_id": invitation.id, "email": email, "language": language})
    return invitation, token_for(invitation)


def send_invitation_email(invitation: Invitation, link: str) -> None:
    """E-mail the invitation link to the invited person, in the invitation's language."""
    with in_language(invitation.language):
        greeting = _("Kære %(name)s", name=invitation.name) if invitation.name else _("Hej")
        body = "\n\n".join((
            greeting,
            _("Du er inviteret til Fodfæstes virksomhedsportal for %(company)s. I portalen kan I holde "
              "jeres stillinger og praktikpladser opdateret og svare på forslag fra jobcentret.",
              company=invitation.company.name),
            _("Vælg din adgangskode her (linket gælder i %(days)s dage og kan bruges én gang):",
              days=INVITATION_DAYS) + f"\n{link}",
            _("Venlig hilsen") + "\n" + _("Jobcentret") + "\n",
        ))
        subject = _("Invitation til virksomhedsportalen")
    EmailMessage(subject=subject, body=body, to=[invitation.email]).send()


def load_invitation(token: str) -> Invitation:
    """The usable invitation a token names. Raises InvitationError with a message for the person."""
    serializer = _serializer()
    try:
        payload = serializer.loads(token, max_age=MAX_AGE_SECONDS)
    except SignatureExpired:
        raise InvitationError(EXPIRED_MESSAGE) from None
    except BadSignature:
        raise InvitationError(INVALID_MESSAGE) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise InvitationError(INVALID_MESSAGE)
    invitation = db.session.get(Invitation, payload["id"])
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(payload.get("nonce"))):
        raise InvitationError(INVALID_MESSAGE)
    if invitation.revoked_at is not None:
        raise InvitationError(REVOKED_MESSAGE)
    if invitation.used_at is not None:
        raise InvitationError(USED_MESSAGE)
    if invitation.expires_at <= utcnow():
        raise InvitationError(EXPIRED_MESSAGE)
    return invitation


def invitation_language(token: str) -> str | None:
    """The language of the invitation a genuine link names, usable or not (a used or expired
    invitation is refused in its own language too); None for a link not made here."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        return None
    invitation = db.session.get(Invitation, payload["id"])
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(payload.get("nonce"))):
        return None
    return chosen_language(invitation.language)


def accept_invitation(token: str, *, password: str, name: str | None = None) -> User:
    """Use an invitation: create the employer's account with the chosen password.

    Raises InvitationError for an unusable link and ValidationError for a weak password.
    """
    invitation = load_invitation(token)
    check_password_strength(password)
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None),
               Invitation.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise InvitationError(USED_MESSAGE)
    name = (name or "").strip() or invitation.name or invitation.email
    user = create_user(email=invitation.email, name=name, role=Role.EMPLOYER, password=password,
                       company_id=invitation.company_id)
    user.language = chosen_language(invitation.language) or DEFAULT_LANGUAGE
    invitation.used_at = now
    invitation.user_id = user.id
    record_event("invitation.accept", "company", invitation.company_id, actor=user,
                 details={"invitation_id": invitation.id, "user_id": user.id})
    return user


def revoke_invitation(invitation: Invitation, *, actor=None) -> None:
    """End an invitation; if it has been used, the account it created is deactivated too."""
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
    if invitation.user is not None:
        _deactivate(invitation.user)
    record_event("invitation.revoke", "company", invitation.company_id, actor=actor,
                 details={"invitation_id": invitation.id, "user_id": invitation.user_id})


def revoke_employer_access(user: User, *, actor=None) -> None:
    """Take an employer's portal access away (deactivate the account; its sessions end)."""
    if user.role != Role.EMPLOYER:
        raise ValidationError(_("Kun arbejdsgiveres adgang kan fjernes her."))
    _deactivate(user)
    record_event("invitation.revoke_user", "company", user.company_id, actor=actor,
                 details={"user_id": user.id})


def _deactivate(user: User) -> None:
    if user.active:
        user.active = False
        user.session_version += 1


def invitations_for(company: Company) -> list[Invitation]:
    return list(db.session.scalars(sa.select(Invitation).where(Invitation.company_id == company.id)
                                   .order_by(Invitation.created_at.desc(), Invitation.id.desc())))


def employer_users(company: Company) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.company_id == company.id,
                                                         User.role == Role.EMPLOYER)
                                   .order_by(User.active.desc(), danish(User.name))))


def invitation_state(invitation: Invitation) -> str:
    """Where the invitation stands: a code of ``STATE_LABELS`` (revoked, used, expired, pending)."""
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.used_at is not None:
        return "used"
    if invitation.expires_at <= utcnow():
        return "expired"
    return "pending"
