"""What every window and dialog of the app is given: one small value instead of six arguments.

- ``workspace``: the officer's caseload on this laptop, handed to each use case (the screens
  never reach inside it: no Session, model or query above ``app.services``);
- ``runner``: where work runs off the GUI thread (real threads, or inline in logic tests);
- ``prompts``: message boxes and file dialogs, behind a seam tests replace;
- ``changes``: the hub every open screen listens on for what an operation changed.

``today()`` is the council's date from the workspace's clock: the day the worklist and every
form are worked out for (tests set the clock, not each screen).

Threading: made and used on the GUI thread; ``workspace`` may be used on workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from app.services.workspace import Workspace
from app.ui.changes import ChangeHub
from app.ui.ops import Op, OpKind, OpRunner, ProgressFn, shared_runner
from app.ui.prompts import Prompts

T = TypeVar("T")


@dataclass(frozen=True)
class UiContext:
    """The workspace and the GUI's seams (see the module)."""

    workspace: Workspace
    runner: OpRunner = field(default_factory=shared_runner)
    prompts: Prompts = field(default_factory=Prompts)
    changes: ChangeHub = field(default_factory=ChangeHub)

    def today(self) -> date:
        """Today where the council is."""
        return self.workspace.clock.today()

    def op(
        self, parent: QWidget | None, fn: Callable[[ProgressFn], T], *, kind: OpKind = "db"
    ) -> Op[T]:
        """An :class:`~app.ui.ops.Op` for ``parent`` on this context's runner and prompts."""
        return Op(parent, fn, kind=kind, runner=self.runner, prompts=self.prompts)
