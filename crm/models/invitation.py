"""An invitation for an employer's contact person to the employer portal."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.timeutil import utcnow


class Invitation(db.Model):
    """Single use: the link carries a signed token naming this row and its nonce; using it (or
    revoking it) ends it, and it expires after a set time."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    contact_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contact_persons.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    # The language of the invitation e-mail and, once accepted, of the new portal user.
    language: Mapped[str] = mapped_column(sa.String(5), default="da", server_default="da")
    nonce: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    company = relationship("Company")
    contact_person = relationship("ContactPerson")
    created_by = relationship("User", foreign_keys=[created_by_id])
    user = relationship("User", foreign_keys=[user_id])
