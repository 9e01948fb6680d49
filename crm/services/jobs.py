"""Long work as jobs: a request enqueues, a worker runs, the job row tells the UI how far it is.

One ``Job`` row per piece of work is the single source of truth (status, progress with a text,
result, error). A job runs outside the request that started it, so it keeps the starter's language
(``Job.language``, set by ``create_job``) and runs under it: its progress texts, result lines and
error are written in the language of the person who reads its page. A job kind is a plain function
``fn(job, progress) -> dict`` registered with ``@job_kind``; the same function runs wherever the
job is dispatched:

- with ``JOB_QUEUE_URL`` set (production): on RQ, the Redis queue (``rq worker`` processes);
- without it (the embedded default): in ``flask --app wsgi jobs work``, a local process that polls
  the table and claims one queued row at a time with a guarded UPDATE, so two workers never run
  the same job, on SQLite and PostgreSQL alike;
- from the CLI, synchronously (``run_now``).

A job writes in one transaction: its work and its "done" are committed together, and a failure
rolls everything back before the job is marked failed with a reason.

A claim is a lease: the worker renews ``heartbeat_at`` with each progress report. A running job
whose lease is older than ``JOB_LEASE_MINUTES`` lost its worker (killed, machine gone): the workers
queue it again (``requeue_stale_jobs``), up to ``JOB_MAX_ATTEMPTS`` starts, after which it fails with
a reason. Its "done" is written only by the start that still holds the job, so a worker that
was merely slow, not dead, cannot overwrite the run that took over. ``progress`` commits
the job row, so a job reports progress only while it has nothing unsaved (before it writes);
otherwise the report is skipped rather than committing half the work.
"""

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.extensions import db
from crm.i18n import current_language, in_language, language_for
from crm.models import Job, JobStatus, User
from crm.services import ServiceError
from crm.timeutil import utcnow

log = logging.getLogger(__name__)

# Texts a job's row keeps (lazy: each is written in the job's language where it is stored).
UNEXPECTED_ERROR = _l("Der opstod en uventet fejl under kørslen. Intet er gemt; prøv igen, eller kontakt support.")
QUEUE_DOWN = _l("Kørslen kunne ikke sættes i kø (jobkøen svarer ikke). Intet er gemt; prøv igen om lidt.")
GAVE_UP = _l("Kørslen blev afbrudt {attempts} gange, fordi arbejdsprocessen stoppede undervejs. "
             "Intet er gemt; prøv igen, eller kontakt support, hvis det sker igen.")
RESTARTING = _l("Arbejdsprocessen stoppede undervejs; kørslen startes forfra …")
# A progress report that changes nothing still renews the lease when the last renewal is this old (s).
HEARTBEAT_SECONDS = 30
RQ_QUEUE_NAME = "fodfaeste"
# An RQ job may run this long before RQ stops it (the longest import is well below).
RQ_JOB_TIMEOUT = 30 * 60

Progress = Callable[[int, str], None]
_KINDS: dict[str, Callable[[Job, Progress], dict]] = {}


class JobFailed(ServiceError):
    """A job cannot finish; the message (in the job's language) is shown on its page. Nothing is kept."""

    def __init__(self, message: str, result: dict | None = None):
        super().__init__(str(message))
        self.result = result


def job_kind(name: str):
    """Register a job function under ``name``."""
    def register(fn):
        _KINDS[name] = fn
        return fn
    return register


def _load_kinds() -> None:
    # The job functions live beside their services; importing registers them.
    from crm.services import job_kinds  # noqa: F401


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


# --- enqueue ----------------------------------------------------------------------------------

def starter_language(user: User | None) -> str:
    """The language of whoever starts a job now: the request's (what its page is read in), else the
    user's own choice, else Danish (the CLI)."""
    return current_language() if has_request_context() else language_for(user)


def create_job(kind: str, params: dict | None = None, *, user: User | None = None) -> Job:
    """Add a queued job row, in the starter's language (the caller commits, then calls ``dispatch``)."""
    _load_kinds()
    if kind not in _KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    language = starter_language(user)
    with in_language(language):
        waiting = _("Venter på at blive startet …")
    job = Job(kind=kind, params={**(params or {}), Job.LANGUAGE_PARAM: language},
              user_id=user.id if user is not None else None,
              backend="rq" if current_app.config.get("JOB_QUEUE_URL") else "local",
              progress_text=waiting)
    db.session.add(job)
    db.session.flush()
    return job


