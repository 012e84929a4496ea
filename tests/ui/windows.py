"""The main window over a seeded store, offline, finding a case in it by its ref, and whether a
window fits the laptop screen: the set-up and checks most UI tests share."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.domain.clock import Clock, SetClock
from app.services.workspace import Workspace
from app.store.database import LocalStore
from app.ui.case_window import CaseWindow
from app.ui.context import UiContext
from app.ui.main_window import MainWindow
from app.ui.ops import InlineRunner, ThreadRunner
from app.ui.worklist_model import WorklistColumn
from tests.ui.fakes import RecordingPrompts
from tests.ui.seed import SEED_TODAY


def no_sync(workspace: Workspace, **kwargs: Any) -> Any:
    """A sync function for tests that must work with no network at all."""
    raise AssertionError("this test must not need the network")


def ui_context(
    store: LocalStore,
    runner: InlineRunner | ThreadRunner,
    prompts: RecordingPrompts,
    clock: Clock | None = None,
) -> UiContext:
    """What the windows are given: ``store`` as a workspace whose clock says today is the
    seed's day (unless ``clock`` says otherwise), the test's runner and its prompts."""
    workspace = Workspace(store, clock or SetClock.on(SEED_TODAY))
    return UiContext(workspace, runner, prompts)


def make_window(
    qtbot: QtBot,
    store: LocalStore,
    runner: InlineRunner | ThreadRunner,
    prompts: RecordingPrompts,
    sync_fn: Callable[..., Any] = no_sync,
    clock: Clock | None = None,
) -> MainWindow:
    """The worklist window on ``store`` (today: the seed's day unless ``clock`` says
    otherwise), shown; it is closed with the test."""
    window = MainWindow(ui_context(store, runner, prompts, clock), sync_fn=sync_fn)
    qtbot.addWidget(window)
    window.show()
    return window


def row_of(window: MainWindow, ref: str) -> int:
    """The worklist row (in the filtered, sorted view) of the case ``ref``."""
    return next(r for r in range(window.proxy.rowCount()) if window.proxy.row_at(r).ref == ref)


def tenancy_of(window: MainWindow, ref: str) -> uuid.UUID:
    return window.proxy.row_at(row_of(window, ref)).tenancy_id


def open_ref(window: MainWindow, ref: str) -> CaseWindow:
    """Open the case ``ref`` from the worklist, loaded."""
    case = window.open_case(tenancy_of(window, ref))
    assert case is not None
    assert case.case is not None
    return case


def worklist_cell(window: MainWindow, ref: str, column: WorklistColumn) -> str:
    return str(window.proxy.index(row_of(window, ref), column).data())


def horizontal_scrollers(window: QWidget) -> list[str]:
    """The scroll areas in ``window`` scrolling sideways now (their accessible or object name)."""
    return [
        area.accessibleName() or area.objectName() or type(area).__name__
        for area in window.findChildren(QAbstractScrollArea)
        if area.isVisibleTo(window) and area.horizontalScrollBar().isVisible()
    ]


def cut_off_labels(window: QWidget) -> list[str]:
    """Visible one-line labels narrower than their text (the text is cut off)."""
    return [
        label.text()
        for label in window.findChildren(QLabel)
        if label.isVisibleTo(window)
        and not label.wordWrap()
        and label.text()
        and label.width() < label.minimumSizeHint().width()
    ]


def assert_fits_laptop(window: QWidget) -> None:
    """``window``, shown at the size it gives itself, fits the laptop screen (1366x768) with no
    sideways scrolling and no one-line label cut off."""
    QApplication.processEvents()
    screen = window.screen().availableGeometry()
    assert (screen.width(), screen.height()) == (1366, 768), "tests run on a laptop screen"
    frame = window.frameGeometry()
    assert screen.contains(frame), f"{type(window).__name__} {frame} does not fit {screen}"
    scrolling = horizontal_scrollers(window)
    assert not scrolling, f"{type(window).__name__} scrolls sideways in {scrolling}"
    cut = cut_off_labels(window)
    assert not cut, f"{type(window).__name__} cuts off {cut}"
