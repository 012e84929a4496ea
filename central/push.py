"""The push side of sync: the mutations a device sends from its outbox, applied to the store.

:func:`push_mutations` handles a batch in ``device_seq`` order, each mutation in its own
transaction (``docs/design.md#push``):

1. **de-duplicate** by ``(device, mutation_id)`` in ``applied_mutation``: a mutation seen
   before answers its stored result and changes nothing (the device lost the reply and sent it
   again);
2. **dispatch** on the versioned intent (:data:`INTENTS`); an intent this server does not know
   is rejected with a reason that says to update the server;
3. **validate** the arguments against the intent's model (``app.protocol.messages.INTENT_ARGS``),
   strictly (unknown keys refused); a problem is a rejection naming the argument;
4. **authorise and apply** with the intent's handler, which numbers what it writes from
   ``central.sequence`` (so other devices pull it) and answers ``applied`` (or ``conflict``),
   or raises :class:`Rejected`; a rejection keeps nothing of what the handler wrote;
5. **store the result** in ``applied_mutation``, in the same transaction as the change.

Results: ``applied`` and ``conflict`` carry the change number (``conflict`` is answered for a
visit record correcting a version another one corrected already: stored all the same, with a
reason naming the version that was there first, :func:`_superseded_visit`); ``rejected`` is
permanent and carries a reason for people, and is stored too, so a replay answers it again and
the device's queue never wedges. A value the database refuses (a constraint it breaks, a number
or date out of its range) is the change's fault and is rejected the same way, naming the kind
of error only.
Only an outage (the database unreachable, locked, busy or full) raises
:class:`PushUnavailable`: the route answers 503 and the device sends the batch again later, in
the same order; mutations handled before the failure are committed and answer their stored
results then.

Adding an intent: its arguments model in ``app.protocol.messages`` (``INTENT_ARGS``), its name in
``app.protocol.intents``, and a handler here in :data:`INTENTS`.

Two pushes of the same mutation at once (a retry racing the original): both may find no stored
result; the later one to write hits the primary key of ``applied_mutation`` or of the row it
adds, rolls back and answers the result the first stored.

Reasons hold ids, codes and dates, never a note or a name: they are stored and logged.
Threading: plain functions over a Session passed in (one request's); they commit per mutation.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, cast

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from app.domain import sfs
from app.domain.arrangement_watch import ArrangementError, ArrangementTerms
from app.domain.case_actions import (
    CITES_ASSESSMENT,
    LATE_WORK_CODES,
    LATE_WORK_DAYS,
    ActionError,
    check_action,
    check_support_details,
)
from app.domain.clock import SYSTEM_CLOCK
from app.domain.display import format_day
from app.domain.text import text_problem
from app.domain.visits import MAX_FOLLOW_UP_DAYS, MAX_PROMISE_DAYS
from app.protocol.intents import (
    ADD_ASSESSMENT,
    AGREE_ARRANGEMENT,
    CANCEL_ARRANGEMENT,
    RECORD_CASE_ACTION,
    RECORD_CONTACT,
    RECORD_FOLLOW_UP,
    RECORD_PROMISE,
    RECORD_REFERRAL,
)
from app.protocol.messages import (
    INTENT_ARGS,
    AddAssessmentArgs,
    AgreeArrangementArgs,
    CancelArrangementArgs,
    MutationIn,
    MutationResult,
    MutationStatus,
    PushResponse,
    RecordCaseActionArgs,
    RecordContactArgs,
    RecordFollowUpArgs,
    RecordPromiseArgs,
    RecordReferralArgs,
    WireModel,
)
from app.sqlkit.utc import utcnow
from central import sequence
from central.models import (
    AppliedMutation,
    Arrangement,
    CaseAction,
    Contact,
    FollowUp,
    IncomeAssessment,
    Officer,
    PaymentPromise,
    Person,
    Referral,
    ScopeEvent,
    Tenancy,
)

log = logging.getLogger("central.push")

# A device's clock and the server's may disagree by a day around midnight or a time zone.
DATE_GRACE = timedelta(days=1)
MAX_PROBLEMS = 3


class PushUnavailable(Exception):
    """A temporary failure: the batch stops here; the device sends it again later."""


class Rejected(Exception):
    """A mutation that can never be applied; ``str()`` is the reason, naming the argument."""


@dataclass(frozen=True, slots=True)
class Pusher:
    """Who is pushing: the device and the officer it is enrolled to; ``today`` is the
    central store's date (Europe/London)."""

    device_id: uuid.UUID
    officer_id: uuid.UUID
    today: date
    now: datetime
    late_work: timedelta = timedelta(days=LATE_WORK_DAYS)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a handler did: ``applied`` or ``conflict`` with the change number it got."""

    status: MutationStatus
    seq: int | None
    reason: str | None = None


Handler = Callable[[Session, Pusher, Any], Outcome]


@dataclass(frozen=True)
class Intent:
    """One intent this server applies: the model its arguments must match and its handler."""

    args: type[WireModel]
    apply: Handler


def push_mutations(
    session: Session,
    *,
    device_id: uuid.UUID,
    officer_id: uuid.UUID,
    mutations: Sequence[MutationIn],
    today: date | None = None,
    now: datetime | None = None,
    late_work: timedelta = timedelta(days=LATE_WORK_DAYS),
) -> PushResponse:
    """Handle ``mutations`` in ``device_seq`` order; one result each, in that order.

    Raises :class:`PushUnavailable` on a temporary failure (the mutations before it are
    committed). ``today`` (default: the council's date) bounds action dates; ``now`` (default:
    the clock's) and ``late_work`` bound the work of an officer a case has left.
    """
    pusher = Pusher(
        device_id,
        officer_id,
        today or SYSTEM_CLOCK.today(),
        now or SYSTEM_CLOCK.now(),
        late_work,
    )
    results: list[MutationResult] = []
    replayed = 0
    for mutation in sorted(mutations, key=_device_seq):
        result, replay = _push_one(session, pusher, mutation)
        results.append(result)
        replayed += replay
    counts = {status: sum(r.status == status for r in results) for status in _STATUSES}
    log.info(
        "push device=%s mutations=%d applied=%d conflict=%d rejected=%d replayed=%d",
        device_id,
        len(results),
        counts["applied"],
        counts["conflict"],
        counts["rejected"],
        replayed,
    )
    return PushResponse(results=results)


_STATUSES: tuple[MutationStatus, ...] = ("applied", "conflict", "rejected")


def _device_seq(mutation: MutationIn) -> int:
    return mutation.device_seq


def _push_one(
    session: Session, pusher: Pusher, mutation: MutationIn
) -> tuple[MutationResult, bool]:
    """One mutation in its own transaction; returns its result and whether it was a replay."""
    try:
        stored = _stored_result(session, pusher.device_id, mutation.mutation_id)
        if stored is not None:
            session.rollback()  # ends the read
            return stored, True
        try:
            outcome = _apply(session, pusher, mutation)
        except Rejected as exc:
            session.rollback()  # nothing the handler wrote stays
            outcome = _rejected(pusher, mutation, str(exc))
        _store(session, pusher, mutation, outcome)
    except IntegrityError as exc:
        # The same mutation handled meanwhile by another request: answer what it stored.
        session.rollback()
        stored = _stored_after_race(session, pusher, mutation)
        if stored is not None:
            return stored, True
        outcome = _refused_by_store(session, pusher, mutation, exc)  # the change's own fault
    except SQLAlchemyError as exc:
        session.rollback()
        if _is_outage(exc):
            log.warning(
                "push device=%s mutation=%s stopped: %s",
                pusher.device_id,
                mutation.mutation_id,
                type(exc).__name__,
            )
            raise PushUnavailable(type(exc).__name__) from exc
        outcome = _refused_by_store(session, pusher, mutation, exc)
    return (
        MutationResult(
            mutation_id=mutation.mutation_id,
            status=outcome.status,
            reason=outcome.reason,
            seq=outcome.seq,
        ),
        False,
    )


def _is_outage(exc: SQLAlchemyError) -> bool:
    """A failure of the database, not of the change: it is unreachable, locked, busy, out of
    space or out of connections. Anything else the database refuses is the change's fault, so
    sending it again would only fail again (and hold up every change behind it)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError | DisconnectionError | PoolTimeout)


