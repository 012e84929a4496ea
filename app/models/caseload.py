"""The officer's caseload as held on the laptop: tenancies, people and the rent ledger.

These rows belong to the central store and arrive by pull; the device never edits them
(what an officer records on site is its own record, never a ledger line). ``server_seq`` is
the change number the central store gave the row's current version.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin


class Officer(IdMixin, Base):
    """The signed-in officer (the id is the central store's)."""

    __tablename__ = "officer"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")


class Tenancy(IdMixin, Base):
    """A rent account: a tenancy of a home or a garage."""

    __tablename__ = "tenancy"

    ref: Mapped[str] = mapped_column(String(40), unique=True)
    address: Mapped[str] = mapped_column(Text)
    postcode: Mapped[str] = mapped_column(String(10))
    tenure: Mapped[str] = mapped_column(String(24))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    weekly_rent_pence: Mapped[int]
    weekly_service_charge_pence: Mapped[int] = mapped_column(default=0)
    rent_weeks: Mapped[int] = mapped_column(default=52)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    patch: Mapped[str | None] = mapped_column(String(80))
    server_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class Person(IdMixin, Base):
    """A tenant or household member named on a tenancy."""

    __tablename__ = "person"

    tenancy_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenancy.id", ondelete="CASCADE"), index=True
    )
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str | None] = mapped_column(String(20))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None]
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    is_lead: Mapped[bool] = mapped_column(default=False)
    server_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class LedgerEntry(IdMixin, Base):
    """One line of the rent ledger: a charge (positive) or a credit (negative), in pence."""

    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_tenancy_posted", "tenancy_id", "posted_on"),)

    tenancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenancy.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    posted_on: Mapped[date]
    type: Mapped[str] = mapped_column(String(16))
    amount_pence: Mapped[int]
    description: Mapped[str | None] = mapped_column(Text)
    server_seq: Mapped[int] = mapped_column(BigInteger, default=0)
