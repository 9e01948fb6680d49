"""Second factor for staff: TOTP (RFC 6238, an authenticator app) with single-use recovery codes.

Staff (admin, teamleder, vejleder, konsulent) need it when TOTP_REQUIRED is on (the default in
production); anyone who has enrolled is always asked. Employers log in with a password (and the
rate limit); the municipality's single sign-on or MitID Erhverv would plug in at the login view.
"""

import hashlib
import secrets

import pyotp
import segno
from flask import current_app

from crm.extensions import db
from crm.models import RecoveryCode, User
from crm.permissions import is_staff
from crm.services.audit import record_event
from crm.timeutil import utcnow

ISSUER = "Fodfæste"
RECOVERY_CODE_COUNT = 10
# Accept the previous and next 30-second step too: phone clocks drift.
VALID_WINDOW = 1


def required_for(user: User) -> bool:
    """Whether this user must pass a second factor to log in."""
    return user.has_totp or (is_staff(user) and current_app.config.get("TOTP_REQUIRED", False))


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_qr_svg(user: User, secret: str) -> str:
    """The enrolment QR code as inline SVG, drawn locally (no external service)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#1d2a33", light="#ffffff")


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def _matching_step(secret: str, code: str) -> int | None:
    code = (code or "").replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow().timestamp()
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = int(now // totp.interval) + offset
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enable(user: User, secret: str, code: str) -> list[str] | None:
    """Turn on TOTP if ``code`` is valid for ``secret``; return fresh recovery codes, else None."""
    step = _matching_step(secret, code)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    record_event("user.totp_enabled", "user", user.id, actor=user)
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes are shown once and never stored."""
    user.recovery_codes.clear()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes.extend(RecoveryCode(code_hash=_hash(code)) for code in codes)
    record_event("user.recovery_codes", "user", user.id, actor=user)
    return codes


def verify(user: User, code: str) -> bool:
    """Check a TOTP code (never the same step twice) or an unused recovery code."""
    step = _matching_step(user.totp_secret or "", code)
    if step is not None and (user.totp_last_step is None or step > user.totp_last_step):
        user.totp_last_step = step
        return True
    wanted = _hash(code or "")
    for recovery in user.recovery_codes:
        if recovery.used_at is None and secrets.compare_digest(recovery.code_hash, wanted):
            recovery.used_at = utcnow()
            record_event("user.recovery_code_used", "user", user.id, actor=user)
            return True
    return False


def reset(user: User, *, actor) -> None:
    """Remove the second factor (lost phone); the user enrols again at the next login."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes.clear()
    user.session_version += 1
    record_event("user.totp_reset", "user", user.id, actor=actor)
    db.session.flush()
