"""The one way the UI runs work off the GUI thread (after Anki's ``CollectionOp``).

    Op(parent, lambda progress: run_sync(store=store, progress=progress), kind="net")
        .success(on_synced).failure(on_failed).with_progress("Syncing…").run()

Threading rules:

- An ``Op`` is built and ``run()`` on the GUI thread.
- ``fn`` runs on a worker thread. It is always called with one argument, a thread-safe
  ``progress(done, total, message)`` callable (``total`` None when unknown), and must never
  touch a widget or any QObject of the GUI thread; it returns a plain value or raises.
- Its result, exception and progress come back through the signals of an ``_OpBridge`` made on
  the GUI thread, so the callbacks and the progress display run on the GUI thread.
- Database work (``kind="db"``, the default) goes to a single-worker queue, so it runs one
  job at a time in the order given; network work (``kind="net"``) goes to a small pool.
- The runner is injectable: ``ThreadRunner`` uses real threads; ``InlineRunner`` runs ``fn``
  at once on the calling thread (Picard's ``FakeThreadPool``), so logic tests need no waiting.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Generic, Literal, Protocol, TypeVar, runtime_checkable

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.ui.prompts import Prompts

log = logging.getLogger(__name__)

T = TypeVar("T")
OpKind = Literal["db", "net"]
ProgressFn = Callable[[int, int | None, str], None]


@runtime_checkable
class ProgressSink(Protocol):
    """Something on the GUI thread that shows an operation's progress (a status bar, a dialog).

    A widget passed as an Op's parent that has these methods shows the progress itself;
    otherwise the Op shows a ``ProgressDialogSink``.
    """

    def begin_progress(self, label: str) -> None: ...

    def update_progress(self, done: int, total: int | None, message: str) -> None: ...

    def end_progress(self) -> None: ...


class OpRunner(Protocol):
    """Runs a job (a callable that reports through signals, never raises) somewhere."""

    def start(self, job: Callable[[], None], *, kind: OpKind) -> None: ...

    def wait_for_done(self, timeout_ms: int = -1) -> bool: ...


class ThreadRunner:
    """Real worker threads: one single-thread pool for the database, one pool for network.

    ``shutdown`` waits for running jobs and removes the pools' threads; call it before
    closing the store (and tests call it so that no thread outlives a test).
    """

    def __init__(self, *, net_threads: int = 3) -> None:
        self._db = QThreadPool()
        self._db.setMaxThreadCount(1)
        self._net = QThreadPool()
        self._net.setMaxThreadCount(net_threads)

    def start(self, job: Callable[[], None], *, kind: OpKind) -> None:
        (self._db if kind == "db" else self._net).start(job)

    def active_count(self) -> int:
        """Jobs running now (queued ones are not counted)."""
        return self._db.activeThreadCount() + self._net.activeThreadCount()

    def wait_for_done(self, timeout_ms: int = -1) -> bool:
        """Wait for every queued and running job; True when all finished in time."""
        net_done = self._net.waitForDone(timeout_ms)
        db_done = self._db.waitForDone(timeout_ms)
        return net_done and db_done

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Drop queued jobs, wait for running ones and let the threads exit."""
        self._net.clear()
        self._db.clear()
        return self.wait_for_done(timeout_ms)


class InlineRunner:
    """Runs each job at once on the calling thread: for tests and scripts (no threads)."""

    def __init__(self) -> None:
        self.kinds: list[OpKind] = []

    def start(self, job: Callable[[], None], *, kind: OpKind) -> None:
        self.kinds.append(kind)
        job()

    def wait_for_done(self, timeout_ms: int = -1) -> bool:
        return True


_shared: ThreadRunner | None = None


def shared_runner() -> ThreadRunner:
    """The process's default ``ThreadRunner`` (made on first use, on the GUI thread)."""
    global _shared
    if _shared is None:
        _shared = ThreadRunner()
    return _shared


