"""/api/v1/borgere: a vejleder's own caseload (a teamleder: the programmes they lead), read and
the matching profile kept current. Every read and change is audited as the pages audit them."""

from flask_login import current_user

from crm.access import allow
from crm.api import bp
from crm.api.companies import WRITE_DOC
from crm.api.http import etag_header, expected_version, link_header, object_first, page_body, paged, url_object
from crm.api.schemas import BorgerOut, BorgerPage, BorgerQuery, MatchingProfileIn
from crm.borgere.routes import get_borger_or_404
from crm.models import Borger
from crm.models.borger import Phase
from crm.services.borgere import audit_shown_by_name, audit_view, update_borger, visible_borgere
from crm.sorting import danish

#: What ``update_borger`` validates: the record as it is, with the changed profile fields over it.
RECORD_FIELDS = ("first_name", "vejleder_id", "programme_id", "enrolled_on", "phase", "postcode", "transport",
                 "max_travel_minutes", "hours_min", "hours_max", "wishes", "strengths", "needs", "accepts",
                 "excluded_industries", "consent_to_propose", "shared_fields", "disclosure", "notes")
API_PAGE = "api"


@bp.route("/borgere")
@allow("borger.list", scope="borgere:read")
@bp.arguments(BorgerQuery, location="query", as_kwargs=True)
@bp.alt_response(200, schema=BorgerPage, success=True, headers={"Link": {"schema": {"type": "string"}}})
def list_borgere(page, per_page):
    """The borgere you may open (a vejleder: the own caseload), active ones first."""
    query = visible_borgere(current_user).order_by(Borger.phase == Phase.AFSLUTTET, danish(Borger.first_name),
                                                   Borger.id)
    result = paged(query, page=page, per_page=per_page)
    audit_shown_by_name(result.items, actor=current_user, page=API_PAGE)
    return page_body(BorgerOut(many=True).dump(result.items), result), 200, link_header(result)


@bp.route("/borgere/<int:borger_id>")
@allow("borger.read", scope="borgere:read")
@bp.alt_response(200, schema=BorgerOut, success=True)
def get_borger(borger_id: int):
    """One borger (audited as a read; a refused attempt is audited too)."""
    borger = get_borger_or_404(borger_id, page=API_PAGE)
    audit_view(borger, actor=current_user, page=API_PAGE)
    return BorgerOut().dump(borger), 200, etag_header(borger)


@bp.route("/borgere/<int:borger_id>", methods=["PATCH"])
@allow("borger.edit", scope="borgere:write")
@object_first(lambda borger_id: get_borger_or_404(borger_id, page=API_PAGE))
@bp.arguments(MatchingProfileIn)
@bp.alt_response(200, schema=BorgerOut, success=True)
@bp.doc(**WRITE_DOC)
def patch_borger(data, borger_id: int):
    """Change a borger's matching profile (own caseload). Needs ``If-Match`` (412 when stale)."""
    borger = url_object()
    version = expected_version(borger)
    current = {key: getattr(borger, key) for key in RECORD_FIELDS}
    update_borger(borger, {**current, **data}, expected_version=version, actor=current_user._get_current_object())
    return BorgerOut().dump(borger), 200, etag_header(borger)
