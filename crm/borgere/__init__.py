from flask import Blueprint

bp = Blueprint("borgere", __name__, url_prefix="/borgere")

from crm.borgere import feedback, routes  # noqa: E402,F401
