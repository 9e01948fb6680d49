from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from crm.access import allow, home_endpoint_for, is_safe_next
from crm.auth import bp
from crm.auth.forms import LoginForm, LogoutForm
from crm.extensions import db, limiter
from crm.models.user import Role
from crm.services.auth import authenticate, end_all_sessions
from crm.timeutil import utcnow


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint_for(current_user)))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = authenticate(form.email.data, form.password.data)
        db.session.commit()
        if result.user is not None:
            session.clear()  # a fresh session on login (no fixation)
            login_user(result.user)
            session.permanent = True
            session["login_at"] = utcnow().timestamp()
            target = request.args.get("next")
            if not is_safe_next(target):
                target = url_for(home_endpoint_for(result.user))
            return redirect(target)
        flash(result.error, "error")
        status = 401
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@allow(*Role)
def logout():
    """Log out and end every session of this user."""
    form = LogoutForm()
    if form.validate_on_submit():
        end_all_sessions(current_user._get_current_object())
        db.session.commit()
        logout_user()
        session.clear()
        flash("Du er logget ud.", "info")
    return redirect(url_for("auth.login"))
