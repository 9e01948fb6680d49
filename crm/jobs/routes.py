"""A job's page: a progress bar while it runs (refreshed by static/js/job.js), then its result."""

import io

from flask import abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.access import allow
from crm.extensions import db
from crm.formatting import percent
from crm.jobs import bp
from crm.models import Job, JobStatus
from crm.permissions import can
from crm.services.job_kinds import (
    AUDIT_EXPORT,
    COMPANY_EXPORT,
    DIGEST_SEND,
    IMPORT_PREVIEW,
    IMPORT_RUN,
    MATCH_WEIGHTS_FIT,
    OPENINGS_REMIND,
    REPORT_EXPORT,
    export_path,
    may_download,
)
from crm.services.jobs import can_see_job

TITLES = {IMPORT_PREVIEW: _l("Forhåndsvisning af import"), IMPORT_RUN: _l("Import af virksomheder"),
          COMPANY_EXPORT: _l("Eksport af virksomheder"), REPORT_EXPORT: _l("Eksport af indsatsens tal"),
          MATCH_WEIGHTS_FIT: _l("Beregning af matchvægte"), OPENINGS_REMIND: _l("Påmindelser om stillinger"),
          DIGEST_SEND: _l("Dagligt overblik på e-mail"), AUDIT_EXPORT: _l("Eksport af revisionsloggen")}
EXPORT_MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_GONE = _l("Filen er ikke længere gemt (den gemmes et døgn). Lav eksporten igen.")


def get_job_or_404(job_id: int) -> Job:
    """The job, for the user who started it or an admin; 404 for anyone else."""
    job = db.session.get(Job, job_id)
    if job is None or not can_see_job(current_user, job):
        abort(404)
    return job


@bp.route("/<int:job_id>")
@allow("job.read")
def detail(job_id: int):
    """Show a job's progress, or its result when it is done."""
    job = get_job_or_404(job_id)
    if job.status == JobStatus.DONE:
        if job.kind == IMPORT_PREVIEW:
            return redirect(url_for("companies.import_preview", koersel=job.id))
        if job.kind == IMPORT_RUN and (job.result or {}).get("batch_id"):
            flash(_("Importen er gennemført: %(created)s oprettet, %(updated)s opdateret.",
                    created=job.result["created"], updated=job.result["updated"]), "success")
            return redirect(url_for("companies.import_batch", batch_id=job.result["batch_id"]))
        if job.kind == MATCH_WEIGHTS_FIT and can(current_user, "match.weights"):
            flash(_("Beregningen er lavet."), "success")
            return redirect(url_for("admin.weights"))
    return render_template("jobs/detail.html", job=job, title=str(TITLES.get(job.kind, _("Kørsel"))),
                           status_url=url_for("jobs.status", job_id=job.id),
                           download=may_download(current_user, job) and export_path(job).is_file())


@bp.route("/<int:job_id>/fil")
@allow("job.download")
def download(job_id: int):
    """Download an export job's file: only the user who asked for it, while still allowed to see it."""
    job = get_job_or_404(job_id)
    if job.user_id != current_user.id:
        abort(404)  # an admin sees the job, but the file is the asker's
    if not may_download(current_user, job):
        abort(403)
    path = export_path(job)
    if not path.is_file():
        flash(str(FILE_GONE), "error")
        return redirect(url_for("jobs.detail", job_id=job.id))
    # Read whole (tens of MB at most): a streamed file handle would outlive a response nobody closes.
    return send_file(io.BytesIO(path.read_bytes()), mimetype=EXPORT_MIMETYPES[job.params["fmt"]], as_attachment=True,
                     download_name=job.result["download_name"], max_age=0)


@bp.route("/<int:job_id>/status")
@allow("job.read")
def status(job_id: int):
    """The job's progress as JSON, for the page's progress bar (``percent``: as the reader writes it)."""
    job = get_job_or_404(job_id)
    return jsonify(status=job.status, progress=job.progress, percent=percent(job.progress / 100),
                   text=job.progress_text, finished=job.finished)
