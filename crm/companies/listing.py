"""Finding companies: the searchable list, the map, visit planning ("near here") and export.

Every view reads the same GET filters (bookmarkable) through ``CompanyFilterForm`` and asks
``crm.services.company_search.search_companies``; nothing here queries companies itself.
"""


from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlencode

import sqlalchemy as sa
from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange, Optional
from wtforms.validators import ValidationError as FieldError

from crm.access import allow
from crm.companies import bp
from crm.companies.forms import SaveFilterForm
from crm.extensions import db
from crm.forms import ActionForm, SubForm, coerce_optional_id, submit
from crm.i18n import current_language
from crm.models import Company, SavedFilter, User
from crm.models.company import STATUS_LABELS, PartnershipStatus
from crm.page_cache import VersionedCache
from crm.paging import page_number
from crm.permissions import can, roles_with
from crm.services import ValidationError
from crm.services.company_export import export_companies
from crm.services.company_search import SORTS, CompanySearch, days_since, search_companies
from crm.services.geocoding import lookup_postcode
from crm.services.job_kinds import request_company_export
from crm.services.jobs import dispatch
from crm.services.reference import active_offer_tags, industries
from crm.services.saved_filters import delete_filter, save_filter, saved_filters_of
from crm.sorting import danish
from crm.timeutil import today
from crm.unit_of_work import after_commit