class ProgressDialogSink:
    """Shows progress in a window-modal ``QProgressDialog`` with no cancel button."""

    def __init__(self, parent: QWidget | None, *, title: str = "Doorstep") -> None:
        self._parent = parent
        self._title = title
        self.dialog: QProgressDialog | None = None

    def begin_progress(self, label: str) -> None:
        dialog = QProgressDialog(label, "", 0, 0, self._parent)
        dialog.setWindowTitle(self._title)
        dialog.setCancelButton(None)  # type: ignore[arg-type]
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(380)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        self.dialog = dialog

    def update_progress(self, done: int, total: int | None, message: str) -> None:
        if self.dialog is None:
            return
        if total:
            self.dialog.setRange(0, total)
            self.dialog.setValue(min(done, total))
        else:
            self.dialog.setRange(0, 0)
        if message:
            self.dialog.setLabelText(message)

    def end_progress(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


class _OpBridge(QObject):
    """Made on the GUI thread; its signals, emitted from a worker, arrive there queued."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(object, object, str)

    def __init__(self, op: Op[object]) -> None:
        super().__init__(None)
        self._op = op
        self.finished.connect(self._on_finished)
        self.failed.connect(self._on_failed)
        self.progressed.connect(self._on_progressed)

    @Slot(object)
    def _on_finished(self, result: object) -> None:
        self._op._deliver_success(result)
        self.deleteLater()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        assert isinstance(error, Exception)
        self._op._deliver_failure(error)
        self.deleteLater()

    @Slot(object, object, str)
    def _on_progressed(self, done: object, total: object, message: str) -> None:
        self._op._deliver_progress(done, total, message)  # type: ignore[arg-type]


# Bridges whose operation has not finished: holds the Python side alive until it has.
_running: set[_OpBridge] = set()


class Op(Generic[T]):
    """One piece of work run off the GUI thread, with callbacks on the GUI thread.

    ``parent`` is the widget the work is for: it receives the progress (when it is a
    ``ProgressSink``) and parents any error message. Without ``.failure(cb)``, an exception is
    logged and shown with ``prompts.show_error``.
    """

    def __init__(
        self,
        parent: QWidget | None,
        fn: Callable[[ProgressFn], T],
        *,
        kind: OpKind = "db",
        runner: OpRunner | None = None,
        prompts: Prompts | None = None,
    ) -> None:
        self._parent = parent
        self._fn = fn
        self._kind: OpKind = kind
        self._runner: OpRunner = runner if runner is not None else shared_runner()
        self._prompts = prompts or Prompts()
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[Exception], None] | None = None
        self._label: str | None = None
        self._sink: ProgressSink | None = None

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> Op[T]:
        self._on_failure = callback
        return self

    def with_progress(self, label: str, *, sink: ProgressSink | None = None) -> Op[T]:
        """Show ``label`` (then the messages ``fn`` reports) while the work runs."""
        self._label = label
        if sink is not None:
            self._sink = sink
        elif isinstance(self._parent, ProgressSink):
            self._sink = self._parent
        else:
            self._sink = ProgressDialogSink(self._parent)
        return self

    def run(self) -> None:
        """Start the work; returns at once (or, with an ``InlineRunner``, once it is done)."""
        bridge = _OpBridge(self)  # type: ignore[arg-type]
        _running.add(bridge)
        if self._sink is not None and self._label is not None:
            self._sink.begin_progress(self._label)
        fn = self._fn

        def progress(done: int, total: int | None, message: str) -> None:
            with contextlib.suppress(RuntimeError):  # the bridge is gone: the app is closing
                bridge.progressed.emit(done, total, message)

        def job() -> None:
            try:
                result = fn(progress)
            except Exception as exc:
                try:
                    bridge.failed.emit(exc)
                except RuntimeError:
                    log.debug("operation failed after its bridge was deleted", exc_info=exc)
                return
            try:
                bridge.finished.emit(result)
            except RuntimeError:
                log.debug("operation finished after its bridge was deleted")

        self._bridge = bridge
        self._runner.start(job, kind=self._kind)

    # -- on the GUI thread -------------------------------------------------------------------
    def _finish(self) -> None:
        _running.discard(self._bridge)
        if self._sink is not None and self._label is not None:
            self._sink.end_progress()

    def _deliver_success(self, result: T) -> None:
        self._finish()
        if self._on_success is not None:
            self._on_success(result)

    def _deliver_failure(self, error: Exception) -> None:
        self._finish()
        if self._on_failure is not None:
            self._on_failure(error)
            return
        log.error("background operation failed", exc_info=error)
        self._prompts.show_error(self._parent, "Doorstep", str(error) or type(error).__name__)

    def _deliver_progress(self, done: int, total: int | None, message: str) -> None:
        if self._sink is not None and self._label is not None:
            self._sink.update_progress(done, total, message)
