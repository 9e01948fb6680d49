"""The kinds of job the app runs (see crm/services/jobs.py): importing companies (preview and
confirm), reminding employers about openings, the staff's daily e-mail digest, building the shared
match index, and big exports (the company register, a programme's dashboard, the revision log) whose
file the job's page offers for download.

A job runs in the language of the person who started it (crm/services/jobs.py), so the progress
texts, result lines and errors here are marked for translation and written when the job runs."""

import secrets
import time
from dataclasses import asdict
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from crm.extensions import db
from crm.formatting import format_number, short_date
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
DIGEST_SEND = "digest.send"
MATCH_INDEX_BUILD = "matching.build_index"
COMPANY_EXPORT = "companies.export"
REPORT_EXPORT = "reports.export"
MATCH_WEIGHTS_FIT = "matching.fit_weights"
AUDIT_EXPORT = "audit_log.export"
EXPORT_KINDS = (COMPANY_EXPORT, REPORT_EXPORT, AUDIT_EXPORT)
EXPORT_DIR = "exports"
# An export's file waits this long for its download (seconds); older ones go when the next is made.
EXPORT_KEEP_SECONDS = 24 * 3600
UPLOAD_DIR = "imports"
CHANGED_SINCE_PREVIEW = _l("Intet er importeret: registret er ændret siden forhåndsvisningen, og nogle rækker "
                           "kan ikke længere importeres. Se fejlene nedenfor, ret filen, og upload den igen.")
BAD_ROWS = _l("Intet er importeret: filen har rækker, der ikke kan importeres. Ret dem, og upload filen igen.")
CONFLICT = _l("En af virksomhederne blev ændret af en anden under importen. Intet er importeret; "
              "se forhåndsvisningen igen.")


def upload_path(params: dict) -> Path:
    """Where the web request left the upload; the name is a random token, checked on the way in."""
    return Path(current_app.instance_path) / UPLOAD_DIR / f"{params['token']}.{params['extension']}"


def _parsed(params: dict, progress):
    progress(1, _("Læser filen …"))
    path = upload_path(params)
    if not path.is_file():
        raise JobFailed(_("Den uploadede fil findes ikke længere. Upload filen igen."))
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

    progress(10, _("Finder stillinger, der skal bekræftes …"))
    reminders = send_reminders(link=job.params["link"])
    lines = []
    for reminder in reminders:
        titles = ", ".join(o.title for o in reminder.openings)
        if reminder.sent:
            emails = ", ".join(u.email for u in reminder.recipients)
            lines.append(_("Påmindelse sendt til %(emails)s (%(company)s): %(titles)s", emails=emails,
                           company=reminder.company.name, titles=titles))
        elif reminder.task is not None:
            lines.append(_("Ingen portalbruger hos %(company)s; opgave til %(konsulent)s om at ringe om: %(titles)s",
                           company=reminder.company.name, konsulent=reminder.company.konsulent.name,
                           titles=titles))
        else:
            lines.append(_("Ingen portalbruger hos %(company)s; ring til dem om: %(titles)s",
                           company=reminder.company.name, titles=titles))
    lines = lines or [_("Ingen stillinger skal bekræftes.")]
    lines += _remind_referrals(progress)
    return {"lines": lines, "sent": sum(1 for reminder in reminders if reminder.sent)}


def _remind_referrals(progress) -> list[str]:
    """The same daily run reminds vejledere of referral periods about to end (crm/services/referrals.py)."""
    from crm.services.referrals import remind_referrals_ending

    progress(60, _("Finder henvisninger, der snart udløber …"))
    due = remind_referrals_ending()
    return [_("Opgave til vejlederen om henvisning, der udløber %(date)s: %(reference)s",
              date=short_date(r.ends_on), reference=r.borger.reference)
            for r in due]


