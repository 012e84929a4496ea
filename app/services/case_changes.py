"""What a use case changed on one case, as the screens hear of it (the worklist then reads only
that case again). Plain values in a module of their own, so the worklist window can know them
without loading the services that make them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ActionRecorded:
    """What changed: one new action on one case (the worklist recomputes that case)."""

    tenancy_id: uuid.UUID
    action_id: uuid.UUID
    code: str


@dataclass(frozen=True, slots=True)
class ArrangementAgreed:
    """What changed: a new arrangement version on one case (and the version it ended, if any)."""

    tenancy_id: uuid.UUID
    arrangement_id: uuid.UUID
    supersedes_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class ArrangementCancelled:
    """What changed: the cancelled version written, and the version it ended."""

    tenancy_id: uuid.UUID
    arrangement_id: uuid.UUID
    supersedes_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class VisitRecorded:
    """What changed: a new visit record version on one case (``kind`` contact, follow_up,
    referral or payment_promise; ``record_id`` the new version)."""

    tenancy_id: uuid.UUID
    record_id: uuid.UUID
    kind: str


#: Every change that touches one case's place on the worklist.
CASE_CHANGES = (ActionRecorded, ArrangementAgreed, ArrangementCancelled, VisitRecorded)
