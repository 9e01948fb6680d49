"""Template helpers: the navigation, ``can(...)`` and date formatting."""

from flask import Flask, url_for
from flask_login import current_user

from crm.access import allowed_roles
from crm.formatting import danish_number, file_size
from crm.permissions import can
from crm.services.borgere import can_view_borger
from crm.services.matching import occupation_titles
from crm.timeutil import long_date, long_datetime, to_local

# (endpoint, label). Who sees an entry is the permission of the endpoint's @allow, nothing else,
# so the menu cannot offer a page that refuses the user nor hide one that lets them in.
NAVIGATION = [
    ("main.index", "Forside"),
    ("reports.my_week", "Min uge"),
    ("borgere.index", "Borgere"),
    ("companies.index", "Virksomheder"),
    ("companies.stale", "Kontakt snart"),
    ("openings.index", "Stillinger"),
    ("tasks.mine", "Mine opgaver"),
    ("reports.programmes", "Indsatser"),
    ("geo.lookup", "Adresseopslag"),
    ("admin.users", "Brugere"),
    ("admin.audit", "Revisionslog"),
    ("admin.weights", "Matchvægte"),
    ("portal.index", "Virksomhedsportal"),
]


def navigation_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return [
        {"endpoint": endpoint, "url": url_for(endpoint), "label": label}
        for endpoint, label in NAVIGATION
        if user.role in allowed_roles(endpoint)
    ]


def format_datetime(value) -> str:
    local = to_local(value)
    return local.strftime("%d.%m.%Y %H:%M") if local else ""


def format_date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["number"] = danish_number
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["long_datetime"] = long_datetime
    # Templates hide borger details the viewer may not open (e.g. in a company's contact log).
    app.jinja_env.globals["can_view_borger"] = can_view_borger
    # ``can("company.edit", company)``: the current user's permission (crm/permissions.py).
    app.jinja_env.globals["can"] = lambda permission, obj=None: can(current_user, permission, obj)
    app.jinja_env.globals["occupation_titles"] = occupation_titles

    @app.context_processor
    def inject_navigation():
        return {"navigation": navigation_for(current_user)}
