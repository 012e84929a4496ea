"""Recovery on the laptop: payment arrangements and case actions, as pulled from the central store.

Both arrive by pull (``app.sync.pull``) with the columns of their wire rows
(``app.protocol.messages.ArrangementRow`` / ``ActionRow``); ``server_seq`` is the change number the
central store gave the row's current version (0 for a row the server has not sent yet).

Invariants:

- an ``Arrangement`` pulled from the server (``source`` "hms", or "device" once pushed) is
  read-only on the device and removed with its case. Terms are never edited: an arrangement
  agreed, renegotiated or cancelled on this device is a *new version* (``source`` "device",
  ``pending`` until acknowledged, ``made_on`` the day it was agreed), written with its outbox
  mutation by ``app.services.arrangements``; ``supersedes_id`` names the version it replaces,
  and a superseded version has ended (the latest version of a case's arrangement is the one in
  force). A pending arrangement is protected from the pull exactly as a pending case action is
  (so ``tenancy_id`` is not a foreign key here either), and one the server rejected keeps
  ``sync_problem``.
- a ``CaseAction`` recorded on this device is a local row with ``source`` "device" and
  ``pending`` true, written in the same transaction as its outbox mutation (by the service
  that records actions). A pull never deletes a pending action and never changes its fields
  (it may only note, in ``server_seq``, that the server already holds it); the push, once the
  server acknowledges the mutation, clears ``pending``. So ``tenancy_id`` is deliberately not a
  foreign key: a pending action outlives its case leaving this officer's scope until it is
  pushed (it still reaches the case on the server), and survives a re-bootstrap.
- an action the server rejected stays visible on its case, not pending, with ``sync_problem``
  saying why (so nothing is silently lost); it survives a re-bootstrap (the server does not
  hold it, so the pull cannot bring it back), and goes when its case leaves the device.

Threading: plain ORM entities; a Session belongs to one thread.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin
from app.sqlkit.utc import UTCDateTime


class Arrangement(IdMixin, Base):
    """A payment arrangement on a case: an instalment per ``frequency`` from ``start_date``."""

    __tablename__ = "arrangement"

    # Not a foreign key: a pending version outlives its case leaving scope (see the module).
    tenancy_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date]
    frequency: Mapped[str] = mapped_column(String(16))
    instalment_pence: Mapped[int]
    starting_balance_pence: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="live")
    server_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The version this one replaces (renegotiated or cancelled); None for a first version.
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    source: Mapped[str] = mapped_column(String(8), default="hms")  # "hms" or "device"
    made_on: Mapped[date | None]
    day_of_month: Mapped[int | None]  # monthly terms kept to a UC pay day (see ArrangementTerms)
    pending: Mapped[bool] = mapped_column(default=False)
    # Why the central store refused this version (None unless it did).
    sync_problem: Mapped[str | None] = mapped_column(Text)


class CaseAction(IdMixin, Base):
    """A dated action on a case (``app.domain.case_actions`` code), from the HMS or this device.

    ``ref`` is the HMS ``action_ref``, or for an action recorded on a device that device's
    UUID as text (the row's ``id``). It is indexed but not unique here: uniqueness is the
    central store's to enforce, and a clash must never stop a pull.
    """

    __tablename__ = "case_action"
    __table_args__ = (Index("ix_case_action_tenancy_on", "tenancy_id", "on_date"),)

    tenancy_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # not a foreign key: see the module
    ref: Mapped[str] = mapped_column(String(40), index=True)
    on_date: Mapped[date]
    code: Mapped[str] = mapped_column(String(40))
    until: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(8))  # "hms" or "device"
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending: Mapped[bool] = mapped_column(default=False)
    server_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # Why the central store refused this action (None unless it did); see the module.
    sync_problem: Mapped[str | None] = mapped_column(Text)
    # The income and expenditure assessment a referral to debt advice was sent with.
    assessment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # A vulnerability's support need and where it was learned (app.domain.case_actions codes;
    # None for every other action, and for one imported from the HMS).
    support_need: Mapped[str | None] = mapped_column(String(24))
    learned_from: Mapped[str | None] = mapped_column(String(24))
