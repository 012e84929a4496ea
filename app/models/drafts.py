"""Forms left open when Doorstep locked, kept to open again as they were.

Invariant: lives only in the encrypted database and is never synced; a row is read (and
deleted) when the caseload is next unlocked or opened.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin
from app.sqlkit.utc import UTCDateTime, utcnow


class FormDraft(IdMixin, Base):
    """One open screen: its kind, its case, what was typed in it, and where it came in order."""

    __tablename__ = "form_draft"

    kind: Mapped[str] = mapped_column(String(40))  # "case", "record_action", "arrangement", ...
    tenancy_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