def _rejected(pusher: Pusher, mutation: MutationIn, reason: str) -> Outcome:
    log.info(
        "push device=%s mutation=%s intent=%.80r rejected",
        pusher.device_id,
        mutation.mutation_id,
        mutation.intent,
    )
    return Outcome("rejected", None, reason)


def _refused_by_store(
    session: Session, pusher: Pusher, mutation: MutationIn, exc: SQLAlchemyError
) -> Outcome:
    """Refuse a change the database would not take, storing the refusal like any other. The
    reason names the kind of error only: the database's message can quote the values."""
    log.error(
        "push device=%s mutation=%s intent=%.80r refused by the database: %s",
        pusher.device_id,
        mutation.mutation_id,
        mutation.intent,
        type(exc).__name__,
    )
    outcome = Outcome(
        "rejected",
        None,
        f"the central store cannot keep this change ({type(exc).__name__}); it was not "
        "recorded. Tell IT if it happens again",
    )
    try:
        _store(session, pusher, mutation, outcome)
    except SQLAlchemyError as again:
        session.rollback()
        raise PushUnavailable(type(again).__name__) from again
    return outcome


def _store(session: Session, pusher: Pusher, mutation: MutationIn, outcome: Outcome) -> None:
    """Keep the result with the change (one transaction) and commit both."""
    session.add(
        AppliedMutation(
            device_id=pusher.device_id,
            mutation_id=mutation.mutation_id,
            device_seq=mutation.device_seq,
            intent=_kept_intent(mutation.intent),
            status=outcome.status,
            reason=outcome.reason,
            seq=outcome.seq,
            applied_at=utcnow(),
        )
    )
    session.commit()


