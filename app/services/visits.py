"""Record what happened on a visit, offline: contacts, promises to pay, follow-ups, referrals.

Each use case is one transaction: the new record versions (``source`` this device, ``pending``
until the central store acknowledges them), one outbox mutation per version, and an audit event
(ids and codes only, never a note or a name). Records are append-only
(``app.models.visits``): a correction, a follow-up done or a referral's outcome is a new version
superseding the one in force. Bad input raises :class:`VisitRefused` naming the field, and
nothing is saved.

Threading: blocking (one local transaction of its own); call it off the GUI thread.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.clock import council_day
from app.domain.visits import (
    CONTACT_HOW,
    CONTACT_OUTCOMES,
    MAX_FOLLOW_UP_DAYS,
    MAX_NAME,
    MAX_PROMISE_DAYS,
    REFERRAL_KINDS,
    REFERRAL_OUTCOMES,
    VisitError,
    check_ahead,
    check_choice,
    check_past,
    check_text,
)
from app.models import (
    CaseAction,
    Contact,
    FollowUp,
    Officer,
    PaymentPromise,
    Person,
    Referral,
    SyncState,
    Tenancy,
)
from app.models.visits import VisitRecordMixin
from app.protocol.intents import (
    RECORD_CONTACT,
    RECORD_FOLLOW_UP,
    RECORD_PROMISE,
    RECORD_REFERRAL,
)
from app.services.case_changes import VisitRecorded
from app.services.workspace import Workspace
from app.store.audit import record_event
from app.sync.outbox import append_mutation

Record = TypeVar("Record", bound=VisitRecordMixin)


class VisitRefused(ValueError):
    """The record cannot be made; ``str()`` names the field and the reason."""


@dataclass(frozen=True, slots=True)
class PromiseTerms:
    """A promise made during a contact: ``amount_pence`` by ``due_on``."""

    amount_pence: int
    due_on: date


@dataclass(frozen=True, slots=True)
class FollowUpTerms:
    """A follow-up set during a contact: ``task`` on ``due_on`` (a default task when blank)."""

    due_on: date
    task: str = ""


@dataclass(frozen=True, slots=True)
class ContactDetails:
    """A contact as the officer gives it (``app.domain.visits`` codes)."""

    on: date
    how: str
    outcome: str
    note: str = ""
    spoke_to_person_id: uuid.UUID | None = None
    spoke_to_name: str = ""
    action_id: uuid.UUID | None = None
    promise: PromiseTerms | None = None
    follow_up: FollowUpTerms | None = None


@dataclass(frozen=True, slots=True)
class _Who:
    """Who records, and when (read once per use case)."""

    officer_id: uuid.UUID | None
    officer_name: str
    device_id: uuid.UUID | None
    at: datetime
    today: date


def record_contact(
    workspace: Workspace,
    *,
    tenancy_id: uuid.UUID,
    details: ContactDetails,
    supersedes_id: uuid.UUID | None = None,
) -> VisitRecorded:
    """Record a contact on the case, with the promise and follow-up made during it; with
    ``supersedes_id``, as the correction of that contact."""
    with workspace.store.transaction() as session:
        return _record_contact(
            session, _who(session, workspace), tenancy_id, details, supersedes_id
        )


def record_contact_for_ref(
    workspace: Workspace, *, tenancy_ref: str, details: ContactDetails
) -> VisitRecorded:
    """:func:`record_contact` for the case with the HMS reference ``tenancy_ref`` (the command
    line's ``contact add``), refused naming the case when it is not on this laptop."""
    with workspace.store.transaction() as session:
        case = _tenancy(session, tenancy_ref)
        return _record_contact(session, _who(session, workspace), case.id, details, None)


def contact_as_recorded(workspace: Workspace, *, contact_id: uuid.UUID) -> ContactDetails:
    """A contact in force with the promise and open follow-up made during it, to correct it
    (the correction is :func:`record_contact` with ``supersedes_id``)."""
    with workspace.store.transaction() as session:
        found = _in_force(session, Contact, contact_id, "contact")
        promise = _made_during(session, PaymentPromise, contact_id)
        follow_up = _made_during(session, FollowUp, contact_id)
        return ContactDetails(
            on=found.on_date,
            how=found.how,
            outcome=found.outcome,
            note=found.note,
            spoke_to_person_id=found.spoke_to_person_id,
            spoke_to_name=found.spoke_to_name,
            action_id=found.action_id,
            promise=PromiseTerms(promise.amount_pence, promise.due_on)
            if promise is not None and not promise.withdrawn
            else None,
            follow_up=FollowUpTerms(follow_up.due_on, follow_up.task)
            if follow_up is not None and follow_up.status == "open"
            else None,
        )


def withdraw_promise(workspace: Workspace, *, promise_id: uuid.UUID) -> VisitRecorded:
    """Take a promise back (made in error, or replaced by an arrangement): a withdrawn version
    superseding it, so it is judged no more."""
    with workspace.store.transaction() as session:
        who = _who(session, workspace)
        old = _in_force(session, PaymentPromise, promise_id, "promise")
        if old.withdrawn:
            raise VisitRefused("promise: this promise was already withdrawn")
        new = _promise(
            session,
            who,
            old.tenancy_id,
            old.contact_id,
            old.made_on,
            PromiseTerms(old.amount_pence, old.due_on),
            supersedes_id=old.id,
            withdrawn=True,
        )
        return _done(session, who, "payment_promise.withdrawn", old.tenancy_id, new.id)


def add_follow_up(
    workspace: Workspace, *, tenancy_id: uuid.UUID | str, due_on: date, task: str
) -> VisitRecorded:
    """Set a dated task on the case ("call back Friday"); the case by its id or, from the
    command line, its HMS reference."""
    with workspace.store.transaction() as session:
        who = _who(session, workspace)
        case = _tenancy(session, tenancy_id)
        new = _follow_up(session, who, case.id, None, FollowUpTerms(due_on, task), start=who.today)
        return _done(session, who, "follow_up.added", case.id, new.id)


def close_follow_up(
    workspace: Workspace, *, follow_up_id: uuid.UUID, status: str = "done"
) -> VisitRecorded:
    """Mark an open follow-up done or cancelled (a new version superseding it)."""
    with workspace.store.transaction() as session:
        who = _who(session, workspace)
        old = _in_force(session, FollowUp, follow_up_id, "follow-up")
        if status not in ("done", "cancelled"):
            raise VisitRefused(f"status: {status!r} is not done or cancelled")
        if old.status != "open":
            raise VisitRefused(f"follow-up: this follow-up is already {old.status}")
        new = FollowUp(
            tenancy_id=old.tenancy_id,
            contact_id=old.contact_id,
            due_on=old.due_on,
            task=old.task,
            status=status,
            supersedes_id=old.id,
            **_stamp(who),
        )
        _add(
            session,
            new,
            RECORD_FOLLOW_UP,
            "follow_up_id",
            {
                "contact_id": _text(old.contact_id),
                "due_on": old.due_on.isoformat(),
                "task": old.task,
                "status": status,
            },
        )
        return _done(session, who, f"follow_up.{status}", old.tenancy_id, new.id)


def record_referral(
    workspace: Workspace,
    *,
    tenancy_id: uuid.UUID | str,
    to: str,
    on: date,
    reason: str,
) -> VisitRecorded:
    """Record a referral made on ``on`` (to one of ``REFERRAL_KINDS``), and why; the case by
    its id or its HMS reference."""
    with workspace.store.transaction() as session:
        who = _who(session, workspace)
        tenancy = _tenancy(session, tenancy_id)
        tenancy_id = tenancy.id
        try:
            check_choice("to", to, REFERRAL_KINDS)
            check_past("date", on, today=who.today, since=tenancy.start_date)
            reason = check_text("why", reason, required=True)
        except VisitError as exc:
            raise VisitRefused(str(exc)) from exc
        new = Referral(
            tenancy_id=tenancy_id,
            to=to,
            on_date=on,
            reason=reason,
            outcome="pending",
            outcome_on=None,
            outcome_note="",
            **_stamp(who),
        )
        _add(session, new, RECORD_REFERRAL, "referral_id", _referral_args(new))
        return _done(session, who, "referral.recorded", tenancy_id, new.id)


def record_referral_outcome(
    workspace: Workspace,
    *,
    referral_id: uuid.UUID,
    outcome: str,
    on: date,
    note: str = "",
) -> VisitRecorded:
    """Record how a referral ended up (a new version superseding the one in force)."""
    with workspace.store.transaction() as session:
        who = _who(session, workspace)
        old = _in_force(session, Referral, referral_id, "referral")
        try:
            check_choice("outcome", outcome, REFERRAL_OUTCOMES)
            check_past("outcome date", on, today=who.today, since=old.on_date)
            note = check_text("outcome note", note)
        except VisitError as exc:
            raise VisitRefused(str(exc)) from exc
        new = Referral(
            tenancy_id=old.tenancy_id,
            to=old.to,
            on_date=old.on_date,
            reason=old.reason,
            outcome=outcome,
            outcome_on=on,
            outcome_note=note,
            supersedes_id=old.id,
            **_stamp(who),
        )
        _add(session, new, RECORD_REFERRAL, "referral_id", _referral_args(new))
        return _done(session, who, "referral.outcome", old.tenancy_id, new.id)


# -- the parts ---------------------------------------------------------------------------------


def _record_contact(
    session: Session,
    who: _Who,
    tenancy_id: uuid.UUID,
    details: ContactDetails,
    supersedes_id: uuid.UUID | None,
) -> VisitRecorded:
    tenancy = _tenancy(session, tenancy_id)
    try:
        _check_contact(session, who, tenancy, details)
    except VisitError as exc:
        raise VisitRefused(str(exc)) from exc
    old_promise = old_follow_up = None
    if supersedes_id is not None:
        old = _in_force(session, Contact, supersedes_id, "contact")
        if old.tenancy_id != tenancy_id:
            raise VisitRefused("contact: the contact corrected is on another case")
        old_promise = _made_during(session, PaymentPromise, supersedes_id)
        old_follow_up = _made_during(session, FollowUp, supersedes_id)
    contact = Contact(
        tenancy_id=tenancy_id,
        on_date=details.on,
        how=details.how,
        outcome=details.outcome,
        spoke_to_person_id=details.spoke_to_person_id,
        spoke_to_name=details.spoke_to_name.strip(),
        note=details.note.strip(),
        action_id=details.action_id,
        supersedes_id=supersedes_id,
        **_stamp(who),
    )
    _add(
        session,
        contact,
        RECORD_CONTACT,
        "contact_id",
        {
            "on": details.on.isoformat(),
            "how": details.how,
            "outcome": details.outcome,
            "spoke_to_person_id": _text(details.spoke_to_person_id),
            "spoke_to_name": contact.spoke_to_name,
            "note": contact.note,
            "action_id": _text(details.action_id),
        },
    )
    promise_id = follow_up_id = None
    # A corrected contact's promise and follow-up are corrected with it, never duplicated: the
    # new ones supersede them, and a promise the correction no longer holds is withdrawn.
    if details.promise is not None:
        promise_id = _promise(
            session,
            who,
            tenancy_id,
            contact.id,
            details.on,
            details.promise,
            supersedes_id=old_promise.id if old_promise else None,
        ).id
    elif old_promise is not None and not old_promise.withdrawn:
        _promise(
            session,
            who,
            tenancy_id,
            contact.id,
            old_promise.made_on,
            PromiseTerms(old_promise.amount_pence, old_promise.due_on),
            supersedes_id=old_promise.id,
            withdrawn=True,
        )
    if details.follow_up is not None:
        open_before = old_follow_up if old_follow_up and old_follow_up.status == "open" else None
        follow_up_id = _follow_up(
            session,
            who,
            tenancy_id,
            contact.id,
            details.follow_up,
            start=details.on,
            supersedes_id=open_before.id if open_before else None,
        ).id
    record_event(
        session,
        event="contact.recorded",
        officer_id=who.officer_id,
        device_id=who.device_id,
        entity_type="tenancy",
        entity_id=tenancy_id,
        detail={
            "contact_id": contact.id,
            "how": details.how,
            "outcome": details.outcome,
            "promise_id": promise_id,
            "follow_up_id": follow_up_id,
            "supersedes_id": supersedes_id,
        },
    )
    return VisitRecorded(tenancy_id=tenancy_id, record_id=contact.id, kind="contact")


def _check_contact(session: Session, who: _Who, tenancy: Tenancy, d: ContactDetails) -> None:
    check_choice("how", d.how, CONTACT_HOW)
    check_choice("outcome", d.outcome, CONTACT_OUTCOMES)
    check_past("date", d.on, today=who.today, since=tenancy.start_date)
    check_text("note", d.note)
    check_text("spoke to", d.spoke_to_name, limit=MAX_NAME)
    if d.spoke_to_person_id is not None:
        person = session.get(Person, d.spoke_to_person_id)
        if person is None or person.tenancy_id != tenancy.id:
            raise VisitError("spoke to: that person is not in this household")
        if d.spoke_to_name.strip():
            raise VisitError("spoke to: name a household member or another person, not both")
    if d.action_id is not None:
        action = session.get(CaseAction, d.action_id)
        if action is None or action.tenancy_id != tenancy.id:
            raise VisitError("recovery action: that action is not on this case")
    if d.outcome == "promise_to_pay" and d.promise is None:
        raise VisitError("promise: a promise to pay needs its amount and date")
    if d.promise is not None and d.outcome != "promise_to_pay":
        raise VisitError("promise: a promise goes with the outcome promise_to_pay")


def _promise(
    session: Session,
    who: _Who,
    tenancy_id: uuid.UUID,
    contact_id: uuid.UUID | None,
    made_on: date,
    terms: PromiseTerms,
    *,
    supersedes_id: uuid.UUID | None = None,
    withdrawn: bool = False,
) -> PaymentPromise:
    try:
        if terms.amount_pence <= 0:
            raise VisitError("promise: the amount must be more than £0.00")
        if terms.amount_pence > 10**11:
            raise VisitError("promise: the amount is more than £1bn")
        check_ahead(
            "promise date",
            terms.due_on,
            start=made_on,
            days=MAX_PROMISE_DAYS,
            start_is="the day it was promised",
        )
    except VisitError as exc:
        raise VisitRefused(str(exc)) from exc
    promise = PaymentPromise(
        tenancy_id=tenancy_id,
        contact_id=contact_id,
        made_on=made_on,
        due_on=terms.due_on,
        amount_pence=terms.amount_pence,
        withdrawn=withdrawn,
        supersedes_id=supersedes_id,
        **_stamp(who),
    )
    _add(
        session,
        promise,
        RECORD_PROMISE,
        "promise_id",
        {
            "contact_id": _text(contact_id),
            "made_on": made_on.isoformat(),
            "due_on": terms.due_on.isoformat(),
            "amount_pence": terms.amount_pence,
            "withdrawn": withdrawn,
        },
    )
    return promise


def _follow_up(
    session: Session,
    who: _Who,
    tenancy_id: uuid.UUID,
    contact_id: uuid.UUID | None,
    terms: FollowUpTerms,
    *,
    start: date,
    supersedes_id: uuid.UUID | None = None,
) -> FollowUp:
    try:
        check_ahead(
            "follow-up date",
            terms.due_on,
            start=start,
            days=MAX_FOLLOW_UP_DAYS,
            start_is="today" if start == who.today else "the day of the contact",
        )
        task = check_text("follow-up", terms.task) or "Follow up the contact"
    except VisitError as exc:
        raise VisitRefused(str(exc)) from exc
    follow_up = FollowUp(
        tenancy_id=tenancy_id,
        contact_id=contact_id,
        due_on=terms.due_on,
        task=task,
        status="open",
        supersedes_id=supersedes_id,
        **_stamp(who),
    )
    _add(
        session,
        follow_up,
        RECORD_FOLLOW_UP,
        "follow_up_id",
        {
            "contact_id": _text(contact_id),
            "due_on": terms.due_on.isoformat(),
            "task": task,
            "status": "open",
        },
    )
    return follow_up


def _referral_args(referral: Referral) -> dict[str, Any]:
    return {
        "to": referral.to,
        "on": referral.on_date.isoformat(),
        "reason": referral.reason,
        "outcome": referral.outcome,
        "outcome_on": _text(referral.outcome_on),
        "outcome_note": referral.outcome_note,
    }


def _who(session: Session, workspace: Workspace) -> _Who:
    state = session.get(SyncState, 1)
    officer_id = state.officer_id if state else None
    officer = session.get(Officer, officer_id) if officer_id else None
    at = workspace.clock.now()
    return _Who(
        officer_id=officer_id,
        officer_name=(officer.display_name or officer.username) if officer else "",
        device_id=state.device_id if state else None,
        at=at,
        today=council_day(at),
    )


def _stamp(who: _Who) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "officer_id": who.officer_id,
        "recorded_by": who.officer_name,
        "recorded_at": who.at,
        "pending": True,
        "server_seq": 0,
    }


