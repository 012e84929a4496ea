"""The central store's tables; they run unchanged on PostgreSQL and on the SQLite default.

Every row that devices pull carries ``seq``: the change number its current version got from
the one increasing sequence (``change_counter``, see ``central.sequence``). Scope changes
(a case moving between officers) are rows of ``scope_event`` numbered from the same sequence.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, MetaData, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.sqlkit.naming import NAMING
from app.sqlkit.utc import UTCDateTime, utcnow


class CentralBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Meta(CentralBase):
    """Store-wide facts, e.g. ``epoch`` (a new one after a restore forces devices to reset)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ChangeCounter(CentralBase):
    """The single row holding the last change number handed out."""

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Officer(CentralBase):
    """An income officer. Without a password hash the account cannot sign in yet."""

    __tablename__ = "officer"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by IT (`officer disable`): no sign-in and no device token is accepted until cleared.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Device(CentralBase):
    """A laptop enrolled to an officer. Only a hash of its token is kept."""

    __tablename__ = "device"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officer.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # When the current token was issued; it expires TOKEN_LIFETIME later (NULL: before 0008).
    token_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    name: Mapped[str] = mapped_column(String(200), default="")
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by IT (`device wipe`): the device's next contact is told to erase its data, and
    # ``wiped_at`` records when it was first told.
    wipe_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    wiped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Tenancy(CentralBase):
    __tablename__ = "tenancy"
    __table_args__ = (Index("ix_tenancy_officer_seq", "officer_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    address: Mapped[str] = mapped_column(Text)
    postcode: Mapped[str] = mapped_column(String(10))
    tenure: Mapped[str] = mapped_column(String(24))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    weekly_rent_pence: Mapped[int]
    weekly_service_charge_pence: Mapped[int] = mapped_column(default=0)
    rent_weeks: Mapped[int] = mapped_column(default=52)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officer.id"))
    patch: Mapped[str | None] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column(BigInteger, index=True)


class Person(CentralBase):
    __tablename__ = "person"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    tenancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenancy.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(20))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date | None]
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    is_lead: Mapped[bool] = mapped_column(default=False)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)


class LedgerEntry(CentralBase):
    """A ledger line from the HMS: immutable once imported (keyed by transaction_ref)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_tenancy_seq", "tenancy_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    tenancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenancy.id"))
    posted_on: Mapped[date]
    type: Mapped[str] = mapped_column(String(16))
    amount_pence: Mapped[int]
    description: Mapped[str | None] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)


class Arrangement(CentralBase):
    """A version of a payment arrangement: agreed in the HMS (arrangements.csv, ``source``
    "hms") or on a device (``source`` "device", pushed as ``arrangement.agree@1`` /
    ``arrangement.cancel@1`` by ``officer_id`` and agreed on ``made_on``). A version is never
    edited: ``supersedes_id`` names the version a newer one replaced, which has then ended."""

    __tablename__ = "arrangement"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    tenancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenancy.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date]
    frequency: Mapped[str] = mapped_column(String(16))
    instalment_pence: Mapped[int]
    starting_balance_pence: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="live")
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    source: Mapped[str] = mapped_column(String(8), default="hms")
    made_on: Mapped[date | None]
    officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officer.id"))
    day_of_month: Mapped[int | None]  # monthly terms kept to a UC pay day (ArrangementTerms)


class ScopeEvent(CentralBase):
    """A case entering or leaving an officer's scope, numbered from the change sequence."""

    __tablename__ = "scope_event"
    __table_args__ = (Index("ix_scope_event_officer_seq", "officer_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officer.id"))
    tenancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenancy.id"))
    kind: Mapped[str] = mapped_column(String(8))  # "enter" or "leave"
    # When it happened (None for events from before migration 0006): late work from an officer
    # the case left is judged against it (central.push).
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CaseAction(CentralBase):
    """A dated action on a case (a letter sent, a NOSP served, a pause, a warning).

    ``ref`` is the HMS ``action_ref`` for imported actions (``source`` ``"hms"``) and the
    device's UUID as text for actions recorded on a device (``source`` ``"device"``, with the
    officer and the time recorded). ``code`` is one of ``app.domain.case_actions.ACTION_KINDS``;
    ``until`` is the extra date some codes need (a NOSP's expiry, a hearing date).
    """

    __tablename__ = "case_action"
    __table_args__ = (Index("ix_case_action_tenancy_seq", "tenancy_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    tenancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenancy.id"), index=True)
    on_date: Mapped[date]
    code: Mapped[str] = mapped_column(String(40))
    until: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(8))  # "hms" or "device"
    officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officer.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    # The income and expenditure assessment a referral to debt advice was sent with.
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # A vulnerability's support need and where it was learned (app.domain.case_actions codes).
    support_need: Mapped[str | None] = mapped_column(String(24))
    learned_from: Mapped[str | None] = mapped_column(String(24))