@job_kind(DIGEST_SEND)
def digest_job(job, progress) -> dict:
    """Today's e-mail digest for every staff user not yet done today (crm/services/digest.py)."""
    from crm.services.digest import send_digests

    progress(10, _("Samler dagens overblik …"))
    report = send_digests(base_url=job.params["base_url"])
    lines = [ngettext("Overblik sendt til %(email)s: %(num)s punkt", "Overblik sendt til %(email)s: %(num)s punkter",
                      d.items, email=d.user.email)
             for d in report.sent]
    lines.append(_("%(sent)s overblik sendt, %(empty)s uden indhold (ikke sendt), %(already)s allerede lavet i dag.",
                   sent=format_number(len(report.sent)), empty=format_number(report.empty),
                   already=format_number(report.already)))
    return {"lines": lines, "sent": len(report.sent)}


@job_kind(MATCH_INDEX_BUILD)
def build_index_job(job, progress) -> dict:
    """Build the shared match index (``full``), or fold the delta into a new build if the register moved."""
    from crm.services.matching import build_index, build_index_if_changed

    progress(5, _("Bygger matchlisternes indeks …"))
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


# --- big exports ------------------------------------------------------------------------------

def export_path(job: Job) -> Path:
    """The file an export job writes (and its page offers); the name holds a random token."""
    return Path(current_app.instance_path) / EXPORT_DIR / f"{job.id}-{job.params['token']}.{job.params['fmt']}"


def _export_dir() -> Path:
    directory = Path(current_app.instance_path) / EXPORT_DIR
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    limit = time.time() - EXPORT_KEEP_SECONDS
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
    return directory


def _write_export(job: Job, data: bytes) -> None:
    _export_dir()
    path = export_path(job)
    path.write_bytes(data)
    path.chmod(0o600)


def request_company_export(search, *, fmt: str, criteria: dict, user: User) -> Job:
    """Queue the export of every company ``search`` (a CompanySearch) finds; the caller commits and dispatches."""
    return create_job(COMPANY_EXPORT, {"search": asdict(search), "fmt": fmt, "criteria": criteria,
                                       "token": secrets.token_urlsafe(16)},
                      user=user)


@job_kind(COMPANY_EXPORT)
def company_export_job(job, progress) -> dict:
    from crm.services.company_export import export_companies
    from crm.services.company_search import CompanySearch, search_companies
    from crm.timeutil import today

    progress(2, _("Finder virksomhederne …"))
    search = CompanySearch(**{key: tuple(value) if isinstance(value, list) else value
                              for key, value in job.params["search"].items()})
    companies = search_companies(search, per_page=None).companies
    progress(10, _("Skriver %(count)s virksomheder …", count=format_number(len(companies))))

    def rows_done(done: int, total: int) -> None:
        progress(10 + 85 * done // max(total, 1), _("Skriver række %(done)s af %(total)s …",
                                                    done=format_number(done), total=format_number(total)))

    data = export_companies(companies, fmt=job.params["fmt"], actor=_actor(job),
                            criteria=job.params.get("criteria"), progress=rows_done)
    _write_export(job, data)
    return {"download_name": f"virksomheder-{today().isoformat()}.{job.params['fmt']}",
            "lines": [_("Eksporten af %(count)s virksomheder er klar.", count=format_number(len(companies)))]}


def request_report_export(programme, *, fmt: str, masked: bool, user: User) -> Job:
    """Queue the export of a programme's dashboard, masked as ``user`` sees it; the caller commits."""
    return create_job(REPORT_EXPORT, {"programme_id": programme.id, "fmt": fmt, "masked": masked,
                                      "token": secrets.token_urlsafe(16)}, user=user)