def _kept_intent(intent: str) -> str:
    """The intent's name as it can be stored: an unknown name may hold anything."""
    return intent if text_problem(intent) is None else ascii(intent)[:80]


def _stored_after_race(
    session: Session, pusher: Pusher, mutation: MutationIn
) -> MutationResult | None:
    try:
        stored = _stored_result(session, pusher.device_id, mutation.mutation_id)
        session.rollback()
    except SQLAlchemyError as exc:
        session.rollback()
        raise PushUnavailable(type(exc).__name__) from exc
    return stored


def _stored_result(
    session: Session, device_id: uuid.UUID, mutation_id: uuid.UUID
) -> MutationResult | None:
    row = session.get(AppliedMutation, (device_id, mutation_id))
    if row is None:
        return None
    status: MutationStatus = row.status  # type: ignore[assignment]  # one of _STATUSES
    return MutationResult(mutation_id=mutation_id, status=status, reason=row.reason, seq=row.seq)


def _apply(session: Session, pusher: Pusher, mutation: MutationIn) -> Outcome:
    intent = INTENTS.get(mutation.intent)
    if intent is None:
        raise Rejected(
            f"intent: this server does not know intent {mutation.intent!r}; update the server"
        )
    try:
        args = intent.args.model_validate(mutation.args)
    except ValidationError as exc:
        raise Rejected(_problems(exc)) from None
    return intent.apply(session, pusher, args)


def _problems(exc: ValidationError) -> str:
    """The first few problems of the arguments, each naming its argument (never its value)."""
    parts = []
    for error in exc.errors()[:MAX_PROBLEMS]:
        where = ".".join(str(part) for part in error.get("loc", ())) or "args"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    more = exc.error_count() - MAX_PROBLEMS
    if more > 0:
        parts.append(f"and {more} more problem(s)")
    return "; ".join(parts)


# -- intents ------------------------------------------------------------------------------------


def _check_writer(
    session: Session, pusher: Pusher, tenancy: Tenancy, what: str, late: datetime | None
) -> None:
    """The officer holds the case now, or (``late``: the instant this work was recorded, for
    the kinds a former officer may still send) held it when the work was recorded and it left
    them no longer ago than ``pusher.late_work``. Reasons name nothing of the case as it is
    now: it may be another officer's."""
    if tenancy.officer_id == pusher.officer_id:
        return
    events = session.execute(
        select(ScopeEvent.kind, ScopeEvent.at)
        .where(ScopeEvent.officer_id == pusher.officer_id, ScopeEvent.tenancy_id == tenancy.id)
        .order_by(ScopeEvent.seq)
    ).all()
    left = next((event.at for event in reversed(events) if event.kind == "leave"), None)
    case = f"tenancy_id: the case {tenancy.id}"
    if not any(event.kind == "enter" for event in events):
        raise Rejected(f"{case} is not in your caseload; the {what} was not recorded")
    if late is None:
        raise Rejected(
            f"{case} is no longer in your caseload; a {what} of this kind is for the officer "
            "who holds it now, and was not recorded"
        )
    if left is None or late > left:
        raise Rejected(
            f"{case} is no longer in your caseload and this {what} was recorded after it left "
            "you; it was not recorded"
        )
    if pusher.now - left > pusher.late_work:
        raise Rejected(
            f"{case} left your caseload on {format_day(left.date())}, more than "
            f"{pusher.late_work.days} days ago; the {what} was not recorded. Tell the officer "
            "who holds it now"
        )