def dispatch(job: Job) -> None:
    """Hand a committed job to its queue. The local worker finds it in the table by itself."""
    if job.backend != "rq":
        return
    try:
        _rq_queue().enqueue("crm.services.jobs.run_rq_job", job.id, job_timeout=RQ_JOB_TIMEOUT,
                            # one RQ id per start: a re-queued job is a new entry, not the dead one
                            job_id=f"fodfaeste-job-{job.id}-{job.attempts + 1}")
    except Exception:  # Redis down: say so on the job's page rather than leave it waiting forever
        log.exception("job %s could not be put on the queue", job.id)
        with in_language(job.language):
            _fail(job.id, QUEUE_DOWN)


def _rq_queue():
    import redis
    import rq

    connection = redis.Redis.from_url(current_app.config["JOB_QUEUE_URL"])
    return rq.Queue(RQ_QUEUE_NAME, connection=connection)


# --- claim and run ----------------------------------------------------------------------------

def try_claim(job_id: int, *, worker: str, backend: str | None = "local") -> bool:
    """Mark a queued job running for this worker; False when another worker got it first.

    The UPDATE only matches a row that is still queued, so of two workers racing for the same row
    exactly one sees a row count of 1 (PostgreSQL re-checks the condition after the row lock;
    SQLite runs write transactions one at a time).
    """
    now = utcnow()
    statement = (sa.update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                 .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker=worker,
                         attempts=Job.attempts + 1, progress=0, progress_text="")
                 .execution_options(synchronize_session=False))
    if backend is not None:
        statement = statement.where(Job.backend == backend)
    claimed = db.session.execute(statement).rowcount == 1
    if claimed:
        # The text in the job's language, read once the row is ours (a read before the guarded
        # UPDATE would open the transaction early and could lose the race on SQLite).
        params = db.session.scalar(sa.select(Job.params).where(Job.id == job_id))
        with in_language((params or {}).get(Job.LANGUAGE_PARAM)):
            db.session.execute(sa.update(Job).where(Job.id == job_id).values(progress_text=_("Startet …"))
                               .execution_options(synchronize_session=False))
    db.session.commit()
    return claimed


def queued_job_ids(limit: int = 10) -> list[int]:
    return list(db.session.scalars(
        sa.select(Job.id).where(Job.status == JobStatus.QUEUED, Job.backend == "local")
        .order_by(Job.id).limit(limit)))


def claim_next(*, worker: str) -> int | None:
    """Claim the oldest queued local job; None when there is none."""
    while True:
        candidates = queued_job_ids()
        db.session.commit()  # end the read, so the claim is a transaction of its own
        if not candidates:
            return None
        for job_id in candidates:
            if try_claim(job_id, worker=worker):
                return job_id


def run_one_pending(*, worker: str | None = None) -> int | None:
    """The local worker's step: claim the oldest queued job and run it. Returns its id, or None."""
    job_id = claim_next(worker=worker or worker_name())
    if job_id is not None:
        run_claimed(job_id)
    return job_id


def run_pending(*, worker: str | None = None) -> list[int]:
    """Run queued local jobs until none is left (tests, and `flask jobs work --burst`)."""
    done = []
    while (job_id := run_one_pending(worker=worker)) is not None:
        done.append(job_id)
    return done


def run_claimed(job_id: int) -> Job:
    """Run a job this worker has claimed, in the starter's language: its work and its "done" in one
    transaction."""
    _load_kinds()
    job = db.session.get(Job, job_id)
    with in_language(job.language):
        return _run(job)


def _run(job: Job) -> Job:
    job_id, attempt = job.id, job.attempts
    fn = _KINDS.get(job.kind)
    try:
        if fn is None:
            raise JobFailed(_("Ukendt slags kørsel."))
        result = fn(job, _progress_reporter(job.id, attempt))
    except JobFailed as exc:
        return _fail(job_id, exc.message, exc.result, attempt=attempt)
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        return _fail(job_id, UNEXPECTED_ERROR, attempt=attempt)
    finished = _finish(job_id, attempt, status=JobStatus.DONE, progress=100, progress_text=_("Færdig."),
                       result=result or {})
    if not finished:
        # Another start took the job over (this one was taken for dead): its run counts, not ours.
        log.warning("job %s: attempt %s finished after it was re-queued; its work is discarded", job_id, attempt)
        db.session.rollback()
    db.session.commit()
    db.session.refresh(job)
    return job


