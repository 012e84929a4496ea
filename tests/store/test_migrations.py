"""Both schemas: exactly one Alembic head, and the models and migrations do not drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.models import Base
from app.store import schema
from app.store.database import open_local_store
from central.db import MIGRATIONS as CENTRAL_MIGRATIONS
from central.db import open_store
from central.models import CentralBase


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


def test_central_migration_is_a_no_op_at_head(central_url):
    engine = open_store(central_url)
    open_store(central_url)  # a second start changes nothing and does not fail
    engine.dispose()


@pytest.mark.parametrize("name", ["doorstep.db"])
def test_the_app_refuses_nothing_at_head(tmp_path, name):
    open_local_store(tmp_path).close()
    open_local_store(tmp_path).close()
    assert (tmp_path / name).exists()
