"""Import companies from CSV/XLSX (upload → preview → confirm, undo as a whole) and merge duplicates.

Between the preview and the confirmation the uploaded file waits in the instance folder under a
random name that only this user's session knows; the confirmation reads and checks it again, so
nothing the browser sends back is trusted.
"""

import re
import secrets
import time
from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional

from crm.access import allow
from crm.companies import bp
from crm.companies.access import get_company_or_404
from crm.extensions import db
from crm.forms import Form, IdField, VersionField
from crm.models import Company, ContactLogEntry, ContactPerson, ImportBatch, Task, User
from crm.models.user import Role
from crm.services import NotAuthorized, ServiceError
from crm.services.companies import ConflictError, find_duplicates
from crm.services.company_import import (
    ACTION_LABELS,
    IMPORT_COLUMNS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ImportFileError,
    can_undo_import,
    parse_upload,
    preview_import,
    run_import,
    undo_import,
)
from crm.services.company_merge import merge_companies

IMPORT_ROLES = (Role.ADMIN, Role.KONSULENT)
SESSION_KEY = "company_import"
UPLOAD_DIR = "imports"
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32,64}")
# Uploads left behind by a preview that was never confirmed are removed after this many seconds.
STALE_UPLOAD_SECONDS = 24 * 3600
HISTORY_SIZE = 50


class ImportUploadForm(Form):
    file = FileField("Fil (CSV eller XLSX)", validators=[
        FileRequired("Vælg en fil."),
        FileAllowed(["csv", "xlsx"], "Filen skal være en CSV- eller XLSX-fil."),
    ])
    submit = SubmitField("Vis forhåndsvisning")


class ImportConfirmForm(Form):
    token = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Importér")


class ImportUndoForm(Form):
    submit = SubmitField("Fortryd importen")


class MergeChooseForm(Form):
    class Meta:
        csrf = False  # a GET form that only chooses what to show

    andet = IntegerField("Virksomhedens id", validators=[
        Optional(), NumberRange(min=1, message="Angiv et gyldigt id.")])


class MergeForm(Form):
    duplicate_id = IdField(validators=[DataRequired()])
    keep_version = VersionField(validators=[DataRequired()])
    duplicate_version = VersionField(validators=[DataRequired()])
    submit = SubmitField("Flet virksomhederne")


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


def _parse_pending(pending: dict):
    # The stored extension was checked at upload; the file name is only shown.
    return parse_upload(f"upload.{pending['extension']}", _pending_path(pending).read_bytes())


# --- import -----------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@allow(*IMPORT_ROLES)
def import_upload():
    """Upload a CSV or XLSX file of companies; the preview comes next."""
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
            return redirect(url_for("companies.import_preview"))
    return render_template("companies/import_upload.html", form=form, columns=IMPORT_COLUMNS,
                           required=REQUIRED_COLUMNS, max_rows=MAX_ROWS)


@bp.route("/import/forhaandsvisning")
@allow(*IMPORT_ROLES)
def import_preview():
    """Show what the import would do, row by row, without writing anything."""
    pending = _pending_upload()
    if pending is None:
        flash("Der er ingen fil, der venter på at blive importeret. Upload filen.", "info")
        return redirect(url_for("companies.import_upload"))
    try:
        report = preview_import(_parse_pending(pending), actor=current_user)
    except ImportFileError as exc:
        _discard_upload()
        flash(exc.message, "error")
        return redirect(url_for("companies.import_upload"))
    db.session.rollback()
    # Remembered so that a refused confirm can tell a bad file from a register changed meanwhile.
    session[SESSION_KEY] = {**pending, "previewed_ok": report.ok}
    form = ImportConfirmForm(token=pending["token"])
    return render_template("companies/import_preview.html", report=report, form=form,
                           filename=pending["filename"], labels=ACTION_LABELS)


