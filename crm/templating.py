"""Template helpers: the navigation, ``can(...)`` and date formatting."""

from functools import lru_cache

from flask import Flask, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm.access import allowed_roles
from crm.formatting import (
    file_size,
    format_number,
    km,
    long_date,
    long_datetime,
    minutes,
    money,
    percent,
    short_date,
    short_datetime,
)
from crm.permissions import can
from crm.services.borgere import can_view_borger
from crm.services.matching import occupation_titles

# (endpoint, label). Who sees an entry is the permission of the endpoint's @allow, nothing else,
# so the menu cannot offer a page that refuses the user nor hide one that lets them in.
NAVIGATION = [
    ("main.index", _l("Forside")),
    ("reports.my_week", _l("Min uge")),
    ("borgere.index", _l("Borgere")),
    ("companies.index", _l("Virksomheder")),
    ("companies.stale", _l("Kontakt snart")),
    ("openings.index", _l("Stillinger")),
    ("tasks.mine", _l("Mine opgaver")),
    ("reports.programmes", _l("Indsatser")),
    ("geo.lookup", _l("Adresseopslag")),
    ("admin.users", _l("Brugere")),
    ("admin.audit", _l("Revisionslog")),
    ("admin.weights", _l("Matchvægte")),
    ("portal.index", _l("Virksomhedsportal")),
]


def navigation_for(user) -> tuple[dict, ...]:
    if not user.is_authenticated:
        return ()
    return _navigation(user.role, request.script_root)


@lru_cache(maxsize=64)
def _navigation(role: str, _script_root: str) -> tuple[dict, ...]:
    """A role's menu: the same on every page (the labels are lazy, worded when shown), so made once
    per process and role (and mount point, which the URLs depend on)."""
    return tuple(
        {"endpoint": endpoint, "url": url_for(endpoint), "label": label}
        for endpoint, label in NAVIGATION
        if role in allowed_roles(endpoint)
    )


def register_template_helpers(app: Flask) -> None:
    # Values for people, in the reader's language: crm/formatting.py is the one place.
    app.jinja_env.filters.update({
        "number": format_number, "km": km, "minutes": minutes, "percent": percent, "money": money,
        "file_size": file_size, "date": short_date, "datetime": short_datetime, "long_date": long_date,
        "long_datetime": long_datetime,
    })
    # Templates hide borger details the viewer may not open (e.g. in a company's contact log).
    app.jinja_env.globals["can_view_borger"] = can_view_borger
    # ``can("company.edit", company)``: the current user's permission (crm/permissions.py).
    app.jinja_env.globals["can"] = lambda permission, obj=None: can(current_user, permission, obj)
    app.jinja_env.globals["occupation_titles"] = occupation_titles

    @app.context_processor
    def inject_navigation():
        return {"navigation": navigation_for(current_user)}
