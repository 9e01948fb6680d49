"""The API's request and response shapes (marshmallow): they validate input and generate the spec.

Text arrives without control characters (``Text``), as form input does through ``crm.request``;
ids fit an INTEGER column; numbers are finite. Everything else (a valid CVR, a known postcode,
hours in range …) is the services' to decide, with their Danish messages.
"""

from datetime import UTC

from marshmallow import Schema, fields, validate

from crm.models.borger import Phase, Transport
from crm.models.company import SIZE_BANDS, ContactKind, PartnershipStatus
from crm.models.opening import OpeningKind, OpeningStatus
from crm.services import fields as limits
from crm.services.company_search import SORTS
from crm.validators import MAX_DB_INTEGER, strip_control_characters
from matcher import KINDS

PROBLEM_CONTENT_TYPE = "application/problem+json"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_PAGE = 100_000


class Text(fields.String):
    """A string with its control characters taken out (tab and line breaks stay)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return strip_control_characters(super()._deserialize(value, attr, data, **kwargs))


class SortedList(fields.List):
    """A list field that answers a set (the company's offer codes) in sorted order."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(None if value is None else sorted(value), attr, obj, **kwargs)


class UtcDateTime(fields.DateTime):
    """A moment as RFC 3339 in UTC (``2026-03-10T09:00:00Z``): the database keeps naive UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


def _id(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_DB_INTEGER), **kwargs)


def _text(max_length: int, **kwargs):
    return Text(validate=validate.Length(max=max_length), **kwargs)


def _hours(**kwargs):
    return fields.Float(allow_nan=False, validate=validate.Range(min=0, max=limits.MAX_HOURS_PER_WEEK), **kwargs)


class ProblemSchema(Schema):
    """RFC 9457 problem details; ``errors`` names the fields that were refused."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String()
    errors = fields.List(fields.Dict())


class PageQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class PageMeta(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


# --- companies ----------------------------------------------------------------------------------

class CompanyQuery(PageQuery):
    """The same filters as the company list (``crm.companies.listing``), through the same search."""

    q = _text(200, metadata={"description": "Fritekst, tåler stavefejl (navn, by, tags), eller CVR/postnummer"})
    status = fields.List(fields.String(validate=validate.OneOf([str(s) for s in PartnershipStatus])))
    industry = fields.String(validate=validate.Length(max=2))
    offers = fields.List(_text(40), metadata={"description": "Kan tilbyde alle disse (tilbudskoder)"})
    konsulent = _id()
    postcode = fields.String(validate=validate.Regexp(r"^\d{4}$"))
    radius = fields.Integer(validate=validate.Range(min=1, max=500), metadata={"description": "km fra postnummer"})
    sort = fields.String(validate=validate.OneOf(list(SORTS)))


class CompanyIn(Schema):
    name = _text(limits.TITLE_MAX)
    cvr = _text(20, allow_none=True)
    pnummer = _text(20, allow_none=True)
    address = _text(limits.ADDRESS_MAX)
    postcode = fields.String(validate=validate.Regexp(r"^\d{4}$"))
    city = _text(limits.CITY_MAX)
    industry_code = fields.String(allow_none=True, validate=validate.Length(max=2))
    industry_text = _text(limits.INDUSTRY_TEXT_MAX)
    size_band = fields.String(allow_none=True, validate=validate.OneOf(SIZE_BANDS))
    website = _text(limits.WEBSITE_MAX)
    phone = _text(limits.PHONE_MAX)
    email = _text(limits.EMAIL_MAX)
    description = _text(limits.LONG_TEXT_MAX)
    status = fields.String(validate=validate.OneOf([str(s) for s in PartnershipStatus]))
    konsulent_id = _id(allow_none=True)
    offers = fields.List(_text(40), validate=validate.Length(max=50))
    tags = fields.List(_text(60), validate=validate.Length(max=50))
    agreement_signed = fields.Date(allow_none=True)
    agreement_renewal = fields.Date(allow_none=True)
    agreement_note = _text(limits.AGREEMENT_NOTE_MAX)


class CompanyCreate(CompanyIn):
    name = _text(limits.TITLE_MAX, required=True)
    postcode = fields.String(required=True, validate=validate.Regexp(r"^\d{4}$"))


class CompanyOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    cvr = fields.String(allow_none=True)
    pnummer = fields.String(allow_none=True)
    address = fields.String()
    postcode = fields.String()
    city = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    industry_code = fields.String(allow_none=True)
    industry_text = fields.String()
    size_band = fields.String(allow_none=True)
    website = fields.String()
    phone = fields.String()
    email = fields.String()
    description = fields.String()
    status = fields.String(required=True)
    konsulent_id = fields.Integer(allow_none=True)
    offers = SortedList(fields.String(), attribute="offer_codes")
    tags = fields.List(fields.String())
    agreement_signed = fields.Date(allow_none=True)
    agreement_renewal = fields.Date(allow_none=True)
    last_contact_at = UtcDateTime(allow_none=True)
    version = fields.Integer(required=True)
    updated_at = UtcDateTime()


class CompanyHit(CompanyOut):
    score = fields.Float(allow_none=True, metadata={"description": "Tekstscore 0–100 (kun ved søgning)"})
    distance_km = fields.Float(allow_none=True)


class CompanyPage(Schema):
    items = fields.List(fields.Nested(CompanyHit), required=True)
    meta = fields.Nested(PageMeta, required=True)


# --- openings -----------------------------------------------------------------------------------

class OpeningQuery(PageQuery):
    status = fields.String(validate=validate.OneOf([str(s) for s in OpeningStatus]))
    kind = fields.String(validate=validate.OneOf([str(k) for k in OpeningKind]))
    company_id = _id()
    q = _text(200)


class OpeningIn(Schema):
    title = _text(limits.TITLE_MAX)
    occupation = _text(limits.TITLE_MAX)
    description = _text(limits.LONG_TEXT_MAX)
    kind = fields.String(validate=validate.OneOf([str(k) for k in OpeningKind]))
    hours_min = _hours()
    hours_max = _hours()
    low_hour_start = fields.Boolean()
    address = _text(limits.ADDRESS_MAX)
    postcode = fields.String(validate=validate.Regexp(r"^(\d{4})?$"))
    city = _text(limits.CITY_MAX)
    start_date = fields.Date(allow_none=True)
    apply_by = fields.Date(allow_none=True)
    places = fields.Integer(validate=validate.Range(min=1, max=1000))
    skills = fields.List(_text(100), validate=validate.Length(max=50))
    offers = fields.List(_text(40), validate=validate.Length(max=50))
    status = fields.String(validate=validate.OneOf([str(s) for s in OpeningStatus]))


class OpeningCreate(OpeningIn):
    title = _text(limits.TITLE_MAX, required=True)
    kind = fields.String(required=True, validate=validate.OneOf([str(k) for k in OpeningKind]))


class OpeningStatusIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf([str(s) for s in OpeningStatus]))


class OpeningOut(Schema):
    id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    company_name = fields.String(attribute="company.name")
    title = fields.String(required=True)
    occupation = fields.String()
    description = fields.String()
    kind = fields.String(required=True)
    hours_min = fields.Float()
    hours_max = fields.Float()
    low_hour_start = fields.Boolean()
    address = fields.String()
    postcode = fields.String()
    city = fields.String()
    start_date = fields.Date(allow_none=True)
    apply_by = fields.Date(allow_none=True)
    places = fields.Integer()
    skills = fields.List(fields.String())
    offers = fields.List(fields.String())
    status = fields.String(required=True)
    confirmed_at = UtcDateTime()
    version = fields.Integer(required=True)
    updated_at = UtcDateTime()


class OpeningPage(Schema):
    items = fields.List(fields.Nested(OpeningOut), required=True)
    meta = fields.Nested(PageMeta, required=True)


# --- borgere ------------------------------------------------------------------------------------

class BorgerQuery(PageQuery):
    pass


class MatchingProfileIn(Schema):
    """The matching profile a vejleder keeps current; the rest of the record stays as it is."""

    postcode = fields.String(validate=validate.Regexp(r"^\d{4}$"))
    transport = fields.String(validate=validate.OneOf([str(t) for t in Transport]))
    max_travel_minutes = fields.Integer(validate=validate.Range(min=0, max=1000))
    hours_min = _hours()
    hours_max = _hours()
    wishes = fields.List(_text(100), validate=validate.Length(max=30))
    strengths = fields.List(_text(100), validate=validate.Length(max=30))
    needs = fields.List(_text(40), validate=validate.Length(max=30))
    accepts = fields.List(_text(20), validate=validate.Length(max=30))
    excluded_industries = fields.List(fields.String(validate=validate.Length(max=2)), validate=validate.Length(max=30))
    phase = fields.String(validate=validate.OneOf([str(p) for p in Phase]))


class BorgerOut(Schema):
    """A borger as the vejleder sees them: first name or initials and reference; no notes."""

    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    first_name = fields.String(required=True)
    vejleder_id = fields.Integer(required=True)
    programme_id = fields.Integer(allow_none=True)
    enrolled_on = fields.Date()
    phase = fields.String()
    postcode = fields.String()
    transport = fields.String()
    max_travel_minutes = fields.Integer()
    hours_min = fields.Float()
    hours_max = fields.Float()
    wishes = fields.List(fields.String())
    strengths = fields.List(fields.String())
    needs = fields.List(fields.String())
    accepts = fields.List(fields.String())
    excluded_industries = fields.List(fields.String())
    consent_to_propose = fields.Boolean()
    shared_fields = fields.List(fields.String())
    disclosure = fields.Boolean()
    version = fields.Integer(required=True)


class BorgerPage(Schema):
    items = fields.List(fields.Nested(BorgerOut), required=True)
    meta = fields.Nested(PageMeta, required=True)


# --- matches ------------------------------------------------------------------------------------

class MatchQuery(Schema):
    kind = fields.List(fields.String(validate=validate.OneOf(sorted(KINDS))))
    max_km = fields.Integer(validate=validate.Range(min=1, max=300))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=50))


