"""Files on companies and placements: upload, download and delete (the rules in crm/services/attachments.py)."""

from flask import Blueprint

bp = Blueprint("attachments", __name__)

from crm.attachments import routes  # noqa: E402,F401