class IncomeAssessment(CentralBase):
    """A finished income and expenditure assessment, pushed by a device as
    ``assessment.add@1``: append-only, a later one names the one it replaced in
    ``supersedes_id``. ``content`` holds the figures as entered (``AssessmentContent`` of
    ``app.protocol.messages``: household, lines with their own frequencies, debts), from which
    ``app.domain.sfs`` works out every total; one immutable document per assessment, read and
    written whole, so it is one JSON column rather than child tables."""

    __tablename__ = "income_assessment"
    __table_args__ = (Index("ix_income_assessment_tenancy_seq", "tenancy_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    tenancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenancy.id"))
    assessed_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(12))  # "device" or "sfs-import"
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officer.id"))
    finalised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[dict[str, Any]] = mapped_column(JSON)


class AppliedMutation(CentralBase):
    """What became of one mutation a device pushed (``central.push``), kept so that the same
    mutation sent again answers the same result and changes nothing.

    Keyed by ``(device_id, mutation_id)``: a mutation id is made by the device, so it is unique
    only together with the device. ``status`` is ``applied``, ``conflict`` or ``rejected``;
    ``reason`` says why for the last two; ``seq`` is the change number an applied change got.
    """

    __tablename__ = "applied_mutation"

    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device.id"), primary_key=True)
    mutation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device_seq: Mapped[int] = mapped_column(BigInteger)
    intent: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    seq: Mapped[int | None] = mapped_column(BigInteger)
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class _VisitRecord:
    """What every visit record pushed by a device carries (``app.models.visits``): append-only
    versions, a correction naming the one it replaces in ``supersedes_id``; ``device_id`` the
    laptop that recorded it and ``recorded_at`` that laptop's instant, for the HMS export;
    ``recorded_by`` the recording officer's display name as it was when the record was pushed
    (``central.push``), sent with the row so every laptop shows who recorded it."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    tenancy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenancy.id"), index=True)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officer.id"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Contact(_VisitRecord, CentralBase):
    """A contact with a household (``app.domain.visits`` codes), perhaps naming the household
    member spoken to or another person, and the recovery action it served."""

    __tablename__ = "contact"

    on_date: Mapped[date]
    how: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(24))
    spoke_to_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    spoke_to_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    action_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class PaymentPromise(_VisitRecord, CentralBase):
    """A promise to pay ``amount_pence`` by ``due_on``, made on ``made_on``."""

    __tablename__ = "payment_promise"

    contact_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    made_on: Mapped[date]
    due_on: Mapped[date]
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    withdrawn: Mapped[bool] = mapped_column(default=False)


class FollowUp(_VisitRecord, CentralBase):
    """A dated task on a case; ``status`` open, done or cancelled."""

    __tablename__ = "follow_up"

    contact_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    due_on: Mapped[date]
    task: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))


class Referral(_VisitRecord, CentralBase):
    """A referral (``app.domain.visits.REFERRAL_KINDS``), why, and its outcome once known."""

    __tablename__ = "referral"

    to: Mapped[str] = mapped_column(String(24))
    on_date: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(16))
    outcome_on: Mapped[date | None]
    outcome_note: Mapped[str] = mapped_column(Text, default="")
