"""The seam for modal questions: message boxes and file dialogs go through ``Prompts``.

Widgets receive a ``Prompts`` (default: this module's real one) and never call
``QMessageBox`` or ``QFileDialog`` directly, so tests pass a fake that records what would
have been shown and answers questions without a modal loop (Picard's dialog service idea).

Threading: GUI thread only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class Prompts:
    """Real modal dialogs. Subclass and override every method to fake them in tests."""

    def show_error(self, parent: QWidget | None, title: str, text: str) -> None:
        """A modal error the officer must acknowledge (never for being offline)."""
        QMessageBox.critical(parent, title, text)

    def show_info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    def ask_yes_no(self, parent: QWidget | None, title: str, text: str) -> bool:
        """True when the officer answers Yes; No is the default button."""
        answer = QMessageBox.question(
            parent,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_pin(
        self, parent: QWidget | None, title: str, text: str, *, new: bool, problem: str = ""
    ) -> str | None:
        """The PIN typed (twice, the same, when ``new``), or None when the officer cancels."""
        from app.ui.pin_dialog import PinDialog

        dialog = PinDialog(parent, title=title, text=text, new=new, problem=problem)
        accepted = dialog.exec() == PinDialog.DialogCode.Accepted
        pin = dialog.pin()
        dialog.deleteLater()
        return pin if accepted else None

    def choose_open_file(
        self, parent: QWidget | None, title: str, name_filter: str = ""
    ) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, title, "", name_filter)
        return Path(name) if name else None

    def choose_save_file(
        self, parent: QWidget | None, title: str, suggested: str = "", name_filter: str = ""
    ) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, suggested, name_filter)
        return Path(name) if name else None
