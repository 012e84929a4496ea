"""A form's error messages shown under (or beside) the field they name.

Services refuse bad input with a message that starts with the field's name
(``"until: needs the date …"``); :func:`split_field_message` finds which field that is, and the
rest of this module shows the text in a red label next to it. Shared by every form and dialog
so that a refusal reads the same everywhere. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

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
