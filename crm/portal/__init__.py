"""The employer portal: an employer keeps its own company's openings and public profile current
and answers proposals. Every object is loaded through crm.portal.access, which checks that it
belongs to the employer's own company."""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")

from crm.portal import routes  # noqa: E402,F401
