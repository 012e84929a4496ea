"""What an officer records on a visit: contacts, promises to pay, follow-ups and referrals.

Invariants (as for a case action recorded on a device, ``app.models.recovery``):

- append-only: a row is never edited; a correction, a follow-up marked done or a referral's
  outcome is a *new version* whose ``supersedes_id`` names the one it replaces, and the version
  in force is the one no other version replaces (``app.domain.visits``);
- a row made on this device is ``pending`` until the central store acknowledges its mutation,
  written in the same transaction as that mutation; a pull never deletes or changes a pending
  row, and ``tenancy_id`` is not a foreign key, so a pending row outlives its case leaving the
  officer's scope until it is pushed;
- a row the central store refused stays on its case with ``sync_problem`` saying why;
- ``recorded_by`` is the display name of the officer who recorded it (shown with the record;
  the central store fills it in for rows it sends).

Threading: plain ORM entities; a Session belongs to one thread.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin
from app.sqlkit.utc import UTCDateTime


class VisitRecordMixin(IdMixin):
    """The columns every visit record shares: its case, its version chain and its sync state."""

    tenancy_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # not a foreign key
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pending: Mapped[bool] = mapped_column(default=False)
    server_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    sync_problem: Mapped[str | None] = mapped_column(Text)


class Contact(VisitRecordMixin, Base):
    """A contact with the household (``app.domain.visits`` codes for ``how`` and ``outcome``).

    ``spoke_to_person_id`` names a household member, or ``spoke_to_name`` someone else;
    ``action_id`` the recovery action the contact served (the visit before a NOSP)."""

    __tablename__ = "contact"
    __table_args__ = (Index("ix_contact_tenancy_on", "tenancy_id", "on_date"),)

    on_date: Mapped[date]
    how: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(24))
    spoke_to_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    spoke_to_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    action_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class PaymentPromise(VisitRecordMixin, Base):
    """A promise to pay ``amount_pence`` by ``due_on``, made on ``made_on`` during a contact."""

    __tablename__ = "payment_promise"

    contact_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    made_on: Mapped[date]
    due_on: Mapped[date]
    amount_pence: Mapped[int]
    withdrawn: Mapped[bool] = mapped_column(default=False)


class FollowUp(VisitRecordMixin, Base):
    """A dated task on a case; ``status`` open, done or cancelled."""

    __tablename__ = "follow_up"

    contact_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    due_on: Mapped[date]
    task: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")


class Referral(VisitRecordMixin, Base):
    """A referral to ``to`` (``app.domain.visits.REFERRAL_KINDS``) made on ``on_date``, why,
    and its ``outcome`` once known (``outcome_on``)."""

    __tablename__ = "referral"

    to: Mapped[str] = mapped_column(String(24))
    on_date: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    outcome_on: Mapped[date | None]
    outcome_note: Mapped[str] = mapped_column(Text, default="")
