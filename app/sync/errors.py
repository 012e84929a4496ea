"""The ways a sync can fail, as exceptions whose ``str()`` is a message for people.

Kept apart from ``app.sync.client`` (httpx, pydantic) so that screens and services can name
them without loading the HTTP stack at start-up; the client re-exports them.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


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


class DeviceWiped(SyncError):
    """IT has withdrawn this laptop (the server answered 410 ``device_wiped``): its copy of
    the caseload is to be erased, and it can no longer sync."""


class ProtocolMismatch(SyncError):
    """The server does not speak this app's protocol version."""


class ServerError(SyncError):
    """The server answered with an error."""


class BadReply(SyncError):
    """The server's answer does not follow the protocol; nothing of it is used."""


class NotSignedIn(SyncError):
    """This device has not been signed in (no server, officer or token)."""


class InsecureServer(SyncError):
    """The central store's address is plain http:// to another computer: a password, a token
    and the caseload would cross the network unencrypted."""


def plain_http_to_another_computer(url: str) -> bool:
    """True for an ``http://`` address whose host is not this computer (``localhost``, a
    loopback address): Doorstep talks to such a server over HTTPS only."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "http":
        return False
    host = (parts.hostname or "").lower()
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


INSECURE_MESSAGE = (
    "plain http:// would send your password and the caseload unencrypted across the network; "
    "use the https:// address (http:// is accepted only for this computer, such as "
    "http://127.0.0.1:8765)"
)


class SyncCancelled(SyncError):
    """The officer stopped the sync; what was sent or received before it stopped is kept."""
