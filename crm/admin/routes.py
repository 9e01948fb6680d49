import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_login import current_user

from crm.access import allow
from crm.admin import bp
from crm.admin.forms import NewUserForm, PasswordResetForm, UserForm
from crm.extensions import db
from crm.forms import ActionForm, submit
from crm.models import AuditEvent, User
from crm.paging import page_of
from crm.services import second_factor
from crm.services.users import create_user, reset_password, set_led_programmes, update_user
from crm.sorting import danish


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
    done = submit(form, lambda: _create_user_from(form), success=lambda user: f"Brugeren {user.name} er oprettet.",
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
    done = submit(form, lambda: _update_user_from(form, user), success="Ændringerne er gemt.",
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
                  success=f"{user.name} har fået en ny adgangskode.", redirect_to=back, on_error=back)


@bp.route("/brugere/<int:user_id>/totrin", methods=["POST"])
@allow("user.manage")
def reset_second_factor(user_id: int):
    """Remove a user's second factor (lost phone); they enrol again at the next login."""
    user = get_user_or_404(user_id)
    back = url_for("admin.edit_user", user_id=user.id)
    return submit(ActionForm(), lambda: second_factor.reset(user, actor=current_user),
                  success=f"Totrinsbekræftelse er nulstillet for {user.name}.", redirect_to=back, on_error=back)


@bp.route("/revisionslog")
@allow("audit.read")
def audit():
    """Show the audit log, newest first."""
    page = page_of(sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    return render_template("admin/audit.html", page=page)
