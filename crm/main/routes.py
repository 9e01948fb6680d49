from flask import render_template

from crm.access import allow
from crm.main import bp
from crm.models.user import STAFF_ROLES


@bp.route("/")
@allow(*STAFF_ROLES)
def index():
    """Show the staff start page."""
    return render_template("main/index.html")
