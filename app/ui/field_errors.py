"""A form's error messages shown under (or beside) the field they name, and one way for a
dialog to save and be refused.

Services refuse bad input with a message that starts with the field's name
(``"until: needs the date …"``); :func:`split_field_message` finds which field that is, and the
rest of this module shows the text in a red label next to it. Shared by every form and dialog
so that a refusal reads the same everywhere. :class:`SaveFeedback` is the whole of a dialog's
save as the officer sees it: the button while it saves, a refusal under its field with the
focus moved there, an unexpected failure logged and shown, and the buttons kept still while
messages come and go. GUI thread only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

ERROR_STYLE = "color: #b00020;"


def error_label(*, expand: bool = False, selectable: bool = False) -> QLabel:
    """A hidden, word-wrapped red label for one field's message."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if expand:
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    label.hide()
    return label


def with_error_below(field: QWidget, error: QLabel) -> QWidget:
    """The field with its message right under it; the row's label (Alt+letter) focuses the
    field itself."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(field)
    column.addWidget(error)
    box.setFocusProxy(field)
    return box


def show_errors(labels: Mapping[str, QLabel], errors: Mapping[str, str]) -> None:
    """Show each field's message (and hide the others)."""
    for name, label in labels.items():
        text = errors.get(name, "")
        label.setText(text)
        label.setVisible(bool(text))


