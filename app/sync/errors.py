"""The ways a sync can fail, as exceptions whose ``str()`` is a message for people.

Kept apart from ``app.sync.client`` (httpx, pydantic) so that screens and services can name
them without loading the HTTP stack at start-up; the client re-exports them.
"""

from __future__ import annotations


class SyncError(Exception):
    """Sync could not be done; ``str(error)`` is the message to show. Nothing was applied."""

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status


class Offline(SyncError):
    """The central store cannot be reached (no network, wrong address, server down)."""


class AuthRejected(SyncError):
    """The server refused the credentials or the device token."""


class ProtocolMismatch(SyncError):
    """The server does not speak this app's protocol version."""


class ServerError(SyncError):
    """The server answered with an error."""


class BadReply(SyncError):
    """The server's answer does not follow the protocol; nothing of it is used."""


class NotSignedIn(SyncError):
    """This device has not been signed in (no server, officer or token)."""
