"""Check credentials with a per-e-mail lock after repeated failures.

Unknown e-mails are counted and locked exactly like real accounts, so neither the message nor
the timing tells an attacker whether an account exists.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from crm.extensions import db
from crm.models import LoginAttempt, User
from crm.services.audit import record_event
from crm.services.passwords import hash_password, needs_rehash, verify_password
from crm.services.users import get_user_by_email, normalize_email
from crm.timeutil import utcnow

INVALID_MESSAGE = _l("Forkert e-mail eller adgangskode.")


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None = None


def _attempt_for(email: str) -> LoginAttempt:
    attempt = db.session.get(LoginAttempt, email)
    if attempt is not None:
        return attempt
    try:
        with db.session.begin_nested():
            attempt = LoginAttempt(email=email, failures=0)
            db.session.add(attempt)
    except IntegrityError:  # another worker created it at the same moment
        attempt = db.session.get(LoginAttempt, email)
    return attempt


def locked_message() -> str:
    return _("For mange mislykkede forsøg. Prøv igen om %(minutes)s minutter.",
             minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def authenticate(email: str, password: str) -> LoginResult:
    """Check e-mail and password: the user when they are right, else an error message (in the reader's language).

    The caller then asks for the second factor if needed and calls ``complete_login``.
    """
    email = normalize_email(email)
    now = utcnow()
    if _is_locked(email, now):
        verify_password(None, password)  # same work as a real check
        record_event("login.locked", "user", None, details={"email": email})
        return LoginResult(None, locked_message())

    user = get_user_by_email(email)
    valid = verify_password(user.password_hash if user else None, password)
    if valid and user.active:
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return LoginResult(user)
    return register_failure(email, user, reason="inactive" if valid else "credentials")


def _is_locked(email: str, now) -> bool:
    attempt = db.session.get(LoginAttempt, email)
    return attempt is not None and attempt.locked_until is not None and attempt.locked_until > now


def register_failure(email: str, user: User | None, *, reason: str) -> LoginResult:
    """Count a failed password or second-factor attempt; lock the e-mail after too many."""
    now = utcnow()
    attempt = _attempt_for(email)
    # Counted in SQL: failures at the same moment all count, whatever each request read before.
    # The flush takes the row (PostgreSQL) or write (SQLite) lock, so the value read next is exact.
    attempt.failures = LoginAttempt.failures + 1
    attempt.last_failure_at = now
    db.session.flush()
    record_event("login.failure", "user", user.id if user else None,
                 details={"email": email, "reason": reason})
    if attempt.failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        attempt.failures = 0
        attempt.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        return LoginResult(None, locked_message())
    return LoginResult(None, str(INVALID_MESSAGE))


def is_locked(email: str) -> bool:
    return _is_locked(normalize_email(email), utcnow())


def complete_login(user: User) -> None:
    """Record a finished login (all factors passed) and forget earlier failures."""
    attempt = db.session.get(LoginAttempt, user.email)
    if attempt is not None:
        db.session.delete(attempt)
    user.last_login_at = utcnow()
    record_event("login.success", "user", user.id, actor=user)


def end_all_sessions(user: User) -> None:
    """Make every existing session cookie of this user useless (used on logout)."""
    user.session_version += 1
    record_event("logout", "user", user.id, actor=user)


def step_up(user: User, password: str, code: str | None) -> str | None:
    """Ask a logged-in user to prove it is them again before a sensitive act (a new API token):
    the password, and the second factor's code when ``code`` is asked for (not None). Returns
    None when both are right, else the reason; a failure counts towards the lockout."""
    if is_locked(user.email):
        return locked_message()
    if not verify_password(user.password_hash, password or ""):
        register_failure(user.email, user, reason="step_up_password")
        return locked_message() if is_locked(user.email) else _("Adgangskoden er forkert.")
    if code is not None:
        from crm.services import second_factor

        if not second_factor.verify(user, code):
            result = register_failure(user.email, user, reason="step_up_second_factor")
            return result.error if is_locked(user.email) else _("Koden er forkert eller udløbet.")
    return None
