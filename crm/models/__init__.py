"""Database models, one module per aggregate. Importing this package registers them all."""

from crm.models.audit import AuditEvent
from crm.models.company import (
    Company,
    CompanyStatusChange,
    ContactLogEntry,
    ContactPerson,
    ImportBatch,
    ImportChange,
    Industry,
    OfferTag,
    Task,
)
from crm.models.geo import GeocodeCache
from crm.models.user import LoginAttempt, Role, User

__all__ = [
    "AuditEvent", "Company", "CompanyStatusChange", "ContactLogEntry", "ContactPerson",
    "GeocodeCache", "ImportBatch", "ImportChange", "Industry", "LoginAttempt", "OfferTag", "Role",
    "Task", "User",
]