@bp.route("/import/bekraeft", methods=["POST"])
@allow(*IMPORT_ROLES)
def import_confirm():
    """Import the previewed file: every row, or none."""
    form = ImportConfirmForm()
    pending = _pending_upload()
    if not form.validate_on_submit() or pending is None or form.token.data != pending["token"]:
        flash("Importen er udløbet eller erstattet af en nyere upload. Upload filen igen.", "error")
        return redirect(url_for("companies.import_upload"))
    try:
        report = run_import(_parse_pending(pending), filename=pending["filename"], actor=current_user)
    except ImportFileError as exc:
        db.session.rollback()
        _discard_upload()
        flash(exc.message, "error")
        return redirect(url_for("companies.import_upload"))
    except ConflictError:
        db.session.rollback()
        flash("En af virksomhederne blev ændret af en anden under importen. Intet er importeret; "
              "se forhåndsvisningen igen.", "error")
        return redirect(url_for("companies.import_preview"))
    if report.batch is None:
        if pending.get("previewed_ok"):
            flash("Intet er importeret: registret er ændret siden forhåndsvisningen, og nogle rækker kan "
                  "ikke længere importeres.", "error")
        else:
            flash("Intet er importeret: filen har rækker, der ikke kan importeres. Ret dem, og upload "
                  "filen igen.", "error")
        return render_template("companies/import_preview.html", report=report, form=form,
                               filename=pending["filename"], labels=ACTION_LABELS)
    db.session.commit()
    _discard_upload()
    flash(f"Importen er gennemført: {report.batch.created_count} oprettet, "
          f"{report.batch.updated_count} opdateret.", "success")
    return redirect(url_for("companies.import_batch", batch_id=report.batch.id))


def _get_batch_or_404(batch_id: int) -> ImportBatch:
    return db.session.get(ImportBatch, batch_id) or abort(404)


@bp.route("/import/<int:batch_id>")
@allow(*IMPORT_ROLES)
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
@allow(*IMPORT_ROLES)
def import_undo(batch_id: int):
    """Undo a whole import while none of its companies has changed since."""
    batch = _get_batch_or_404(batch_id)
    if not can_undo_import(current_user, batch) and batch.undone_at is None:
        abort(403)
    form = ImportUndoForm()
    if form.validate_on_submit():
        try:
            undo_import(batch, actor=current_user)
        except NotAuthorized:
            abort(403)
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash("Importen er fortrudt.", "success")
    return redirect(url_for("companies.import_batch", batch_id=batch_id))


@bp.route("/import/historik")
@allow(*IMPORT_ROLES)
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
        flash(f"Der findes ingen virksomhed med id {other_id}.", "error")
    elif other.id == company.id:
        flash("Vælg en anden virksomhed end den, der skal beholdes.", "error")
        other = None
    return other


@bp.route("/<int:company_id>/flet", methods=["GET", "POST"])
@allow(Role.ADMIN)
def merge(company_id: int):
    """Show two companies side by side and merge the other one into this one."""
    company = get_company_or_404(company_id, current_user, for_edit=True)
    form = MergeForm()
    if form.validate_on_submit():
        other_id = form.duplicate_id.data
        duplicate = _other_company(company, other_id)
        if duplicate is None:
            return redirect(url_for("companies.merge", company_id=company.id))
        duplicate_name = duplicate.name
        try:
            merge_companies(company, duplicate, actor=current_user,
                            keep_version=form.keep_version.data,
                            duplicate_version=form.duplicate_version.data)
        except ServiceError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("companies.merge", company_id=company_id, andet=other_id))
        db.session.commit()
        flash(f"{duplicate_name} er flettet ind i {company.name}.", "success")
        return redirect(url_for("companies.detail", company_id=company_id))
    choose = MergeChooseForm(request.args)
    other = _other_company(company, choose.andet.data) if choose.validate() else None
    duplicates = find_duplicates(name=company.name, postcode=company.postcode, cvr=company.cvr,
                                 exclude_id=company.id)
    if other is not None:
        form = MergeForm(duplicate_id=other.id, keep_version=company.version,
                         duplicate_version=other.version)
    return render_template("companies/merge.html", company=company, other=other, form=form,
                           choose=choose, duplicates=duplicates, counts=_counts)


def _counts(company: Company) -> dict[str, int]:
    """How much hangs on a company, for the side-by-side view."""
    def count(model, column):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(column == company.id))

    return {
        "Kontaktpersoner": count(ContactPerson, ContactPerson.company_id),
        "Kontaktlog": count(ContactLogEntry, ContactLogEntry.company_id),
        "Opgaver": count(Task, Task.company_id),
        "Arbejdsgiverbrugere": count(User, User.company_id),
    }

