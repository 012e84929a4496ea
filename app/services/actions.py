"""Record a case action on this device, offline: the action, its outbox mutation, an audit event.

One transaction: the action row (``source`` "device", ``pending`` until the central store
acknowledges it), the ``case_action.record@1`` mutation for the push, and an audit event
(ids and the code only, never the note). A referral to debt advice may name the finished
assessment sent with it (``assessment_id``); the assessment is pushed before the referral, as
the outbox keeps the order things were done in. Bad input raises :class:`ActionRefused` naming the
field, and nothing is saved.

Threading: blocking (one local transaction of its own); call it off the GUI thread.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.case_actions import (
    CITES_ASSESSMENT,
    MAX_NOTE,
    NEEDS_DETAILS,
    ActionError,
    check_action,
    check_support_details,
)
from app.domain.clock import council_day
from app.domain.display import format_day
from app.domain.text import text_problem
from app.models import CaseAction, IncomeAssessment, SyncState, Tenancy
from app.protocol.intents import RECORD_CASE_ACTION
from app.services.case_changes import ActionRecorded
from app.services.workspace import Workspace
from app.store.audit import record_event
from app.sync.outbox import append_mutation

INTENT = RECORD_CASE_ACTION


class ActionRefused(ValueError):
    """The action cannot be recorded; ``str()`` names the field and the reason."""


def record_action(
    workspace: Workspace,
    *,
    tenancy_id: uuid.UUID,
    code: str,
    on: date,
    until: date | None = None,
    note: str = "",
    assessment_id: uuid.UUID | None = None,
    support_need: str | None = None,
    learned_from: str | None = None,
) -> ActionRecorded:
    """Record that ``code`` was done on ``on`` (not after today) for the tenancy; a
    referral may name the finished assessment sent with it, and a vulnerability names its
    support need and where it was learned (``app.domain.case_actions``)."""
    with workspace.store.transaction() as session:
        return _record(
            session,
            tenancy_id=tenancy_id,
            code=code,
            on=on,
            until=until,
            note=note,
            assessment_id=assessment_id,
            recorded_at=workspace.clock.now(),
            support=(support_need, learned_from),
        )


def record_action_for_ref(
    workspace: Workspace,
    *,
    tenancy_ref: str,
    code: str,
    on: date,
    until: date | None = None,
    note: str = "",
    support_need: str | None = None,
    learned_from: str | None = None,
) -> ActionRecorded:
    """:func:`record_action` for the case with the HMS reference ``tenancy_ref`` (the command
    line's ``record``), in one transaction; refused naming the case when it is not here."""
    with workspace.store.transaction() as session:
        tenancy_id = session.scalars(
            select(Tenancy.id).where(Tenancy.ref == tenancy_ref.strip())
        ).first()
        if tenancy_id is None:
            raise ActionRefused(f"case: there is no case {tenancy_ref!r} on this laptop")
        return _record(
            session,
            tenancy_id=tenancy_id,
            code=code,
            on=on,
            until=until,
            note=note,
            assessment_id=None,
            recorded_at=workspace.clock.now(),
            support=(support_need, learned_from),
        )


def _record(
    session: Session,
    *,
    tenancy_id: uuid.UUID,
    code: str,
    on: date,
    until: date | None,
    note: str,
    assessment_id: uuid.UUID | None,
    recorded_at: datetime,
    support: tuple[str | None, str | None],
) -> ActionRecorded:
    today = council_day(recorded_at)
    tenancy = session.get(Tenancy, tenancy_id)
    if tenancy is None:
        raise ActionRefused("case: this case is no longer on the laptop")
    support_need, learned_from = support
    try:
        check_action(code=code, on=on, until=until)
        check_support_details(code=code, support_need=support_need, learned_from=learned_from)
    except ActionError as exc:
        raise ActionRefused(str(exc)) from exc
    if on > today:
        raise ActionRefused(
            f"date: {format_day(on)} is in the future; record an action once it is done"
        )
    if on < tenancy.start_date:
        raise ActionRefused(
            f"date: {format_day(on)} is before the tenancy began ({format_day(tenancy.start_date)})"
        )
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ActionRefused(f"note: {len(note)} characters is too long (at most {MAX_NOTE})")
    problem = text_problem(note)
    if problem is not None:
        raise ActionRefused(f"note: {problem}")
    if not note and code in NEEDS_DETAILS:
        raise ActionRefused(f"note: {NEEDS_DETAILS[code]}")

    if assessment_id is not None:
        _check_cited(session, tenancy_id=tenancy_id, code=code, assessment_id=assessment_id)

    state = session.get(SyncState, 1)
    officer_id = state.officer_id if state else None
    action_id = uuid.uuid4()
    session.add(
        CaseAction(
            id=action_id,
            tenancy_id=tenancy_id,
            ref=str(action_id),
            on_date=on,
            code=code,
            until=until,
            note=note,
            source="device",
            officer_id=officer_id,
            recorded_at=recorded_at,
            pending=True,
            server_seq=0,
            assessment_id=assessment_id,
            support_need=support_need,
            learned_from=learned_from,
        )
    )
    append_mutation(
        session,
        intent=INTENT,
        args={
            "action_id": str(action_id),
            "tenancy_id": str(tenancy_id),
            "code": code,
            "on": on.isoformat(),
            "until": until.isoformat() if until else None,
            "note": note,
            "recorded_at": recorded_at.isoformat(),
            **({"assessment_id": str(assessment_id)} if assessment_id else {}),
            **(
                {"support_need": support_need, "learned_from": learned_from}
                if support_need is not None
                else {}
            ),
        },
        entity_ids=[action_id, tenancy_id],
    )
    record_event(
        session,
        event="case_action.recorded",
        officer_id=officer_id,
        device_id=state.device_id if state else None,
        entity_type="tenancy",
        entity_id=tenancy_id,
        detail={"code": code, "action_id": action_id, "assessment_id": assessment_id},
    )
    return ActionRecorded(tenancy_id=tenancy_id, action_id=action_id, code=code)


def _check_cited(
    session: Session, *, tenancy_id: uuid.UUID, code: str, assessment_id: uuid.UUID
) -> None:
    """Only a referral carries an assessment, and only a finished one of the same case that
    the central store has not refused."""
    if code not in CITES_ASSESSMENT:
        raise ActionRefused(f"assessment: a {code} action does not carry an assessment")
    found = session.get(IncomeAssessment, assessment_id)
    if found is None or found.tenancy_id != tenancy_id:
        raise ActionRefused("assessment: that income and expenditure is not on this case")
    if found.status != "final":
        raise ActionRefused("assessment: finish the income and expenditure before sending it")
    if found.sync_problem is not None:
        raise ActionRefused(
            "assessment: the central store refused that income and expenditure; send a newer one"
        )
