import sqlalchemy as sa
from flask import current_app, render_template
from flask_login import current_user

from crm.access import allow
from crm.extensions import db
from crm.main import bp
from crm.models import Opening
from crm.models.opening import OpeningStatus
from crm.models.user import Role
from crm.permissions import can
from crm.services.contacts import count_stale_partners
from crm.services.openings import stale_cutoff
from crm.services.reports import count_my_overdue_tasks, my_borgere_without_contact, my_f2f_contacts_this_week


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
        overview["openings_to_confirm"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(Opening)
            .where(Opening.status == OpeningStatus.AABEN, Opening.confirmed_at < stale_cutoff()))
    return render_template("main/index.html", overview=overview)


@bp.route("/favicon.ico")
def favicon():
    """Serve the site icon where browsers look for it without a <link> (public, like /static)."""
    return current_app.send_static_file("favicon.ico")