def record_case_action(session: Session, pusher: Pusher, args: RecordCaseActionArgs) -> Outcome:
    """``case_action.record@1``: add the action the device recorded, as a ``device`` action of
    the pushing officer, numbered so that every device holding the case pulls it.

    The case must exist and be in the officer's caseload (a contact may come late from an officer
    it has left: :func:`_check_writer`); the action must pass
    ``check_action``, be dated no later than the store's today (a day's grace) and no earlier
    than the tenancy. An action with the same id and the same content already here is applied
    again without change (its change number answers); with other content it is rejected.
    """
    late = args.recorded_at if args.code in LATE_WORK_CODES else None
    tenancy = _case_for(session, pusher, args.tenancy_id, "action", late=late)
    try:
        check_action(code=args.code, on=args.on, until=args.until)
        if args.support_need is not None or args.learned_from is not None:
            # Optional on the wire: a vulnerability queued by an older app has neither.
            check_support_details(
                code=args.code, support_need=args.support_need, learned_from=args.learned_from
            )
    except ActionError as exc:
        raise Rejected(str(exc)) from None
    if args.on > pusher.today + DATE_GRACE:
        raise Rejected(
            f"on: {format_day(args.on)} is after today ({format_day(pusher.today)}) on the "
            "central store; check the laptop's date"
        )
    if args.on < tenancy.start_date:
        raise Rejected(
            f"on: {format_day(args.on)} is before the tenancy began "
            f"({format_day(tenancy.start_date)})"
        )

    if args.assessment_id is not None:
        _check_cited_assessment(session, tenancy, args.code, args.assessment_id)

    ref = str(args.action_id)
    existing = session.get(CaseAction, args.action_id)
    if existing is not None:
        if _same_action(existing, args, pusher.officer_id):
            return Outcome("applied", existing.seq)
        raise Rejected(
            f"action_id: another action already has the id {args.action_id}; the action was "
            "not recorded"
        )
    clash = session.execute(select(CaseAction.id).where(CaseAction.ref == ref)).first()
    if clash is not None:
        raise Rejected(f"action_id: another action already has the reference {ref}")
    seq = sequence.reserve(session, 1)
    session.add(
        CaseAction(
            id=args.action_id,
            ref=ref,
            tenancy_id=tenancy.id,
            on_date=args.on,
            code=args.code,
            until=args.until,
            note=args.note,
            source="device",
            officer_id=pusher.officer_id,
            recorded_at=args.recorded_at,
            seq=seq,
            assessment_id=args.assessment_id,
            support_need=args.support_need,
            learned_from=args.learned_from,
        )
    )
    session.flush()
    return Outcome("applied", seq)


def _same_action(row: CaseAction, args: RecordCaseActionArgs, officer_id: uuid.UUID) -> bool:
    return (
        row.source == "device"
        and row.tenancy_id == args.tenancy_id
        and row.code == args.code
        and row.on_date == args.on
        and row.until == args.until
        and row.note == args.note
        and row.officer_id == officer_id
        and row.recorded_at == args.recorded_at
        and row.assessment_id == args.assessment_id
    )


def _check_cited_assessment(
    session: Session, tenancy: Tenancy, code: str, assessment_id: uuid.UUID
) -> None:
    """An action may name an assessment only as a referral's hand-over, and only one of its
    own case that the store holds (the device pushes the assessment before the referral)."""
    if code not in CITES_ASSESSMENT:
        raise Rejected(f"assessment_id: a {code} action does not carry an assessment")
    found = session.get(IncomeAssessment, assessment_id)
    if found is None or found.tenancy_id != tenancy.id:
        raise Rejected(
            f"assessment_id: the assessment {assessment_id} is not on the case {tenancy.ref}"
        )


def _case_for(
    session: Session,
    pusher: Pusher,
    tenancy_id: uuid.UUID,
    what: str,
    *,
    late: datetime | None = None,
) -> Tenancy:
    """The case a mutation is on: known here and the officer's to write to
    (:func:`_check_writer`; ``late`` is when late work of a former officer was recorded)."""
    tenancy = session.get(Tenancy, tenancy_id)
    if tenancy is None:
        raise Rejected(
            f"tenancy_id: the case {tenancy_id} is not known to the central store "
            f"(it may have been removed from the housing system); the {what} was not recorded"
        )
    _check_writer(session, pusher, tenancy, what, late)
    return tenancy


def _check_made_on(pusher: Pusher, tenancy: Tenancy, made_on: date) -> None:
    if made_on > pusher.today + DATE_GRACE:
        raise Rejected(
            f"made_on: {format_day(made_on)} is after today ({format_day(pusher.today)}) on the "
            "central store; check the laptop's date"
        )
    if made_on < tenancy.start_date:
        raise Rejected(
            f"made_on: {format_day(made_on)} is before the tenancy began "
            f"({format_day(tenancy.start_date)})"
        )


def _superseded(
    session: Session, tenancy: Tenancy, supersedes_id: uuid.UUID, new_id: uuid.UUID
) -> Arrangement:
    """The version a new one replaces: on the same case, live, and not replaced already."""
    old = session.get(Arrangement, supersedes_id)
    if old is None or old.tenancy_id != tenancy.id:
        raise Rejected(
            f"supersedes_id: the arrangement {supersedes_id} is not on the case {tenancy.ref}"
        )
    if old.status != "live":
        raise Rejected(f"supersedes_id: the arrangement {old.ref} is already cancelled")
    newer = session.execute(
        select(Arrangement.id, Arrangement.ref).where(
            Arrangement.supersedes_id == supersedes_id, Arrangement.id != new_id
        )
    ).first()
    if newer is not None:
        raise Rejected(
            f"supersedes_id: the arrangement {old.ref} was already replaced by {newer.ref} "
            "(changed on another device); check the case's arrangements and agree again"
        )
    return old


