import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from crm.access import allow
from crm.admin import bp
from crm.admin.forms import NewUserForm, PasswordResetForm, UserForm
from crm.extensions import db
from crm.forms import ActionForm, save_form
from crm.models import AuditEvent, User
from crm.paging import page_of
from crm.services import ValidationError, second_factor
from crm.services.users import create_user, reset_password, set_led_programmes, update_user


def get_user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/brugere")
@allow("user.manage")
def users():
    """List all user accounts."""
    rows = db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/brugere/ny", methods=["GET", "POST"])
@allow("user.manage")
def new_user():
    """Create a user account."""
    form = NewUserForm()
    if form.validate_on_submit():
        saved = save_form(form, lambda: _create_user_from(form))
        if saved.ok:
            user = saved.value
            flash(f"Brugeren {user.name} er oprettet.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


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
    if form.validate_on_submit():
        saved = save_form(form, lambda: _update_user_from(form, user))
        if saved.ok:
            flash("Ændringerne er gemt.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user,
                           reset_form=PasswordResetForm())


@bp.route("/brugere/<int:user_id>/adgangskode", methods=["POST"])
@allow("user.manage")
def reset_user_password(user_id: int):
    """Set a new password for a user."""
    user = get_user_or_404(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            reset_password(user, form.password.data, actor=current_user)
        except ValidationError as exc:
            flash(exc.message, "error")
        else:
            db.session.commit()
            flash(f"{user.name} har fået en ny adgangskode.", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/brugere/<int:user_id>/totrin", methods=["POST"])
@allow("user.manage")
def reset_second_factor(user_id: int):
    """Remove a user's second factor (lost phone); they enrol again at the next login."""
    user = get_user_or_404(user_id)
    if ActionForm().validate_on_submit():
        second_factor.reset(user, actor=current_user)
        db.session.commit()
        flash(f"Totrinsbekræftelse er nulstillet for {user.name}.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/revisionslog")
@allow("audit.read")
def audit():
    """Show the audit log, newest first."""
    page = page_of(sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    return render_template("admin/audit.html", page=page)
