"""Create and change user accounts; every change is audited."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from crm.extensions import db
from crm.i18n import chosen_language
from crm.models import Company, Programme, Role, User
from crm.services import ValidationError
from crm.services.audit import record_event
from crm.services.passwords import hash_password
from crm.sorting import danish_key

DEFAULT_MIN_PASSWORD_LENGTH = 12


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _min_length() -> int:
    try:
        return current_app.config["PASSWORD_MIN_LENGTH"]
    except (RuntimeError, KeyError):
        return DEFAULT_MIN_PASSWORD_LENGTH


def check_password_strength(password: str) -> None:
    """Raise ValidationError when the password is too weak to accept."""
    if len(password or "") < _min_length():
        raise ValidationError(
            gettext("Adgangskoden skal være mindst %(min)s tegn.", min=_min_length()), field="password"
        )


def _check_role_and_company(role: str, company_id: int | None) -> None:
    if role not in {r.value for r in Role}:
        raise ValidationError(gettext("Ukendt rolle."), field="role")
    if role == Role.EMPLOYER:
        if company_id is None or db.session.get(Company, company_id) is None:
            raise ValidationError(gettext("En arbejdsgiver skal høre til en virksomhed."), field="company_id")
    elif company_id is not None:
        raise ValidationError(gettext("Kun arbejdsgivere kan knyttes til en virksomhed."), field="company_id")


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def _phone(phone: str | None) -> str:
    """A work phone as typed, its spaces tidied."""
    phone = " ".join((phone or "").split())
    if len(phone) > 40:
        raise ValidationError(gettext("Telefonnummeret må højst være %(max)s tegn.", max=40), field="phone")
    return phone


def create_user(
    *, email: str, name: str, role: str, password: str, company_id: int | None = None, phone: str = "",
    actor=None
) -> User:
    """Create an account. Raises ValidationError for a taken e-mail, bad role or weak password."""
    email = normalize_email(email)
    if not email or "@" not in email:
        raise ValidationError(gettext("Angiv en gyldig e-mailadresse."), field="email")
    if get_user_by_email(email) is not None:
        raise ValidationError(gettext("Der findes allerede en bruger med den e-mail."), field="email")
    if not (name or "").strip():
        raise ValidationError(gettext("Angiv et navn."), field="name")
    _check_role_and_company(role, company_id)
    check_password_strength(password)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        company_id=company_id,
        password_hash=hash_password(password),
    )
    if phone:
        user.phone = _phone(phone)
    db.session.add(user)
    db.session.flush()
    record_event(
        "user.create", "user", user.id, actor=actor, details={"email": email, "role": role}
    )
    return user


def update_user(
    user: User, *, email: str, name: str, role: str, company_id: int | None, active: bool,
    phone: str | None = None, actor=None
) -> User:
    """Change an account's details (``phone=None`` leaves it). Deactivating it ends all its sessions."""
    email = normalize_email(email)
    other = get_user_by_email(email)
    if other is not None and other.id != user.id:
        raise ValidationError(gettext("Der findes allerede en bruger med den e-mail."), field="email")
    if not (name or "").strip():
        raise ValidationError(gettext("Angiv et navn."), field="name")
    _check_role_and_company(role, company_id)
    if actor is not None and actor.id == user.id and (not active or role != user.role):
        raise ValidationError(gettext("Du kan ikke fjerne din egen rolle eller deaktivere dig selv."))
    changes = {}
    for attr, value in (
        ("email", email), ("name", name.strip()), ("role", role),
        ("company_id", company_id), ("active", active),
        *((("phone", _phone(phone)),) if phone is not None else ()),
    ):
        if getattr(user, attr) != value:
            changes[attr] = value
            setattr(user, attr, value)
    if "active" in changes and not active:
        user.session_version += 1
    if changes:
        record_event("user.update", "user", user.id, actor=actor, details=changes)
    return user


def set_led_programmes(user: User, programme_ids, *, actor=None) -> User:
    """Set the programmes a teamleder leads (crm/permissions.py reads them). Audited. Raises
    ValidationError for an unknown programme or a user who is not a teamleder."""
    wanted = {int(pid) for pid in programme_ids or ()}
    programmes = list(db.session.scalars(sa.select(Programme).where(Programme.id.in_(wanted)))) if wanted else []
    if len(programmes) != len(wanted):
        raise ValidationError(gettext("Ukendt indsats."), field="led_programme_ids")
    if programmes and user.role != Role.TEAMLEDER:
        raise ValidationError(gettext("Kun en teamleder kan lede indsatser."), field="led_programme_ids")
    if {p.id for p in user.led_programmes} != wanted:
        user.led_programmes = sorted(programmes, key=lambda p: danish_key(p.name))
        record_event("user.programmes", "user", user.id, actor=actor,
                     details={"programme_ids": sorted(wanted)})
    return user


def reset_password(user: User, new_password: str, *, actor=None) -> None:
    """Set a new password and end the user's other sessions."""
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    record_event("user.password_reset", "user", user.id, actor=actor)


def set_language(user: User, language: str) -> None:
    """Remember the language ``user`` reads Fodfæste in (crm/i18n.py LANGUAGES)."""
    if chosen_language(language) is None:
        raise ValidationError(gettext("Vælg dansk eller engelsk."), field="language")
    user.language = language
