"""The local audit log: every read of a case and every change, as ids and events only.

Invariant: no names, addresses or amounts tied to a person are ever written here.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin
from app.sqlkit.utc import UTCDateTime, utcnow


class AuditEvent(IdMixin, Base):
    """Something an officer did on this device (append-only)."""

    __tablename__ = "audit_event"

    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    event: Mapped[str] = mapped_column(String(60))  # e.g. "case.viewed", "sync.pulled"
    entity_type: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
