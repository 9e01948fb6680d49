from flask import Blueprint

bp = Blueprint("borgere", __name__, url_prefix="/borgere")

from crm.borgere import routes  # noqa: E402,F401
