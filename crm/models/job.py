"""A long piece of work (an import, reminders …) run outside the request: the one record the UI
reads for its progress and result, whichever worker runs it."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.timeutil import utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return str(JOB_STATUS_LABELS[self])


JOB_STATUS_LABELS = {
    JobStatus.QUEUED: _l("Venter"),
    JobStatus.RUNNING: _l("I gang"),
    JobStatus.DONE: _l("Færdig"),
    JobStatus.FAILED: _l("Mislykket"),
}


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # "local": the `flask jobs work` process polls for it; "rq": it was put on the Redis queue.
    backend: Mapped[str] = mapped_column(sa.String(10), default="local")
    status: Mapped[str] = mapped_column(sa.String(10), default=JobStatus.QUEUED, index=True)
    progress: Mapped[int] = mapped_column(default=0)
    progress_text: Mapped[str] = mapped_column(sa.String(200), default="")
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    worker: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    # The worker's lease: renewed at each progress report; a running job whose lease is older than
    # JOB_LEASE_MINUTES lost its worker and is queued again (attempts counts the starts).
    heartbeat_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    finished_at: Mapped[datetime | None]

    user = relationship("User")

    #: The key in ``params`` that keeps the language of the person who started the job ("da", "en"):
    #: the job runs in it (crm/services/jobs.py), so its page reads in the starter's language.
    LANGUAGE_PARAM = "language"

    @property
    def language(self) -> str | None:
        return (self.params or {}).get(self.LANGUAGE_PARAM)

    @property
    def status_enum(self) -> JobStatus:
        return JobStatus(self.status)

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
