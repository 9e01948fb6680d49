import sqlalchemy as sa
from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.access import allow
from crm.admin import bp
from crm.admin.forms import AuditFilterForm, NewUserForm, PasswordResetForm, UserForm
from crm.extensions import db
from crm.forms import ActionForm, submit
from crm.models import User
from crm.paging import page_of
from crm.services import second_factor
from crm.services.audit_log import AuditFilter, count_events, describe, events_query, export_log
from crm.services.job_kinds import request_audit_export
from crm.services.jobs import dispatch
from crm.services.users import create_user, reset_password, set_led_programmes, update_user
from crm.sorting import danish
from crm.timeutil import today
from crm.unit_of_work import after_commit

# An export of more events than this runs as a job with a progress bar, and its page offers the file.
AUDIT_EXPORT_INLINE_ROWS = 5000
EXPORT_MIMETYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to a text/* mimetype
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def get_user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/brugere")
@allow("user.manage")
def users():
    """List all user accounts."""
    rows = db.session.scalars(sa.select(User).order_by(User.active.desc(), danish(User.name))).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/brugere/ny", methods=["GET", "POST"])
@allow("user.manage")
def new_user():
    """Create a user account."""
    form = NewUserForm()
    done = submit(form, lambda: _create_user_from(form),
                  success=lambda user: _("Brugeren %(name)s er oprettet.", name=user.name),
                  redirect_to=url_for("admin.users"))
    return done or render_template("admin/user_form.html", form=form, user=None)


def _create_user_from(form):
    user = create_user(email=form.email.data, name=form.name.data, role=form.role.data,
                       password=form.password.data, company_id=form.company_id.data,
                       phone=form.phone.data or "", actor=current_user)
    if not form.active.data:
        update_user(user, email=user.email, name=user.name, role=user.role,
                    company_id=user.company_id, active=False, actor=current_user)
    return set_led_programmes(user, form.led_programme_ids.data, actor=current_user)


def _update_user_from(form, user):
    update_user(user, email=form.email.data, name=form.name.data, role=form.role.data,
                company_id=form.company_id.data, active=form.active.data, phone=form.phone.data or "",
                actor=current_user)
    return set_led_programmes(user, form.led_programme_ids.data, actor=current_user)


@bp.route("/brugere/<int:user_id>", methods=["GET", "POST"])
@allow("user.manage")
def edit_user(user_id: int):
    """Edit a user account, including deactivating it."""
    user = get_user_or_404(user_id)
    form = UserForm(obj=user)
    if request.method == "GET":
        form.company_id.data = user.company_id
        form.led_programme_ids.data = [p.id for p in user.led_programmes]
    done = submit(form, lambda: _update_user_from(form, user), success=_("Ændringerne er gemt."),
                  redirect_to=url_for("admin.users"))
    return done or render_template("admin/user_form.html", form=form, user=user,
                                   reset_form=PasswordResetForm())


@bp.route("/brugere/<int:user_id>/adgangskode", methods=["POST"])
@allow("user.manage")
def reset_user_password(user_id: int):
    """Set a new password for a user."""
    user = get_user_or_404(user_id)
    form = PasswordResetForm()
    back = url_for("admin.edit_user", user_id=user.id)
    return submit(form, lambda: reset_password(user, form.password.data, actor=current_user),
                  success=_("%(name)s har fået en ny adgangskode.", name=user.name), redirect_to=back, on_error=back)


@bp.route("/brugere/<int:user_id>/totrin", methods=["POST"])
@allow("user.manage")
def reset_second_factor(user_id: int):
    """Remove a user's second factor (lost phone); they enrol again at the next login."""
    user = get_user_or_404(user_id)
    back = url_for("admin.edit_user", user_id=user.id)
    return submit(ActionForm(), lambda: second_factor.reset(user, actor=current_user),
                  success=_("Totrinsbekræftelse er nulstillet for %(name)s.", name=user.name),
                  redirect_to=back, on_error=back)


def _audit_filter_args() -> dict:
    """The log's filters as url_for keyword arguments, without the page."""
    return {key: value for key, value in request.args.items() if key in AuditFilterForm.FIELDS and value}


def _audit_filter() -> tuple[AuditFilterForm, AuditFilter | None]:
    form = AuditFilterForm(request.args)
    return form, form.to_filter() if request.args else AuditFilter()


@bp.route("/revisionslog")
@allow("audit.read")
def audit():
    """Show the audit log, newest first, filtered by user, borger, company, action and period."""
    form, audit_filter = _audit_filter()
    if audit_filter is None:
        return render_template("admin/audit.html", form=form, page=None, rows=[], filter_args={}), 400
    page = page_of(events_query(audit_filter))
    return render_template("admin/audit.html", form=form, page=page, rows=describe(page.items),
                           filter_args=_audit_filter_args())


@bp.route("/revisionslog/eksport.csv", defaults={"fmt": "csv"})
@bp.route("/revisionslog/eksport.xlsx", defaults={"fmt": "xlsx"})
@allow("audit.read")
def audit_export(fmt: str):
    """Download the filtered log as CSV or XLSX; a big export runs as a job, whose page offers the file."""
    form, audit_filter = _audit_filter()
    if audit_filter is None:
        return render_template("admin/audit.html", form=form, page=None, rows=[], filter_args={}), 400
    criteria = _audit_filter_args()
    if audit_filter.borger_id is not None:
        # The audit row names the borger by id, not by the reference typed: an erasure leaves the id
        # pointing at nothing, where a reference kept in the log would outlive the borger.
        criteria["borger"] = audit_filter.borger_id
    if count_events(audit_filter) > AUDIT_EXPORT_INLINE_ROWS:
        job = request_audit_export(audit_filter, fmt=fmt, criteria=criteria, user=current_user)
        after_commit(lambda: dispatch(job))
        return redirect(url_for("jobs.detail", job_id=job.id))
    data = export_log(audit_filter, fmt=fmt, actor=current_user, criteria=criteria)
    return Response(data, mimetype=EXPORT_MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="revisionslog-{today().isoformat()}.{fmt}"'})
