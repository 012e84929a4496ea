"""One signal that tells every open screen what an operation changed (after Anki's OpChanges).

After an operation succeeds, the screen that ran it emits
``hub.operation_did_execute.emit(changes, initiator)`` with the service's change summary
(``ActionRecorded`` after an action is recorded, ``SyncSummary`` after a sync); every screen
listening redraws only what the summary says changed (the worklist reloads one case; a case
window reloads itself if it shows that case).

Threading: made, emitted and received on the GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ChangeHub(QObject):
    """Carries ``operation_did_execute(changes, initiator)`` between screens."""

    operation_did_execute = Signal(object, object)
