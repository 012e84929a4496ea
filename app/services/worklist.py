"""The worklist: every case on the device with its next recommended action and the reason.

Recomputed on the laptop from its own data (after every sync, after an action is recorded, for
another day), never taken from a list the HMS made on Monday. Two steps, so that recomputing is
cheap: :func:`read_worklist` reads the store once into immutable facts (and works the list out);
:func:`build_worklist` runs the recovery rules over them again (pure, any thread) for another day
or after :func:`app.services.caseload.load_cases` read one case again.

The policy is the one in force (:mod:`app.services.recovery_policy`, re-exported here):
the shipped ``resources/recovery-policy.toml`` unless the council installed its own;
:func:`load_recovery_policy` names the file and the bad key when it cannot be used.

Threading: :func:`read_worklist` and :func:`worklist_report` are blocking (one local transaction
each); :func:`build_worklist` and the :class:`WorkItem` values are pure and immutable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from app.domain import reports as shapes
from app.domain.case_actions import ACTION_KINDS
from app.domain.recovery import (
    NONE,
    Recommendation,
    RecoveryPolicy,
    recommend,
)
from app.services._caseload_rows import CaseRow, LoadedCase, last_synced_at, load_cases
from app.services.device import OfficerInfo, signed_in_officer
from app.services.recovery_policy import (
    PolicyFileError,
    load_recovery_policy,
    policy_in_force,
)
from app.services.status import count_waiting
from app.services.workspace import Progress, Workspace, no_progress
from app.store.audit import append_device_event

NO_STAGE_LABEL = "No recovery stage"


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One line of the worklist: who, how much, and what to do next and why."""

    case: CaseRow
    advice: Recommendation

    @property
    def tenancy_id(self) -> uuid.UUID:
        return self.case.tenancy_id

    @property
    def action_due(self) -> bool:
        """A recommended action falls due today or earlier and nothing blocks it."""
        return self.advice.due_now


def build_worklist(
    cases: Iterable[LoadedCase], *, policy: RecoveryPolicy, as_of: date
) -> list[WorkItem]:
    """Every case's recommendation on ``as_of``, most urgent first."""
    items = [WorkItem(c.row, recommend(c.facts, policy, as_of)) for c in cases]
    items.sort(key=lambda item: item.advice.priority)
    return items


def stage_options(policy: RecoveryPolicy) -> tuple[tuple[str, str], ...]:
    """The stages a case can stand at, as ``(code, label)`` in ladder order, ``none`` first.

    The codes are those of ``Recommendation.stage``; a label says what was done ("Arrears
    letter 1 sent"), as the worklist's stage column does.
    """
    options = [(NONE, NO_STAGE_LABEL)]
    for stage in policy.stages:
        if all(code != stage.code for code, _ in options):
            kind = ACTION_KINDS.get(stage.code)
            options.append((stage.code, kind.label if kind is not None else stage.label))
    return tuple(options)


def report_row(item: WorkItem) -> dict[str, object]:
    """The fields of ``report worklist`` for one case (plain JSON-ready values): ``promise``
    is the latest promise's state (docs/rules.md F3a), ``follow_up_due`` the first open
    follow-up's day (F3b), or None."""
    advice = item.advice
    weeks = advice.summary.weeks_in_arrears
    follow_up = advice.next_follow_up
    return {
        "tenancy_ref": item.case.ref,
        "balance_pence": advice.summary.balance_pence,
        "weeks_in_arrears": _two_places(weeks),
        "technical_arrears_pence": advice.technical_arrears_pence,
        "stage": advice.stage,
        "next_action": advice.next_action,
        "escalates": advice.escalates,
        "due_date": advice.due_date.isoformat() if advice.due_date else None,
        "blocked_by": advice.blocked_by,
        "reason": advice.reason,
        "promise": advice.promise,
        "follow_up_due": follow_up.due_on.isoformat() if follow_up is not None else None,
    }


def _two_places(weeks: Decimal) -> str:
    return str(weeks.quantize(Decimal("0.01")))


@dataclass(frozen=True)
class LoadedWorklist:
    """The worklist window's data, read in one go (immutable values): every case loaded (to
    rebuild the list without reading again), the list worked out, the policy and the day it was
    worked out for, when the laptop last synced, who is signed in and how many changes wait to
    be sent."""

    cases: dict[uuid.UUID, LoadedCase]
    items: list[WorkItem]
    policy: RecoveryPolicy
    as_of: date
    last_synced: datetime | None
    officer: OfficerInfo | None
    waiting: int = 0  # changes made here, waiting to be sent to the central store


def read_worklist(
    workspace: Workspace,
    *,
    as_of: date,
    record_view: bool,
    progress: Progress = no_progress,
) -> LoadedWorklist:
    """Read every case and work out the worklist for ``as_of`` (and, when ``record_view``,
    audit that the caseload was viewed). The policy is the one in force for the workspace."""
    progress(0, 3, "Reading your caseload…")
    policy = policy_in_force(workspace)
    # Plain SQL, no SQLAlchemy: this is the first screen.
    with workspace.store.plain_transaction(writing=record_view) as connection:
        cases = load_cases(connection, today=as_of)
        synced = last_synced_at(connection)
        officer = signed_in_officer(connection)
        waiting = count_waiting(connection)
        if record_view:
            append_device_event(connection, event="caseload.viewed", detail={"cases": len(cases)})
    progress(2, 3, "Working out next actions…")
    items = build_worklist(cases.values(), policy=policy, as_of=as_of)
    return LoadedWorklist(cases, items, policy, as_of, synced, officer, waiting)


def worklist_report(workspace: Workspace, *, policy: RecoveryPolicy, as_of: date, fmt: str) -> str:
    """``python -m app report worklist``: one row per case, by ref, as ``json`` or ``csv``.

    Computed from the device's data alone; appends a ``report.worklist`` audit event.
    """
    with workspace.store.plain_transaction(writing=True) as connection:
        cases = load_cases(connection, today=as_of)
        items = build_worklist(cases.values(), policy=policy, as_of=as_of)
        rows = sorted((report_row(item) for item in items), key=lambda row: str(row["tenancy_ref"]))
        append_device_event(
            connection,
            event="report.worklist",
            detail={"rows": len(rows), "format": fmt, "due": sum(i.action_due for i in items)},
        )
    return shapes.worklist_json(rows) if fmt == "json" else shapes.worklist_csv(rows)


__all__ = [
    "NONE",
    "LoadedWorklist",
    "PolicyFileError",
    "WorkItem",
    "build_worklist",
    "load_recovery_policy",
    "read_worklist",
    "report_row",
    "stage_options",
    "worklist_report",
]
