"""Connecting to the central store and bringing its schema up to date.

The store is named by ``DOORSTEP_CENTRAL_URL`` (e.g. ``postgresql+psycopg://user@host/db``);
without it, an SQLite file under the user's data directory is the embedded default.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from platformdirs import user_data_path
from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.orm import Session

from central.models import ChangeCounter, Meta

MIGRATIONS = Path(__file__).parent / "migrations"


def default_url() -> str:
    """The central store's URL: ``DOORSTEP_CENTRAL_URL`` or the embedded SQLite file."""
    url = os.environ.get("DOORSTEP_CENTRAL_URL")
    if url:
        return url
    folder = user_data_path("Doorstep Central", appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'central.sqlite'}"


def make_engine(url: str | None = None) -> Engine:
    """An engine for the central store; SQLite gets WAL, foreign keys and a busy timeout."""
    url = url or default_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Upgrade the schema to head and seed the singletons (epoch, change counter)."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "head")
    with Session(engine) as session, session.begin():
        if session.get(ChangeCounter, 1) is None:
            session.add(ChangeCounter(id=1, value=0))
        if session.get(Meta, "epoch") is None:
            session.add(Meta(key="epoch", value=uuid.uuid4().hex))


def epoch(session: Session) -> str:
    """The store's epoch: a restore from backup gets a new one, and devices re-bootstrap."""
    return session.execute(select(Meta.value).where(Meta.key == "epoch")).scalar_one()


def open_store(url: str | None = None) -> Engine:
    """An engine on an up-to-date central store."""
    engine = make_engine(url)
    migrate(engine)
    return engine


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")
