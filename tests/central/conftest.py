"""Fixtures of the central store tests: a migrated store on each backend, and two officers
with a device each on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from central.db import open_store
from tests.central.push_world import World


@pytest.fixture
def engine(central_url: str) -> Iterator[Engine]:
    engine = open_store(central_url)
    yield engine
    engine.dispose()


@pytest.fixture
def world(engine: Engine) -> World:
    return World(engine)
