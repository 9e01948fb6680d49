"""Staff and employer accounts, and the per-e-mail failed-login counter."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.programme import Programme
from crm.sorting import danish
from crm.timeutil import utcnow


class Role(StrEnum):
    ADMIN = "admin"
    TEAMLEDER = "teamleder"
    VEJLEDER = "vejleder"
    KONSULENT = "konsulent"
    EMPLOYER = "employer"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.TEAMLEDER: _l("Teamleder"),
    Role.VEJLEDER: _l("Vejleder"),
    Role.KONSULENT: _l("Virksomhedskonsulent"),
    Role.EMPLOYER: _l("Arbejdsgiver"),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __mapper_args__ = {"eager_defaults": False}

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # A staff member's work phone ("" when not recorded): the employer portal shows the company's
    # konsulent with it. Only those pages read it, so it is loaded on first use, and a user written
    # without one leaves the column to its database default (not fetched back: eager_defaults), so
    # code that predates the column still reads and writes users (the migration tests do).
    phone: Mapped[str] = mapped_column(sa.String(40), server_default="", deferred=True)
    # Employers belong to exactly one company; staff to none.
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    # Bumped on logout, deactivation and password change: every older session cookie stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None]
    # "da" or "en" (crm/i18n.py LANGUAGES); "": not chosen, the browser's language decides.
    # Deferred, so code written for an older schema never selects it; a request loads it with the
    # user (crm/__init__.py load_user).
    language: Mapped[str] = mapped_column(sa.String(5), server_default="", deferred=True)
    # Second factor (TOTP, an authenticator app). The secret never leaves this row or the
    # enrolment page; the last used time step stops a code from being used twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    company = relationship("Company", foreign_keys=[company_id])
    recovery_codes = relationship("RecoveryCode", back_populates="user", cascade="all, delete-orphan")
    # The programmes a teamleder leads (crm/permissions.py reads it; empty for other roles).
    led_programmes = relationship("Programme", secondary="programme_leads", order_by=lambda: danish(Programme.name))

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def has_totp(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None

    def get_id(self) -> str:
        # The session stores id and version, so bumping the version logs out every copy.
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginAttempt(db.Model):
    """Failed logins per normalised e-mail, whether or not an account exists for it.

    Counting unknown e-mails the same way means the lock message never tells whether an
    account exists, and the counter lives in the database so every worker process sees it.
    """

    __tablename__ = "login_attempts"

    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]


class RecoveryCode(db.Model):
    """A single-use code for logging in without the authenticator app (stored hashed)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    used_at: Mapped[datetime | None]

    user = relationship(User, back_populates="recovery_codes")
