"""The PIN dialogs: choosing one (an easy one refused), and opening with a wrong one near the
end of the tries."""

from __future__ import annotations

from app.ui.pin_dialog import PinDialog
from app.ui.text import start as words
from tests.ui.screenshots.kit import Shots


def shoot(shots: Shots) -> None:
    choose = PinDialog(
        None,
        title=words.NEW_PIN_TITLE,
        text=words.NEW_PIN_TEXT,
        new=True,
        problem="PIN: not one digit repeated or a run of digits (such as 123456): too easy to "
        "guess",
    )
    choose.show()
    shots.save(choose, "pin_choose_refused")
    choose.close()
    unlock = PinDialog(
        None,
        title=words.UNLOCK_TITLE,
        text=words.UNLOCK_TEXT,
        new=False,
        problem="Wrong PIN (9 in a row). Wait 8 minutes before the next try. One more wrong "
        "PIN erases this laptop's copy of the caseload, with its 3 changes not yet sent; you "
        "would then sign in again to download it.",
    )
    unlock.show()
    shots.save(unlock, "pin_unlock_last_try")
    unlock.close()
