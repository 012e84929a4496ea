"""A crash loses nothing saved, freed memory keeps no decrypted page, an error never quotes what
it was writing, and changes lost with a deleted write-ahead log are noticed (issue 11, items 9
and 11)."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.models import AuditEvent
from app.paths import database_path, write_private_file
from app.services.outbox_check import changes_missing
from app.services.workspace import Workspace
from app.store.database import open_local_store
from app.sync.outbox import append_mutation


def test_every_connection_syncs_each_commit_and_wipes_freed_memory(tmp_path: Path) -> None:
    store = open_local_store(tmp_path)
    with store.plain_transaction(writing=False) as plain:
        assert plain.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert plain.execute("PRAGMA cipher_memory_security").fetchone() == ("1",)
    with store.session() as session:
        assert session.execute(text("PRAGMA synchronous")).scalar_one() == 2
        assert session.execute(text("PRAGMA cipher_memory_security")).scalar_one() == "1"
    store.close()


def test_a_database_error_never_quotes_the_values_it_was_writing(tmp_path: Path) -> None:
    # Failed before the fix: the message (shown and logged) carried the note's text.
    store = open_local_store(tmp_path)
    secret = f"tenant disclosed a diagnosis {uuid.uuid4()}"
    with pytest.raises(IntegrityError) as caught, store.session() as session:
        session.execute(
            text("INSERT INTO case_action (id, note) VALUES (:id, :note)"),
            {"id": uuid.uuid4().hex, "note": secret},
        )
    assert secret not in str(caught.value)
    assert "hidden" in str(caught.value)
    store.close()


def _queue(store, count: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        with store.transaction() as session:
            append_mutation(session, intent="case_action.record@1", args={}, entity_ids=[])


def test_changes_lost_with_the_write_ahead_log_are_noticed_once(tmp_path: Path) -> None:
    # Failed before the fix: the next start and sync went on as if nothing had been queued.
    folder = tmp_path / "data"
    folder.mkdir()
    store = open_local_store(folder)
    _queue(store, 1)
    store.close()  # folded in: the database holds 1
    store = open_local_store(folder)
    _queue(store, 2)  # in the write-ahead log only, while the store is open
    saved_without_log = tmp_path / "without-log.db"
    shutil.copyfile(database_path(folder), saved_without_log)
    store.close()
    shutil.copyfile(saved_without_log, database_path(folder))  # as if the log was deleted
    for leftover in folder.glob("doorstep.db-*"):
        leftover.unlink()

    workspace = Workspace(open_local_store(folder))
    assert changes_missing(workspace) == 2
    assert changes_missing(workspace) == 0, "said once"
    with workspace.store.session() as session:
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.event == "outbox.changes_missing")
        ).all()
    assert event.detail == {"missing": 2, "queued_before": 3, "queued_now": 1}
    workspace.close()


def test_nothing_is_missing_after_a_clean_close(tmp_path: Path) -> None:
    store = open_local_store(tmp_path)
    _queue(store, 3)
    store.close()
    workspace = Workspace(open_local_store(tmp_path))
    assert changes_missing(workspace) == 0
    workspace.close()


def test_an_export_is_written_whole_and_readable_by_its_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Failed before the fix: exports were written in place, 0644.
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "summary.pdf"
    target.write_bytes(b"old")
    write_private_file(target, b"%PDF- new")
    assert target.read_bytes() == b"%PDF- new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["summary.pdf"], "no temporary file left"

    def full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_private_file(target, b"%PDF- newer")
    assert target.read_bytes() == b"%PDF- new", "the old file, whole"
    assert [p.name for p in folder.iterdir()] == ["summary.pdf"]
