"""The push side of sync on the device: the outbox sent in order, each answer applied once.

:func:`push_outbox` reads the outbox in ``device_seq`` order, ``batch_size`` mutations at a
time, sends each batch (``POST /sync/push``) and applies the answers of a batch in ONE local
transaction: every answered mutation leaves the outbox, and its intent's result handler
(:data:`RESULT_HANDLERS`) updates what the mutation changed locally. For
``case_action.record@1`` (and alike for the arrangement version written by
``arrangement.agree@1`` / ``arrangement.cancel@1``, the finished assessment of
``assessment.add@1`` and the visit record of ``contact.record@1``,
``payment_promise.record@1``, ``follow_up.record@1`` and ``referral.record@1``):

- ``applied`` (or ``conflict``): the action is no longer pending and notes the change number
  the server gave it (``server_seq``); if its case is no longer on this device (it left the
  officer's scope while the action waited), the action goes too: the server holds it on the
  case, and a later pull brings it to whichever device holds the case;
- ``rejected``: the action stays visible on its case, not pending, with the server's reason in
  ``sync_problem`` (nothing is silently lost); if its case is no longer here, it goes.

Invariants:

- an outbox row is removed only once the server has answered it (applied, conflict or
  rejected); a batch whose reply does not answer exactly the mutations sent is a ``BadReply``
  and nothing of it is applied;
- order is kept: the first failure of a batch (``Offline``, ``ServerError``, ...) stops the
  push, with every batch before it committed and this one and all later ones still in the
  outbox, to be sent again in the same order (the server answers a mutation it already handled
  with its stored result, so a lost reply costs nothing);
- a row that cannot even be put on the wire (damaged on this laptop) is rejected here with a
  reason, in the same transaction as its batch, so the queue never wedges.

Threading: blocking (network, then one local transaction per batch); run it off the GUI
thread. The client is used by the calling thread only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.models import (
    Arrangement,
    CaseAction,
    Contact,
    FollowUp,
    IncomeAssessment,
    OutboxMutation,
    PaymentPromise,
    Referral,
    Tenancy,
)
from app.models.visits import VisitRecordMixin
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
    MAX_PUSH_BATCH,
    MAX_PUSH_BYTES,
    MutationIn,
    MutationResult,
    PushRequest,
)
from app.pydantic_once import ValidationError
from app.store.outbox_mark import touch_outbox
from app.sync.errors import BadReply

if TYPE_CHECKING:
    from app.store.database import LocalStore
    from app.sync.client import SyncClient

ResultHandler = Callable[[Session, OutboxMutation, MutationResult], "uuid.UUID | None"]
"""Applies one answer to what the mutation changed locally; returns the tenancy it touched."""

Progress = Callable[[int, int], None]
"""``progress(sent, total)`` after each committed batch."""


@dataclass(frozen=True)
class Answered:
    """One outbox mutation and the answer it got (from the server or, if damaged, from here)."""

    mutation_id: uuid.UUID
    device_seq: int
    intent: str
    result: MutationResult
    tenancy_id: uuid.UUID | None


@dataclass
class PushedOutbox:
    """What a push did: mutations answered (``pushed``) and of those how many were applied,
    conflicted or rejected; the tenancies whose actions changed state."""

    batches: int = 0
    pushed: int = 0
    applied: int = 0
    conflicts: int = 0
    rejected: int = 0
    changed_tenancy_ids: set[uuid.UUID] = field(default_factory=set)

    def add(self, answered: Sequence[Answered]) -> None:
        self.batches += 1
        for item in answered:
            self.pushed += 1
            status = item.result.status
            self.applied += status == "applied"
            self.conflicts += status == "conflict"
            self.rejected += status == "rejected"
            if item.tenancy_id is not None:
                self.changed_tenancy_ids.add(item.tenancy_id)


def pending_count(session: Session) -> int:
    """How many mutations wait in the outbox."""
    return int(session.execute(select(func.count()).select_from(OutboxMutation)).scalar_one())


def push_outbox(
    *,
    store: LocalStore,
    client: SyncClient,
    batch_size: int = MAX_PUSH_BATCH,
    progress: Progress | None = None,
    on_batch: Callable[[Session, Sequence[Answered]], None] | None = None,
    into: PushedOutbox | None = None,
) -> PushedOutbox:
    """Send the whole outbox, batch by batch, in ``device_seq`` order (see the module).

    ``on_batch(session, answered)`` runs inside each batch's local transaction (for the audit
    log). Counts go to ``into`` (a new ``PushedOutbox`` by default), batch by batch, so a caller
    still knows what was done when a later batch fails. Raises ``SyncError`` subclasses;
    batches committed before the error stay committed.
    """
    if not 1 <= batch_size <= MAX_PUSH_BATCH:
        raise ValueError(f"batch_size must be between 1 and {MAX_PUSH_BATCH}")
    summary = into if into is not None else PushedOutbox()
    with store.session() as session:
        total = pending_count(session)
    after = 0
    while True:
        with store.session() as session:
            rows = list(
                session.scalars(
                    select(OutboxMutation)
                    .where(OutboxMutation.device_seq > after)
                    .order_by(OutboxMutation.device_seq)
                    .limit(batch_size)
                )
            )
            session.expunge_all()
        if not rows:
            return summary
        fetched = len(rows)
        sendable, damaged, rows = _within_size(*_wire_batch(rows), rows)
        after = rows[-1].device_seq
        results: dict[uuid.UUID, MutationResult] = dict(damaged)
        if sendable:
            reply = client.push(PushRequest(mutations=sendable))
            results.update(_answers(sendable, reply.results, client.server_url))
        with store.session() as session, session.begin():
            answered = apply_results(session, rows, results)
            if on_batch is not None:
                on_batch(session, answered)
        summary.add(answered)
        if progress is not None:
            progress(summary.pushed, max(total, summary.pushed))
        if fetched < batch_size and len(rows) == fetched:
            return summary


def _within_size(
    sendable: list[MutationIn],
    damaged: list[tuple[uuid.UUID, MutationResult]],
    rows: list[OutboxMutation],
) -> tuple[list[MutationIn], list[tuple[uuid.UUID, MutationResult]], list[OutboxMutation]]:
    """The first rows whose wire form fits one push body (``MAX_PUSH_BYTES``; always at least
    one row, which the protocol's bounds keep within what the store takes); the rest wait for
    the next batch, in order."""
    # Bytes on the wire, not characters: a note in a script of 4-byte characters is 4 times
    # longer sent than counted.
    size = {m.mutation_id: len(m.model_dump_json().encode("utf-8")) + 1 for m in sendable}
    used, kept = 0, 0
    for row in rows:
        used += size.get(row.id, 0)
        if kept and used > MAX_PUSH_BYTES:
            break
        kept += 1
    ids = {row.id for row in rows[:kept]}
    return (
        [m for m in sendable if m.mutation_id in ids],
        [d for d in damaged if d[0] in ids],
        rows[:kept],
    )


def _wire_batch(
    rows: Sequence[OutboxMutation],
) -> tuple[list[MutationIn], list[tuple[uuid.UUID, MutationResult]]]:
    """The rows as wire mutations, and a local rejection for each row that cannot be one."""
    sendable: list[MutationIn] = []
    damaged: list[tuple[uuid.UUID, MutationResult]] = []
    for row in rows:
        try:
            sendable.append(
                MutationIn.model_validate(
                    {
                        "mutation_id": row.id,
                        "device_seq": row.device_seq,
                        "intent": row.intent,
                        "args": row.args,
                        "entity_ids": row.entity_ids,  # UUIDs as text
                        "base_version": row.base_version,
                        "before": row.before,
                        "device_time": row.device_time,
                    }
                )
            )
        except ValidationError as exc:
            fields = ", ".join(
                sorted({str(error["loc"][0]) for error in exc.errors() if error.get("loc")})
            )
            reason = (
                f"{fields or 'change'}: this change is damaged on the laptop and cannot be "
                "sent to the central store"
            )
            damaged.append(
                (row.id, MutationResult(mutation_id=row.id, status="rejected", reason=reason))
            )
    return sendable, damaged


def _answers(
    sent: Sequence[MutationIn], results: Sequence[MutationResult], where: str
) -> dict[uuid.UUID, MutationResult]:
    """The server's results by mutation id: exactly one for each mutation sent, or BadReply."""
    answers = {result.mutation_id: result for result in results}
    wanted = {mutation.mutation_id for mutation in sent}
    if len(answers) != len(results) or set(answers) != wanted:
        raise BadReply(
            f"The central store at {where} did not answer exactly the changes sent "
            f"({len(results)} answer(s) for {len(sent)} change(s)); nothing of its answer was "
            "used and the changes stay queued. Try again later."
        )
    return answers


def apply_results(
    session: Session,
    rows: Sequence[OutboxMutation],
    results: dict[uuid.UUID, MutationResult],
) -> list[Answered]:
    """Apply the answers to ``rows`` in the caller's transaction: each answered row leaves
    the outbox and its intent's handler updates what it changed. Rows without an answer stay.
    Returns the answered rows in ``device_seq`` order."""
    answered: list[Answered] = []
    for row in sorted(rows, key=_by_device_seq):
        result = results.get(row.id)
        if result is None:
            continue
        handler = RESULT_HANDLERS.get(row.intent)
        tenancy_id = handler(session, row, result) if handler is not None else None
        session.execute(delete(OutboxMutation).where(OutboxMutation.id == row.id))
        touch_outbox(session)
        answered.append(Answered(row.id, row.device_seq, row.intent, result, tenancy_id))
    return answered


def _by_device_seq(row: OutboxMutation) -> int:
    return row.device_seq


# -- result handlers, by intent -----------------------------------------------------------------


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _entity_id(row: OutboxMutation, arg: str) -> uuid.UUID | None:
    """The row a mutation wrote: its ``arg`` argument (``action_id``, ``arrangement_id``), or
    (arguments damaged) its first entity id."""
    args = row.args if isinstance(row.args, dict) else {}
    found = _uuid_or_none(args.get(arg))
    if found is None and isinstance(row.entity_ids, list) and row.entity_ids:
        found = _uuid_or_none(row.entity_ids[0])
    return found


def _acknowledged(
    session: Session,
    target: CaseAction | Arrangement | IncomeAssessment | VisitRecordMixin | None,
    result: MutationResult,
    refused: str,
) -> uuid.UUID | None:
    """A pending device row the server answered: no longer pending; the change number, or
    the reason it was refused (see the module). Returns its case's id."""
    if target is None:
        return None
    target.pending = False
    if result.status == "rejected":
        target.sync_problem = result.reason or refused
    else:
        target.sync_problem = None
        if result.seq is not None:
            target.server_seq = result.seq
    tenancy_id = target.tenancy_id
    if session.get(Tenancy, tenancy_id) is None:
        session.delete(target)  # its case left this device: the server's copy is the one
    session.flush()
    return tenancy_id


def case_action_result(
    session: Session, row: OutboxMutation, result: MutationResult
) -> uuid.UUID | None:
    """``case_action.record@1``: the action is acknowledged (see the module)."""
    action_id = _entity_id(row, "action_id")
    action = session.get(CaseAction, action_id) if action_id is not None else None
    return _acknowledged(session, action, result, "The central store refused this action.")


def arrangement_result(
    session: Session, row: OutboxMutation, result: MutationResult
) -> uuid.UUID | None:
    """``arrangement.agree@1`` / ``arrangement.cancel@1``: the version is acknowledged."""
    arrangement_id = _entity_id(row, "arrangement_id")
    version = session.get(Arrangement, arrangement_id) if arrangement_id is not None else None
    return _acknowledged(
        session, version, result, "The central store refused this arrangement change."
    )


def assessment_result(
    session: Session, row: OutboxMutation, result: MutationResult
) -> uuid.UUID | None:
    """``assessment.add@1``: the finished assessment is acknowledged."""
    assessment_id = _entity_id(row, "assessment_id")
    found = session.get(IncomeAssessment, assessment_id) if assessment_id is not None else None
    return _acknowledged(
        session, found, result, "The central store refused this income and expenditure."
    )


_Visit = TypeVar("_Visit", Contact, PaymentPromise, FollowUp, Referral)


def _visit_result(model: type[_Visit], id_arg: str, what: str) -> ResultHandler:
    """The handler of a visit record's intent: the version ``id_arg`` names is acknowledged
    (a ``conflict``, a correction of a version another laptop had corrected already, is kept
    by the server as a version of its own, so it is acknowledged like ``applied``)."""

    def handle(session: Session, row: OutboxMutation, result: MutationResult) -> uuid.UUID | None:
        record_id = _entity_id(row, id_arg)
        found = session.get(model, record_id) if record_id is not None else None
        return _acknowledged(session, found, result, f"The central store refused this {what}.")

    handle.__name__ = f"{model.__tablename__}_result"
    return handle


RESULT_HANDLERS: dict[str, ResultHandler] = {
    RECORD_CASE_ACTION: case_action_result,
    AGREE_ARRANGEMENT: arrangement_result,
    CANCEL_ARRANGEMENT: arrangement_result,
    ADD_ASSESSMENT: assessment_result,
    RECORD_CONTACT: _visit_result(Contact, "contact_id", "contact"),
    RECORD_PROMISE: _visit_result(PaymentPromise, "promise_id", "promise to pay"),
    RECORD_FOLLOW_UP: _visit_result(FollowUp, "follow_up_id", "follow-up"),
    RECORD_REFERRAL: _visit_result(Referral, "referral_id", "referral"),
}
"""What each intent's answer changes locally; an intent without one only leaves the outbox."""


__all__ = [
    "RESULT_HANDLERS",
    "Answered",
    "PushedOutbox",
    "apply_results",
    "assessment_result",
    "case_action_result",
    "pending_count",
    "push_outbox",
]
