"""Asking for the PIN: to open the caseload, or to choose one (typed twice).

A small modal dialog: what it is for, the PIN field (hidden as typed), a second one when a new
PIN is chosen, and a line for what was wrong with the last try. It only collects the text; what
is checked and what happens live in the services. Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui.text import start as words


class PinDialog(QDialog):
    """``exec()`` then ``pin()``; ``new`` asks for the PIN twice and refuses a mismatch."""

    def __init__(
        self, parent: QWidget | None, *, title: str, text: str, new: bool, problem: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("PinDialog")
        self.setMinimumWidth(460)
        self.intro = QLabel(text)
        self.intro.setWordWrap(True)
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setAccessibleName("PIN")
        self.again_edit = QLineEdit()
        self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit.setAccessibleName("PIN again")
        self.problem_label = QLabel(problem)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #b71c1c")
        self.problem_label.setVisible(bool(problem))
        form = QFormLayout()
        form.addRow(words.PIN_LABEL, self.pin_edit)
        if new:
            form.addRow(words.PIN_AGAIN_LABEL, self.again_edit)
        self._new = new
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept_if_typed)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        self.pin_edit.setFocus()

    def pin(self) -> str:
        return self.pin_edit.text()

    def _accept_if_typed(self) -> None:
        if not self.pin_edit.text():
            self._say(words.NO_PIN)
        elif self._new and self.again_edit.text() != self.pin_edit.text():
            self._say(words.PINS_DIFFER)
            self.again_edit.clear()
            self.again_edit.setFocus()
        else:
            self.accept()

    def _say(self, problem: str) -> None:
        self.problem_label.setText(problem)
        self.problem_label.show()
