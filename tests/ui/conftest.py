"""Fixtures for the GUI tests: runners (inline and real threads), recording prompts, a local
store seeded with a synthetic caseload, and a guard that fails any test leaving work running.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from app.paths import data_dir
from app.store.database import LocalStore, open_local_store
from app.ui import ops
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import seed_caseload, seed_officer

# The offscreen platform (QT_QPA_PLATFORM=offscreen) warns about features it lacks; those
# messages say nothing about the app, every other Qt warning still fails a test.
OFFSCREEN_NOISE = (
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise()",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def no_operation_left_running() -> Iterator[None]:
    """Fail a test that leaves a background operation unfinished or a pool thread busy."""
    yield
    shared = ops._shared
    if shared is not None:
        assert shared.shutdown(10_000), "the shared runner's jobs did not finish"
    app = QCoreApplication.instance()
    if app is not None and ops._running:
        app.processEvents()  # deliver results that finished during the last moments
    leftover = len(ops._running)
    ops._running.clear()
    assert not leftover, f"{leftover} operation(s) never delivered their result"


@pytest.fixture(autouse=True)
def collect_widget_cycles_on_the_gui_thread() -> Iterator[None]:
    """Collect each test's garbage cycles (windows held by lambdas) here, on the GUI thread.

    Left alone, the cyclic collector may run later on a worker thread, in the middle of another
    test's job, and destroy a Python-owned window there: a segmentation fault.
    """
    yield
    gc.collect()


@pytest.fixture
def inline_runner() -> ops.InlineRunner:
    return ops.InlineRunner()


@pytest.fixture
def thread_runner() -> Iterator[ops.ThreadRunner]:
    runner = ops.ThreadRunner()
    yield runner
    assert runner.shutdown(10_000), "worker jobs still running at the end of the test"
    assert runner.active_count() == 0


@pytest.fixture
def prompts() -> RecordingPrompts:
    return RecordingPrompts()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    opened = open_local_store(data_dir(tmp_path / "data"))
    yield opened
    opened.close()


@pytest.fixture
def seeded(store: LocalStore) -> LocalStore:
    """The store with the seed's named cases and 26 more, and its officer signed in."""
    seed_caseload(store, extra=26)
    seed_officer(store)
    return store