def _finish(job_id: int, attempt: int | None, **values) -> bool:
    """Write a job's end, in the current transaction, if this start still holds it."""
    statement = sa.update(Job).where(Job.id == job_id).values(finished_at=utcnow(), **values)
    if attempt is not None:
        statement = statement.where(Job.attempts == attempt, Job.status == JobStatus.RUNNING)
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1


def _fail(job_id: int, message: str, result: dict | None = None, *, attempt: int | None = None) -> Job:
    """Mark the job failed with ``message``; texts in the language in force (the caller sets the job's)."""
    db.session.rollback()
    _finish(job_id, attempt, status=JobStatus.FAILED, error=str(message), result=result,
            progress_text=_("Mislykket."))
    db.session.commit()
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    return job


def _progress_reporter(job_id: int, attempt: int) -> Progress:
    last = {"percent": -1, "text": None, "beat": utcnow()}

    def report(percent: int, text: str) -> None:
        percent = max(0, min(99, int(percent)))
        now = utcnow()
        if ((percent, text) == (last["percent"], last["text"])
                and (now - last["beat"]).total_seconds() < HEARTBEAT_SECONDS):
            return
        session = db.session()
        if session.new or session.dirty or session.deleted:
            return  # committing now would keep half the work
        db.session.execute(sa.update(Job).where(Job.id == job_id, Job.attempts == attempt)
                           .values(progress=percent, progress_text=str(text)[:200], heartbeat_at=now)
                           .execution_options(synchronize_session=False))
        db.session.commit()
        last.update(percent=percent, text=text, beat=now)

    return report


def requeue_stale_jobs(*, now: datetime | None = None) -> dict[str, list[int]]:
    """Queue again the running jobs whose worker stopped renewing its lease; fail those that have
    been started JOB_MAX_ATTEMPTS times. Commits; returns {"requeued": [...], "failed": [...]}.

    Safe to run from every worker at once: each change is a guarded UPDATE on the lease it read.
    """
    config = current_app.config
    now = now or utcnow()
    cutoff = now - timedelta(minutes=config["JOB_LEASE_MINUTES"])
    lease = sa.func.coalesce(Job.heartbeat_at, Job.started_at)
    stale = db.session.execute(
        sa.select(Job.id, Job.attempts, Job.heartbeat_at, Job.params)
        .where(Job.status == JobStatus.RUNNING, Job.backend != "cli", lease < cutoff)
        .order_by(Job.id)).all()
    outcome = {"requeued": [], "failed": []}
    for job_id, attempts, heartbeat_at, params in stale:
        guard = sa.update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING,
                                     Job.attempts == attempts)
        with in_language((params or {}).get(Job.LANGUAGE_PARAM)):
            if attempts >= config["JOB_MAX_ATTEMPTS"]:
                values = {"status": JobStatus.FAILED, "error": str(GAVE_UP).format(attempts=attempts),
                          "progress_text": _("Mislykket."), "finished_at": now}
                key = "failed"
            else:
                values = {"status": JobStatus.QUEUED, "worker": "", "progress": 0,
                          "progress_text": str(RESTARTING)}
                key = "requeued"
        if db.session.execute(guard.values(**values).execution_options(synchronize_session=False)).rowcount:
            log.warning("job %s: no lease renewal since %s (attempt %s): %s", job_id, heartbeat_at, attempts, key)
            outcome[key].append(job_id)
    db.session.commit()
    for job_id in outcome["requeued"]:
        job = db.session.get(Job, job_id)
        if job.backend == "rq":
            dispatch(job)
    return outcome


def run_now(kind: str, params: dict | None = None, *, user: User | None = None) -> Job:
    """Create a job and run it here and now (the CLI): same row, same function, same rules."""
    job = create_job(kind, params, user=user)
    job.backend = "cli"
    db.session.commit()
    if not try_claim(job.id, worker=worker_name(), backend="cli"):
        raise RuntimeError("the job was claimed by someone else")
    return run_claimed(job.id)


def run_rq_job(job_id: int) -> str:
    """The function an RQ worker runs: the job's own row decides the rest."""
    from crm import create_app

    app = current_app._get_current_object() if _has_app() else create_app()
    with app.app_context():
        if not try_claim(job_id, worker=worker_name(), backend="rq"):
            return "skipped"
        return run_claimed(job_id).status


def _has_app() -> bool:
    from flask import has_app_context

    return has_app_context()


# --- reading ----------------------------------------------------------------------------------

def can_see_job(user, job: Job) -> bool:
    """Only the user who started a job, and admins, may see it."""
    from crm.permissions import can

    return can(user, "job.read", job)