def split_field_message(
    message: str, fields: Collection[str], aliases: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """``"until: needs the date"`` -> ``("until", "Needs the date")`` when ``until`` is one of
    ``fields`` (after ``aliases``); a message naming another one-word field goes to ``""``
    with that name dropped; any other message to ``""`` whole."""
    field, sep, rest = message.partition(":")
    field = field.strip()
    field = (aliases or {}).get(field, field)
    if sep and (field in fields or " " not in field):
        text = rest.strip()
        return (field if field in fields else ""), text[:1].upper() + text[1:]
    return "", message


class SaveFeedback:
    """What a dialog shows about its save: the save button while it saves, and each message
    under the field it names.

    Made with the form's field names (``aliases`` map the names a service uses to ours);
    :meth:`below` puts a field in the form with its red label under it and remembers where a
    refusal naming it sends the focus; :attr:`general` is the label for a message that names
    no field of ours (the dialog places it above its buttons); :meth:`use_button` names the save
    button and its two texts.

    A save goes: return early while :attr:`saving`; :meth:`begin` (the button disables and says
    it is busy); the work on a worker; then :meth:`saved` or :meth:`refused` (the ``Op``'s
    failure callback). A ``refusal`` (the service's "bad input" exception) is shown under the
    field it names and the focus moves there; any other error is logged with its traceback
    (the exception, never the form's contents) and shown in the general label as ``not_saved``
    words it.

    Messages do not move the buttons: the dialog's layout ends with a stretch above the
    buttons, and :meth:`make_room` sizes the dialog to its content plus a few lines of room,
    which a message or warning fills as it appears; only more than the room grows the dialog
    (:meth:`keep_whole`), and it never shrinks while messages come and go.

    Invariant: one save at a time; the save button is enabled exactly when not saving.
    Threading: GUI thread only.
    """

    def __init__(
        self,
        dialog: QWidget,
        fields: Sequence[str],
        *,
        refusal: type[Exception],
        not_saved: Callable[[Exception], str],
        log: logging.Logger,
        failed: str,
        aliases: Mapping[str, str] | None = None,
        selectable: bool = False,
    ) -> None:
        self._dialog = dialog
        self._fields = tuple(fields)
        self._aliases = dict(aliases or {})
        self._refusal = refusal
        self._not_saved = not_saved
        self._log = log
        self._failed = failed
        self.labels: dict[str, QLabel] = {
            name: error_label(expand=True, selectable=selectable) for name in (*fields, "")
        }
        self._focus: dict[str, QWidget] = {}
        self._button: QPushButton | None = None
        self._idle_text = self._busy_text = ""
        self._saving = False

    # -- the form -------------------------------------------------------------------------
    @property
    def general(self) -> QLabel:
        """The label for a message naming no field of ours."""
        return self.labels[""]

    def below(self, field: QWidget, name: str, *, focus: QWidget | None = None) -> QWidget:
        """``field`` with the message for ``name`` under it; a refusal naming ``name`` moves
        the focus to ``focus`` (default: the field)."""
        self._focus[name] = focus or field
        return with_error_below(field, self.labels[name])

    def use_button(self, button: QPushButton, *, idle: str, busy: str) -> None:
        """The save button, reading ``idle`` and, while saving, ``busy``."""
        self._button = button
        self._idle_text, self._busy_text = idle, busy
        button.setText(idle)

    # -- messages -------------------------------------------------------------------------
    def split(self, message: str) -> tuple[str, str]:
        """The field a service's message names ("" for none of ours) and the text to show."""
        return split_field_message(message, self._fields, self._aliases)

    def show(self, errors: Mapping[str, str]) -> None:
        """Show each field's message and hide the others (``{}`` clears them all)."""
        show_errors(self.labels, errors)
        self.keep_whole()

    def error_for(self, name: str) -> str:
        """The message shown for ``name`` ("" for the general one), or ""."""
        return self.labels[name].text()

    def error_text(self) -> str:
        """Every message shown, in the form's order."""
        return " ".join(filter(None, (self.error_for(name) for name in self.labels)))

    def focus_error(self) -> None:
        """Move the focus to the first field showing a message."""
        for name in self._fields:
            target = self._focus.get(name)
            if self.error_for(name) and target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    # -- the save -------------------------------------------------------------------------
    @property
    def saving(self) -> bool:
        return self._saving

    def begin(self) -> None:
        """The save has gone to the worker: clear the messages and show the button busy."""
        self.show({})
        self._set_saving(True)

    def saved(self) -> None:
        """The save is done: the button is ready again."""
        self._set_saving(False)

    def refused(self, error: Exception) -> None:
        """The save failed: a refusal under the field it names (focused), else logged and
        shown in the general label. Nothing was saved either way."""
        self._set_saving(False)
        if isinstance(error, self._refusal):
            field, text = self.split(str(error))
        else:
            self._log.error(self._failed, exc_info=error)
            field, text = "", self._not_saved(error)
        self.show({field: text})
        self.focus_error()

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        if self._button is not None:
            self._button.setEnabled(not saving)
            self._button.setText(self._busy_text if saving else self._idle_text)

    # -- keeping the buttons still --------------------------------------------------------
    def make_room(self, *, lines: int) -> None:
        """Size the dialog to what it shows now plus ``lines`` lines of room for messages
        (see the class). Call it while no message is shown: after loading, or when the
        officer changes the form's shape."""
        dialog = self._dialog
        layout = dialog.layout()
        if layout is None:
            return
        layout.activate()
        # As wide as its content wants (an explicit minimum width would let rows be squeezed),
        # never narrower than the officer made it.
        width = max(layout.totalSizeHint().width(), dialog.minimumWidth())
        if dialog.isVisible():
            width = max(width, dialog.width())
        height = (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        # A message comes with the gap above it as well as its lines.
        room = lines * dialog.fontMetrics().lineSpacing() + max(layout.spacing(), 0)
        dialog.resize(width, height + room)

    def keep_whole(self) -> None:
        """Grow the dialog when what it shows now needs more height than it has. (Qt leaves
        wrapped text out of a window's minimum size, so it would squeeze the rows instead.)
        Never shrinks it: the room left is what keeps the buttons still."""
        dialog = self._dialog
        layout = dialog.layout()
        if layout is None or not layout.hasHeightForWidth():
            return
        layout.activate()
        needed = layout.totalHeightForWidth(dialog.width())
        if needed > dialog.height():
            dialog.resize(dialog.width(), needed)
