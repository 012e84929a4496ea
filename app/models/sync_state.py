"""Sync bookkeeping on the device: the outbox of unsent mutations and the pull cursor.

An outbox row is appended in the same transaction as the change it describes and removed only
once the server has acknowledged it. ``SyncState`` is a single row (id 1).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, TimestampMixin
from app.sqlkit.utc import UTCDateTime


class OutboxMutation(IdMixin, TimestampMixin, Base):
    """A change made on this device, waiting to be pushed. ``id`` is the mutation_id."""

    __tablename__ = "outbox_mutation"

    device_seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    intent: Mapped[str] = mapped_column(String(80))  # versioned, e.g. "arrangement.create@1"
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    entity_ids: Mapped[list[str]] = mapped_column(JSON)
    base_version: Mapped[int | None] = mapped_column(BigInteger)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The device clock is recorded for people, never used to order anything.
    device_time: Mapped[datetime] = mapped_column(UTCDateTime)


class SyncState(Base):
    """Where this device stands with the central store (one row, id 1)."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    server_url: Mapped[str | None] = mapped_column(String(300))
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    epoch: Mapped[str | None] = mapped_column(String(64))
    bootstrapped: Mapped[bool] = mapped_column(default=False)
    last_pull_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last device_seq handed to an outbox mutation: device_seq keeps increasing after the
    # outbox empties (the server keeps the numbers it has seen, for diagnosis).
    last_device_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
