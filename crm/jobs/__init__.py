"""Job pages: progress and result of long work (imports …), and the `flask jobs work` worker."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/koersel")

from crm.jobs import cli, routes  # noqa: E402,F401
