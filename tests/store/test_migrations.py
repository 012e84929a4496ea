"""Both schemas: exactly one Alembic head, and the models and migrations do not drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, inspect
from sqlalchemy.orm import Session

from app.models import Base
from app.store import schema
from app.store.database import open_local_store
from central.db import MIGRATIONS as CENTRAL_MIGRATIONS
from central.db import epoch as db_epoch
from central.db import open_store
from central.models import CentralBase, ChangeCounter


def _heads(location: Path) -> list[str]:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(location))
    return list(ScriptDirectory.from_config(config).get_heads())


def test_each_schema_has_exactly_one_head():
    assert len(_heads(schema.MIGRATIONS)) == 1
    assert len(_heads(CENTRAL_MIGRATIONS)) == 1


def test_the_start_up_shortcut_names_the_same_head_as_alembic():
    """Start-up compares the stamp with the newest file name, so the names must follow."""
    assert schema.newest_revision_file() == schema.head_revision()


def test_client_models_and_migrations_agree(tmp_path):
    store = open_local_store(tmp_path)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.close()
    assert diff == []


def test_central_models_and_migrations_agree(central_url):
    engine = open_store(central_url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), CentralBase.metadata
        )
    engine.dispose()
    assert diff == []


def _schema_and_singletons(engine: Engine) -> tuple[object, ...]:
    """What a start at head must leave alone: revision, tables and columns, epoch, counter."""
    with engine.connect() as conn:
        inspector = inspect(conn)
        tables = {
            name: [(c["name"], str(c["type"])) for c in inspector.get_columns(name)]
            for name in inspector.get_table_names()
        }
        revision = MigrationContext.configure(conn).get_current_revision()
    with Session(engine) as session:
        singletons = (db_epoch(session), session.get(ChangeCounter, 1).value)
    return revision, tables, singletons


def test_central_migration_is_a_no_op_at_head(central_url):
    engine = open_store(central_url)
    with Session(engine) as session, session.begin():
        session.get(ChangeCounter, 1).value = 41  # as if changes had been numbered
    before = _schema_and_singletons(engine)
    assert before[0] == _heads(CENTRAL_MIGRATIONS)[0]
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        again = open_store(central_url)  # a second start changes nothing and does not fail
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    ddl = [s for s in statements if s.lstrip().upper().startswith(("CREATE", "ALTER", "DROP"))]
    writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert (ddl, writes) == ([], [])
    assert _schema_and_singletons(again) == before  # same epoch: devices need not re-bootstrap
    again.dispose()
    engine.dispose()


@pytest.mark.parametrize("name", ["doorstep.db"])
def test_the_app_refuses_nothing_at_head(tmp_path, name):
    open_local_store(tmp_path).close()
    open_local_store(tmp_path).close()
    assert (tmp_path / name).exists()


def test_upgrade_from_0001_keeps_the_data_and_pulls_the_scope_again(tmp_path):
    """0002 adds arrangements and case actions; everything held stays, and the cursor goes
    back to 0 so that the next sync brings the arrangements and actions the device skipped."""
    import uuid
    from datetime import date

    from alembic import command
    from sqlalchemy import inspect, select, text

    from app.models import LedgerEntry, OutboxMutation, SyncState, Tenancy
    from app.sqlkit.utc import utcnow

    store = open_local_store(tmp_path)
    with store.engine.begin() as connection:
        command.downgrade(schema._config(connection), "0001")
    tenancy_id, device_id = uuid.uuid4(), uuid.uuid4()
    with store.session() as session, session.begin():
        session.add(
            Tenancy(
                id=tenancy_id,
                ref="T1",
                address="1 Imaginary Row",
                postcode="ZZ9 9ZZ",
                tenure="secure",
                start_date=date(2020, 1, 6),
                end_date=None,
                weekly_rent_pence=10_050,
                officer_id=None,
                patch=None,
                server_seq=7,
            )
        )
        session.flush()
        session.add(
            LedgerEntry(
                tenancy_id=tenancy_id,
                ref="L1",
                posted_on=date(2024, 1, 1),
                type="rent",
                amount_pence=10_050,
                description="Rent",
                server_seq=8,
            )
        )
        # As 0001 had it (the model has columns added since).
        session.execute(
            text(
                "INSERT INTO sync_state (id, device_id, cursor, epoch, bootstrapped) "
                "VALUES (1, :device, 1234, 'e', 1)"
            ),
            {"device": device_id.hex},
        )
        session.add(
            OutboxMutation(
                device_seq=1, intent="note.add@1", args={}, entity_ids=[], device_time=utcnow()
            )
        )
    store.close()

    store = open_local_store(tmp_path)
    with store.engine.connect() as connection:
        assert schema.current_revision(connection) == schema.head_revision()
        tables = set(inspect(connection).get_table_names())
    assert {"arrangement", "case_action"} <= tables
    assert list(tmp_path.glob("*.before-*.bak"))
    with store.session() as session:
        assert session.scalars(select(Tenancy.ref)).all() == ["T1"]
        line = session.scalars(select(LedgerEntry)).one()
        assert (line.amount_pence, line.posted_on, line.tenancy_id) == (
            10_050,
            date(2024, 1, 1),
            tenancy_id,
        )
        state = session.get(SyncState, 1)
        assert state is not None
        assert (state.cursor, state.epoch, state.device_id, state.bootstrapped) == (
            0,
            "e",
            device_id,
            True,
        )
        assert state.last_device_seq == 1  # numbering goes on after what is queued
        assert len(session.scalars(select(OutboxMutation)).all()) == 1
    store.close()


def test_upgrade_from_0002_keeps_actions_the_outbox_and_its_numbering(tmp_path):
    """0003 adds ``case_action.sync_problem`` (why the server refused an action): every action
    held, pending or not, and every queued mutation stay as they were, with no problem noted.
    0004 adds ``sync_state.last_device_seq``, starting after the highest queued number."""
    import uuid
    from datetime import date

    from alembic import command
    from sqlalchemy import inspect, select

    from app.models import CaseAction, OutboxMutation, SyncState
    from app.sqlkit.utc import utcnow

    store = open_local_store(tmp_path)
    with store.engine.begin() as connection:
        command.downgrade(schema._config(connection), "0002")
    with store.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("case_action")}
    assert "sync_problem" not in columns
    pending_id, pulled_id = uuid.uuid4(), uuid.uuid4()
    recorded_at = utcnow()
    with store.engine.begin() as connection:
        for action_id, pending, seq in ((pending_id, True, 0), (pulled_id, False, 42)):
            connection.exec_driver_sql(
                "INSERT INTO case_action (id, tenancy_id, ref, on_date, code, until, note, "
                "source, officer_id, recorded_at, pending, server_seq) "
                "VALUES (?, ?, ?, '2025-02-03', 'visit', NULL, 'n', 'device', NULL, NULL, ?, ?)",
                (action_id.hex, uuid.uuid4().hex, str(action_id), pending, seq),
            )
        connection.exec_driver_sql(
            "INSERT INTO sync_state (id, device_id, cursor, bootstrapped) VALUES (1, ?, 7, 1)",
            (uuid.uuid4().hex,),
        )
    with store.session() as session, session.begin():
        session.add(
            OutboxMutation(
                device_seq=3,
                intent="case_action.record@1",
                args={"action_id": str(pending_id)},
                entity_ids=[str(pending_id)],
                device_time=recorded_at,
            )
        )
    store.close()

    store = open_local_store(tmp_path)
    with store.engine.connect() as connection:
        assert schema.current_revision(connection) == schema.head_revision()
    with store.session() as session:
        actions = {a.id: a for a in session.scalars(select(CaseAction))}
        assert {a: (r.pending, r.server_seq, r.sync_problem) for a, r in actions.items()} == {
            pending_id: (True, 0, None),
            pulled_id: (False, 42, None),
        }
        assert actions[pending_id].on_date == date(2025, 2, 3)
        [queued] = session.scalars(select(OutboxMutation)).all()
        assert queued.args == {"action_id": str(pending_id)}
        state = session.get(SyncState, 1)
        assert state is not None
        assert (state.cursor, state.last_device_seq) == (7, 3)
    store.close()
