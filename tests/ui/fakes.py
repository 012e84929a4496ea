"""Test doubles for the UI seams: prompts that record instead of opening modal dialogs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.ui.prompts import Prompts

#: The PIN a test's officer types unless the test says otherwise.
DEFAULT_PIN = "482916"


@dataclass
class RecordingPrompts(Prompts):
    """Records every prompt as ``(kind, title, text)``; answers questions from ``answers``."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    answers: list[bool] = field(default_factory=list)
    #: PINs typed, in order; when none are left, ``DEFAULT_PIN`` (None here means Cancel).
    pins: list[str | None] = field(default_factory=list)
    #: Each PIN asked for, as ``(kind, title, text or the problem shown)``, kept apart from
    #: ``shown`` (every start of a signed-in laptop asks for one).
    pin_prompts: list[tuple[str, str, str]] = field(default_factory=list)
    files: list[Path | None] = field(default_factory=list)

    def show_error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append(("error", title, text))

    def show_info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append(("info", title, text))

    def ask_yes_no(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.shown.append(("question", title, text))
        return self.answers.pop(0) if self.answers else False

    def ask_pin(
        self, parent: QWidget | None, title: str, text: str, *, new: bool, problem: str = ""
    ) -> str | None:
        self.pin_prompts.append(("new pin" if new else "pin", title, problem or text))
        return self.pins.pop(0) if self.pins else DEFAULT_PIN

    def choose_open_file(
        self, parent: QWidget | None, title: str, name_filter: str = ""
    ) -> Path | None:
        self.shown.append(("open", title, name_filter))
        return self.files.pop(0) if self.files else None

    def choose_save_file(
        self, parent: QWidget | None, title: str, suggested: str = "", name_filter: str = ""
    ) -> Path | None:
        self.shown.append(("save", title, suggested))
        return self.files.pop(0) if self.files else None