PER_PAGE = 50
#: The map draws at most this many markers (nearest or most relevant first); more is unreadable.
MAP_LIMIT = 2000
MAX_RADIUS_KM = 500
NEARBY_DEFAULT_RADIUS_KM = 15
RADIUS_MESSAGE = _l("Angiv et antal km mellem 1 og %(max)s.", max=MAX_RADIUS_KM)
# An export of more companies than this runs as a job with a progress bar, and its page offers the file.
COMPANY_EXPORT_INLINE_ROWS = 5000
EXPORT_MIMETYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to a text/* mimetype
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class _CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        # Unknown values in a bookmarked URL are ignored rather than refused.
        known = {choice.value for choice in self.iter_choices()} if self.choices else set()
        self.data = [value for value in (self.data or []) if value in known]


class _KmField(IntegerField):
    """Whole kilometres, with a Danish message for anything else."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_("Angiv afstanden som et helt antal km.")) from None


def _postcode_origin(field) -> tuple[float, float] | None:
    """The centre of the postcode typed in ``field`` (lat, lon), or None with the message on the field."""
    try:
        place = lookup_postcode((field.data or "").strip())
    except ValidationError as exc:
        field.errors = [*field.errors, exc.message]
        return None
    return place.lat, place.lon


class CompanyFilterForm(SubForm):
    """The list/map filters, read from the query string (no CSRF: it changes nothing)."""

    q = StringField(_l("Søg (navn, CVR, by eller tags)"))
    status = _CheckboxList(_l("Status"), choices=[
        SelectChoice(s.value, STATUS_LABELS[s]) for s in PartnershipStatus])
    industry = SelectField(_l("Branche (DB07)"), validate_choice=False)
    offers = _CheckboxList(_l("Kan tilbyde (alle valgte)"))
    konsulent = SelectField(_l("Ansvarlig konsulent"), coerce=coerce_optional_id, validate_choice=False)
    postcode = StringField(_l("Afstand fra postnummer"))
    radius = _KmField(_l("Højst km væk"), validators=[
        Optional(), NumberRange(min=1, max=MAX_RADIUS_KM, message=RADIUS_MESSAGE)])
    sort = SelectField(_l("Sortér efter"), validate_choice=False)

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.industry.choices = [SelectChoice("", _("Alle brancher"))] + [
            SelectChoice(i.code, f"{i.code} {i.shown_label}") for i in industries()
        ]
        self.offers.choices = [SelectChoice(t.code, t.shown_label) for t in active_offer_tags()]
        self.konsulent.choices = [SelectChoice("", _("Alle"))] + _konsulent_choices()
        self.sort.choices = [SelectChoice("", _("Automatisk"))] + [
            SelectChoice(key, label) for key, label in SORTS.items()
        ]

    def validate_radius(self, field):
        if field.data is not None and not (self.postcode.data or "").strip():
            raise FieldError(_("Angiv et postnummer for at søge efter afstand."))

    def to_search(self) -> CompanySearch | None:
        """The validated filters as a search, or None (errors are on the fields)."""
        if not self.validate():
            return None
        postcode = (self.postcode.data or "").strip()
        origin = _postcode_origin(self.postcode) if postcode else None
        if postcode and origin is None:
            return None
        return CompanySearch(
            q=(self.q.data or "").strip()[:200],
            statuses=tuple(self.status.data or ()),
            industry_code=self.industry.data or None,
            offers=tuple(self.offers.data or ()),
            konsulent_id=self.konsulent.data,
            postcode=postcode or None,
            origin=origin,
            radius_km=float(self.radius.data) if self.radius.data is not None else None,
            sort=self.sort.data or "",
        )


#: The query parameters of the list's filters: what a saved filter keeps (never the page).
FILTER_FIELDS = tuple(name for name, value in vars(CompanyFilterForm).items() if isinstance(value, UnboundField))


def _konsulent_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(User.id, User.name)
        .where(User.active, User.role.in_([str(r) for r in roles_with("company.edit")]))
        .order_by(danish(User.name))
    )
    return [SelectChoice(uid, name) for uid, name in rows]


def _filter_args() -> dict:
    """The current filters as url_for keyword arguments (lists stay lists), without the page."""
    return {key: values if len(values) > 1 or key in ("status", "offers") else values[0]
            for key, values in request.args.lists() if key != "page" and any(values)}


def _search() -> tuple[CompanyFilterForm, CompanySearch | None]:
    form = CompanyFilterForm(request.args)
    return form, form.to_search() if request.args else CompanySearch()


def _filtered(per_page: int | None, page: int = 1):
    form, search = _search()
    if search is None:
        return form, None
    return form, search_companies(search, page=page, per_page=per_page)


@bp.route("/")
@allow("company.read")
def index():
    """List and search companies."""
    return _list_page()


def _list_page(status: int = 200, *, saved_filters: bool = True):
    """The list page: the filters and the result from the cache of this register version, the
    user's own parts (buttons, saved filters, the page around) made for this request."""
    fragments = _LIST_CACHE.get_or_make(_list_key(), _list_fragments)
    own = _saved_filters_context() if saved_filters else {"saved_filters": (), "has_filters": False}
    return render_template("companies/list.html", fragments=fragments, filter_args=_filter_args(), **own), status


#: The list's filters and results per register version, query, language and permission signature.
_LIST_CACHE = VersionedCache(max_entries=128)
#: Stands in a cached result for a days-since-contact cell (escaped text can never contain "<").
DAYS_SLOT = "<!--days-since-contact-->"


@dataclass(frozen=True)
class ListFragments:
    """The rendered filters and result of one query, shared by every user with the same key. The
    days since a contact move with the clock, so the result keeps a slot for each, filled in
    when shown."""

    filters: Markup
    result_parts: tuple[str, ...]
    contacts: tuple[datetime, ...]

    def result(self) -> Markup:
        parts = [self.result_parts[0]]
        for moment, after in zip(self.contacts, self.result_parts[1:], strict=True):
            parts += [str(days_since(moment)), after]
        return Markup("".join(parts))  # noqa: S704 (rendered by Jinja with autoescape; numbers added)


def _list_key() -> tuple:
    """What the cached fragments depend on besides the register: the query as given (its order
    makes the links), the language and the permission signature (the role: ``can`` without an
    object depends on the role alone)."""
    return (current_user.role, current_language(), tuple((k, tuple(v)) for k, v in request.args.lists()))


def _list_fragments() -> ListFragments:
    form, result = _filtered(PER_PAGE, page_number())
    contacts: list[datetime] = []

    def days_slot(moment: datetime) -> Markup:
        contacts.append(moment)
        return Markup(DAYS_SLOT)  # noqa: S704 (a constant)

    filters = render_template("companies/_filters.html", form=form, action="companies.index")
    shown = render_template("companies/_list_result.html", result=result, filter_args=_filter_args(),
                            sorts=SORTS, days_slot=days_slot)
    parts = tuple(shown.split(DAYS_SLOT))
    assert len(parts) == len(contacts) + 1  # noqa: S101 (the slot text comes only from days_slot)
    return ListFragments(filters=Markup(filters), result_parts=parts, contacts=tuple(contacts))  # noqa: S704


def _saved_filters_context() -> dict:
    """The user's saved filters and the form to save the current ones, for the list page."""
    query = urlencode([(key, value) for key, values in request.args.lists() if key in FILTER_FIELDS
                       for value in values if value])
    saved, has_filters = saved_filters_of(current_user), bool(_filter_args())
    # Each form is made only when the page shows it (most list requests show neither).
    return {"saved_filters": saved, "delete_form": ActionForm() if saved else None,
            "save_form": SaveFilterForm(formdata=None, query=query) if has_filters else None,
            "has_filters": has_filters}


def _get_saved_filter_or_404(filter_id: int) -> SavedFilter:
    """One of the user's own saved filters; anyone else's is as unknown as a missing one (404)."""
    saved = db.session.get(SavedFilter, filter_id)
    if saved is None or not can(current_user, "company.saved_filter", saved):
        abort(404)
    return saved


@bp.route("/filtre", methods=["POST"])
@allow("company.saved_filter")
def save_saved_filter():
    """Save the list's current filters under a name (the same name replaces the old set)."""
    form = SaveFilterForm()
    criteria = parse_qs(form.query.data or "", max_num_fields=200)
    criteria = {key: values for key, values in criteria.items() if key in FILTER_FIELDS}
    back = url_for("companies.index", **{k: v if len(v) > 1 else v[0] for k, v in criteria.items()})
    return submit(form, lambda: save_filter(current_user, name=form.name.data, criteria=criteria),
                  success=lambda saved: _("Filteret „%(name)s“ er gemt.", name=saved.name),
                  redirect_to=lambda saved: url_for("companies.apply_saved_filter", filter_id=saved.id),
                  on_error=back)


@bp.route("/filtre/<int:filter_id>")
@allow("company.saved_filter")
def apply_saved_filter(filter_id: int):
    """Show the company list with one of the user's saved filters."""
    saved = _get_saved_filter_or_404(filter_id)
    return redirect(f"{url_for('companies.index')}?{saved.query}")


@bp.route("/filtre/<int:filter_id>/slet", methods=["POST"])
@allow("company.saved_filter")
def delete_saved_filter(filter_id: int):
    """Delete one of the user's saved filters."""
    saved = _get_saved_filter_or_404(filter_id)
    name = saved.name
    back = url_for("companies.index")
    return submit(ActionForm(), lambda: delete_filter(current_user, saved),
                  success=_("Filteret „%(name)s“ er slettet.", name=name), redirect_to=back, on_error=back)


@bp.route("/kort", endpoint="map")
@allow("company.read")
def map_view():
    """Show the filtered companies on a map."""
    form, result = _filtered(MAP_LIMIT)
    return render_template(
        "companies/map.html", form=form, result=result, filter_args=_filter_args(), map_limit=MAP_LIMIT,
        tile_url=current_app.config.get("MAP_TILE_URL", ""),
        tile_attribution=current_app.config.get("MAP_TILE_ATTRIBUTION", ""),
    )


@bp.route("/kort.json")
@allow("company.read")
def map_data():
    """The filtered companies with coordinates, for the map's markers."""
    form, result = _filtered(MAP_LIMIT)
    if result is None:
        errors = {name: field.errors for name, field in form._fields.items() if field.errors}
        return {"errors": errors, "companies": []}, 400
    companies = [
        {"id": c.id, "name": c.name, "lat": c.lat, "lon": c.lon, "status": c.status,
         "status_label": c.status_enum.label, "city": c.city,
         "url": url_for("companies.detail", company_id=c.id)}
        for c in result.companies if c.lat is not None and c.lon is not None
    ]
    return {"total": result.total, "shown": len(companies), "companies": companies}


@bp.route("/eksport.csv", defaults={"fmt": "csv"})
@bp.route("/eksport.xlsx", defaults={"fmt": "xlsx"})
@allow("company.read")
def export(fmt: str):
    """Download the filtered list as CSV or XLSX (the import reads the same columns); a big export
    runs as a job, whose page offers the file."""
    form, search = _search()
    if search is None:
        return _list_page(status=400, saved_filters=False)  # the export's refusal, as before
    if search_companies(search, per_page=1).total > COMPANY_EXPORT_INLINE_ROWS:
        job = request_company_export(search, fmt=fmt, criteria=_filter_args(), user=current_user)
        after_commit(lambda: dispatch(job))
        return redirect(url_for("jobs.detail", job_id=job.id))
    companies = search_companies(search, per_page=None).companies
    data = export_companies(companies, fmt=fmt, actor=current_user, criteria=_filter_args())
    filename = f"virksomheder-{today().isoformat()}.{fmt}"
    return Response(data, mimetype=EXPORT_MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class NearbyForm(SubForm):
    """Visit planning: from a postcode or a company, within a radius."""

    postcode = StringField(_l("Fra postnummer"))
    company_id = SelectField(_l("eller fra virksomhed"), coerce=coerce_optional_id, validate_choice=False)
    radius = _KmField(_l("Højst km væk"), default=NEARBY_DEFAULT_RADIUS_KM, validators=[
        Optional(), NumberRange(min=1, max=MAX_RADIUS_KM, message=RADIUS_MESSAGE)])
    all_statuses = BooleanField(_l("Vis alle virksomheder, ikke kun partnere"))

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        rows = db.session.execute(
            sa.select(Company.id, Company.name, Company.city)
            .where(Company.status == PartnershipStatus.PARTNER).order_by(danish(Company.name_key))
        ).all()
        chosen = self.company_id.data
        if chosen and chosen not in {r[0] for r in rows}:
            extra = db.session.execute(
                sa.select(Company.id, Company.name, Company.city).where(Company.id == chosen)).first()
            if extra is not None:
                rows.insert(0, extra)
        self.company_id.choices = [SelectChoice("", _("— vælg —"))] + [
            SelectChoice(cid, f"{name} ({city})") for cid, name, city in rows
        ]

    def to_search(self) -> CompanySearch | None:
        if not self.validate():
            return None
        postcode = (self.postcode.data or "").strip()
        exclude = None
        if postcode:
            origin = _postcode_origin(self.postcode)
            if origin is None:
                return None
        elif self.company_id.data:
            company = db.session.get(Company, self.company_id.data)
            if company is None or company.lat is None:
                self.company_id.errors = [*self.company_id.errors, _("Virksomheden har ingen position.")]
                return None
            origin, exclude = (company.lat, company.lon), company.id
        else:
            self.postcode.errors = [*self.postcode.errors, _("Angiv et postnummer eller vælg en virksomhed.")]
            return None
        radius = self.radius.data if self.radius.data is not None else NEARBY_DEFAULT_RADIUS_KM
        return CompanySearch(
            statuses=() if self.all_statuses.data else (PartnershipStatus.PARTNER.value,),
            postcode=postcode or None, origin=origin, radius_km=float(radius), sort="distance",
            exclude_id=exclude,
        )


@bp.route("/naer")
@allow("company.read")
def nearby():
    """Plan visits: companies near a postcode or a company, nearest first."""
    form = NearbyForm(request.args)
    result = search = None
    if request.args:
        search = form.to_search()
        if search is not None:
            result = search_companies(search, page=1, per_page=None)
    map_args = {}
    if search is not None:
        # The map filters by postcode; from a company, its own postcode is the closest match.
        postcode = search.postcode or db.session.get(Company, search.exclude_id).postcode
        map_args = {"postcode": postcode, "radius": int(search.radius_km), "sort": "distance"}
        if search.statuses:
            map_args["status"] = list(search.statuses)
    return render_template("companies/nearby.html", form=form, result=result, map_args=map_args)
