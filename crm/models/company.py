"""The partner register: companies, their contact persons, the contact log and follow-up tasks.

A company's ``version`` is SQLAlchemy's version counter: an UPDATE that was based on an older
version fails, so two people editing the same company can never silently overwrite each other.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from crm.extensions import NEVER_REUSE_IDS, db
from crm.sorting import SORT_KEY_LENGTH, danish, sort_key
from crm.timeutil import utcnow


class PartnershipStatus(StrEnum):
    EMNE = "emne"
    DIALOG = "dialog"
    PARTNER = "partner"
    PAUSE = "pause"
    OPHOERT = "ophoert"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    PartnershipStatus.EMNE: _l("Emne"),
    PartnershipStatus.DIALOG: _l("Dialog"),
    PartnershipStatus.PARTNER: _l("Partner"),
    PartnershipStatus.PAUSE: _l("Pause"),
    PartnershipStatus.OPHOERT: _l("Ophørt"),
}

# The pipeline: which status may follow which. A partnership can always be paused or ended,
# and a paused or ended one can be taken up again.
STATUS_TRANSITIONS = {
    PartnershipStatus.EMNE: {PartnershipStatus.DIALOG, PartnershipStatus.OPHOERT},
    PartnershipStatus.DIALOG: {PartnershipStatus.EMNE, PartnershipStatus.PARTNER,
                               PartnershipStatus.PAUSE, PartnershipStatus.OPHOERT},
    PartnershipStatus.PARTNER: {PartnershipStatus.PAUSE, PartnershipStatus.OPHOERT},
    PartnershipStatus.PAUSE: {PartnershipStatus.DIALOG, PartnershipStatus.PARTNER,
                              PartnershipStatus.OPHOERT},
    PartnershipStatus.OPHOERT: {PartnershipStatus.EMNE, PartnershipStatus.DIALOG},
}

SIZE_BANDS = ["1-9", "10-49", "50-249", "250+"]


class ContactKind(StrEnum):
    MEETING = "meeting"
    VISIT = "visit"
    EVENT = "event"
    PHONE = "phone"
    EMAIL = "email"

    @property
    def label(self) -> str:
        return str(CONTACT_KIND_LABELS[self])


CONTACT_KIND_LABELS = {
    ContactKind.MEETING: _l("Møde på virksomheden"),
    ContactKind.VISIT: _l("Besøg"),
    ContactKind.EVENT: _l("Arrangement"),
    ContactKind.PHONE: _l("Telefon"),
    ContactKind.EMAIL: _l("E-mail"),
}
# These count toward the IPS job-development figure (face-to-face employer contacts a week).
FACE_TO_FACE_KINDS = frozenset({ContactKind.MEETING, ContactKind.VISIT, ContactKind.EVENT})

company_offers = sa.Table(
    "company_offers",
    db.metadata,
    sa.Column("company_id", sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_code", sa.ForeignKey("offer_tags.code", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class OfferTag(db.Model):
    """What a workplace can offer (rummelighed); the vocabulary the matcher uses too."""

    __tablename__ = "offer_tags"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def shown_label(self) -> str:
        """The label in the reader's language: a shipped label (seeds/offer_tags.csv) is in the
        catalogue; one an admin wrote is shown as written. ``label`` stays the Danish the matcher reads."""
        return gettext(self.label)


class Industry(db.Model):
    """DB07 main sections (A–U)."""

    __tablename__ = "industries"

    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(120))

    @property
    def shown_label(self) -> str:
        """The section's name in the reader's language (seeds/db07.csv is in the catalogue)."""
        return gettext(self.label)


class Company(db.Model):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    # Lower-case name without legal form and punctuation, for search and duplicate checks.
    name_key: Mapped[str] = mapped_column(sa.String(200), default="", index=True)
    # The name_key in Danish alphabetical order, compared byte by byte (crm/sorting.py): the
    # company list reads its first page off this index. Set with name_key (see _keep_sort_key).
    sort_key: Mapped[str] = mapped_column(
        sa.String(SORT_KEY_LENGTH).with_variant(sa.String(SORT_KEY_LENGTH, collation="C"), "postgresql"),
        default="", server_default="", index=True)
    cvr: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    pnummer: Mapped[str | None] = mapped_column(sa.String(10))
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    postcode: Mapped[str] = mapped_column(sa.String(4), index=True)
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    geo_precision: Mapped[str | None] = mapped_column(sa.String(10))
    industry_code: Mapped[str | None] = mapped_column(sa.ForeignKey("industries.code"), index=True)
    industry_text: Mapped[str] = mapped_column(sa.String(120), default="")
    size_band: Mapped[str | None] = mapped_column(sa.String(10))
    website: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(10), default=PartnershipStatus.EMNE, index=True)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    agreement_signed: Mapped[date | None]
    agreement_renewal: Mapped[date | None]
    agreement_note: Mapped[str] = mapped_column(sa.Text, default="")
    # use_alter: users also point at companies (employers), so this key is added after both tables.
    konsulent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True
    )
    # Free tags, e.g. "CSR-pris 2024".
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Kept by the contact-log service so lists can sort and flag by it without a join.
    last_contact_at: Mapped[datetime | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}
    # "Kontakt snart" and the start page page and count stale partners (all, or one konsulent's) in
    # the list's own order. The database pre-filter (MATCH_PREFILTER=database) picks companies in a
    # box of reach.
    __table_args__ = (sa.Index("ix_companies_status_last_contact_sort", "status", "last_contact_at", "sort_key", "id"),
                      sa.Index("ix_companies_konsulent_stale_sort", "konsulent_id", "status", "last_contact_at",
                               "sort_key", "id"),
                      sa.Index("ix_companies_lat_lon", "lat", "lon"), NEVER_REUSE_IDS)

    konsulent = relationship("User", foreign_keys=[konsulent_id])
    industry = relationship(Industry)
    offers = relationship(OfferTag, secondary=company_offers, order_by=OfferTag.position)
    contacts = relationship("ContactPerson", back_populates="company", cascade="all, delete-orphan",
                            order_by=lambda: (ContactPerson.primary.desc(), danish(ContactPerson.name)))
    status_changes = relationship("CompanyStatusChange", back_populates="company",
                                  cascade="all, delete-orphan",
                                  order_by="CompanyStatusChange.changed_at")

    @validates("name_key")
    def _keep_sort_key(self, _key, name_key: str) -> str:
        self.sort_key = sort_key(name_key)
        return name_key

    @property
    def status_enum(self) -> PartnershipStatus:
        return PartnershipStatus(self.status)

    @property
    def offer_codes(self) -> set[str]:
        return {tag.code for tag in self.offers}

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.name!r}>"


class CompanyStatusChange(db.Model):
    __tablename__ = "company_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(10))
    to_status: Mapped[str] = mapped_column(sa.String(10))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")

    company = relationship(Company, back_populates="status_changes")
    changed_by = relationship("User")


class ContactPerson(db.Model):
    __tablename__ = "contact_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(120), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    primary: Mapped[bool] = mapped_column(default=False)

    company = relationship(Company, back_populates="contacts")


class ContactLogEntry(db.Model):
    """One contact with a company: who, when, how, with whom, what about."""

    __tablename__ = "contact_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    face_to_face: Mapped[bool] = mapped_column(default=False, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    contact_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contact_persons.id", ondelete="SET NULL")
    )
    with_whom: Mapped[str] = mapped_column(sa.String(200), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    # Optionally about one borger (shown only to those who may see that borger).
    borger_id: Mapped[int | None] = mapped_column(sa.ForeignKey("borgere.id", ondelete="SET NULL"),
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    company = relationship(Company)
    user = relationship("User")
    contact_person = relationship(ContactPerson)
    borger = relationship("Borger")

    @property
    def kind_enum(self) -> ContactKind:
        return ContactKind(self.kind)


class Task(db.Model):
    """A follow-up task with a due date and an assignee, usually about a company."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    due: Mapped[date] = mapped_column(index=True)
    assignee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    log_entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contact_log.id", ondelete="SET NULL")
    )
    borger_id: Mapped[int | None] = mapped_column(sa.ForeignKey("borgere.id", ondelete="CASCADE"),
                                                  index=True)
    done: Mapped[bool] = mapped_column(default=False, index=True)
    done_at: Mapped[datetime | None]
    # An efterværn follow-along task, planned by a start in job or education: the IPS cadence figure
    # counts these (whatever the title says; a vejleder may rename one).
    eftervaern: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignee = relationship("User", foreign_keys=[assignee_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    company = relationship(Company)
    log_entry = relationship(ContactLogEntry)
    borger = relationship("Borger")


class ImportBatch(db.Model):
    """A confirmed company import; it can be undone as a whole while its records are untouched."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)

    user = relationship("User")
    changes = relationship("ImportChange", back_populates="batch", cascade="all, delete-orphan")


class ImportChange(db.Model):
    """What one import did to one company: created it, or updated it from ``before``."""

    __tablename__ = "import_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("import_batches.id", ondelete="CASCADE"),
                                          index=True)
    company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(10))  # "created" or "updated"
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    # The company's version right after the import; a different version later means someone
    # has changed it since, and the import can no longer be undone safely.
    version_after: Mapped[int] = mapped_column(default=1)

    batch = relationship(ImportBatch, back_populates="changes")
