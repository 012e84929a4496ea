"""A keyring held in a dict, for tests and benchmarks that must never touch a real keyring.

Never installed by the app itself: a real device keeps its key in the OS keyring (see
``app.store.keys``). It lives under ``tests/`` so that it never ships: the frozen build
collects only ``app`` and setuptools packages no ``tests``; the benches import it from here.
One instance per test or bench run; not thread-safe beyond the GIL.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """An in-process keyring: ``(service, username) -> password`` in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise PasswordDeleteError(username)
        del self.items[(service, username)]
