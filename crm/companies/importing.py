"""Import companies from CSV/XLSX (upload → preview → confirm, undo as a whole) and merge duplicates.

Between the preview and the confirmation the uploaded file waits in the instance folder under a
random name that only this user's session knows; the confirmation reads and checks it again, so
nothing the browser sends back is trusted. The preview and the import run as jobs
(crm/services/jobs.py): the request enqueues and sends the user to the job's page, which shows the
progress and leads to the preview or the finished import.
"""

import re
import secrets
import time
from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional

from crm.access import allow
from crm.companies import bp
from crm.companies.access import get_company_or_404
from crm.extensions import db
from crm.forms import Form, IdField, VersionField, submit
from crm.models import Company, ContactLogEntry, ContactPerson, ImportBatch, Job, JobStatus, Task, User
from crm.services.companies import find_duplicates
from crm.services.company_export import EXPORT_HEADERS
from crm.services.company_import import (
    ACTION_LABELS,
    IMPORT_COLUMNS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ImportFileError,
    can_undo_import,
    parse_upload,
    report_from_json,
    undo_import,
)
from crm.services.company_merge import different_cvr, merge_companies
from crm.services.job_kinds import IMPORT_PREVIEW, IMPORT_RUN, UPLOAD_DIR
from crm.services.jobs import create_job, dispatch
from crm.unit_of_work import after_commit

SESSION_KEY = "company_import"
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32,64}")
# Uploads left behind by a preview that was never confirmed are removed after this many seconds.
STALE_UPLOAD_SECONDS = 24 * 3600
HISTORY_SIZE = 50


class ImportUploadForm(Form):
    file = FileField(_l("Fil (CSV eller XLSX)"), validators=[
        FileRequired(_l("Vælg en fil.")),
        FileAllowed(["csv", "xlsx"], _l("Filen skal være en CSV- eller XLSX-fil.")),
    ])
    submit = SubmitField(_l("Vis forhåndsvisning"))


class ImportConfirmForm(Form):
    token = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Importér"))


class ImportUndoForm(Form):
    submit = SubmitField(_l("Fortryd importen"))


class MergeChooseForm(Form):
    class Meta:
        csrf = False  # a GET form that only chooses what to show

    andet = IntegerField(_l("Virksomhedens id"), validators=[
        Optional(), NumberRange(min=1, message=_l("Angiv et gyldigt id."))])


class MergeForm(Form):
    duplicate_id = IdField(validators=[DataRequired()])
    keep_version = VersionField(validators=[DataRequired()])
    duplicate_version = VersionField(validators=[DataRequired()])
    different_cvr_confirmed = BooleanField(_l("Ja, flet dem, selvom CVR-numrene er forskellige"))
    submit = SubmitField(_l("Flet virksomhederne"))


# --- the uploaded file between preview and confirm --------------------------------------------

def _upload_dir() -> Path:
    path = Path(current_app.instance_path) / UPLOAD_DIR
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _remove_stale_uploads(directory: Path) -> None:
    limit = time.time() - STALE_UPLOAD_SECONDS
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _pending_path(pending: dict) -> Path | None:
    token, extension = pending.get("token", ""), pending.get("extension", "")
    if not TOKEN_RE.fullmatch(token) or extension not in ("csv", "xlsx"):
        return None
    return _upload_dir() / f"{token}.{extension}"


def _pending_upload() -> dict | None:
    """The current user's upload awaiting confirmation, if its file is still there."""
    pending = session.get(SESSION_KEY)
    if not pending or pending.get("user_id") != current_user.id:
        return None
    path = _pending_path(pending)
    return pending if path is not None and path.is_file() else None


def _store_upload(filename: str, data: bytes) -> None:
    _discard_upload()
    directory = _upload_dir()
    _remove_stale_uploads(directory)
    token = secrets.token_urlsafe(32)
    extension = filename.rsplit(".", 1)[-1].lower()
    (directory / f"{token}.{extension}").write_bytes(data)
    session[SESSION_KEY] = {"token": token, "extension": extension, "user_id": current_user.id,
                            "filename": Path(filename).name[:255]}


