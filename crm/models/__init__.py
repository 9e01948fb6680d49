"""Database models, one module per aggregate. Importing this package registers them all."""

from crm.models.api_token import ApiToken, IdempotentRequest
from crm.models.attachment import Attachment
from crm.models.audit import AuditEvent
from crm.models.borger import Borger, IssuedReference, Placement, PlacementEvent
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
from crm.models.contract import (
    PaymentRule,
    ReferralPeriod,
    ResultInvoice,
    ResultsContract,
    ResultVerification,
)
from crm.models.geo import GeocodeCache
from crm.models.invitation import Invitation
from crm.models.job import Job, JobStatus
from crm.models.match_feedback import MatchFeedback, MatchShown, ProposalReason, WeightsFit, WeightsVersion
from crm.models.notification import CalendarFeed, DigestKind, DigestOptOut, DigestRun
from crm.models.opening import Opening
from crm.models.programme import OutcomeEvent, OutcomeKind, Programme, ProgrammeTarget
from crm.models.register_version import RegisterVersion
from crm.models.saved_filter import SavedFilter
from crm.models.user import LoginAttempt, RecoveryCode, Role, User

__all__ = [
    "ApiToken", "Attachment", "AuditEvent", "Borger", "CalendarFeed", "DigestKind", "DigestOptOut", "DigestRun",
    "Company", "CompanyStatusChange", "ContactLogEntry", "ContactPerson", "IdempotentRequest",
    "GeocodeCache", "ImportBatch", "ImportChange", "Industry", "Invitation", "IssuedReference", "Job", "JobStatus",
    "LoginAttempt", "RegisterVersion", "MatchFeedback", "MatchShown", "ProposalReason", "WeightsFit",
    "WeightsVersion",
    "OfferTag", "Opening", "OutcomeEvent", "OutcomeKind", "Placement", "PlacementEvent",
    "PaymentRule", "Programme", "ProgrammeTarget", "SavedFilter", "RecoveryCode", "ReferralPeriod", "ResultInvoice",
    "ResultVerification", "ResultsContract", "Role", "Task", "User",
]
