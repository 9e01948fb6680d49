from flask import render_template
from flask_login import current_user

from crm.access import allow
from crm.models.user import Role
from crm.portal import bp


@bp.route("/")
@allow(Role.EMPLOYER)
def index():
    """Show the employer's start page for their own company."""
    return render_template("portal/index.html", company=current_user.company)
