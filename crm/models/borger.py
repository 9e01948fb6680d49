"""A borger in a vejleder's caseload, and the placement pipeline toward a job or education.

Data protection (DOMAIN.md): no CPR number and no diagnosis field. A borger is shown by first
name or initials plus an internal reference. Every view and change is audited by the services.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.timeutil import utcnow


class Phase(StrEnum):
    OPSTART = "opstart"
    VIRKSOMHEDSMATCH = "virksomhedsmatch"
    VIRKSOMHEDSFORLOEB = "virksomhedsforloeb"
    UDVIKLING = "udvikling"
    JOB_UDDANNELSE = "job_uddannelse"
    EFTERVAERN = "eftervaern"
    AFSLUTTET = "afsluttet"

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self])


PHASE_LABELS = {
    Phase.OPSTART: _l("Opstart"),
    Phase.VIRKSOMHEDSMATCH: _l("Virksomhedsmatch"),
    Phase.VIRKSOMHEDSFORLOEB: _l("Virksomhedsforløb"),
    Phase.UDVIKLING: _l("Udvikling"),
    Phase.JOB_UDDANNELSE: _l("Job/uddannelse"),
    Phase.EFTERVAERN: _l("Efterværn"),
    Phase.AFSLUTTET: _l("Afsluttet"),
}


class Transport(StrEnum):
    WALK = "walk"
    BIKE = "bike"
    PUBLIC = "public"
    CAR = "car"

    @property
    def label(self) -> str:
        return str(TRANSPORT_LABELS[self])


TRANSPORT_LABELS = {
    Transport.WALK: _l("Til fods"),
    Transport.BIKE: _l("Cykel"),
    Transport.PUBLIC: _l("Offentlig transport"),
    Transport.CAR: _l("Bil"),
}

# Fields a borger may agree to share with an employer a vejleder proposes them to.
SHAREABLE_FIELDS = {
    "first_name": _l("Fornavn"),
    "wishes": _l("Jobønsker"),
    "strengths": _l("Styrker"),
    "hours": _l("Timer om ugen"),
}


class IssuedReference(db.Model):
    """Every borger reference ever handed out. It outlives the borger's erasure, holding nothing
    but the reference, so that no reference (on a note, in an e-mail, in a vejleder's memory) is
    ever given to a second person."""

    __tablename__ = "borger_references"

    reference: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class Borger(db.Model):
    __tablename__ = "borgere"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Internal reference (e.g. "B-7K3M", drawn at random, never reused); safe to show to a
    # konsulent instead of the name.
    reference: Mapped[str] = mapped_column(sa.ForeignKey("borger_references.reference"), unique=True)
    first_name: Mapped[str] = mapped_column(sa.String(60))  # first name or initials only
    vejleder_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id"), index=True)
    enrolled_on: Mapped[date]
    phase: Mapped[str] = mapped_column(sa.String(20), default=Phase.OPSTART, index=True)
    postcode: Mapped[str] = mapped_column(sa.String(4))
    lat: Mapped[float]
    lon: Mapped[float]
    transport: Mapped[str] = mapped_column(sa.String(10), default=Transport.PUBLIC)
    max_travel_minutes: Mapped[int] = mapped_column(default=45)
    hours_min: Mapped[float] = mapped_column(default=5.0)
    hours_max: Mapped[float] = mapped_column(default=15.0)
    wishes: Mapped[list] = mapped_column(sa.JSON, default=list)
    strengths: Mapped[list] = mapped_column(sa.JSON, default=list)
    needs: Mapped[list] = mapped_column(sa.JSON, default=list)  # offer-tag codes
    accepts: Mapped[list] = mapped_column(sa.JSON, default=list)  # target kinds; empty = all
    excluded_industries: Mapped[list] = mapped_column(sa.JSON, default=list)  # DB07 codes
    excluded_company_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    consent_to_propose: Mapped[bool] = mapped_column(default=False)
    shared_fields: Mapped[list] = mapped_column(sa.JSON, default=list)  # keys of SHAREABLE_FIELDS
    disclosure: Mapped[bool] = mapped_column(default=False)  # may an employer be told of the illness
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    ended_on: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    vejleder = relationship("User")
    programme = relationship("Programme")
    placements = relationship("Placement", back_populates="borger", cascade="all, delete-orphan",
                              order_by="Placement.updated_at.desc()")

    @property
    def phase_enum(self) -> Phase:
        return Phase(self.phase)

    @property
    def transport_enum(self) -> Transport:
        return Transport(self.transport)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} ({self.reference})"


class Stage(StrEnum):
    """The placement pipeline for one borger at one company (or opening)."""

    KORTLISTE = "kortliste"
    FORESLAAET = "foreslaaet"
    KONTAKT = "kontakt"
    MOEDE = "moede"
    PRAKTIK = "praktik"
    JOB = "job"
    UDDANNELSE = "uddannelse"
    AFSLUTTET = "afsluttet"

    @property
    def label(self) -> str:
        return str(STAGE_LABELS[self])


STAGE_LABELS = {
    Stage.KORTLISTE: _l("Kortliste"),
    Stage.FORESLAAET: _l("Foreslået"),
    Stage.KONTAKT: _l("Kontakt"),
    Stage.MOEDE: _l("Møde/samtale"),
    Stage.PRAKTIK: _l("Praktik"),
    Stage.JOB: _l("Job"),
    Stage.UDDANNELSE: _l("Uddannelse"),
    Stage.AFSLUTTET: _l("Afsluttet"),
}


class Placement(db.Model):
    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    borger_id: Mapped[int] = mapped_column(sa.ForeignKey("borgere.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    opening_id: Mapped[int | None] = mapped_column(sa.ForeignKey("openings.id", ondelete="SET NULL"),
                                                   index=True)
    stage: Mapped[str] = mapped_column(sa.String(12), default=Stage.KORTLISTE, index=True)
    # The match as it stood when the vejleder acted on it.
    score: Mapped[float | None]
    components: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    hours_per_week: Mapped[float | None]
    end_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    proposed_at: Mapped[datetime | None]
    employer_answer: Mapped[str | None] = mapped_column(sa.String(20))
    employer_answered_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    borger = relationship(Borger, back_populates="placements")
    company = relationship("Company")
    opening = relationship("Opening")
    events = relationship("PlacementEvent", back_populates="placement", cascade="all, delete-orphan",
                          order_by="PlacementEvent.at")

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)


class PlacementEvent(db.Model):
    """A dated step in a placement (the pipeline's history)."""

    __tablename__ = "placement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"),
                                              index=True)
    stage: Mapped[str] = mapped_column(sa.String(12))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    on_date: Mapped[date]  # the date the step happened (may be entered afterwards)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    placement = relationship(Placement, back_populates="events")
    by = relationship("User")

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)
