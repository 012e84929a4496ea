"""The visit sheet of a day's round: the chosen cases' briefs on one A4 page (or more).

:func:`visit_sheet` reads the briefs (``app.services.visit_brief``) and the signed-in officer in
one transaction, which also records a ``report.visit_sheet`` audit event (a count, never a
name), then lays the PDF out (``app.reports.visit_sheet``) outside it, so the database is held
only while reading. The cases come in the order asked, or ordered for the day
(``app.domain.visit_brief.order_for_day``: officer-safety warnings first, then by postcode or
street). The figures are as at the sheet's day, or today when the sheet is for a day to come
(the ledger holds nothing later).

The Day plan lists the worklist's cases to choose from as :class:`PlanCase` rows
(:func:`plan_cases`: pure, from the worklist already loaded), with the cases the worklist says
need contact today chosen at the start.

Threading: :func:`visit_sheet` and :func:`visit_sheet_for_refs` are blocking (one local
transaction, then the PDF build); call them off the GUI thread. :func:`plan_cases` is pure.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.domain.clock import council_day
from app.domain.display import format_pence
from app.domain.recovery import NONE
from app.domain.visit_brief import WARNING_LABELS, OrderBy, VisitBrief, VisitWarning, order_for_day
from app.reports.visit_sheet import build_visit_sheet
from app.services._visit_briefs import CasesNotOnLaptop, held_ids, ids_for_refs, read_briefs
from app.services.device import signed_in_officer
from app.services.recovery_policy import policy_in_force
from app.services.worklist import WorkItem
from app.services.workspace import Workspace
from app.store.audit import record_device_event
from app.store.database import plain_connection_of


class VisitSheetRefused(ValueError):
    """The sheet cannot be made (no case chosen); ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class VisitSheet:
    """A built sheet: the PDF, its pages, the day it is for, the day its figures are at, and
    the cases' references in the sheet's order."""

    pdf: bytes
    pages: int
    day: date
    as_of: date
    refs: tuple[str, ...]

    @property
    def file_name(self) -> str:
        """The name a save offers: ``visit-sheet-2026-03-09.pdf``."""
        return sheet_file_name(self.day)


@dataclass(frozen=True, slots=True)
class PlanCase:
    """A case the Day plan offers: who and where, the balance, what the worklist says is next,
    its warnings (kinds of ``app.domain.visit_brief.WARNING_LABELS``, no details: those are on
    the sheet), and ``suggested``: the worklist says it needs contact today (an action due now,
    or a follow-up due or overdue)."""

    tenancy_id: uuid.UUID
    ref: str
    lead_tenant: str
    address: str
    postcode: str
    balance_pence: int
    weeks_in_arrears: Decimal | None
    next_action: str
    suggested: bool
    warnings: tuple[VisitWarning, ...]

    @property
    def balance_text(self) -> str:
        return format_pence(self.balance_pence)

    @property
    def warnings_text(self) -> str:
        """``"Officer safety, Vulnerability"``, or ``""``."""
        return ", ".join(warning.label for warning in self.warnings)


def prepare_visit_sheets() -> None:
    """Load the PDF library and the sheet's fonts ahead of the first sheet (the Day plan calls
    this on a worker as it opens): the first sheet of a process then takes as long as the
    next, about a third of a second less. Reads nothing of the caseload."""
    build_visit_sheet((), day=date(2026, 1, 5), officer_name="", as_of=date(2026, 1, 5))


def plan_cases(items: Iterable[WorkItem]) -> list[PlanCase]:
    """The worklist's cases a visit can be planned to (not former tenancies: no one to visit),
    in the worklist's order."""
    cases = []
    for item in items:
        row, advice = item.case, item.advice
        if row.is_former:
            continue
        flags = (
            ("safety", advice.safety_warning),
            ("vulnerability", advice.vulnerable),
            ("breathing_space", advice.breathing_space),
        )
        cases.append(
            PlanCase(
                tenancy_id=row.tenancy_id,
                ref=row.ref,
                lead_tenant=row.lead_tenant,
                address=row.address,
                postcode=row.postcode,
                balance_pence=advice.summary.balance_pence,
                weeks_in_arrears=advice.summary.weeks_in_arrears
                if advice.summary.weekly_charge_pence > 0
                else None,
                next_action="" if advice.next_action == NONE else advice.next_action_label,
                suggested=item.action_due or advice.needs_follow_up,
                warnings=tuple(
                    VisitWarning(kind, WARNING_LABELS[kind], None, "") for kind, on in flags if on
                ),
            )
        )
    return cases


def sheet_file_name(day: date) -> str:
    """``visit-sheet-YYYY-MM-DD.pdf`` for the sheet of ``day``."""
    return f"visit-sheet-{day.isoformat()}.pdf"


def visit_sheet(
    workspace: Workspace,
    tenancy_ids: Iterable[uuid.UUID],
    *,
    day: date,
    order: OrderBy | None = "postcode",
) -> VisitSheet:
    """The sheet of these cases for ``day``: ordered for the day by ``order``, or in the order
    given when ``order`` is None. :class:`CasesNotOnLaptop` names cases not held here;
    :class:`VisitSheetRefused` when none is chosen."""
    ids = list(dict.fromkeys(tenancy_ids))
    as_of = _figures_day(workspace, day)
    policy = policy_in_force(workspace)
    with workspace.store.transaction() as session:
        briefs = read_briefs(session, held_ids(session, _some(ids)), policy, as_of)
        officer = _officer(session, len(briefs))
    return _build(briefs, day=day, as_of=as_of, officer=officer, order=order)


def visit_sheet_for_refs(
    workspace: Workspace,
    refs: Iterable[str],
    *,
    day: date,
    order: OrderBy | None = "postcode",
) -> VisitSheet:
    """:func:`visit_sheet` for cases named by their HMS references (``visits sheet``)."""
    as_of = _figures_day(workspace, day)
    policy = policy_in_force(workspace)
    with workspace.store.transaction() as session:
        briefs = read_briefs(session, _some(ids_for_refs(session, refs)), policy, as_of)
        officer = _officer(session, len(briefs))
    return _build(briefs, day=day, as_of=as_of, officer=officer, order=order)


def _some(ids: list[uuid.UUID]) -> list[uuid.UUID]:
    if not ids:
        raise VisitSheetRefused("cases: choose at least one case for the visit sheet")
    return ids


def _figures_day(workspace: Workspace, day: date) -> date:
    return min(day, council_day(workspace.clock.now()))


def _officer(session: Session, cases: int) -> str:
    """The signed-in officer's name (for the sheet's title), auditing the sheet as made."""
    connection = plain_connection_of(session)
    record_device_event(session, event="report.visit_sheet", detail={"cases": cases})
    officer = signed_in_officer(connection)
    if officer is None:
        return ""
    return officer.display_name or officer.username


def _build(
    briefs: list[VisitBrief], *, day: date, as_of: date, officer: str, order: OrderBy | None
) -> VisitSheet:
    ordered = briefs if order is None else order_for_day(briefs, by=order)
    built = build_visit_sheet(ordered, day=day, officer_name=officer, as_of=as_of)
    return VisitSheet(
        pdf=built.pdf,
        pages=built.pages,
        day=day,
        as_of=as_of,
        refs=tuple(brief.ref for brief in ordered),
    )


__all__ = [
    "CasesNotOnLaptop",
    "PlanCase",
    "VisitSheet",
    "VisitSheetRefused",
    "plan_cases",
    "sheet_file_name",
    "visit_sheet",
    "visit_sheet_for_refs",
]