@job_kind(REPORT_EXPORT)
def report_export_job(job, progress) -> dict:
    from crm.models import Programme
    from crm.services import reports
    from crm.services.report_export import export_dashboard
    from crm.timeutil import today

    programme = db.session.get(Programme, job.params["programme_id"])
    if programme is None:
        raise JobFailed(_("Indsatsen findes ikke længere."))
    progress(5, _("Opgør tallene …"))
    masked = job.params["masked"]
    tables = reports.dashboard_tables(programme, full=not masked)
    progress(80, _("Skriver filen …"))
    data = export_dashboard(programme, tables, fmt=job.params["fmt"], actor=_actor(job), masked=masked)
    _write_export(job, data)
    return {"download_name": f"indsats-{programme.id}-{today().isoformat()}.{job.params['fmt']}",
            "lines": [_("Eksporten af «%(programme)s» er klar.", programme=programme.name)]}


def request_audit_export(audit_filter, *, fmt: str, criteria: dict, user: User) -> Job:
    """Queue the export of the revision log as ``audit_filter`` (an AuditFilter) selects it; the caller
    commits and dispatches."""
    params = asdict(audit_filter)
    params.update(since=audit_filter.since and audit_filter.since.isoformat(),
                  until=audit_filter.until and audit_filter.until.isoformat(),
                  company_ids=list(audit_filter.company_ids))
    # The file is written in the language of the request that asked for it (create_job keeps it).
    return create_job(AUDIT_EXPORT, {"filter": params, "fmt": fmt, "criteria": criteria,
                                     "token": secrets.token_urlsafe(16)}, user=user)


@job_kind(AUDIT_EXPORT)
def audit_export_job(job, progress) -> dict:
    from datetime import date

    from crm.services.audit_log import AuditFilter, export_log
    from crm.timeutil import today

    params = dict(job.params["filter"])
    params.update(since=params["since"] and date.fromisoformat(params["since"]),
                  until=params["until"] and date.fromisoformat(params["until"]),
                  company_ids=tuple(params["company_ids"]))
    progress(2, _("Finder hændelserne …"))

    def rows_done(done: int, total: int) -> None:
        progress(2 + 93 * done // max(total, 1), _("Skriver række %(done)s af %(total)s …",
                                                   done=format_number(done), total=format_number(total)))

    data = export_log(AuditFilter(**params), fmt=job.params["fmt"], actor=_actor(job),
                      criteria=job.params.get("criteria") or {}, progress=rows_done)
    _write_export(job, data)
    return {"download_name": f"revisionslog-{today().isoformat()}.{job.params['fmt']}",
            "lines": [_("Eksporten af revisionsloggen er klar.")]}


def may_download(user, job: Job) -> bool:
    """An export's file is for the user who asked for it, while they may still see what it holds:
    still staff, for a dashboard exported with exact small counts still allowed those, and for the
    revision log still allowed to read it."""
    from crm.models import Programme
    from crm.permissions import can
    from crm.services.reports import sees_full_figures

    if job.kind not in EXPORT_KINDS or job.status != JobStatus.DONE or not can(user, "job.download", job):
        return False
    if job.kind == AUDIT_EXPORT:
        return can(user, "audit.read")
    if job.kind != REPORT_EXPORT or job.params["masked"]:
        return True
    programme = db.session.get(Programme, job.params["programme_id"])
    return programme is not None and sees_full_figures(user, programme)


@job_kind(MATCH_WEIGHTS_FIT)
def fit_weights_job(job, progress) -> dict:
    """Fit the match weights from the recorded outcomes and keep the comparison (cross-validation and
    the bootstrap take seconds to minutes as the history grows, so never inside a request)."""
    from crm.services.match_weights import compute_fit, save_fit

    progress(10, _("Beregner vægte ud fra udfaldene …"))
    fit = save_fit(compute_fit(), since=None, actor=_actor(job))
    return {"fit_id": fit.id}


def request_weights_fit(*, user: User) -> Job | None:
    """Queue one fit of the match weights unless one is already waiting or running (the caller commits)."""
    waiting = db.session.scalar(sa.select(Job.id).where(
        Job.kind == MATCH_WEIGHTS_FIT, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])).limit(1))
    if waiting is not None:
        return None
    return create_job(MATCH_WEIGHTS_FIT, user=user)