class MatchOut(Schema):
    """One ranked target for a borger: an opening, or a company without a posted opening."""

    target = fields.String(required=True, metadata={"description": "opening:<id> eller company:<id>"})
    kind = fields.String(required=True)
    company_id = fields.Integer(required=True)
    company_name = fields.String(required=True)
    opening_id = fields.Integer(allow_none=True)
    opening_title = fields.String(allow_none=True)
    score = fields.Float(required=True, metadata={"description": "0–1"})
    components = fields.Dict(keys=fields.String(), values=fields.Float())
    distance_km = fields.Float()
    travel_minutes = fields.Float()
    reasons = fields.List(fields.String())


class MatchList(Schema):
    items = fields.List(fields.Nested(MatchOut), required=True)
    index_ready = fields.Boolean(required=True)
    detail = fields.String(allow_none=True)
    weights_version = fields.String()


class ReverseMatchOut(Schema):
    """A borger an opening or company fits, by name only to those who may open the borger;
    everyone else gets the reference and the vejleder to contact (as on the page)."""

    reference = fields.String(required=True)
    borger_id = fields.Integer(allow_none=True)
    first_name = fields.String(allow_none=True)
    score = fields.Float(required=True)
    reasons = fields.List(fields.String())
    vejleder_name = fields.String(allow_none=True)
    vejleder_email = fields.String(allow_none=True)


