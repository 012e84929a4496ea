"""The outbox mark beside the database follows every committed change to the outbox and no
rolled-back one, and can be read when the database itself will not open."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import delete

from app.models import OutboxMutation
from app.paths import database_path
from app.store.database import open_local_store, read_outbox_mark
from app.store.outbox_mark import MARK_NAME, OutboxMark, touch_outbox
from app.sync.outbox import append_mutation


def _queue(store, *, fail: bool = False) -> None:  # type: ignore[no-untyped-def]
    with store.transaction() as session:
        append_mutation(session, intent="case_action.record@1", args={}, entity_ids=[uuid.uuid4()])
        if fail:
            raise RuntimeError("the use case failed after queueing")


def test_the_mark_counts_what_was_committed_and_nothing_rolled_back(tmp_path: Path) -> None:
    store = open_local_store(tmp_path)
    assert store.outbox_mark() is None  # nothing queued yet
    _queue(store)
    _queue(store)
    assert store.outbox_mark() == OutboxMark(queued=2, waiting=2)
    with pytest.raises(RuntimeError):
        _queue(store, fail=True)
    assert store.outbox_mark() == OutboxMark(queued=2, waiting=2)
    with store.transaction() as session:  # as the push does with an answered change
        session.execute(delete(OutboxMutation).where(OutboxMutation.device_seq == 1))
        touch_outbox(session)
    assert store.outbox_mark() == OutboxMark(queued=2, waiting=1)
    key = store._key
    store.close()
    database_path(tmp_path).write_bytes(b"")  # the database will not open now
    assert read_outbox_mark(tmp_path, key) == OutboxMark(queued=2, waiting=1)


def test_a_mark_that_fails_its_seal_reads_as_none(tmp_path: Path) -> None:
    store = open_local_store(tmp_path)
    _queue(store)
    mark = tmp_path / MARK_NAME
    mark.write_bytes(mark.read_bytes()[:-1] + b"9")
    assert store.outbox_mark() is None
    store.close()
