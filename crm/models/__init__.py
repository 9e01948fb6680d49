"""Database models, one module per aggregate. Importing this package registers them all."""

from crm.models.audit import AuditEvent
from crm.models.company import Company
from crm.models.geo import GeocodeCache
from crm.models.user import LoginAttempt, Role, User

__all__ = ["AuditEvent", "Company", "GeocodeCache", "LoginAttempt", "Role", "User"]
