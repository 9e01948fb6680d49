"""Saved filters of the company list: a user names the current filter set, applies it again later
and deletes it. Each user's own: nobody else lists, applies or deletes it (crm/permissions.py)."""

from urllib.parse import urlencode

import sqlalchemy as sa
from flask_babel import gettext as _

from crm.extensions import db
from crm.models import SavedFilter
from crm.permissions import require
from crm.services import ValidationError
from crm.services.fields import clean_text
from crm.sorting import danish

NAME_MAX = 80
#: A query string longer than this is not a filter set a person chose (the list's own are < 500).
QUERY_MAX = 2000
#: Enough for every filter a person uses; more would be a list of its own to keep tidy.
MAX_PER_USER = 30


def saved_filters_of(user) -> list[sa.Row]:
    """The user's own saved filters (id, name), by name in Danish order: read as plain rows, for
    the company list shows them on every request."""
    return list(db.session.execute(sa.select(SavedFilter.id, SavedFilter.name)
                                   .where(SavedFilter.user_id == user.id)
                                   .order_by(danish(SavedFilter.name), SavedFilter.id)))


def save_filter(user, *, name: str, criteria: dict[str, list[str]]) -> SavedFilter:
    """Save ``criteria`` (query parameter → values, the list's filter keys only) under ``name``;
    a filter of the same name is replaced. ValidationError (Danish) on an empty name or filter
    set, a query too long, or too many saved filters."""
    require(user, "company.saved_filter")
    name = clean_text({"name": name}, "name", max_length=NAME_MAX, required=_("Giv filteret et navn."))
    pairs = sorted((key, value.strip()) for key, values in criteria.items() for value in values if value.strip())
    if not pairs:
        raise ValidationError(_("Vælg mindst ét filter, før du gemmer det."), field="name")
    query = urlencode(pairs)
    if len(query) > QUERY_MAX:
        raise ValidationError(_("Filteret er for langt til at blive gemt."), field="name")
    saved = db.session.scalar(sa.select(SavedFilter).where(SavedFilter.user_id == user.id,
                                                           SavedFilter.name == name))
    if saved is None:
        count = db.session.scalar(sa.select(sa.func.count(SavedFilter.id)).where(SavedFilter.user_id == user.id))
        if count >= MAX_PER_USER:
            raise ValidationError(_("Du kan højst gemme %(limit)s filtre. Slet et, du ikke bruger.",
                                    limit=MAX_PER_USER), field="name")
        saved = SavedFilter(user_id=user.id, name=name)
        db.session.add(saved)
    saved.query = query
    db.session.flush()
    return saved


def delete_filter(user, saved: SavedFilter) -> None:
    """Delete one of the user's own saved filters."""
    require(user, "company.saved_filter", saved)
    db.session.delete(saved)
    db.session.flush()