def _discard_upload() -> None:
    pending = session.pop(SESSION_KEY, None)
    if pending:
        path = _pending_path(pending)
        if path is not None:
            path.unlink(missing_ok=True)


def _start_job(kind: str, pending: dict) -> Job:
    """Enqueue a job on the pending upload (handed to its queue once the request has committed it)
    and remember it in the session."""
    params = {key: pending[key] for key in ("token", "extension", "filename")}
    params["previewed_ok"] = bool(pending.get("previewed_ok"))
    job = create_job(kind, params, user=current_user)
    after_commit(lambda: dispatch(job))
    session[SESSION_KEY] = {**pending, f"{kind}_job": job.id}
    return job


def _pending_job(pending: dict, kind: str) -> Job | None:
    """The session's job of this kind on this very upload, if it still exists."""
    job_id = pending.get(f"{kind}_job")
    job = db.session.get(Job, job_id) if isinstance(job_id, int) else None
    if job is None or job.user_id != current_user.id or job.params.get("token") != pending["token"]:
        return None
    return job


# --- import -----------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@allow("company.import")
def import_upload():
    """Upload a CSV or XLSX file of companies; the preview is prepared as a job."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        filename = upload.filename or ""
        try:
            parse_upload(filename, data)
        except ImportFileError as exc:
            form.file.errors = [*form.file.errors, exc.message]
        else:
            _store_upload(filename, data)
            job = _start_job(IMPORT_PREVIEW, session[SESSION_KEY])
            return redirect(url_for("jobs.detail", job_id=job.id))
    return render_template("companies/import_upload.html", form=form, columns=IMPORT_COLUMNS,
                           headers=EXPORT_HEADERS, required=REQUIRED_COLUMNS, max_rows=MAX_ROWS)


@bp.route("/import/forhaandsvisning")
@allow("company.import")
def import_preview():
    """Show what the import would do, row by row (the preview job's result); nothing is written."""
    pending = _pending_upload()
    if pending is None:
        flash(_("Der er ingen fil, der venter på at blive importeret. Upload filen."), "info")
        return redirect(url_for("companies.import_upload"))
    job = _pending_job(pending, IMPORT_PREVIEW)
    if job is None:
        job = _start_job(IMPORT_PREVIEW, pending)
    if job.status == JobStatus.FAILED:
        _discard_upload()
        flash(job.error, "error")
        return redirect(url_for("companies.import_upload"))
    if job.status != JobStatus.DONE:
        return redirect(url_for("jobs.detail", job_id=job.id))
    report = report_from_json(job.result)
    # Remembered so that a refused confirm can tell a bad file from a register changed meanwhile.
    session[SESSION_KEY] = {**pending, "previewed_ok": report.ok}
    form = ImportConfirmForm(token=pending["token"])
    return render_template("companies/import_preview.html", report=report, form=form,
                           filename=pending["filename"], labels=ACTION_LABELS)


@bp.route("/import/bekraeft", methods=["POST"])
@allow("company.import")
def import_confirm():
    """Import the previewed file, every row or none, as a job; its page shows how far it is."""
    form = ImportConfirmForm()
    pending = _pending_upload()
    if not form.validate_on_submit() or pending is None or form.token.data != pending["token"]:
        flash(_("Importen er udløbet eller erstattet af en nyere upload. Upload filen igen."), "error")
        return redirect(url_for("companies.import_upload"))
    job = _pending_job(pending, IMPORT_RUN)
    if job is None or job.status == JobStatus.FAILED:
        job = _start_job(IMPORT_RUN, pending)
    return redirect(url_for("jobs.detail", job_id=job.id))


def _get_batch_or_404(batch_id: int) -> ImportBatch:
    return db.session.get(ImportBatch, batch_id) or abort(404)


@bp.route("/import/<int:batch_id>")
@allow("company.import")
def import_batch(batch_id: int):
    """Show one finished import: the companies it created and updated."""
    batch = _get_batch_or_404(batch_id)
    ids = [change.company_id for change in batch.changes if change.company_id is not None]
    companies = {c.id: c for c in db.session.scalars(sa.select(Company).where(Company.id.in_(ids)))}
    changes = sorted(batch.changes, key=lambda change: (change.action, change.id))
    return render_template("companies/import_done.html", batch=batch, changes=changes,
                           companies=companies, can_undo=can_undo_import(current_user, batch),
                           form=ImportUndoForm())


@bp.route("/import/<int:batch_id>/fortryd", methods=["POST"])
@allow("company.import")
def import_undo(batch_id: int):
    """Undo a whole import while none of its companies has changed since."""
    batch = _get_batch_or_404(batch_id)
    if not can_undo_import(current_user, batch) and batch.undone_at is None:
        abort(403)
    back = url_for("companies.import_batch", batch_id=batch_id)
    return submit(ImportUndoForm(), lambda: undo_import(batch, actor=current_user),
                  success=_("Importen er fortrudt."), redirect_to=back, on_error=back)


@bp.route("/import/historik")
@allow("company.import")
def import_list():
    """List the most recent imports."""
    batches = db.session.scalars(
        sa.select(ImportBatch).order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc()).limit(HISTORY_SIZE)
    ).all()
    return render_template("companies/import_list.html", batches=batches, can_undo=can_undo_import,
                           pending=_pending_upload())


