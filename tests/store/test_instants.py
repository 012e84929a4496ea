"""One rule for instants in the laptop database, whether written by the ORM column type or by
the plain SQL of start-up: aware UTC in, naive refused, a stored value read back as aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite

from app.sqlkit.instants import NAIVE_REFUSED
from app.sqlkit.utc import UTCDateTime
from app.store.instants import instant_to_store, stored_instant

LONDON_SUMMER = timezone(timedelta(hours=1))


def test_plain_sql_and_the_column_type_store_and_read_an_instant_alike() -> None:
    column, dialect = UTCDateTime(), sqlite.dialect()
    instant = datetime(2026, 7, 1, 9, 30, 15, 250, tzinfo=LONDON_SUMMER)
    bound = column.process_bind_param(instant, dialect)
    # UTC, its zone dropped for SQLite (which has no zone type).
    assert bound == datetime(2026, 7, 1, 8, 30, 15, 250, tzinfo=UTC).replace(tzinfo=None)
    assert instant_to_store(instant) == "2026-07-01 08:30:15.000250"
    read_back = stored_instant("2026-07-01 08:30:15.000250")
    assert read_back == column.process_result_value(bound, dialect) == instant
    assert read_back is not None
    assert read_back.tzinfo is UTC
    assert stored_instant(None) is None
    assert column.process_result_value(None, dialect) is None


def test_a_naive_instant_is_refused_by_both_never_guessed() -> None:
    naive = datetime(2026, 7, 1, 9, 30, tzinfo=UTC).replace(tzinfo=None)
    with pytest.raises(ValueError, match=NAIVE_REFUSED):
        instant_to_store(naive)
    with pytest.raises(ValueError, match=NAIVE_REFUSED):
        UTCDateTime().process_bind_param(naive, sqlite.dialect())
