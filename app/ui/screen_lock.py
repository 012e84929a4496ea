"""The screen lock's two parts on the GUI side: the idle watch and the lock page.

:class:`IdleWatch` watches the whole application's input (keys, clicks, the wheel, touch and
pen, pointer moves) and emits ``idle`` when there has been none for the policy's minutes; the
main window then locks (``MainWindow.lock``). :class:`LockPage` is what the main window shows
while locked: no case data, the PIN field and Unlock. What happens on lock and unlock lives in
``app.services.screen_lock``; the words in ``app.ui.text.lock``.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.text import lock as words

#: What counts as the officer being there.
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
    }
)


class IdleWatch(QObject):
    """``idle`` once no input has reached any window of the app for ``minutes``; restarted by
    any input. Off until ``start()``; ``stop()`` while locked."""

    idle = Signal()

    def __init__(
        self, minutes: int, parent: QObject | None = None, *, minute_ms: int = 60_000
    ) -> None:
        super().__init__(parent)
        self._minute_ms = minute_ms  # tests shorten the minute, never the rule
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        self.minutes = minutes
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self._timer.setInterval(minutes * self._minute_ms)
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()  # from now again
        return False

    def detach(self) -> None:
        """Stop watching (the window closes)."""
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockPage(QWidget):
    """The main window's page while locked: the heading, why and what is kept, the PIN (when
    one protects the caseload), Unlock, and a line for what went wrong. ``unlock_requested``
    carries the PIN typed ("" without one)."""

    unlock_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LockPage")
        self.heading = QLabel(words.LOCKED_HEADING)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setAccessibleName("PIN")
        self.pin_edit.setPlaceholderText("PIN")
        self.pin_edit.setMinimumHeight(36)
        self.pin_edit.returnPressed.connect(self._asked)
        self.unlock_button = QPushButton(words.UNLOCK)
        self.unlock_button.setMinimumHeight(36)
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._asked)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.problem_label.setStyleSheet("color: #b71c1c")
        self.problem_label.hide()

        column = QWidget()
        column.setMaximumWidth(520)
        inner = QVBoxLayout(column)
        inner.setSpacing(12)
        inner.addWidget(self.heading)
        inner.addWidget(self.text_label)
        row = QHBoxLayout()
        row.addWidget(self.pin_edit, 1)
        row.addWidget(self.unlock_button)
        inner.addLayout(row)
        inner.addWidget(self.problem_label)
        across = QHBoxLayout()
        across.addStretch(1)
        across.addWidget(column, 4)
        across.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(across)
        layout.addStretch(2)

    def show_locked(self, *, idle_minutes: int | None, pin: bool) -> None:
        """Ready for the PIN: the reason it locked, an empty field, no old problem."""
        self.text_label.setText(words.locked_text(idle_minutes=idle_minutes, pin=pin))
        self.pin_edit.setVisible(pin)
        self.pin_edit.clear()
        self.problem_label.hide()
        self.set_busy(False)
        (self.pin_edit if pin else self.unlock_button).setFocus(Qt.FocusReason.OtherFocusReason)

    def show_problem(self, problem: str) -> None:
        self.problem_label.setText(problem)
        self.problem_label.show()
        self.set_busy(False)
        self.pin_edit.clear()
        if self.pin_edit.isVisible():
            self.pin_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_busy(self, busy: bool) -> None:
        """While the PIN is checked (a third of a second or so, on the database worker)."""
        self.unlock_button.setEnabled(not busy)
        self.pin_edit.setReadOnly(busy)
        self.unlock_button.setText(words.UNLOCKING if busy else words.UNLOCK)

    def _asked(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        pin = self.pin_edit.text()
        if self.pin_edit.isVisible() and not pin:
            self.show_problem(words.NO_PIN)
            return
        self.set_busy(True)
        self.unlock_requested.emit(pin)
