"""The account page (the daily digest's kinds, the private calendar feed) and the two doors that
work without a login: the digest's signed unsubscribe link and the calendar feed's secret URL."""

from flask import Blueprint

bp = Blueprint("account", __name__, cli_group="digest")

from crm.account import cli, routes  # noqa: E402,F401  (registers the views and the `digest` commands)
