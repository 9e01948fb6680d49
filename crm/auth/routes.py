from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from crm.access import allow, home_endpoint_for, is_safe_next, may_open
from crm.auth import bp
from crm.auth.forms import (
    LoginForm,
    LogoutForm,
    RecoveryCodesForm,
    SecondFactorForm,
    SecondFactorSetupForm,
)
from crm.extensions import db, limiter
from crm.models import User
from crm.services import second_factor
from crm.services.auth import (
    authenticate,
    complete_login,
    end_all_sessions,
    is_locked,
    locked_message,
    register_failure,
)
from crm.timeutil import utcnow
from crm.unit_of_work import keep_writes

# A password step that waits for its second factor longer than this must start over.
PENDING_SECONDS = 300
PENDING_KEY = "pending_login"


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _finish_login(user: User, target: str | None):
    # Committed at the end of the request; if that fails, the session is put back as it was, so
    # nobody is logged in without the login being recorded (crm.unit_of_work).
    complete_login(user)
    session.clear()  # a fresh session on login (no fixation)
    login_user(user)
    session.permanent = True
    session["login_at"] = utcnow().timestamp()
    # A page the role may not open would only answer 403: go home instead.
    if not is_safe_next(target) or not may_open(user, target):
        target = url_for(home_endpoint_for(user))
    return redirect(target)


def _pending_user() -> User | None:
    """The user who passed the password step in this session and awaits the second factor."""
    pending = session.get(PENDING_KEY)
    if not pending or utcnow().timestamp() - pending["at"] > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return None
    user = db.session.get(User, pending["user"])
    if user is None or not user.active or user.session_version != pending["version"]:
        return None
    return user


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    """Log in with e-mail and password (then the second factor, where required)."""
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint_for(current_user)))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = authenticate(form.email.data, form.password.data)
        target = request.args.get("next")
        if result.user is not None and second_factor.required_for(result.user):
            session.clear()
            session[PENDING_KEY] = {"user": result.user.id, "version": result.user.session_version,
                                    "at": utcnow().timestamp(), "next": target if is_safe_next(target) else None}
            return redirect(url_for("auth.second_factor_verify" if result.user.has_totp
                                    else "auth.second_factor_setup"))
        if result.user is not None:
            return _finish_login(result.user, target)
        keep_writes()  # the failed attempt counts towards the lockout
        flash(result.error, "error")
        status = 401
    return render_template("auth/login.html", form=form), status


@bp.route("/login/totp", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def second_factor_verify():
    """Ask for the code from the authenticator app (or a recovery code)."""
    user = _pending_user()
    if user is None or not user.has_totp:
        flash(_("Log ind igen."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        if is_locked(user.email):
            session.pop(PENDING_KEY, None)
            flash(locked_message(), "error")
            return redirect(url_for("auth.login"))
        if second_factor.verify(user, form.code.data):
            return _finish_login(user, session.get(PENDING_KEY, {}).get("next"))
        result = register_failure(user.email, user, reason="second_factor")
        keep_writes()  # the failed attempt counts towards the lockout
        flash(result.error if is_locked(user.email) else _("Koden er forkert eller udløbet."), "error")
        status = 401
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/login/totp/opsaet", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def second_factor_setup():
    """Enrol an authenticator app: scan the QR code, confirm with a code, keep the recovery codes."""
    user = _pending_user()
    if user is None or user.has_totp:
        flash(_("Log ind igen."), "info")
        return redirect(url_for("auth.login"))
    # The secret stays in the (signed, server-checked) session until a valid code confirms it.
    secret = session.get("totp_setup_secret") or second_factor.new_secret()
    session["totp_setup_secret"] = secret
    form = SecondFactorSetupForm()
    if form.validate_on_submit():
        codes = second_factor.enable(user, secret, form.code.data)
        if codes is not None:
            _finish_login(user, None)  # clears the session, so the codes are stored after it
            session["show_recovery_codes"] = codes
            flash(_("Totrinsbekræftelse er slået til. Gem dine gendannelseskoder et sikkert sted."), "success")
            return redirect(url_for("auth.recovery_codes"))
        flash(_("Koden passer ikke. Tjek uret på telefonen, og prøv igen."), "error")
    return render_template("auth/second_factor_setup.html", form=form, secret=secret,
                           qr_svg=second_factor.provisioning_qr_svg(user, secret))


@bp.route("/konto/gendannelseskoder", methods=["GET", "POST"])
@allow("account.recovery_codes")
def recovery_codes():
    """Show fresh recovery codes once, or make new ones."""
    form = RecoveryCodesForm()
    if form.validate_on_submit() and current_user.has_totp:
        session["show_recovery_codes"] = second_factor.new_recovery_codes(current_user)
        return redirect(url_for("auth.recovery_codes"))
    codes = session.pop("show_recovery_codes", None)
    return render_template("auth/recovery_codes.html", codes=codes, form=form)


@bp.route("/logout", methods=["POST"])
@allow("session.logout")
def logout():
    """Log out and end every session of this user."""
    form = LogoutForm()
    if form.validate_on_submit():
        end_all_sessions(current_user._get_current_object())
        logout_user()
        session.clear()
        flash(_("Du er logget ud."), "info")
    return redirect(url_for("auth.login"))
