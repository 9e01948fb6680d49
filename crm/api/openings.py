"""/api/v1/openings: staff read every opening; an employer reads and keeps its own company's
openings current (create, change, confirm, open/pause/fill/close), as in the portal."""

from flask import abort, url_for
from flask_login import current_user

from crm.access import allow
from crm.api import bp
from crm.api.companies import CREATE_DOC, WRITE_DOC
from crm.api.http import (
    create_with,
    etag_header,
    expected_version,
    link_header,
    object_first,
    page_body,
    paged,
    url_object,
)
from crm.api.schemas import OpeningCreate, OpeningIn, OpeningOut, OpeningPage, OpeningQuery, OpeningStatusIn
from crm.extensions import db
from crm.models import Opening
from crm.permissions import STAFF_ROLES, can
from crm.portal.access import get_own_opening_or_404, own_company
from crm.services.openings import (
    change_opening_status,
    confirm_opening,
    create_opening,
    openings_queries,
    update_opening,
)

#: The fields of an opening as ``create_opening``/``update_opening`` take them.
OPENING_FIELDS = ("title", "occupation", "description", "kind", "hours_min", "hours_max", "low_hour_start",
                  "address", "postcode", "city", "start_date", "apply_by", "places", "skills", "offers")


def _actor():
    return current_user._get_current_object()


def _get_opening_or_404(opening_id: int) -> Opening:
    opening = db.session.get(Opening, opening_id)
    if opening is None or not can(current_user, "opening.view", opening):
        abort(404)  # another company's opening: not even confirmed to exist
    return opening


@bp.route("/openings")
@allow("opening.view", scope="openings:read")
@bp.arguments(OpeningQuery, location="query", as_kwargs=True)
@bp.alt_response(200, schema=OpeningPage, success=True, headers={"Link": {"schema": {"type": "string"}}})
def list_openings(page, per_page, status=None, kind=None, company_id=None, q=None):
    """Openings, open ones first, newest first (an employer: its own company's only)."""
    if current_user.role not in STAFF_ROLES:
        company_id = own_company().id
    result = paged(*openings_queries(company_id=company_id, status=status, kind=kind, q=q),
                   page=page, per_page=per_page)
    return page_body(OpeningOut(many=True).dump(result.items), result), 200, link_header(result)


@bp.route("/openings/<int:opening_id>")
@allow("opening.view", scope="openings:read")
@bp.alt_response(200, schema=OpeningOut, success=True)
def get_opening(opening_id: int):
    """One opening."""
    opening = _get_opening_or_404(opening_id)
    return OpeningOut().dump(opening), 200, etag_header(opening)


@bp.route("/openings", methods=["POST"])
@allow("portal.use", scope="openings:write")
@bp.arguments(OpeningCreate)
@bp.alt_response(201, schema=OpeningOut, success=True)
@bp.doc(**CREATE_DOC)
def post_opening(data):
    """Create an opening at the employer's own company."""
    company = own_company()
    return create_with(lambda: create_opening(company, data, actor=_actor()), OpeningOut().dump,
                       lambda o: url_for("api.get_opening", opening_id=o.id))


@bp.route("/openings/<int:opening_id>", methods=["PATCH"])
@allow("portal.use", scope="openings:write")
@object_first(get_own_opening_or_404)
@bp.arguments(OpeningIn)
@bp.alt_response(200, schema=OpeningOut, success=True)
@bp.doc(**WRITE_DOC)
def patch_opening(data, opening_id: int):
    """Change some of an own opening's fields; the others stay. Needs ``If-Match`` (412 when stale)."""
    opening = url_object()
    version = expected_version(opening)
    current = {key: getattr(opening, key) for key in OPENING_FIELDS}
    update_opening(opening, {**current, **data}, expected_version=version, actor=_actor())
    return OpeningOut().dump(opening), 200, etag_header(opening)


@bp.route("/openings/<int:opening_id>/confirm", methods=["POST"])
@allow("portal.use", scope="openings:write")
@bp.alt_response(200, schema=OpeningOut, success=True)
def post_opening_confirm(opening_id: int):
    """Confirm that an own open opening is still open today."""
    opening = get_own_opening_or_404(opening_id)
    confirm_opening(opening, actor=_actor())
    return OpeningOut().dump(opening), 200, etag_header(opening)


@bp.route("/openings/<int:opening_id>/status", methods=["POST"])
@allow("portal.use", scope="openings:write")
@object_first(get_own_opening_or_404)
@bp.arguments(OpeningStatusIn)
@bp.alt_response(200, schema=OpeningOut, success=True)
def post_opening_status(data, opening_id: int):
    """Open, pause, fill (``besat``) or close (``lukket``) an own opening."""
    opening = url_object()
    change_opening_status(opening, data["status"], actor=_actor())
    return OpeningOut().dump(opening), 200, etag_header(opening)