class ReverseMatchList(Schema):
    items = fields.List(fields.Nested(ReverseMatchOut), required=True)


# --- contact persons, the contact log, tasks ------------------------------------------------------

class ContactPersonIn(Schema):
    name = _text(limits.PERSON_MAX, required=True)
    role = _text(limits.PERSON_MAX)
    phone = _text(limits.PHONE_MAX)
    email = _text(limits.EMAIL_MAX)
    primary = fields.Boolean()


class ContactPersonOut(Schema):
    id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String()
    phone = fields.String()
    email = fields.String()
    primary = fields.Boolean()


class ContactPersonList(Schema):
    items = fields.List(fields.Nested(ContactPersonOut), required=True)


class LogEntryIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([str(k) for k in ContactKind]))
    at = fields.AwareDateTime(metadata={"description": "Tidspunkt (RFC 3339); uden: nu"})
    contact_person_id = _id(allow_none=True)
    with_whom = _text(limits.TITLE_MAX)
    summary = _text(limits.LONG_TEXT_MAX, required=True)
    borger_id = _id(allow_none=True, metadata={"description": "En borger fra din egen sagsstamme"})


class LogEntryOut(Schema):
    """A contact; the summary of one about a borger only for those who may open the borger."""

    id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    at = UtcDateTime(required=True)
    kind = fields.String(required=True)
    face_to_face = fields.Boolean()
    user_id = fields.Integer(allow_none=True)
    contact_person_id = fields.Integer(allow_none=True)
    with_whom = fields.String()
    summary = fields.String(allow_none=True)
    borger_reference = fields.String(allow_none=True)


class LogEntryList(Schema):
    items = fields.List(fields.Nested(LogEntryOut), required=True)


class TaskIn(Schema):
    title = _text(limits.TITLE_MAX, required=True)
    note = _text(limits.LONG_TEXT_MAX)
    due = fields.Date(required=True)
    assignee_id = _id(required=True)


class TaskDoneIn(Schema):
    done = fields.Boolean(required=True)


class TaskOut(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    note = fields.String()
    due = fields.Date(required=True)
    assignee_id = fields.Integer(required=True)
    company_id = fields.Integer(allow_none=True)
    done = fields.Boolean(required=True)
    done_at = UtcDateTime(allow_none=True)


class TaskPage(Schema):
    items = fields.List(fields.Nested(TaskOut), required=True)
    meta = fields.Nested(PageMeta, required=True)


# --- programme figures --------------------------------------------------------------------------

class ProgrammeOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    municipality = fields.String()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    enrolled = fields.String(allow_none=True, metadata={"description": "Antal, eller \"<5\" når det er skjult"})
    active = fields.String(allow_none=True, metadata={"description": "Antal, eller \"<5\" når det er skjult"})


class ProgrammeList(Schema):
    items = fields.List(fields.Nested(ProgrammeOut), required=True)


class FigureRow(Schema):
    cells = fields.List(fields.String(), required=True)
    status = fields.String(allow_none=True)


class FigureTable(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    columns = fields.List(fields.String(), required=True)
    rows = fields.List(fields.Nested(FigureRow), required=True)
    note = fields.String()


class ProgrammeFigures(Schema):
    """The dashboard's tables as display text, masked for the viewer exactly as on the page."""

    programme = fields.Nested(ProgrammeOut, required=True)
    full_figures = fields.Boolean(required=True)
    as_of = fields.Date(required=True)
    tables = fields.List(fields.Nested(FigureTable), required=True)
