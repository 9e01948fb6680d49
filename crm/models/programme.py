"""A programme (indsats) that borgere are enrolled in, e.g. "Din vej i job" in Aarhus."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import NEVER_REUSE_IDS, db
from crm.timeutil import utcnow

# IPS: an employment specialist carries at most about 20 borgere (DOMAIN.md); a programme may set
# its own norm, and every page shows the norm that applies from here (``caseload_norm_for``).
DEFAULT_CASELOAD_NORM = 20


class Programme(db.Model):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    municipality: Mapped[str] = mapped_column(sa.String(80), default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    target_group: Mapped[str] = mapped_column(sa.Text, default="")
    caseload_norm: Mapped[int] = mapped_column(default=DEFAULT_CASELOAD_NORM)
    # A borger is referred for at most this many months at a time, then needs a new plan
    # (Job in mind: half a year); None: no limit.
    referral_months: Mapped[int | None]

    targets = relationship("ProgrammeTarget", back_populates="programme", cascade="all, delete-orphan",
                           order_by="ProgrammeTarget.position")

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.name!r}>"


# Which programmes a teamleder leads (User.led_programmes; crm/permissions.py reads it). A pair has
# no id of its own, so there is nothing to reuse; the table args keep the house's rule all the same.
programme_leads = sa.Table(
    "programme_leads", db.metadata,
    sa.Column("programme_id", sa.ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
    **NEVER_REUSE_IDS,
)


class OutcomeKind(StrEnum):
    """Dated outcomes in a borger's course, the facts a programme is judged by."""

    FIRST_EMPLOYER_CONTACT = "first_employer_contact"
    PRAKTIK_START = "praktik_start"
    LOENTILSKUD_START = "loentilskud_start"
    FLEXJOB_CLARIFIED = "flexjob_clarified"
    FLEXJOB_START = "flexjob_start"
    ORDINARY_JOB_START = "ordinary_job_start"
    EDUCATION_START = "education_start"
    JOB_ENDED = "job_ended"
    RETAINED_13W = "retained_13w"
    RETAINED_26W = "retained_26w"
    COURSE_ENDED = "course_ended"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    OutcomeKind.FIRST_EMPLOYER_CONTACT: _l("Første arbejdsgiverkontakt"),
    OutcomeKind.PRAKTIK_START: _l("Start i virksomhedspraktik"),
    OutcomeKind.LOENTILSKUD_START: _l("Start i løntilskud"),
    OutcomeKind.FLEXJOB_CLARIFIED: _l("Afklaret til fleksjob"),
    OutcomeKind.FLEXJOB_START: _l("Start i fleksjob"),
    OutcomeKind.ORDINARY_JOB_START: _l("Start i ordinært job"),
    OutcomeKind.EDUCATION_START: _l("Start på uddannelse"),
    OutcomeKind.JOB_ENDED: _l("Job/uddannelse stoppet"),
    OutcomeKind.RETAINED_13W: _l("Stadig i job efter 13 uger"),
    OutcomeKind.RETAINED_26W: _l("Stadig i job efter 26 uger"),
    OutcomeKind.COURSE_ENDED: _l("Forløb afsluttet"),
}


class ProgrammeTarget(db.Model):
    """A goal a programme is judged by: a count, or a share (in %) of enrolled borgere."""

    __tablename__ = "programme_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    # An OutcomeKind, or a composite the reports know: "job_or_education", "enrolled", "onward",
    # "ordinary_hours", "ordinary_job", "education", "praktik".
    outcome: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(120))
    goal_kind: Mapped[str] = mapped_column(sa.String(10))  # "count" or "share"
    goal: Mapped[float]
    position: Mapped[int] = mapped_column(default=0)

    programme = relationship(Programme, back_populates="targets")


class OutcomeEvent(db.Model):
    __tablename__ = "outcome_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    borger_id: Mapped[int] = mapped_column(sa.ForeignKey("borgere.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("programmes.id", ondelete="SET NULL"),
                                                     index=True)
    kind: Mapped[str] = mapped_column(sa.String(30), index=True)
    on_date: Mapped[date] = mapped_column(index=True)
    hours_per_week: Mapped[float | None]
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("companies.id", ondelete="SET NULL"))
    placement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("placements.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def kind_enum(self) -> OutcomeKind:
        return OutcomeKind(self.kind)
