"""Personal access tokens for the API: create (shown once), revoke, and authenticate a request.

A token is ``ff_`` and 43 URL-safe characters (256 random bits). Only its SHA-256 is stored: the
secret is random and long, so a fast hash cannot be reversed by guessing, and a lookup by hash is
one indexed query. A token acts as its user and only within its scopes (``crm.permissions.SCOPES``);
it stops working when it expires, is revoked, or its user is deactivated.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from crm.extensions import db
from crm.models import ApiToken, User
from crm.permissions import SCOPES, scopes_for
from crm.services import NotAuthorized, ValidationError
from crm.services.audit import record_event
from crm.timeutil import utcnow

TOKEN_PREFIX = "ff_"  # noqa: S105 - the marker every token starts with, not a secret
#: Characters of the token kept in clear to tell tokens apart on the account page.
SHOWN_PREFIX_LENGTH = 10
#: The longest a token may live: a forgotten token in a script should not work forever.
MAX_DAYS = 365
DEFAULT_DAYS = 90
NAME_MAX = 80
#: Update ``last_used_at`` at most this often per token (a busy script must not write on every call).
LAST_USED_RESOLUTION = timedelta(minutes=5)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _scopes(requested, user: User) -> list[str]:
    if isinstance(requested, str):
        requested = requested.replace(",", " ").split()
    wanted = sorted({str(scope).strip() for scope in requested or () if str(scope).strip()})
    if not wanted:
        raise ValidationError(_("Vælg mindst ét område (scope)."), field="scopes")
    unknown = [scope for scope in wanted if scope not in SCOPES]
    if unknown:
        raise ValidationError(_("Ukendte områder: %(scopes)s.", scopes=", ".join(unknown)), field="scopes")
    allowed = set(scopes_for(user))
    beyond = [scope for scope in wanted if scope not in allowed]
    if beyond:
        raise ValidationError(_("Din rolle kan ikke give adgang til: %(scopes)s.", scopes=", ".join(beyond)),
                              field="scopes")
    return [scope for scope in SCOPES if scope in wanted]


def create_token(user: User, *, name: str, scopes, days: int = DEFAULT_DAYS, actor) -> NewToken:
    """Make a token for ``user`` (``actor`` is the user themself, or None for the CLI). Raises
    ValidationError (its message in the reader's language) naming the field."""
    if actor is not None and actor.id != user.id:
        raise NotAuthorized(_("Du kan kun lave nøgler til dig selv."))
    if not user.active:
        raise ValidationError(_("Brugeren er deaktiveret."), field="user")
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Giv nøglen et navn, så du kan kende den igen."), field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(_("Navnet må højst være %(max)s tegn.", max=NAME_MAX), field="name")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(_("Angiv en levetid mellem 1 og %(max)s dage.", max=MAX_DAYS), field="days")
    clean_scopes = _scopes(scopes, user)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(user_id=user.id, name=name, prefix=secret[:SHOWN_PREFIX_LENGTH], token_hash=_hash(secret),
                     scopes=clean_scopes, created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    record_event("api_token.create", "user", user.id, actor=actor,
                 details={"token_id": token.id, "scopes": clean_scopes, "days": days})
    return NewToken(token, secret)


def revoke_token(token: ApiToken, *, actor) -> None:
    """Stop a token at once (its owner's act)."""
    if actor is not None and actor.id != token.user_id:
        raise NotAuthorized(_("Du kan kun tilbagekalde dine egne nøgler."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record_event("api_token.revoke", "user", token.user_id, actor=actor, details={"token_id": token.id})


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(),
                                                                        ApiToken.id.desc())))


def is_usable(token: ApiToken) -> bool:
    return token.revoked_at is None and token.expires_at > utcnow() and token.user.active


def authenticate(secret: str | None) -> ApiToken | None:
    """The live token for a presented secret (None: unknown, expired, revoked or its user
    deactivated). Notes when it was last used, coarsely."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _hash(secret)))
    if token is None or not is_usable(token):
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token
