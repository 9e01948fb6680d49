"""Cached answers from an online geocoder, so each address is looked up once."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.extensions import db
from crm.timeutil import utcnow


class GeocodeCache(db.Model):
    __tablename__ = "geocode_cache"

    query: Mapped[str] = mapped_column(sa.String(400), primary_key=True)
    lat: Mapped[float]
    lon: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
