"""Follow-up tasks across companies: "Mine opgaver"."""

from flask import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/opgaver")

from crm.tasks import routes  # noqa: E402,F401
