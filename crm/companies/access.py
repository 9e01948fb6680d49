"""Who may see and change a company. Staff see every company in the register; admins and
virksomhedskonsulenter edit profiles; every staff member may log contacts and tasks.
Employers reach their own company only through the portal."""

from flask import abort

from crm.extensions import db
from crm.models import Company
from crm.models.user import STAFF_ROLES, Role

COMPANY_VIEW_ROLES = tuple(STAFF_ROLES)
COMPANY_EDIT_ROLES = (Role.ADMIN, Role.KONSULENT)


def can_view_company(user, company: Company) -> bool:
    return user.is_authenticated and user.role in COMPANY_VIEW_ROLES


def can_edit_company(user, company: Company) -> bool:
    return user.is_authenticated and user.role in COMPANY_EDIT_ROLES


def get_company_or_404(company_id: int, user, *, for_edit: bool = False) -> Company:
    """Load a company the user may see (and edit, with ``for_edit``), else 404/403."""
    company = db.session.get(Company, company_id)
    if company is None:
        abort(404)
    allowed = can_edit_company(user, company) if for_edit else can_view_company(user, company)
    if not allowed:
        abort(403)
    return company