# --- merge ------------------------------------------------------------------------------------

def _other_company(company: Company, other_id: int | None) -> Company | None:
    if other_id is None:
        return None
    other = db.session.get(Company, other_id)
    if other is None:
        flash(_("Der findes ingen virksomhed med id %(id)s.", id=other_id), "error")
    elif other.id == company.id:
        flash(_("Vælg en anden virksomhed end den, der skal beholdes."), "error")
        other = None
    return other


@bp.route("/<int:company_id>/flet", methods=["GET", "POST"])
@allow("company.merge")
def merge(company_id: int):
    """Show two companies side by side and merge the other one into this one."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    form = MergeForm()
    if form.validate_on_submit():
        other_id = form.duplicate_id.data
        duplicate = _other_company(company, other_id)
        if duplicate is None:
            return redirect(url_for("companies.merge", company_id=company.id))
        return submit(form, lambda: merge_companies(company, duplicate, actor=current_user,
                                                    keep_version=form.keep_version.data,
                                                    duplicate_version=form.duplicate_version.data,
                                                    different_cvr_confirmed=form.different_cvr_confirmed.data),
                      success=_("%(duplicate)s er flettet ind i %(company)s.", duplicate=duplicate.name,
                                company=company.name),
                      redirect_to=url_for("companies.detail", company_id=company_id),
                      on_error=url_for("companies.merge", company_id=company_id, andet=other_id))
    choose = MergeChooseForm(request.args)
    other = _other_company(company, choose.andet.data) if choose.validate() else None
    duplicates = find_duplicates(name=company.name, postcode=company.postcode, cvr=company.cvr,
                                 exclude_id=company.id)
    if other is not None:
        form = MergeForm(duplicate_id=other.id, keep_version=company.version,
                         duplicate_version=other.version)
    return render_template("companies/merge.html", company=company, other=other, form=form,
                           choose=choose, duplicates=duplicates, counts=_counts,
                           different_cvr=other is not None and different_cvr(company, other))


def _counts(company: Company) -> dict[str, int]:
    """How much hangs on a company, for the side-by-side view."""
    def count(model, column):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(column == company.id))

    return {
        _("Kontaktpersoner"): count(ContactPerson, ContactPerson.company_id),
        _("Kontaktlog"): count(ContactLogEntry, ContactLogEntry.company_id),
        _("Opgaver"): count(Task, Task.company_id),
        _("Arbejdsgiverbrugere"): count(User, User.company_id),
    }

