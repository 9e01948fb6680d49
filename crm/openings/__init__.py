"""Openings (stillinger / praktikpladser) for konsulenter, and portal access for employers."""

from flask import Blueprint

bp = Blueprint("openings", __name__, url_prefix="/stillinger", cli_group="openings")

from crm.openings import cli, routes, templating  # noqa: E402,F401
