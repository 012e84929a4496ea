"""The background runner: inline for logic tests, real threads for a few."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.ui.ops import InlineRunner, Op, ProgressFn, ThreadRunner
from tests.ui.fakes import RecordingPrompts


class SinkWidget(QWidget):
    """A widget that shows progress itself (as the main window's status bar does)."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[object, ...]] = []

    def begin_progress(self, label: str) -> None:
        self.events.append(("begin", label))

    def update_progress(self, done: int, total: int | None, message: str) -> None:
        self.events.append(("update", done, total, message))

    def end_progress(self) -> None:
        self.events.append(("end",))


def test_inline_success_and_progress(qtbot: QtBot, inline_runner: InlineRunner) -> None:
    widget = SinkWidget()
    qtbot.addWidget(widget)
    results: list[int] = []

    def work(progress: ProgressFn) -> int:
        progress(1, 2, "half")
        progress(2, 2, "done")
        return 42

    Op(widget, work, runner=inline_runner).success(results.append).with_progress("Working…").run()
    assert results == [42]
    assert widget.events == [
        ("begin", "Working…"),
        ("update", 1, 2, "half"),
        ("update", 2, 2, "done"),
        ("end",),
    ]


def test_inline_failure_goes_to_callback(qtbot: QtBot, inline_runner: InlineRunner) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    errors: list[Exception] = []

    def work(progress: ProgressFn) -> None:
        raise ValueError("no such case")

    Op(widget, work, runner=inline_runner).failure(errors.append).run()
    assert [str(e) for e in errors] == ["no such case"]


def test_failure_without_callback_is_shown(
    qtbot: QtBot, inline_runner: InlineRunner, prompts: RecordingPrompts
) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)

    def work(progress: ProgressFn) -> None:
        raise ValueError("the database is busy")

    Op(widget, work, runner=inline_runner, prompts=prompts).run()
    assert prompts.shown == [("error", "Doorstep", "the database is busy")]


def test_real_thread_runs_off_gui_thread_and_reports_on_it(
    qtbot: QtBot, thread_runner: ThreadRunner
) -> None:
    widget = SinkWidget()
    qtbot.addWidget(widget)
    gui = threading.get_ident()
    seen: dict[str, int] = {}

    def work(progress: ProgressFn) -> str:
        seen["worker"] = threading.get_ident()
        progress(1, None, "step")
        return "ok"

    done: list[str] = []

    def on_success(result: str) -> None:
        seen["callback"] = threading.get_ident()
        done.append(result)

    Op(widget, work, runner=thread_runner).success(on_success).with_progress("Busy").run()
    qtbot.waitUntil(lambda: done == ["ok"], timeout=5000)
    assert seen["worker"] != gui
    assert seen["callback"] == gui
    assert widget.events == [("begin", "Busy"), ("update", 1, None, "step"), ("end",)]


def test_real_thread_failure(qtbot: QtBot, thread_runner: ThreadRunner) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    errors: list[Exception] = []

    def work(progress: ProgressFn) -> None:
        raise OSError("disk full")

    Op(widget, work, runner=thread_runner).failure(errors.append).run()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], OSError)


def test_database_jobs_run_one_at_a_time_in_order(
    qtbot: QtBot, thread_runner: ThreadRunner
) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    order: list[int] = []
    inside = threading.Lock()

    def job(n: int) -> object:
        def work(progress: ProgressFn) -> int:
            assert inside.acquire(blocking=False), "two database jobs ran at once"
            try:
                order.append(n)
                return n
            finally:
                inside.release()

        return work

    finished: list[int] = []
    for n in range(5):
        Op(widget, job(n), runner=thread_runner, kind="db").success(finished.append).run()
    qtbot.waitUntil(lambda: len(finished) == 5, timeout=5000)
    assert order == [0, 1, 2, 3, 4]
    assert finished == [0, 1, 2, 3, 4]


def test_progress_dialog_when_parent_is_not_a_sink(
    qtbot: QtBot, thread_runner: ThreadRunner
) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    gate = threading.Event()
    done: list[bool] = []

    def work(progress: ProgressFn) -> bool:
        gate.wait(5)
        return True

    op = Op(widget, work, runner=thread_runner, kind="net").success(done.append)
    op.with_progress("Downloading your caseload…").run()
    dialog = op._sink.dialog  # type: ignore[union-attr]
    assert dialog is not None
    assert dialog.labelText() == "Downloading your caseload…"
    gate.set()
    qtbot.waitUntil(lambda: done == [True], timeout=5000)
    assert op._sink.dialog is None  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["db", "net"])
def test_inline_runner_records_kind(kind: str, qtbot: QtBot) -> None:
    runner = InlineRunner()
    Op(None, lambda _progress: None, runner=runner, kind=kind).success(lambda _: None).run()  # type: ignore[arg-type]
    assert runner.kinds == [kind]