def _add_version(
    session: Session, pusher: Pusher, row: Arrangement, existing: Arrangement | None
) -> Outcome:
    """Insert ``row`` numbered from the change sequence; a version already here with the same
    content answers its change number again (idempotent by id), other content is rejected."""
    if existing is not None:
        same = all(
            getattr(existing, name) == getattr(row, name)
            for name in (
                "tenancy_id",
                "kind",
                "start_date",
                "frequency",
                "instalment_pence",
                "starting_balance_pence",
                "status",
                "supersedes_id",
                "made_on",
                "day_of_month",
            )
        ) and (existing.source, existing.officer_id) == ("device", pusher.officer_id)
        if same:
            return Outcome("applied", existing.seq)
        raise Rejected(f"arrangement_id: another arrangement already has the id {row.id}")
    clash = session.execute(select(Arrangement.id).where(Arrangement.ref == row.ref)).first()
    if clash is not None:
        raise Rejected(f"arrangement_id: another arrangement already has the reference {row.ref}")
    row.seq = sequence.reserve(session, 1)
    session.add(row)
    session.flush()
    return Outcome("applied", row.seq)


def agree_arrangement(session: Session, pusher: Pusher, args: AgreeArrangementArgs) -> Outcome:
    """``arrangement.agree@1``: a new arrangement version agreed on the device (a first one,
    or new terms replacing ``supersedes_id``), numbered so that every device holding the case
    pulls it. The case must be in the officer's caseload now; the terms must pass
    ``ArrangementTerms``; ``made_on`` no later than the store's today (a day's grace), not
    before the tenancy nor after the first due date; the version replaced must be on the same
    case, live and not replaced already (another device's renegotiation is not overwritten:
    the second is rejected, naming the one that won)."""
    tenancy = _case_for(session, pusher, args.tenancy_id, "arrangement")
    _check_made_on(pusher, tenancy, args.made_on)
    try:
        ArrangementTerms(
            ref=str(args.arrangement_id),
            kind=args.kind,
            start_date=args.start_date,
            frequency=args.frequency,
            instalment_pence=args.instalment_pence,
            starting_balance_pence=args.starting_balance_pence,
            made_on=args.made_on,
            day_of_month=args.day_of_month,
        )
    except ArrangementError as exc:
        raise Rejected(str(exc)) from None
    existing = session.get(Arrangement, args.arrangement_id)
    if args.supersedes_id is not None and existing is None:
        _superseded(session, tenancy, args.supersedes_id, args.arrangement_id)
    row = _version(pusher, tenancy, args, terms=args, status="live")
    return _add_version(session, pusher, row, existing)


def cancel_arrangement(session: Session, pusher: Pusher, args: CancelArrangementArgs) -> Outcome:
    """``arrangement.cancel@1``: a cancelled version (the terms of ``supersedes_id``) that
    replaces the current live version; checked as for ``arrangement.agree@1``."""
    tenancy = _case_for(session, pusher, args.tenancy_id, "cancellation")
    _check_made_on(pusher, tenancy, args.made_on)
    existing = session.get(Arrangement, args.arrangement_id)
    if existing is None:
        old = _superseded(session, tenancy, args.supersedes_id, args.arrangement_id)
    else:
        found = session.get(Arrangement, args.supersedes_id)
        if found is None:
            raise Rejected(f"arrangement_id: another arrangement already has the id {existing.id}")
        old = found
    row = _version(pusher, tenancy, args, terms=old, status="cancelled")
    return _add_version(session, pusher, row, existing)


def _version(
    pusher: Pusher,
    tenancy: Tenancy,
    args: AgreeArrangementArgs | CancelArrangementArgs,
    *,
    terms: AgreeArrangementArgs | Arrangement,
    status: str,
) -> Arrangement:
    """The device version ``args`` makes, with the terms of ``terms`` (its own for an
    agreement, the replaced version's for a cancellation)."""
    return Arrangement(
        id=args.arrangement_id,
        ref=str(args.arrangement_id),
        tenancy_id=tenancy.id,
        kind=terms.kind,
        start_date=terms.start_date,
        frequency=terms.frequency,
        instalment_pence=terms.instalment_pence,
        starting_balance_pence=terms.starting_balance_pence,
        status=status,
        supersedes_id=args.supersedes_id,
        source="device",
        made_on=args.made_on,
        officer_id=pusher.officer_id,
        day_of_month=terms.day_of_month,
    )


