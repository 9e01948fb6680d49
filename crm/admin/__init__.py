from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from crm.admin import routes, weights  # noqa: E402,F401
