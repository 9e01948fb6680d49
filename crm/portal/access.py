"""The one place the portal decides what an employer may reach: its own company's objects.

Portal URLs never carry a company id (the company is the employer's own); ids of openings and
proposals in URLs are checked here on every access, and another company's id is a 404, so the
portal does not even confirm that the object exists.
"""

from flask import abort
from flask_login import current_user

from crm.extensions import db
from crm.models import Company, Opening, Placement
from crm.services.proposals import visible_proposal


def own_company() -> Company:
    """The employer's own company."""
    company = db.session.get(Company, current_user.company_id) if current_user.company_id else None
    if company is None:
        abort(404)
    return company


def get_own_opening_or_404(opening_id: int) -> Opening:
    """An opening of the employer's own company, else 404."""
    opening = db.session.get(Opening, opening_id)
    if opening is None or current_user.company_id is None or opening.company_id != current_user.company_id:
        abort(404)
    return opening


def get_own_proposal_or_404(placement_id: int) -> Placement:
    """A proposal made to the employer's own company (borger consented), else 404."""
    placement = db.session.get(Placement, placement_id)
    if current_user.company_id is None or not visible_proposal(placement, current_user.company_id):
        abort(404)
    return placement
