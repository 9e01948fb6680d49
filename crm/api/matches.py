"""Matches through the API: the ranked targets of a borger (the vejleder's match list) and the
borgere an opening or company fits (reverse match, pseudonymous as on the page). Reads are
audited and match lists recorded for learning exactly as the pages do."""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from crm.access import allow
from crm.api import bp
from crm.api.http import object_first, url_object
from crm.api.schemas import MatchList, MatchQuery, ReverseMatchList
from crm.borgere.routes import get_borger_or_404
from crm.companies.access import get_company_or_404
from crm.extensions import db
from crm.models import Opening, User
from crm.models.user import Role
from crm.services.borgere import audit_view
from crm.services.job_kinds import request_index_build
from crm.services.jobs import dispatch
from crm.services.match_feedback import record_shown
from crm.services.match_weights import weights_in_force
from crm.services.matching import IndexNotReady, matches_for, reverse_match_for
from crm.unit_of_work import after_commit

MATCH_PAGE = "api_match"


def _match(row) -> dict:
    match = row.match
    return {"target": row.target_key, "kind": row.kind, "company_id": row.company.id,
            "company_name": row.company.name, "opening_id": row.opening.id if row.opening else None,
            "opening_title": row.opening.title if row.opening else None, "score": float(match.score),
            "components": {name: float(value) for name, value in match.components.items()},
            "distance_km": float(match.distance_km), "travel_minutes": float(match.travel_minutes),
            "reasons": list(match.reasons)}


@bp.route("/borgere/<int:borger_id>/matches")
@allow("borger.edit", scope="matches:read")
@object_first(lambda borger_id: get_borger_or_404(borger_id, page=MATCH_PAGE))
@bp.arguments(MatchQuery, location="query", as_kwargs=True)
@bp.alt_response(200, schema=MatchList, success=True)
def list_matches(borger_id: int, limit, kind=(), max_km=None):
    """The best openings and companies for a borger of the own caseload, best first, with reasons."""
    borger = url_object()
    weights = weights_in_force()
    try:
        rows = matches_for(borger, limit=limit, kinds=set(kind) or None, max_km=max_km)
        detail = None
    except IndexNotReady as exc:
        rows, detail = [], exc.message
        build = request_index_build(full=True)
        if build is not None:
            after_commit(lambda: dispatch(build))
    record_shown(borger, rows, weights_version=weights.label)
    audit_view(borger, actor=current_user, page=MATCH_PAGE)
    return {"items": [_match(row) for row in rows], "index_ready": detail is None, "detail": detail,
            "weights_version": weights.label}


def _reverse(target_key: str) -> dict:
    rows = reverse_match_for(target_key, viewer=current_user)  # audits the borgere shown by name
    vejledere = {u.id: u for u in db.session.scalars(sa.select(User).where(User.role == Role.VEJLEDER))}
    items = []
    for borger, match, visible in rows:
        vejleder = vejledere.get(borger.vejleder_id)
        items.append({"reference": borger.reference, "borger_id": borger.id if visible else None,
                      "first_name": borger.first_name if visible else None, "score": float(match.score),
                      "reasons": list(match.reasons[:2]) if visible else [],
                      "vejleder_name": vejleder.name if vejleder else None,
                      "vejleder_email": vejleder.email if vejleder else None})
    return {"items": items}


@bp.route("/openings/<int:opening_id>/reverse-matches")
@allow("borger.reverse_match", scope="matches:read")
@bp.alt_response(200, schema=ReverseMatchList, success=True)
def list_opening_reverse_matches(opening_id: int):
    """The borgere an opening fits, best first; by name only to those who may open them."""
    opening = db.session.get(Opening, opening_id) or abort(404)
    get_company_or_404(opening.company_id, current_user)
    return _reverse(f"opening:{opening.id}")


@bp.route("/companies/<int:company_id>/reverse-matches")
@allow("borger.reverse_match", scope="matches:read")
@bp.alt_response(200, schema=ReverseMatchList, success=True)
def list_company_reverse_matches(company_id: int):
    """The borgere a company fits, best first; by name only to those who may open them."""
    company = get_company_or_404(company_id, current_user)
    return _reverse(f"company:{company.id}")
