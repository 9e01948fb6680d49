from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from crm.access import allow, home_endpoint_for, is_safe_next
from crm.i18n import COOKIE_MAX_AGE, COOKIE_NAME, chosen_language
from crm.main import bp
from crm.main.glossary import TERMS
from crm.models.user import Role
from crm.permissions import can
from crm.services.contacts import count_stale_partners
from crm.services.openings import count_openings_to_confirm
from crm.services.reports import count_my_overdue_tasks, my_borgere_without_contact, my_f2f_contacts_this_week
from crm.services.users import set_language as set_user_language


@bp.route("/")
@allow("staff.home")
def index():
    """Show the staff start page: what needs doing today."""
    overview = {"overdue_tasks": count_my_overdue_tasks(current_user.id)}
    if current_user.role == Role.VEJLEDER:
        overview["f2f_this_week"] = len(my_f2f_contacts_this_week(current_user.id))
        overview["waiting"] = len(my_borgere_without_contact(current_user.id))
    if can(current_user, "company.edit"):
        konsulent_id = current_user.id if current_user.role == Role.KONSULENT else None
        overview["stale_partners"] = count_stale_partners(konsulent_id=konsulent_id)
        overview["openings_to_confirm"] = count_openings_to_confirm()
    return render_template("main/index.html", overview=overview)


@bp.route("/ordliste")
@allow("help.glossary")
def glossary():
    """Explain the Danish domain words the English pages keep."""
    return render_template("main/glossary.html", terms=TERMS)


@bp.route("/favicon.ico")
def favicon():
    """Serve the site icon where browsers look for it without a <link> (public, like /static)."""
    return current_app.send_static_file("favicon.ico")


@bp.route("/sprog", methods=["POST"])
def set_language():
    """Switch between Danish and English: remembered for the signed-in user, and in a cookie for the
    pages before login (public, like the login page it is on)."""
    target = request.form.get("next")
    if not is_safe_next(target):
        signed_in = current_user.is_authenticated
        target = url_for(home_endpoint_for(current_user)) if signed_in else url_for("auth.login")
    response = redirect(target)
    language = chosen_language(request.form.get("language"))
    if language is None:
        flash(gettext("Vælg dansk eller engelsk."), "error")
        return response
    if current_user.is_authenticated:
        set_user_language(current_user, language)
    response.set_cookie(COOKIE_NAME, language, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response
