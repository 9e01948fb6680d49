"""Loading a company for a view: staff see every company in the register; admins and
virksomhedskonsulenter edit profiles; every staff member may log contacts and tasks (the rules
are in crm/permissions.py). Employers reach their own company only through the portal."""

from flask import abort

from crm.extensions import db
from crm.models import Company
from crm.permissions import can


def get_company_or_404(company_id: int, user, *, for_edit: bool = False) -> Company:
    """Load a company the user may see (and edit, with ``for_edit``), else 404/403."""
    company = db.session.get(Company, company_id)
    if company is None:
        abort(404)
    if not can(user, "company.edit" if for_edit else "company.read", company):
        abort(403)
    return company
