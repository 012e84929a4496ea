"""The sign-in dialog: empty, refused, a bad address, signing in, a long refusal."""

from __future__ import annotations

from pathlib import Path

from app.paths import data_dir
from app.services.workspace import Workspace
from app.store.database import open_local_store
from app.sync.client import AuthRejected
from app.ui.context import UiContext
from app.ui.signin_dialog import SignInDialog
from tests.ui.screenshots.kit import Shots


def refused(workspace: object, **kwargs: object) -> object:
    raise AuthRejected("The username or password is not right. Check them and try again.")


def shoot(shots: Shots, folder: Path) -> None:
    store = open_local_store(data_dir(folder))
    dialog = SignInDialog(
        UiContext(Workspace(store), shots.context.runner),
        server_url="https://doorstep.example.gov.uk",
        sign_in_fn=refused,
    )
    dialog.show()
    shots.save(dialog, "signin")
    dialog.username_edit.setText("asmith")
    dialog.password_edit.setText("wrong")
    dialog.accept()
    shots.save(dialog, "signin_refused")
    dialog.server_edit.setText("doorstep.example.gov.uk")
    dialog.accept()
    shots.save(dialog, "signin_bad_address")
    dialog.begin_progress("Signing in…")
    shots.save(dialog, "signin_busy")
    dialog.end_progress()
    dialog.show_error(" ".join(["The central store refused this laptop for a long reason."] * 4))
    shots.save(dialog, "signin_long_refusal")
    dialog.close()
    store.close()
