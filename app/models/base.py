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

from app.models.types import UTCDateTime, utcnow

# Named constraints so that Alembic batch migrations on SQLite can find and alter them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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
