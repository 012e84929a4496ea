"""Test doubles for the UI seams: prompts that record instead of opening modal dialogs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.ui.prompts import Prompts


@dataclass
class RecordingPrompts(Prompts):
    """Records every prompt as ``(kind, title, text)``; answers questions from ``answers``."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    answers: list[bool] = field(default_factory=list)
    files: list[Path | None] = field(default_factory=list)

    def show_error(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append(("error", title, text))

    def show_info(self, parent: QWidget | None, title: str, text: str) -> None:
        self.shown.append(("info", title, text))

    def ask_yes_no(self, parent: QWidget | None, title: str, text: str) -> bool:
        self.shown.append(("question", title, text))
        return self.answers.pop(0) if self.answers else False

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
