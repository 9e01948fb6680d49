"""A job's page: a progress bar while it runs (refreshed by static/js/job.js), then its result."""

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from crm.access import allow
from crm.extensions import db
from crm.jobs import bp
from crm.models import Job, JobStatus
from crm.services.job_kinds import IMPORT_PREVIEW, IMPORT_RUN
from crm.services.jobs import can_see_job

TITLES = {IMPORT_PREVIEW: "Forhåndsvisning af import", IMPORT_RUN: "Import af virksomheder"}


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
            flash(f"Importen er gennemført: {job.result['created']} oprettet, "
                  f"{job.result['updated']} opdateret.", "success")
            return redirect(url_for("companies.import_batch", batch_id=job.result["batch_id"]))
    return render_template("jobs/detail.html", job=job, title=TITLES.get(job.kind, "Kørsel"),
                           status_url=url_for("jobs.status", job_id=job.id))


@bp.route("/<int:job_id>/status")
@allow("job.read")
def status(job_id: int):
    """The job's progress as JSON, for the page's progress bar."""
    job = get_job_or_404(job_id)
    return jsonify(status=job.status, progress=job.progress, text=job.progress_text,
                   finished=job.finished)
