"""How a window sizes itself: as large as it would like where the screen has room, else the
screen it opens on less what the window's frame and title bar take, so it never runs off a
1366x768 laptop screen.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QWidget

#: What a desktop's window frame and title bar take around the size a window asks for.
FRAME_ROOM = QSize(16, 48)


def size_for_screen(window: QWidget, preferred: QSize) -> QSize:
    """``preferred``, cut down to the screen ``window`` opens on, less its frame."""
    screen = window.screen().availableGeometry()
    return QSize(
        min(preferred.width(), screen.width() - FRAME_ROOM.width()),
        min(preferred.height(), screen.height() - FRAME_ROOM.height()),
    )


def fit_to_screen(window: QWidget, preferred: QSize, *, centre: bool = False) -> QSize:
    """Resize ``window`` to :func:`size_for_screen` (and centre it on that screen); returns the
    size given."""
    size = size_for_screen(window, preferred)
    window.resize(size)
    if centre:
        screen = window.screen().availableGeometry()
        window.move(
            screen.x() + (screen.width() - size.width()) // 2,
            screen.y() + (screen.height() - size.height()) // 2,
        )
    return size
