"""What the app says when the caseload on this laptop will not open: why, what it held, and
what setting it aside does. Pure functions; no Qt. Threading: any thread."""

from __future__ import annotations

from pathlib import Path

from app.services.set_aside import SetAside, Unopenable

CANNOT_OPEN_TITLE = "Doorstep cannot open your caseload"
SET_ASIDE_TITLE = "Your old copy was set aside"


def _unsent(count: int | None) -> str:
    if count is None:
        return "How many changes it held that were not yet sent to the central store is not known."
    if count == 0:
        return "It held no changes waiting to be sent to the central store."
    changes = "change" if count == 1 else "changes"
    return f"It held {count} {changes} not yet sent to the central store."


def set_aside_question(found: Unopenable, data_dir: Path) -> str:
    """Asked before anything is moved: the reason, what it held, and what setting aside does."""
    lost = (
        ""
        if found.unsent == 0
        else " What was not yet sent will not be in the new copy unless IT recovers it."
    )
    return (
        f"{found.reason}\n\n{_unsent(found.unsent)}\n\n"
        "Doorstep can set this copy aside (moved, not deleted, into the quarantine folder in "
        f"{data_dir}, with its key kept on this computer) and download your caseload again "
        f"after you sign in.{lost}\n\nSet it aside and download your caseload again?"
    )


def set_aside_done(aside: SetAside) -> str:
    """Said once the copy is set aside, before signing in."""
    key = (
        f' Its key is kept as "{aside.key_held_as}".'
        if aside.key_held_as
        else " There was no key for it on this computer."
    )
    return (
        f"The copy that would not open is in {aside.folder}.{key} Give both to IT if what it held "
        "matters. Sign in now to download your caseload again."
    )


MISSING_TITLE = "Changes missing from your caseload"


def changes_missing(count: int) -> str:
    """Said once, at start, when saved changes are no longer in the database."""
    what = (
        "1 change you saved on this laptop is"
        if count == 1
        else f"{count} changes you saved on this laptop are"
    )
    return (
        f"{what} no longer in its caseload: the database's "
        "write-ahead log (doorstep.db-wal), where they were kept before being folded in, was "
        "deleted or cut short. They cannot be sent to the central store. Look at the cases you "
        "worked on since your last sync and record what is missing again. This has been "
        "recorded in the laptop's audit log."
    )


ALREADY_OPEN_TITLE = "Doorstep is already open"


def already_open(data_dir: Path) -> str:
    return (
        f"Doorstep is already open with the caseload in {data_dir}, in another window (perhaps "
        "on another desktop or behind this one). Use that window: two on one caseload would "
        "each show their own view of it."
    )


PIN_LABEL = "&PIN:"
PIN_AGAIN_LABEL = "PIN &again:"
NO_PIN = "Type your PIN."
PINS_DIFFER = "The two PINs differ: type it again."
UNLOCK_TITLE = "Open your caseload"
UNLOCK_TEXT = (
    "Your caseload on this laptop is locked with your PIN. Type it to open it (no connection is "
    "needed)."
)
NEW_PIN_TITLE = "Choose a PIN for this laptop"
NEW_PIN_TEXT = (
    "Choose a PIN or passphrase of at least 6 characters. It locks your caseload on this laptop: "
    "without it, even someone with the laptop and your computer account cannot read it. You "
    "will type it each time Doorstep opens. Ten wrong PINs in a row erase the laptop's copy."
)
ERASED_AFTER_PINS_TITLE = "Your caseload on this laptop was erased"