def _made_during(session: Session, kind: type[Record], contact_id: uuid.UUID) -> Record | None:
    """The version in force of the ``kind`` record made during the contact ``contact_id``."""
    rows = list(session.scalars(select(kind).where(kind.contact_id == contact_id)))  # type: ignore[attr-defined]
    replaced = set(
        session.scalars(
            select(kind.supersedes_id).where(kind.supersedes_id.in_([r.id for r in rows]))
        )
    )
    return next((r for r in rows if r.id not in replaced), None)


def _tenancy(session: Session, case: uuid.UUID | str) -> Tenancy:
    """The case by its id, or by its HMS reference (text)."""
    if isinstance(case, str):
        found = session.scalars(select(Tenancy).where(Tenancy.ref == case.strip())).first()
        if found is None:
            raise VisitRefused(f"case: there is no case {case!r} on this laptop")
        return found
    tenancy = session.get(Tenancy, case)
    if tenancy is None:
        raise VisitRefused("case: this case is no longer on the laptop")
    return tenancy


def _in_force(session: Session, kind: type[Record], record_id: uuid.UUID, name: str) -> Record:
    """The version ``record_id`` of ``kind``, refused unless no later version replaces it."""
    found = session.get(kind, record_id)
    if found is None:
        raise VisitRefused(f"{name}: that {name} is not on this laptop")
    if session.get(Tenancy, found.tenancy_id) is None:
        raise VisitRefused("case: this case is no longer on the laptop")
    later = session.scalars(select(kind.id).where(kind.supersedes_id == record_id).limit(1)).first()
    if later is not None:
        raise VisitRefused(f"{name}: this {name} has been changed since; open it again")
    return found


