"""What Doorstep says while it is locked: the lock page, the menu entry, and why it could not
lock or unlock. Pure constants and functions; no Qt. Threading: any thread."""

from __future__ import annotations

LOCK = "&Lock"
LOCK_TIP = "Lock Doorstep now (Ctrl+L): the screens clear and your PIN opens them again"
LOCKED_TITLE = "Doorstep — locked"
LOCKED_HEADING = "Doorstep is locked"
UNLOCK = "&Unlock"
UNLOCKING = "Unlocking…"
NO_PIN = "Type your PIN."
QUIT = "&Quit Doorstep"


def locked_text(*, idle_minutes: int | None, pin: bool) -> str:
    """Under the heading: why it locked, what is kept, and how to go on."""
    why = (
        f"It locked after {idle_minutes} minutes without use."
        if idle_minutes is not None
        else "You locked it."
    )
    how = (
        "Type your PIN to go on (no connection is needed)."
        if pin
        else "Press Unlock to go on."
    )
    return (
        f"{why} Your caseload is closed and stays encrypted on this laptop; what you had open, "
        f"with anything typed in it, comes back when you unlock. {how}"
    )


def not_kept(error: Exception) -> str:
    """The lock went ahead but the open screens could not be kept (a full disk, say)."""
    return (
        "Doorstep is locked, but what you had open could not be kept for when you unlock "
        f"({error}). Anything saved before is safe."
    )
