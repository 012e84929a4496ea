"""Keeping a form's draft as the officer types (``app.services.drafts``).

A form calls :meth:`DraftKeeper.typed` on each change; a moment after the last one the draft
(the form's own ``draft()`` values, its kind and its case) is written to the encrypted database
on the database worker. :meth:`DraftKeeper.drop` forgets it once saved or discarded;
:meth:`DraftKeeper.stop` leaves it (the lock keeps the open forms itself). A draft left behind
by a crash opens its form again at the next start (``take_open_forms``).

Threading: GUI thread only; the writes run through ``Op`` (kind "db").
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer

from app.services.drafts import drop_draft, keep_draft
from app.services.screen_lock import OpenForm
from app.ui.context import UiContext
from app.ui.ops import ProgressFn

log = logging.getLogger(__name__)

#: How long after the last keystroke the draft is written (a write per key would be wasteful).
DRAFT_DELAY_MS = 600


class DraftKeeper(QObject):
    """The draft of one open form: ``kind`` (as the lock names it), its case, and
    ``state()`` giving what is typed as JSON values."""

    def __init__(
        self,
        context: UiContext,
        *,
        kind: str,
        tenancy_id: uuid.UUID,
        state: Callable[[], Mapping[str, object]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.kind = kind
        self.tenancy_id = tenancy_id
        self.draft_id = uuid.uuid4()
        self._state = state
        self._dirty = False
        self._stopped = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DRAFT_DELAY_MS)
        self.timer.timeout.connect(self.keep_now)

    def typed(self) -> None:
        """Something changed: write the draft a moment from now."""
        if self._stopped:
            return
        self._dirty = True
        self.timer.start()

    def keep_now(self) -> None:
        """Write the draft now, if anything changed since the last write."""
        if not self._dirty or self._stopped:
            return
        self._dirty = False
        workspace, draft_id = self.context.workspace, self.draft_id
        form = OpenForm(self.kind, self.tenancy_id, dict(self._state()))

        def work(_progress: ProgressFn) -> None:
            keep_draft(workspace, draft_id=draft_id, form=form)

        self.context.op(None, work).failure(_failed).run()

    def drop(self) -> None:
        """Forget the draft: what it held was saved, or the officer discarded it (nothing,
        once stopped for the lock: the lock keeps the form)."""
        if self._stopped:
            return
        self.timer.stop()
        self._dirty = False
        workspace, draft_id = self.context.workspace, self.draft_id

        def work(_progress: ProgressFn) -> None:
            drop_draft(workspace, draft_id=draft_id)

        self.context.op(None, work).failure(_failed).run()

    def stop(self) -> None:
        """Write no more (the form closes for the lock, which keeps it as it stands)."""
        self.timer.stop()
        self._stopped = True


def _failed(error: Exception) -> None:
    log.warning("keeping a draft failed: %s", type(error).__name__)