def _add(
    session: Session, record: VisitRecordMixin, intent: str, id_key: str, args: dict[str, Any]
) -> None:
    """The record and its outbox mutation, in the caller's transaction."""
    session.add(record)
    append_mutation(
        session,
        intent=intent,
        args={
            id_key: str(record.id),
            "tenancy_id": str(record.tenancy_id),
            "supersedes_id": _text(record.supersedes_id),
            "recorded_at": record.recorded_at.isoformat(),
            **args,
        },
        entity_ids=[record.id, record.tenancy_id],
    )


def _done(
    session: Session, who: _Who, event: str, tenancy_id: uuid.UUID, record_id: uuid.UUID
) -> VisitRecorded:
    record_event(
        session,
        event=event,
        officer_id=who.officer_id,
        device_id=who.device_id,
        entity_type="tenancy",
        entity_id=tenancy_id,
        detail={"record_id": record_id},
    )
    return VisitRecorded(tenancy_id=tenancy_id, record_id=record_id, kind=event.split(".")[0])


def _text(value: object | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


__all__ = [
    "ContactDetails",
    "FollowUpTerms",
    "PromiseTerms",
    "VisitRefused",
    "add_follow_up",
    "close_follow_up",
    "contact_as_recorded",
    "record_contact",
    "record_contact_for_ref",
    "record_referral",
    "record_referral_outcome",
    "withdraw_promise",
]