def add_assessment(session: Session, pusher: Pusher, args: AddAssessmentArgs) -> Outcome:
    """``assessment.add@1``: a finished income and expenditure assessment, numbered so that
    every device holding the case pulls it. The case must be in the officer's caseload (or have
    left it lately: :func:`_check_writer`); the assessment dated no later than the store's today
    (a day's grace); its figures must pass ``app.domain.sfs``; the one it supersedes, if named,
    must be on the same case.
    Append-only: the same id with the same content answers its change number again; with other
    content it is rejected (an assessment is never changed, a correction is a new one)."""
    tenancy = _case_for(session, pusher, args.tenancy_id, "assessment", late=args.finalised_at)
    if args.assessed_on > pusher.today + DATE_GRACE:
        raise Rejected(
            f"assessed_on: {format_day(args.assessed_on)} is after today "
            f"({format_day(pusher.today)}) on the central store; check the laptop's date"
        )
    try:
        args.content.assessment(args.assessed_on)
    except sfs.SfsError as exc:
        raise Rejected(f"content.{exc}") from None
    content = args.content.model_dump(mode="json")
    existing = session.get(IncomeAssessment, args.assessment_id)
    if existing is not None:
        same = (
            existing.tenancy_id == tenancy.id
            and existing.assessed_on == args.assessed_on
            and existing.source == args.source
            and existing.supersedes_id == args.supersedes_id
            and existing.officer_id == pusher.officer_id
            and existing.finalised_at == args.finalised_at
            and existing.note == args.note
            and existing.content == content
        )
        if same:
            return Outcome("applied", existing.seq)
        raise Rejected(f"assessment_id: another assessment already has the id {existing.id}")
    if args.supersedes_id is not None:
        old = session.get(IncomeAssessment, args.supersedes_id)
        if old is None or old.tenancy_id != tenancy.id:
            raise Rejected(
                f"supersedes_id: the assessment {args.supersedes_id} is not on the case "
                f"{tenancy.ref}"
            )
    seq = sequence.reserve(session, 1)
    session.add(
        IncomeAssessment(
            id=args.assessment_id,
            seq=seq,
            tenancy_id=tenancy.id,
            assessed_on=args.assessed_on,
            source=args.source,
            supersedes_id=args.supersedes_id,
            officer_id=pusher.officer_id,
            finalised_at=args.finalised_at,
            note=args.note,
            content=content,
        )
    )
    session.flush()
    return Outcome("applied", seq)


# -- visit records: contacts, promises to pay, follow-ups, referrals ----------------------------

Visit = Contact | PaymentPromise | FollowUp | Referral


@dataclass(frozen=True)
class VisitKind:
    """One kind of visit record: its table, the argument holding the id the device gave it,
    what reasons call it, and whether an officer the case has left may still send it (late
    work, :func:`_check_writer`)."""

    model: type[Visit]
    id_arg: str
    what: str
    plural: str
    late_work: bool = False


CONTACTS = VisitKind(Contact, "contact_id", "contact", "contacts", late_work=True)
PROMISES = VisitKind(PaymentPromise, "promise_id", "promise to pay", "promises to pay")
FOLLOW_UPS = VisitKind(FollowUp, "follow_up_id", "follow-up", "follow-ups")
REFERRALS = VisitKind(Referral, "referral_id", "referral", "referrals")

# Not compared when the same id arrives again: numbered, or filled in here at the push.
_NOT_COMPARED = frozenset({"seq", "device_id", "recorded_by"})


def _visit_case(session: Session, pusher: Pusher, kind: VisitKind, args: Any) -> Tenancy:
    """The case of a visit record, the officer's to write to: a contact may come late from an
    officer the case has left (as a ``contact`` action); every other kind is for the officer
    who holds the case now."""
    late = args.recorded_at if kind.late_work else None
    return _case_for(session, pusher, args.tenancy_id, kind.what, late=late)


def _check_done_day(pusher: Pusher, tenancy: Tenancy, field: str, day: date) -> None:
    """A day something happened: no later than the store's today (a day's grace), not before
    the tenancy began."""
    if day > pusher.today + DATE_GRACE:
        raise Rejected(
            f"{field}: {format_day(day)} is after today ({format_day(pusher.today)}) on the "
            "central store; check the laptop's date"
        )
    if day < tenancy.start_date:
        raise Rejected(
            f"{field}: {format_day(day)} is before the tenancy began "
            f"({format_day(tenancy.start_date)})"
        )


_Cited = TypeVar("_Cited", Contact, CaseAction, Person)


def _check_cited(
    session: Session,
    model: type[_Cited],
    tenancy: Tenancy,
    field: str,
    cited: uuid.UUID | None,
    what: str,
) -> None:
    """A row a visit record names (the contact a promise was made in, the action a contact
    served, the household member spoken to) must be one the store holds on the same case: a
    device pushes the row it cites before the record citing it."""
    if cited is None:
        return
    found = session.get(model, cited)
    if found is None or found.tenancy_id != tenancy.id:
        raise Rejected(f"{field}: the {what} {cited} is not on this case")


