"""Declarative base and the mixins every client entity uses.

Every synced row has a UUID primary key made by whoever creates it (the device for records
made on site, the central store for rows imported from the HMS), so records made offline
never collide.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.sqlkit.naming import NAMING
from app.sqlkit.utc import UTCDateTime, utcnow


class Base(DeclarativeBase):
    """Base of the client's tables (the encrypted laptop database)."""

    metadata = MetaData(naming_convention=NAMING)


class IdMixin:
    """A UUID primary key, made by whoever creates the row."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    """When a row made on this device was created and last changed (aware UTC)."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
