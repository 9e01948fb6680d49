"""A company (virksomhed) in the partner register.

The foundation holds only what accounts and geocoding need; the company register adds the
partnership fields.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.timeutil import utcnow


class Company(db.Model):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    cvr: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    postcode: Mapped[str] = mapped_column(sa.String(4), index=True)
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    geo_precision: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.name!r}>"
