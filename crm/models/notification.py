"""What reaches staff outside the app: the daily e-mail digest (who opted out of which kind, and
which days a user's digest was made) and the private calendar feed (its token, stored hashed)."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import NEVER_REUSE_IDS, db
from crm.timeutil import utcnow


class DigestKind(StrEnum):
    """The kinds of item a daily digest holds; each can be turned off on its own."""

    TASKS = "opgaver"
    EFTERVAERN = "eftervaern"
    RENEWALS = "aftaler"
    ANSWERS = "svar"
    OPENINGS = "stillinger"

    @property
    def label(self) -> str:
        return str(DIGEST_KIND_LABELS[self])


DIGEST_KIND_LABELS = {
    DigestKind.TASKS: _l("Opgaver, der forfalder i dag eller er overskredet"),
    DigestKind.EFTERVAERN: _l("Efterværnsopfølgninger den kommende uge"),
    DigestKind.RENEWALS: _l("Samarbejdsaftaler, der skal fornyes inden for 30 dage"),
    DigestKind.ANSWERS: _l("Arbejdsgiveres svar på forslag"),
    DigestKind.OPENINGS: _l("Stillinger, der skal bekræftes"),
}


class DigestOptOut(db.Model):
    """A user does not want this kind of item in the daily digest."""

    __tablename__ = "digest_opt_outs"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestRun(db.Model):
    """One user's digest for one Danish calendar day: made once (the unique key), sent when not empty."""

    __tablename__ = "digest_runs"
    __table_args__ = (sa.UniqueConstraint("user_id", "day"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    items: Mapped[int] = mapped_column(default=0)  # 0: nothing to say, no mail sent


class CalendarFeed(db.Model):
    """A user's private calendar feed: the URL's secret token, kept only as its SHA-256."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")
