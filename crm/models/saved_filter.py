"""A user's saved filter sets for the company list: a name and the list's query string."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import NEVER_REUSE_IDS, db
from crm.timeutil import utcnow


class SavedFilter(db.Model):
    """One named filter set of one user (their own; nobody else sees or applies it)."""

    __tablename__ = "saved_filters"
    __table_args__ = (sa.UniqueConstraint("user_id", "name"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    # The company list's filters as a query string ("q=bager&status=partner"), known keys only.
    query: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
