"""/api/v1/companies: the partner register, searched with the company list's own search."""

from flask import url_for
from flask_login import current_user

from crm.access import allow
from crm.api import bp
from crm.api.http import create_with, etag_header, expected_version, link_header, object_first, page_body, url_object
from crm.api.schemas import CompanyCreate, CompanyHit, CompanyIn, CompanyOut, CompanyPage, CompanyQuery
from crm.companies.access import get_company_or_404
from crm.services.companies import company_profile, create_company, update_company
from crm.services.company_search import CompanySearch, search_companies
from crm.services.geocoding import lookup_postcode

WRITE_DOC = {"parameters": [{"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
                             "description": "ETag fra seneste GET"}]}
CREATE_DOC = {"parameters": [{"in": "header", "name": "Idempotency-Key", "required": False,
                              "schema": {"type": "string", "maxLength": 200},
                              "description": "Samme nøgle og indhold giver samme svar, uden en ny post"}]}


def _dump_hit(hit) -> dict:
    data = CompanyHit().dump(hit.company)
    data.update(score=hit.score, distance_km=hit.distance_km)
    return data


@bp.route("/companies")
@allow("company.read", scope="companies:read")
@bp.arguments(CompanyQuery, location="query", as_kwargs=True)
@bp.alt_response(200, schema=CompanyPage, success=True, headers={"Link": {"schema": {"type": "string"}}})
def list_companies(page, per_page, q="", status=(), industry=None, offers=(), konsulent=None, postcode=None,
                   radius=None, sort=""):
    """Search and list companies (typo-tolerant text, filters, distance, sort), as the company list does."""
    origin = None
    if postcode:
        place = lookup_postcode(postcode)  # ValidationError (422) for an unknown postcode
        origin = (place.lat, place.lon)
    search = CompanySearch(q=q.strip(), statuses=tuple(status), industry_code=industry, offers=tuple(offers),
                           konsulent_id=konsulent, postcode=postcode, origin=origin,
                           radius_km=float(radius) if radius is not None and origin else None, sort=sort or "")
    result = search_companies(search, page=page, per_page=per_page)
    return page_body([_dump_hit(hit) for hit in result.hits], result), 200, link_header(result)


@bp.route("/companies", methods=["POST"])
@allow("company.edit", scope="companies:write")
@bp.arguments(CompanyCreate)
@bp.alt_response(201, schema=CompanyOut, success=True)
@bp.doc(**CREATE_DOC)
def post_company(data):
    """Create a company (the same checks as the form: CVR, postcode, duplicates by CVR)."""
    return create_with(lambda: create_company(data, actor=current_user._get_current_object()),
                       CompanyOut().dump, lambda c: url_for("api.get_company", company_id=c.id))


@bp.route("/companies/<int:company_id>")
@allow("company.read", scope="companies:read")
@bp.alt_response(200, schema=CompanyOut, success=True)
def get_company(company_id: int):
    """One company."""
    company = get_company_or_404(company_id, current_user)
    return CompanyOut().dump(company), 200, etag_header(company)


@bp.route("/companies/<int:company_id>", methods=["PATCH"])
@allow("company.edit", scope="companies:write")
@object_first(lambda company_id: get_company_or_404(company_id, current_user, for_edit=True))
@bp.arguments(CompanyIn)
@bp.alt_response(200, schema=CompanyOut, success=True)
@bp.doc(**WRITE_DOC)
def patch_company(data, company_id: int):
    """Change some of a company's fields; the others stay. Needs ``If-Match`` (412 when stale)."""
    company = url_object()
    version = expected_version(company)
    update_company(company, {**company_profile(company), **data}, expected_version=version,
                   actor=current_user._get_current_object())
    return CompanyOut().dump(company), 200, etag_header(company)
