"""The kinds of job the app runs (see crm/services/jobs.py): importing companies (preview and
confirm), reminding employers about openings, and building the shared match index."""

from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from crm.extensions import db
from crm.models import Job, JobStatus, User
from crm.services import ConflictError
from crm.services.company_import import (
    ImportFileError,
    parse_upload,
    preview_import,
    report_to_json,
    run_import,
)
from crm.services.jobs import JobFailed, create_job, job_kind

IMPORT_PREVIEW = "company_import.preview"
IMPORT_RUN = "company_import.run"
OPENINGS_REMIND = "openings.remind"
MATCH_INDEX_BUILD = "matching.build_index"
UPLOAD_DIR = "imports"
CHANGED_SINCE_PREVIEW = ("Intet er importeret: registret er ændret siden forhåndsvisningen, og nogle rækker "
                         "kan ikke længere importeres. Se fejlene nedenfor, ret filen, og upload den igen.")
BAD_ROWS = "Intet er importeret: filen har rækker, der ikke kan importeres. Ret dem, og upload filen igen."
CONFLICT = ("En af virksomhederne blev ændret af en anden under importen. Intet er importeret; "
            "se forhåndsvisningen igen.")


def upload_path(params: dict) -> Path:
    """Where the web request left the upload; the name is a random token, checked on the way in."""
    return Path(current_app.instance_path) / UPLOAD_DIR / f"{params['token']}.{params['extension']}"


def _parsed(params: dict, progress):
    progress(1, "Læser filen …")
    path = upload_path(params)
    if not path.is_file():
        raise JobFailed("Den uploadede fil findes ikke længere. Upload filen igen.")
    try:
        return parse_upload(f"upload.{params['extension']}", path.read_bytes())
    except ImportFileError as exc:
        raise JobFailed(exc.message) from None


def _actor(job) -> User | None:
    return db.session.get(User, job.user_id) if job.user_id is not None else None


@job_kind(IMPORT_PREVIEW)
def preview_job(job, progress) -> dict:
    report = preview_import(_parsed(job.params, progress), actor=_actor(job), progress=progress)
    db.session.rollback()  # a preview keeps nothing
    return report_to_json(report)


@job_kind(IMPORT_RUN)
def import_job(job, progress) -> dict:
    parsed = _parsed(job.params, progress)
    try:
        report = run_import(parsed, filename=job.params.get("filename", ""), actor=_actor(job),
                            progress=progress)
    except ConflictError:
        raise JobFailed(CONFLICT) from None
    if report.batch is None:
        # A preview without errors means the register changed since; otherwise the file is to blame.
        message = CHANGED_SINCE_PREVIEW if job.params.get("previewed_ok") else BAD_ROWS
        raise JobFailed(message, result=report_to_json(report))
    upload_path(job.params).unlink(missing_ok=True)
    return {"batch_id": report.batch.id, "created": report.batch.created_count,
            "updated": report.batch.updated_count}


@job_kind(OPENINGS_REMIND)
def remind_job(job, progress) -> dict:
    from crm.services.reminders import send_reminders

    progress(10, "Finder stillinger, der skal bekræftes …")
    reminders = send_reminders(link=job.params["link"])
    lines = []
    for reminder in reminders:
        titles = ", ".join(o.title for o in reminder.openings)
        if reminder.sent:
            emails = ", ".join(u.email for u in reminder.recipients)
            lines.append(f"Påmindelse sendt til {emails} ({reminder.company.name}): {titles}")
        else:
            lines.append(f"Ingen portalbruger hos {reminder.company.name}; ring til dem om: {titles}")
    lines = lines or ["Ingen stillinger skal bekræftes."]
    lines += _remind_referrals(progress)
    return {"lines": lines, "sent": sum(1 for reminder in reminders if reminder.sent)}


def _remind_referrals(progress) -> list[str]:
    """The same daily run reminds vejledere of referral periods about to end (crm/services/referrals.py)."""
    from crm.services.referrals import remind_referrals_ending

    progress(60, "Finder henvisninger, der snart udløber …")
    due = remind_referrals_ending()
    return [f"Opgave til vejlederen om henvisning, der udløber {r.ends_on:%d.%m.%Y}: {r.borger.reference}"
            for r in due]


@job_kind(MATCH_INDEX_BUILD)
def build_index_job(job, progress) -> dict:
    """Build the shared match index (``full``), or fold the delta into a new build if the register moved."""
    from crm.services.matching import build_index, build_index_if_changed

    progress(5, "Bygger matchlisternes indeks …")
    path = build_index() if job.params.get("full") else build_index_if_changed()
    return {"built": path is not None}


def request_index_build(*, full: bool = False) -> Job | None:
    """Queue one index build unless one is already waiting or running; returns the new job or None.

    The caller commits, then hands the job to ``dispatch``.
    """
    waiting = db.session.scalar(sa.select(Job.id).where(
        Job.kind == MATCH_INDEX_BUILD, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])).limit(1))
    if waiting is not None:
        return None
    return create_job(MATCH_INDEX_BUILD, {"full": full})
