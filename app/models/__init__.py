"""The client's SQLAlchemy entities (the encrypted laptop database)."""

from app.models.assessment import (
    AssessmentDebt,
    AssessmentLine,
    GuidelineFigure,
    IncomeAssessment,
)
from app.models.audit import AuditEvent
from app.models.base import Base
from app.models.caseload import LedgerEntry, Officer, Person, Tenancy
from app.models.drafts import FormDraft
from app.models.recovery import Arrangement, CaseAction
from app.models.sync_state import OutboxMutation, SyncState
from app.models.visits import Contact, FollowUp, PaymentPromise, Referral

__all__ = [
    "Arrangement",
    "AssessmentDebt",
    "AssessmentLine",
    "AuditEvent",
    "Base",
    "CaseAction",
    "Contact",
    "FollowUp",
    "FormDraft",
    "GuidelineFigure",
    "IncomeAssessment",
    "LedgerEntry",
    "Officer",
    "OutboxMutation",
    "PaymentPromise",
    "Person",
    "Referral",
    "SyncState",
    "Tenancy",
]
