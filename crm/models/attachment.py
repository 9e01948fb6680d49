"""A file attached to a company (a signed partnership agreement) or to a placement (praktik and
løntilskud papers). The bytes live on disk under ``ATTACHMENT_DIR`` in a file with a random name
(``storage_key``); the row holds what is known about them, with the SHA-256 checksum that every
read checks (crm/services/attachments.py)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import NEVER_REUSE_IDS, db
from crm.timeutil import utcnow


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (
        # Exactly one owner: a company or a placement.
        sa.CheckConstraint("(company_id IS NULL) <> (placement_id IS NULL)", name="one_owner"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    # A placement's files go with the borger's erasure (the service deletes them from disk first).
    placement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"),
                                                     index=True)
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(200))  # sanitised (no path, no control characters)
    content_type: Mapped[str] = mapped_column(sa.String(120))  # from the content, not from the browser
    size: Mapped[int]  # bytes
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    company = relationship("Company")
    placement = relationship("Placement")
    uploaded_by = relationship("User")

    @property
    def borger(self):
        """The borger a placement's file concerns (None for a company's)."""
        return self.placement.borger if self.placement is not None else None
