"""Template helpers: navigation by role and date formatting."""

from flask import Flask, url_for
from flask_login import current_user

from crm.formatting import danish_number
from crm.services.borgere import can_view_borger
from crm.services.matching import occupation_titles
from crm.timeutil import long_date, long_datetime, to_local

# (endpoint, label, roles allowed to see the link). Each later feature adds its entries here.
STAFF = {"admin", "vejleder", "konsulent"}
NAVIGATION = [
    ("main.index", "Forside", STAFF),
    ("reports.my_week", "Min uge", {"vejleder"}),
    ("borgere.index", "Borgere", {"admin", "vejleder"}),
    ("companies.index", "Virksomheder", STAFF),
    ("companies.stale", "Kontakt snart", {"admin", "konsulent"}),
    ("openings.index", "Stillinger", STAFF),
    ("tasks.mine", "Mine opgaver", STAFF),
    ("reports.programmes", "Indsatser", STAFF),
    ("geo.lookup", "Adresseopslag", {"admin"}),
    ("admin.users", "Brugere", {"admin"}),
    ("admin.audit", "Revisionslog", {"admin"}),
    ("portal.index", "Virksomhedsportal", {"employer"}),
]


def navigation_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return [
        {"endpoint": endpoint, "url": url_for(endpoint), "label": label}
        for endpoint, label, roles in NAVIGATION
        if user.role in roles
    ]


def format_datetime(value) -> str:
    local = to_local(value)
    return local.strftime("%d.%m.%Y %H:%M") if local else ""


def format_date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["number"] = danish_number
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["long_datetime"] = long_datetime
    # Templates hide borger details the viewer may not open (e.g. in a company's contact log).
    app.jinja_env.globals["can_view_borger"] = can_view_borger
    app.jinja_env.globals["occupation_titles"] = occupation_titles

    @app.context_processor
    def inject_navigation():
        return {"navigation": navigation_for(current_user)}
