"""Fixtures every test can use: a central store on SQLite and on PostgreSQL, an in-memory
keyring, and an isolated DOORSTEP_HOME.

PostgreSQL: tests that need it read ``DOORSTEP_TEST_PG_URL``. Where it is set they must run,
so an unreachable server fails them; where it is not, they skip with a visible reason. Each
test run creates its own database and drops it afterwards, so runs never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.memory_keyring import MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The offscreen screen is an officer's laptop (1366x768), the smallest Doorstep is designed for,
# so every window test runs at the size officers have (tests/ui/windows.py: assert_fits_laptop).
LAPTOP_SCREEN = Path(__file__).parent / "ui" / "laptop-screen.json"
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={LAPTOP_SCREEN}"

PG_ENV = "DOORSTEP_TEST_PG_URL"


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets a fresh in-memory keyring unless it installs another backend."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def cheap_pin_derivation(monkeypatch: pytest.MonkeyPatch) -> None:
    """PINs wrapped in tests are derived cheaply (the parameters go with each wrapped key, so
    unwrapping uses them too); tests/store/test_pin.py checks the real ones."""
    from app.store import pin

    monkeypatch.setattr(pin, "DEFAULT_KDF", pin.KdfParams(time_cost=1, memory_kib=8, parallelism=1))


@pytest.fixture(autouse=True)
def doorstep_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every path the app or the central store uses at the test's own folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DOORSTEP_HOME", str(home))
    monkeypatch.delenv("DOORSTEP_DATA_DIR", raising=False)
    monkeypatch.setenv("DOORSTEP_CENTRAL_URL", f"sqlite:///{home / 'central.sqlite'}")
    return home


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A database of this test run's own on the PostgreSQL server, dropped at the end."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests skipped: set {PG_ENV} (CI sets it) to run them")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"doorstep_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # fails loudly when the server is unreachable: never skip
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_pg(url: str) -> None:
    """Empty the run's PostgreSQL database so each test starts from nothing."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def central_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL for an empty central store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central-test.sqlite'}"
    url: str = request.getfixturevalue("pg_server_url")
    _reset_pg(url)
    return url
