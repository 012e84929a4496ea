"""The worklist: every case on the device with its next recommended action and the reason.

Recomputed on the laptop from its own data (after every sync, after an action is recorded, for
another day), never taken from a list the HMS made on Monday. Two steps, so that recomputing is
cheap: :func:`app.services.case_facts.load_cases` reads the store once into immutable facts;
:func:`build_worklist` runs the recovery rules over them (pure, any thread).

The policy is the shipped ``resources/recovery-policy.toml`` unless the council installed its
own (:func:`app.paths.policy_override`); :func:`load_recovery_policy` names the file and the bad
key when it cannot be used.

Threading: :func:`worklist_report` and the loaders take a Session and run on its thread;
:func:`build_worklist` and the :class:`WorkItem` values are pure and immutable.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from app.domain import reports as shapes
from app.domain.case_actions import ACTION_KINDS
from app.domain.recovery import (
    NONE,
    Recommendation,
    RecoveryPolicy,
    recommend,
)
from app.models import SyncState
from app.paths import policy_override, resource_path
from app.services.audit import record_event
from app.services.case_facts import LoadedCase, load_cases
from app.services.caseload import CaseRow

DEFAULT_POLICY = "recovery-policy.toml"
NO_STAGE_LABEL = "No recovery stage"


class PolicyFileError(ValueError):
    """The recovery policy file cannot be read or used; the message names the file and why."""


def load_recovery_policy(
    data_dir: Path | None = None, *, path: Path | None = None
) -> RecoveryPolicy:
    """The recovery policy in force: ``path``, else the council's override, else the default."""
    chosen = path or (policy_override(data_dir) if data_dir is not None else None)
    chosen = chosen or resource_path(DEFAULT_POLICY)
    try:
        text = chosen.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyFileError(f"Cannot read the recovery policy {chosen}: {exc.strerror}.") from exc
    from app.schemas.policy import PolicyError, parse_policy  # pydantic: loaded when first read

    try:
        return parse_policy(text)
    except PolicyError as exc:
        raise PolicyFileError(f"The recovery policy {chosen} cannot be used: {exc}") from exc


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
    """The fields of ``report worklist`` for one case (plain JSON-ready values)."""
    advice = item.advice
    weeks = advice.summary.weeks_in_arrears
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
    }


def _two_places(weeks: Decimal) -> str:
    return str(weeks.quantize(Decimal("0.01")))


def worklist_report(session: Session, *, policy: RecoveryPolicy, as_of: date, fmt: str) -> str:
    """``python -m app report worklist``: one row per case, by ref, as ``json`` or ``csv``.

    Computed from the device's data alone; appends a ``report.worklist`` audit event.
    """
    cases = load_cases(session, today=as_of)
    items = build_worklist(cases.values(), policy=policy, as_of=as_of)
    rows = sorted((report_row(item) for item in items), key=lambda row: str(row["tenancy_ref"]))
    text = shapes.worklist_json(rows) if fmt == "json" else shapes.worklist_csv(rows)
    state = session.get(SyncState, 1)
    record_event(
        session,
        event="report.worklist",
        officer_id=state.officer_id if state else None,
        device_id=state.device_id if state else None,
        detail={"rows": len(rows), "format": fmt, "due": sum(i.action_due for i in items)},
    )
    return text


__all__ = [
    "NONE",
    "PolicyFileError",
    "WorkItem",
    "build_worklist",
    "load_recovery_policy",
    "report_row",
    "stage_options",
    "worklist_report",
]