def _superseded_visit(
    session: Session, kind: VisitKind, tenancy: Tenancy, supersedes_id: uuid.UUID
) -> str | None:
    """Check the version a new one corrects: a record of the same kind on the same case
    (else rejected). Returns None, or, when another version already replaced it (corrected on
    two laptops before either synced), the reason of a ``conflict``: the new version is stored
    all the same (append-only: nothing an officer recorded is dropped), so both corrections are
    in force until one of them is corrected again."""
    model = kind.model
    old = _get_visit(session, kind, supersedes_id)
    if old is None or old.tenancy_id != tenancy.id:
        raise Rejected(
            f"supersedes_id: {supersedes_id} is not a {kind.what} of this case; the "
            f"{kind.what} was not recorded"
        )
    newer = session.execute(
        select(model.id).where(model.supersedes_id == supersedes_id).order_by(model.seq).limit(1)
    ).scalar()
    if newer is None:
        return None
    return (
        f"supersedes_id: the {kind.what} {supersedes_id} had already been replaced by {newer} "
        f"(changed on another laptop); both versions are kept: check the case's {kind.plural}"
    )


def _get_visit(session: Session, kind: VisitKind, record_id: uuid.UUID) -> Visit | None:
    found = session.get(kind.model, record_id)
    return cast("Visit | None", found)  # mypy joins the union of models to their base


def _add_visit(
    session: Session,
    pusher: Pusher,
    kind: VisitKind,
    tenancy: Tenancy,
    args: Any,
    values: dict[str, Any],
) -> Outcome:
    """Append the version ``args`` describe, numbered from the change sequence, with the
    device, the officer and the officer's display name. The same id already here with the
    same content answers its change number again (a mutation sent again under a new id);
    with other content it is rejected: a record is never changed, a correction is a new one."""
    record_id: uuid.UUID = getattr(args, kind.id_arg)
    row = kind.model(
        id=record_id,
        tenancy_id=tenancy.id,
        supersedes_id=args.supersedes_id,
        officer_id=pusher.officer_id,
        recorded_at=args.recorded_at,
        **values,
    )
    existing = _get_visit(session, kind, record_id)
    if existing is not None:
        columns = kind.model.__table__.columns.keys()
        if all(
            getattr(existing, name) == getattr(row, name)
            for name in columns
            if name not in _NOT_COMPARED
        ):
            return Outcome("applied", existing.seq)
        raise Rejected(
            f"{kind.id_arg}: another {kind.what} already has the id {record_id}; the "
            f"{kind.what} was not recorded"
        )
    conflict = None
    if args.supersedes_id is not None:
        conflict = _superseded_visit(session, kind, tenancy, args.supersedes_id)
    officer = session.get(Officer, pusher.officer_id)
    row.recorded_by = (officer.display_name or officer.username) if officer else ""
    row.device_id = pusher.device_id
    row.seq = sequence.reserve(session, 1)
    session.add(row)
    session.flush()
    if conflict is not None:
        return Outcome("conflict", row.seq, conflict)
    return Outcome("applied", row.seq)


def record_contact(session: Session, pusher: Pusher, args: RecordContactArgs) -> Outcome:
    """``contact.record@1``: a contact recorded on the device (or its correction), numbered so
    that every device holding the case pulls it. The case must be in the officer's caseload, or
    have left it lately (late work, as a ``contact`` action: :func:`_check_writer`); ``on`` no
    later than the store's today (a day's grace) nor before the tenancy; the person spoken to
    one of the household (and then no other name), the action it served one of the case's.
    Append-only (:func:`_add_visit`, :func:`_superseded_visit`)."""
    tenancy = _visit_case(session, pusher, CONTACTS, args)
    _check_done_day(pusher, tenancy, "on", args.on)
    if args.spoke_to_person_id is not None and args.spoke_to_name:
        raise Rejected("spoke_to_name: name a household member or another person, not both")
    _check_cited(session, Person, tenancy, "spoke_to_person_id", args.spoke_to_person_id, "person")
    _check_cited(session, CaseAction, tenancy, "action_id", args.action_id, "action")
    values = {
        "on_date": args.on,
        "how": args.how,
        "outcome": args.outcome,
        "spoke_to_person_id": args.spoke_to_person_id,
        "spoke_to_name": args.spoke_to_name,
        "note": args.note,
        "action_id": args.action_id,
    }
    return _add_visit(session, pusher, CONTACTS, tenancy, args, values)


