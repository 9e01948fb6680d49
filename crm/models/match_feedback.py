"""What the matcher showed and what came of it (issue 14): the shown lists, "passer ikke", and the
versions of the component weights an admin adopted.

Pseudonymous by design: a shown row holds the borger's id, the target's key ("opening:12"), its rank
and component scores, the weights version that ranked it and the date, and nothing else (no text,
no name). It goes with the borger's erasure and is purged after the retention period.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import NEVER_REUSE_IDS, db
from crm.timeutil import utcnow


class MatchShown(db.Model):
    """One target on a match list a vejleder opened (the first time that day)."""

    __tablename__ = "match_shown"
    __table_args__ = (sa.UniqueConstraint("borger_id", "shown_on", "target_key"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    borger_id: Mapped[int] = mapped_column(sa.ForeignKey("borgere.id", ondelete="CASCADE"), index=True)
    target_key: Mapped[str] = mapped_column(sa.String(40))
    rank: Mapped[int]  # 1 = first on the list
    components: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # component name -> [0, 1]
    weights_version: Mapped[str] = mapped_column(sa.String(20))  # "standard", "miljø" or "v3"
    shown_on: Mapped[date] = mapped_column(index=True)


class MatchFeedback(db.Model):
    """The vejleder's "passer ikke" on a target for a borger: hides it for them, with a reason."""

    __tablename__ = "match_feedback"
    __table_args__ = (sa.UniqueConstraint("borger_id", "target_key"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    borger_id: Mapped[int] = mapped_column(sa.ForeignKey("borgere.id", ondelete="CASCADE"), index=True)
    target_key: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.String(20))  # a code of NOT_A_FIT_REASONS, never free text
    on_date: Mapped[date]


class ProposalReason(db.Model):
    """The employer's optional reason for answering "ikke lige nu" to a proposal."""

    __tablename__ = "proposal_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placements.id", ondelete="CASCADE"), unique=True)
    reason: Mapped[str] = mapped_column(sa.String(20))  # a code of proposals.NOT_NOW_REASONS
    on_date: Mapped[date]


class WeightsVersion(db.Model):
    """A set of component weights an admin adopted; the newest is in force (unless MATCH_WEIGHTS
    is set). Going back to an earlier version adopts its weights again as a new version."""

    __tablename__ = "match_weights"

    id: Mapped[int] = mapped_column(primary_key=True)  # the version number
    weights: Mapped[dict] = mapped_column(sa.JSON)
    source: Mapped[str] = mapped_column(sa.String(20))  # "learned" or "restored"
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("match_weights.id", ondelete="SET NULL"))
    fit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("match_weight_fits.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(300))
    adopted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    adopted_at: Mapped[datetime] = mapped_column(default=utcnow)

    adopted_by = relationship("User")


class WeightsFit(db.Model):
    """A run of the fit (``matching fit-weights`` or the admin page): the comparison for all
    borgere and per programme, as plain data (counts and figures, no borger ids)."""

    __tablename__ = "match_weight_fits"

    id: Mapped[int] = mapped_column(primary_key=True)
    since: Mapped[date | None]
    report: Mapped[dict] = mapped_column(sa.JSON)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
