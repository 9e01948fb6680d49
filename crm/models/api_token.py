"""Personal access tokens for the API (``/api/v1``) and the creates they made idempotent."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import NEVER_REUSE_IDS, db
from crm.timeutil import utcnow


class ApiToken(db.Model):
    """A user's token for a script or another system: the secret is shown once and stored only as
    its SHA-256 (a random 256-bit secret needs no slow hash); it acts as its user, never beyond the
    scopes it was given, until it expires or is revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    # The first characters of the token, shown on the account page to tell tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}>"


class IdempotentRequest(db.Model):
    """A create sent with an ``Idempotency-Key``: the same key and body again get the same answer
    instead of a second object; the same key with another body is refused."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("token_id", "key"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(sa.ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(200))
    method: Mapped[str] = mapped_column(sa.String(10))
    path: Mapped[str] = mapped_column(sa.String(300))
    body_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[int]
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    response: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
