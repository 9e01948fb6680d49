"""The partner register: one blueprint, one module per area of work."""

from flask import Blueprint

bp = Blueprint("companies", __name__, url_prefix="/virksomheder")

from crm.companies import importing, listing, routes  # noqa: E402,F401
