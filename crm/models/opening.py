"""An opening (stilling / praktikplads) at a company, kept current by konsulenter and employers."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import NEVER_REUSE_IDS, db
from crm.timeutil import utcnow
from matcher.kinds import KIND_LABEL, POSTED_KINDS

# The Danish names of the kind table (matcher/kinds.py, which never imports Flask) marked for the
# catalogue, so a name is shown in the reader's language; a kind missing here keeps its Danish name.
KIND_NAMES = (_l("Ordinært job"), _l("Virksomhed (jobudvikling)"), _l("Fleksjob"), _l("Uddannelse"),
              _l("Løntilskud"), _l("Virksomhedspraktik"))


def kind_name(code: str) -> str:
    """A kind's name in the reader's language; the bare code for a kind the table does not know."""
    label = KIND_LABEL.get(code)
    return gettext(label) if label else code


class _Kind(StrEnum):
    @property
    def label(self) -> str:
        return kind_name(self)


# The kinds an opening can have: the posted kinds of the one kind table (matcher/kinds.py), in its
# order; OpeningKind.JOB, OpeningKind.FLEXJOB … by their codes.
OpeningKind = _Kind("OpeningKind", [(code.upper(), code) for code in POSTED_KINDS])
# Lazy: each is worded in the language of the page (or e-mail) it is shown on.
OPENING_KIND_LABELS = {kind: _l(KIND_LABEL[kind]) for kind in OpeningKind}


class OpeningStatus(StrEnum):
    KLADDE = "kladde"
    AABEN = "aaben"
    PAUSE = "pause"
    BESAT = "besat"
    LUKKET = "lukket"

    @property
    def label(self) -> str:
        return str(OPENING_STATUS_LABELS[self])


OPENING_STATUS_LABELS = {
    OpeningStatus.KLADDE: _l("Kladde"),
    OpeningStatus.AABEN: _l("Åben"),
    OpeningStatus.PAUSE: _l("Pause"),
    OpeningStatus.BESAT: _l("Besat"),
    OpeningStatus.LUKKET: _l("Lukket"),
}


class Opening(db.Model):
    __tablename__ = "openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    occupation: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(12), default=OpeningKind.JOB, index=True)
    hours_min: Mapped[float] = mapped_column(default=37.0)
    hours_max: Mapped[float] = mapped_column(default=37.0)
    low_hour_start: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    postcode: Mapped[str] = mapped_column(sa.String(4), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    geo_precision: Mapped[str | None] = mapped_column(sa.String(10))
    start_date: Mapped[date | None]  # None: as soon as possible
    apply_by: Mapped[date | None]
    places: Mapped[int] = mapped_column(default=1)
    skills: Mapped[list] = mapped_column(sa.JSON, default=list)
    offers: Mapped[list] = mapped_column(sa.JSON, default=list)  # offer-tag codes
    status: Mapped[str] = mapped_column(sa.String(10), default=OpeningStatus.KLADDE, index=True)
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # When the employer was last reminded to confirm; a reminder is sent once per confirmation.
    reminded_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    __mapper_args__ = {"version_id_col": version}
    # The database pre-filter (MATCH_PREFILTER=database) picks open openings confirmed recently; the
    # openings list reads each status newest first.
    __table_args__ = (sa.Index("ix_openings_status_confirmed_at", "status", "confirmed_at"),
                      sa.Index("ix_openings_status_updated", "status", "updated_at", "id"), NEVER_REUSE_IDS)

    company = relationship("Company")

    @property
    def kind_enum(self) -> OpeningKind:
        return OpeningKind(self.kind)

    @property
    def kind_label(self) -> str:
        """The kind's name in the reader's language; the bare code for a kind the kind table does not
        know (never an error)."""
        return kind_name(self.kind)

    @property
    def status_enum(self) -> OpeningStatus:
        return OpeningStatus(self.status)
