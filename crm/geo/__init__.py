from flask import Blueprint

bp = Blueprint("geo", __name__, url_prefix="/geo")

from crm.geo import routes  # noqa: E402,F401
