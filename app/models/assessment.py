"""Income and expenditure assessments on the Standard Financial Statement, held on the laptop.

An assessment is made at the kitchen table, offline. While the officer types it is a ``draft``
(saved as it goes, changed in place, never synced); once finished it is ``final`` and
append-only: a correction is a new assessment whose ``supersedes_id`` names the one it
replaces (docs/design.md#data). Each line keeps what was said (amount and frequency, as entered);
monthly figures are always worked out again by ``app.domain.sfs``, never stored, so a rule
fix never leaves stale totals behind.

A finished assessment is pushed as ``assessment.add@1`` (``pending`` until the central store
acknowledges it; ``sync_problem`` holds its reason if refused) and pulled by the officer's other
laptops; drafts never leave the laptop.

``tenancy_id`` is deliberately not a foreign key (as for case actions): a finished assessment
waiting to be pushed outlives its case leaving this officer's scope.

``GuidelineFigure`` rows are the licensed SFS spending guidelines imported with
``python -m app guidelines import FILE``; none are shipped.

Threading: plain ORM entities; a Session belongs to one thread.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    delete,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.domain import sfs
from app.models.base import Base, IdMixin, TimestampMixin
from app.sqlkit.utc import UTCDateTime


class IncomeAssessment(IdMixin, TimestampMixin, Base):
    """One I&E: the household, the savings and fees, and (in child rows) lines and debts."""

    __tablename__ = "income_assessment"
    __table_args__ = (Index("ix_income_assessment_tenancy_on", "tenancy_id", "assessed_on"),)

    tenancy_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # not a foreign key: see the module
    status: Mapped[str] = mapped_column(String(8), default="draft")  # "draft" or "final"
    assessed_on: Mapped[date]
    adults: Mapped[int] = mapped_column(default=1)
    children_under_16: Mapped[int] = mapped_column(default=0)
    children_16_18: Mapped[int] = mapped_column(default=0)
    other_dependants: Mapped[int] = mapped_column(default=0)
    non_dependants: Mapped[int] = mapped_column(default=0)
    vehicles: Mapped[int] = mapped_column(default=0)
    savings_pence: Mapped[int] = mapped_column(default=0)  # monthly savings contribution
    admin_fee_pence: Mapped[int] = mapped_column(default=0)  # monthly debt admin fee
    rent_offer_pence: Mapped[int | None]  # the monthly offer agreed off the rent arrears
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    source: Mapped[str] = mapped_column(String(12), default="device")  # "device", "sfs-import"
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    finalised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    pending: Mapped[bool] = mapped_column(default=False)  # final, not yet acknowledged
    server_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    sync_problem: Mapped[str | None] = mapped_column(Text)  # why the central store refused it


class AssessmentLine(IdMixin, Base):
    """One income or outgoing line: an SFS heading, the amount and how often, as entered."""

    __tablename__ = "assessment_line"

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("income_assessment.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    heading: Mapped[str] = mapped_column(String(60))  # an SFS data-entry field name
    amount_pence: Mapped[int]
    frequency: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")


class AssessmentDebt(IdMixin, Base):
    """A priority or non-priority debt: creditor, amount owed, monthly offer, CCJ (A5)."""

    __tablename__ = "assessment_debt"

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("income_assessment.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    priority: Mapped[bool]
    creditor: Mapped[str] = mapped_column(String(200), default="")
    owed_pence: Mapped[int] = mapped_column(default=0)
    offer_pence: Mapped[int] = mapped_column(default=0)  # monthly
    ccj: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class GuidelineFigure(IdMixin, Base):
    """One licensed spending-guideline figure (A6): a flexible category for a household key."""

    __tablename__ = "guideline_figure"
    __table_args__ = (UniqueConstraint("category", "household_key", "effective_from"),)

    category: Mapped[str] = mapped_column(String(60))
    household_key: Mapped[str] = mapped_column(String(60))
    amount_pence: Mapped[int]  # per month
    effective_from: Mapped[date]
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


def write_figures(session: Session, row: IncomeAssessment, value: sfs.Assessment) -> None:
    """Hold ``value``'s figures on ``row``: the household, savings, fees and offer on the row,
    and its lines and debts as child rows in order, replacing any held before. The one place
    an assessment's figures become rows (typed on this laptop, or pulled from the store)."""
    household = value.household
    row.assessed_on = value.assessed_on
    row.adults = household.adults
    row.children_under_16 = household.children_under_16
    row.children_16_18 = household.children_16_18
    row.other_dependants = household.other_dependants
    row.non_dependants = household.non_dependants
    row.vehicles = household.vehicles
    row.savings_pence = value.savings_pence
    row.admin_fee_pence = value.admin_fee_pence
    row.rent_offer_pence = value.rent_offer_pence
    session.flush()  # the row exists before its children refer to it
    session.execute(delete(AssessmentLine).where(AssessmentLine.assessment_id == row.id))
    session.execute(delete(AssessmentDebt).where(AssessmentDebt.assessment_id == row.id))
    session.add_all(
        AssessmentLine(
            assessment_id=row.id,
            position=position,
            heading=line.heading,
            amount_pence=line.amount_pence,
            frequency=line.frequency.value,
            note=line.note,
        )
        for position, line in enumerate(value.lines)
    )
    debts = [(True, d, False) for d in value.priority_debts] + [
        (False, d, d.ccj) for d in value.non_priority_debts
    ]
    session.add_all(
        AssessmentDebt(
            assessment_id=row.id,
            position=position,
            priority=priority,
            creditor=debt.creditor,
            owed_pence=debt.owed_pence,
            offer_pence=debt.offer_pence,
            ccj=ccj,
            note=debt.note,
        )
        for position, (priority, debt, ccj) in enumerate(debts)
    )
