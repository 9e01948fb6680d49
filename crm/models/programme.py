"""A programme (indsats) that borgere are enrolled in, e.g. "Din vej i job" in Aarhus."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db


class Programme(db.Model):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    municipality: Mapped[str] = mapped_column(sa.String(80), default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    target_group: Mapped[str] = mapped_column(sa.Text, default="")
    # IPS: an employment specialist carries at most about 20 borgere.
    caseload_norm: Mapped[int] = mapped_column(default=20)

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.name!r}>"
