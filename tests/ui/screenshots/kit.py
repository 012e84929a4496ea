"""What every screenshot module uses: where the PNGs go and how a widget is grabbed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.context import UiContext


@dataclass
class Shots:
    """The output folder, the application, the seeded context; ``save`` grabs a widget."""

    out: Path
    app: QApplication
    context: UiContext
    saved: list[Path] = field(default_factory=list)

    def settle(self) -> None:
        """Run what the event loop would: posted events and deferred deletes (old banners)."""
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        self.app.processEvents()

    def save(self, widget: QWidget, name: str) -> Path:
        self.settle()
        path = self.out / f"{name}.png"
        widget.grab().save(str(path))
        self.saved.append(path)
        return path
