"""What the sign-in dialog says: its introduction, what is wrong with a field (naming the
field), and why a sign-in failed.

Pure functions and constants; no Qt. Threading: any thread.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from app.services.workspace import StoreError
from app.sync.errors import INSECURE_MESSAGE, SyncError, plain_http_to_another_computer

TITLE = "Sign in to Doorstep"
INTRO = (
    "Sign in with your Doorstep account to download your caseload to this laptop. "
    "It is kept encrypted and you can work with it offline."
)
EXAMPLE_SERVER = "https://doorstep.your-council.gov.uk"
USERNAME_EXAMPLE = "e.g. asmith"
SERVER_LABEL = "&Server address:"
USERNAME_LABEL = "&Username:"
PASSWORD_LABEL = "&Password:"
SIGN_IN = "Sign in"
SIGNING_IN = "Signing in…"
NO_USERNAME = "Username: enter your Doorstep username."
NO_PASSWORD = "Password: enter your password."

_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\]"
)


def server_address_problem(text: str) -> str | None:
    """Why ``text`` is not a server address of the form http(s)://host[:port], or None."""
    raw = text.strip()
    example = f"for example {EXAMPLE_SERVER}"
    if not raw:
        return f"Server address: enter the address of your council's Doorstep server, {example}."
    if any(c.isspace() for c in raw):
        return f"Server address: it must not contain spaces ({example})."
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not raw.lower().startswith(
        parts.scheme.lower() + "://"
    ):
        return f"Server address: it must start with https:// or http:// ({example})."
    netloc = parts.netloc
    if "@" in netloc:
        return "Server address: leave out any user name; give only the server's address."
    host, _, port = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
    if not host:
        host, port = netloc, ""
    if not host or not _HOST.fullmatch(host):
        return f"Server address: “{raw}” does not name a server ({example})."
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return f"Server address: the port “{port}” must be a number from 1 to 65535."
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"Server address: give only the server and, if needed, a port ({example})."
    if plain_http_to_another_computer(raw):
        return f"Server address: {INSECURE_MESSAGE}."
    return None


def normalise_server_address(text: str) -> str:
    """A checked address without a trailing slash: ``https://host:8443/`` -> ``https://host:8443``."""
    return text.strip().rstrip("/")


def sign_in_failure(error: Exception) -> str:
    """Why signing in failed, shown in the dialog: the refusal or the connection problem as
    it is told, anything else as unexpected with its kind."""
    if isinstance(error, SyncError | StoreError):
        return str(error)
    return f"Sign-in failed unexpectedly ({type(error).__name__}: {error})."
