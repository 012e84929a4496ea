"""The officer's caseload on this laptop, opened: what every use case runs against.

A :class:`Workspace` is made once, when the app or a command starts (:func:`open_workspace`),
and handed to every service function as its first argument; the screens and commands hold it
without ever reaching inside. Each service opens its own transaction on ``workspace.store``
(``with workspace.store.transaction() as session``), so a use case is one unit of work that
commits whole or not at all, and nothing above the services holds a Session, a model or a query.

``clock`` is the council's clock (``app.domain.clock``): services read "now" and "today" from it,
so a test or a bench fixes the moment in one place.

Errors: the store's refusals (:class:`StoreError` and its kinds: no keyring, a key that does not
fit, a damaged file...) are re-exported here for the screens and commands to catch.

Threading: a Workspace may be used from any thread; each service call opens its own Session on
the calling thread. ``close()`` after every worker has finished.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.domain.clock import SYSTEM_CLOCK, Clock
from app.store.database import LocalStore, open_local_store
from app.store.errors import (
    CaseloadErased,
    CaseloadLocked,
    PinNeeded,
    PinRefused,
    StoreError,
)
from app.store.keys import DEMO_FILE_SOURCE

#: ``progress(done, total, message)``: long use cases report through it, on their own (worker)
#: thread; ``total`` is None when unknown. It may raise to stop the work (what was committed
#: stays).
Progress = Callable[[int, "int | None", str], None]


def no_progress(done: int, total: int | None, message: str) -> None:
    """A :data:`Progress` that shows nothing (scripts, tests)."""


@dataclass(frozen=True)
class Workspace:
    """An open encrypted caseload and the clock its use cases read (see the module)."""

    store: LocalStore
    clock: Clock = field(default=SYSTEM_CLOCK)

    @property
    def data_dir(self) -> Path:
        """The folder holding the database (and a council's own policy file, if installed)."""
        return self.store.path.parent

    @property
    def uses_demo_key_file(self) -> bool:
        """True only for the synthetic demo on a machine with no keyring (its title says so)."""
        return self.store.key_source == DEMO_FILE_SOURCE

    def close(self) -> None:
        """Fold the write-ahead log back into the file and release the database."""
        self.store.close()

    @property
    def locked(self) -> bool:
        """Doorstep is locked: every use case is refused until the PIN unlocks it."""
        return self.store.locked

    def load_the_rest(self) -> None:
        """Load what opening a case needs (SQLAlchemy, the models and the case services, over
        half a second) and make the store's engine: called once the worklist is on screen,
        on the database worker, so the first case opens as fast as the next one. The start
        itself reads the caseload without them (see ``LocalStore.plain_transaction``)."""
        from app.services import case_file  # noqa: F401  (and with it the ORM)

        with self.store.transaction():
            pass


def open_workspace(
    data_dir: Path,
    *,
    allow_demo_files: bool = False,
    clock: Clock = SYSTEM_CLOCK,
    check_in_background: bool = False,
    pin: str | None = None,
) -> Workspace:
    """Open (or create, on first run) the encrypted caseload in ``data_dir``.

    Raises :class:`StoreError` (its message says what is wrong and that nothing was changed).
    With ``check_in_background`` the file's integrity is checked while the caller goes on and
    the first use case raises the error instead (``app.store.database.open_local_store``).
    A key kept wrapped with the officer's PIN needs ``pin`` (``PinNeeded`` without it,
    ``PinRefused`` when it is wrong).
    """
    store = open_local_store(
        data_dir,
        allow_demo_files=allow_demo_files,
        check_in_background=check_in_background,
        pin=pin,
    )
    return Workspace(store, clock)


__all__ = [
    "CaseloadErased",
    "CaseloadLocked",
    "PinNeeded",
    "PinRefused",
    "Progress",
    "StoreError",
    "Workspace",
    "no_progress",
    "open_workspace",
]