def record_promise(session: Session, pusher: Pusher, args: RecordPromiseArgs) -> Outcome:
    """``payment_promise.record@1``: a promise to pay (or a version withdrawing one), for the
    officer who holds the case now. ``made_on`` no later than the store's today nor before the
    tenancy; ``due_on`` from ``made_on`` to ``MAX_PROMISE_DAYS`` after it (a longer promise is
    an arrangement); the contact it was made in, if named, one of the case's."""
    tenancy = _visit_case(session, pusher, PROMISES, args)
    _check_done_day(pusher, tenancy, "made_on", args.made_on)
    if not args.made_on <= args.due_on <= args.made_on + timedelta(days=MAX_PROMISE_DAYS):
        raise Rejected(
            f"due_on: {format_day(args.due_on)} is not within {MAX_PROMISE_DAYS} days from "
            f"{format_day(args.made_on)}, the day the promise was made"
        )
    _check_cited(session, Contact, tenancy, "contact_id", args.contact_id, "contact")
    values = {
        "contact_id": args.contact_id,
        "made_on": args.made_on,
        "due_on": args.due_on,
        "amount_pence": args.amount_pence,
        "withdrawn": args.withdrawn,
    }
    return _add_visit(session, pusher, PROMISES, tenancy, args, values)


def record_follow_up(session: Session, pusher: Pusher, args: RecordFollowUpArgs) -> Outcome:
    """``follow_up.record@1``: a dated task (or a version marking it done or cancelled), for
    the officer who holds the case now. ``due_on`` not before the tenancy, nor more than
    ``MAX_FOLLOW_UP_DAYS`` after the store's today (a day's grace); the contact it was set in,
    if named, one of the case's."""
    tenancy = _visit_case(session, pusher, FOLLOW_UPS, args)
    latest = pusher.today + DATE_GRACE + timedelta(days=MAX_FOLLOW_UP_DAYS)
    if args.due_on > latest:
        raise Rejected(
            f"due_on: {format_day(args.due_on)} is more than {MAX_FOLLOW_UP_DAYS} days after "
            f"today ({format_day(pusher.today)}) on the central store"
        )
    if args.due_on < tenancy.start_date:
        raise Rejected(
            f"due_on: {format_day(args.due_on)} is before the tenancy began "
            f"({format_day(tenancy.start_date)})"
        )
    _check_cited(session, Contact, tenancy, "contact_id", args.contact_id, "contact")
    values = {
        "contact_id": args.contact_id,
        "due_on": args.due_on,
        "task": args.task,
        "status": args.status,
    }
    return _add_visit(session, pusher, FOLLOW_UPS, tenancy, args, values)


def record_referral(session: Session, pusher: Pusher, args: RecordReferralArgs) -> Outcome:
    """``referral.record@1``: a referral (or a version giving its outcome), for the officer
    who holds the case now. ``on`` no later than the store's today nor before the tenancy; an
    outcome other than ``pending`` has its day (``outcome_on``, from ``on`` to today) and a
    pending one none."""
    tenancy = _visit_case(session, pusher, REFERRALS, args)
    _check_done_day(pusher, tenancy, "on", args.on)
    if args.outcome == "pending":
        if args.outcome_on is not None:
            raise Rejected("outcome_on: a referral still pending has no outcome day")
    elif args.outcome_on is None:
        raise Rejected(f"outcome_on: the {args.outcome} outcome needs the day it was known")
    else:
        _check_done_day(pusher, tenancy, "outcome_on", args.outcome_on)
        if args.outcome_on < args.on:
            raise Rejected(
                f"outcome_on: {format_day(args.outcome_on)} is before the referral was made "
                f"({format_day(args.on)})"
            )
    values = {
        "to": args.to,
        "on_date": args.on,
        "reason": args.reason,
        "outcome": args.outcome,
        "outcome_on": args.outcome_on,
        "outcome_note": args.outcome_note,
    }
    return _add_visit(session, pusher, REFERRALS, tenancy, args, values)


INTENTS: dict[str, Intent] = {
    RECORD_CASE_ACTION: Intent(INTENT_ARGS[RECORD_CASE_ACTION], record_case_action),
    AGREE_ARRANGEMENT: Intent(INTENT_ARGS[AGREE_ARRANGEMENT], agree_arrangement),
    CANCEL_ARRANGEMENT: Intent(INTENT_ARGS[CANCEL_ARRANGEMENT], cancel_arrangement),
    ADD_ASSESSMENT: Intent(INTENT_ARGS[ADD_ASSESSMENT], add_assessment),
    RECORD_CONTACT: Intent(INTENT_ARGS[RECORD_CONTACT], record_contact),
    RECORD_PROMISE: Intent(INTENT_ARGS[RECORD_PROMISE], record_promise),
    RECORD_FOLLOW_UP: Intent(INTENT_ARGS[RECORD_FOLLOW_UP], record_follow_up),
    RECORD_REFERRAL: Intent(INTENT_ARGS[RECORD_REFERRAL], record_referral),
}
"""Every intent this server applies, by versioned name."""


__all__ = [
    "INTENTS",
    "Intent",
    "Outcome",
    "PushUnavailable",
    "Pusher",
    "Rejected",
    "add_assessment",
    "agree_arrangement",
    "cancel_arrangement",
    "push_mutations",
    "record_case_action",
    "record_contact",
    "record_follow_up",
    "record_promise",
    "record_referral",
]
