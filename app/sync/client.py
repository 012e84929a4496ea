"""The HTTP client of the sync protocol (``app.protocol.messages``), over httpx.

Every request carries the protocol headers; every reply is validated against the protocol
before anyone sees it. Failures raise a :class:`SyncError` subclass whose ``str()`` is a
message for people:

- :class:`Offline` — the central store cannot be reached (refused, DNS, timeout);
- :class:`AuthRejected` — bad credentials, an invalid or revoked token, a device of another
  officer (``code`` tells them apart);
- :class:`DeviceWiped` — IT has withdrawn this laptop: its data is to be erased;
- :class:`ProtocolMismatch` — the server does not speak this app's protocol version;
- :class:`ServerError` — any other error answer (5xx, 4xx);
- :class:`BadReply` — an answer that does not validate against the protocol: nothing of it is
  applied.

Threading: a ``SyncClient`` holds one ``httpx.Client``; use it from one thread at a time (the
GUI's network worker). It never touches the local database.
"""

from __future__ import annotations

import errno
import socket
import ssl
import uuid
from functools import cache
from types import TracebackType
from typing import Any, TypeVar

import httpx

from app.protocol.messages import (
    HEADER_APP,
    HEADER_PROTOCOL,
    PROTOCOL_VERSION,
    ErrorBody,
    Health,
    PullPage,
    PushRequest,
    PushResponse,
    ScopeCheck,
    SignInRequest,
    SignInResponse,
)
from app.pydantic_once import BaseModel, ValidationError
from app.sqlkit.gcpause import cyclic_gc_paused
from app.sync.errors import (
    INSECURE_MESSAGE,
    AuthRejected,
    BadReply,
    DeviceWiped,
    InsecureServer,
    NotSignedIn,
    Offline,
    ProtocolMismatch,
    ServerError,
    SyncError,
    plain_http_to_another_computer,
)

__all__ = [
    "AuthRejected",
    "BadReply",
    "DeviceWiped",
    "NotSignedIn",
    "Offline",
    "ProtocolMismatch",
    "ServerError",
    "SyncClient",
    "SyncError",
]

Model = TypeVar("Model", bound=BaseModel)

# read: the longest silence between two parts of a reply (a page streams as it is sent), so a
# server that has stopped answering is given up on in half a minute, not two.
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=60.0, pool=10.0)


class SyncClient:
    """Talks to one central store. ``token`` is the device token for authenticated calls."""

    def __init__(
        self,
        server_url: str,
        *,
        token: str | None = None,
        app_version: str,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        if plain_http_to_another_computer(self.server_url):
            raise InsecureServer(f"The central store address {server_url!r}: {INSECURE_MESSAGE}.")
        self.token = token
        headers = {
            HEADER_PROTOCOL: str(PROTOCOL_VERSION),
            HEADER_APP: f"doorstep/{app_version}",
            "Accept": "application/json",
        }
        try:
            self._http = httpx.Client(
                base_url=self.server_url,
                headers=headers,
                timeout=timeout,
                transport=transport,
                verify=_tls_context(),
            )
        except (ValueError, httpx.InvalidURL) as exc:
            raise Offline(
                f"The central store address {server_url!r} is not a valid URL "
                "(expected something like https://doorstep.example.gov.uk)."
            ) from exc

    # -- context manager ---------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- calls -------------------------------------------------------------------------------
    def health(self) -> Health:
        return self._call("GET", "/health", Health, auth=False)

    def sign_in(
        self, *, username: str, password: str, device_id: uuid.UUID, device_name: str = ""
    ) -> SignInResponse:
        try:
            body = SignInRequest(
                username=username, password=password, device_id=device_id, device_name=device_name
            )
        except ValidationError as exc:
            raise AuthRejected(
                "Enter a username and a password (at most 80 and 1024 characters).",
                code="bad_credentials",
            ) from exc
        return self._call(
            "POST", "/auth/signin", SignInResponse, auth=False, content=body.model_dump_json()
        )

    def pull(self, cursor: int, limit: int | None = None, epoch: str | None = None) -> PullPage:
        params: dict[str, Any] = {"cursor": cursor}
        if limit is not None:
            params["limit"] = limit
        if epoch is not None:
            params["epoch"] = epoch
        return self._call("GET", "/sync/pull", PullPage, params=params)

    def check(self) -> ScopeCheck:
        return self._call("GET", "/sync/check", ScopeCheck)

    def push(self, request: PushRequest) -> PushResponse:
        """Send a batch of outbox mutations; the server answers each (``app.sync.push``).

        A server without the push route (older than this app) answers 404: that is a
        ``ServerError`` saying the central store needs updating.
        """
        try:
            return self._call("POST", "/sync/push", PushResponse, content=request.model_dump_json())
        except ServerError as exc:
            if exc.status != 404:
                raise
            raise ServerError(
                f"The central store at {self.server_url} does not take changes from devices "
                "yet: it needs updating. Your changes are kept on this laptop and are sent "
                "once it is updated.",
                code=exc.code,
                status=exc.status,
            ) from exc

    # -- plumbing ----------------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        model: type[Model],
        *,
        auth: bool = True,
        params: dict[str, Any] | None = None,
        content: str | None = None,
    ) -> Model:
        headers: dict[str, str] = {}
        if content is not None:
            headers["Content-Type"] = "application/json"
        if auth:
            if not self.token:
                raise NotSignedIn("This device is not signed in to the central store. Sign in.")
            headers["Authorization"] = f"Bearer {self.token}"
        where = self.server_url
        try:
            reply = self._http.request(
                method, path, params=params, content=content, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise Offline(
                f"The central store at {where} did not answer in time. {_kept(method, exc)}"
            ) from exc
        except (httpx.ConnectError, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise Offline(
                f"Cannot reach the central store at {where}: {_reason(exc)}. "
                f"{_kept(method, exc)}"
            ) from exc
        except httpx.HTTPError as exc:
            raise Offline(
                f"Cannot reach the central store at {where}: {_reason(exc)}. {_kept(method, exc)}"
            ) from exc
        if reply.is_success:
            try:
                with cyclic_gc_paused():  # a page is some 100,000 objects that all live
                    return model.model_validate_json(reply.content)
            except ValidationError as exc:
                raise BadReply(
                    f"The central store at {where} sent a reply that Doorstep does not "
                    f"understand ({path}: {exc.error_count()} problem(s)); nothing of it was "
                    "used. Is the address right, and is the server up to date?",
                    status=reply.status_code,
                ) from exc
        raise _error_for(reply, where)


@cache
def _tls_context() -> ssl.SSLContext:
    """httpx's own default TLS context (the CA bundle it would load), made once per process:
    loading the bundle takes tens of milliseconds and a sign-in then a sync make two clients.
    An ``SSLContext`` may be shared by clients and threads."""
    return httpx.create_ssl_context()


def _kept(method: str, exc: Exception) -> str:
    """What became of the officer's work: a request that never connected changed nothing; a
    push that was sent may have been applied, and sending it again is safe (each change is
    applied once)."""
    sent = method != "GET" and not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
    if sent:
        return (
            "Your changes are kept on this laptop and are sent again at the next sync; any the "
            "central store has already taken are not applied twice."
        )
    return "Nothing was changed; check the connection (or the server address) and sync again."


_ERRNO_WORDS = {
    errno.ECONNREFUSED: "nothing answers at that address (is the central store running?)",
    errno.ENETUNREACH: "there is no network route to it (is this laptop connected?)",
    errno.EHOSTUNREACH: "there is no network route to it (is this laptop connected?)",
    errno.ECONNRESET: "the connection was cut off",
    errno.ETIMEDOUT: "it did not answer in time",
}


def _reason(exc: BaseException) -> str:
    """Why a connection failed, in words an officer can act on (never "[Errno 111]")."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return "its security certificate could not be verified (ask IT)"
        if isinstance(seen, socket.gaierror):
            return "the address could not be found (no network, or a mistyped address)"
        if isinstance(seen, OSError) and seen.errno in _ERRNO_WORDS:
            return _ERRNO_WORDS[seen.errno]
        seen = seen.__cause__ or seen.__context__
    return "the connection failed"


def _error_for(reply: httpx.Response, where: str) -> SyncError:
    status = reply.status_code
    try:
        body: ErrorBody | None = ErrorBody.model_validate_json(reply.content)
    except ValidationError:
        body = None
    code = body.code if body else None
    server_says = body.message if body else None
    if status == 426:
        return ProtocolMismatch(
            server_says
            or f"The central store at {where} does not speak this version of the Doorstep "
            "sync protocol. Install the version your IT team supports; nothing was changed.",
            code=code,
            status=status,
        )
    if status == 410 and code == "device_wiped":
        return DeviceWiped(
            server_says or "IT has withdrawn this laptop from Doorstep.", code=code, status=status
        )
    if status in (401, 403, 409):
        return AuthRejected(
            server_says or f"The central store at {where} refused this device (HTTP {status}).",
            code=code,
            status=status,
        )
    if body is None:
        return BadReply(
            f"The central store at {where} answered HTTP {status} with a reply Doorstep does "
            "not understand. Is the address right? Nothing was changed.",
            status=status,
        )
    if status >= 500:
        return ServerError(
            f"The central store at {where} had a problem: {server_says} Try again later; "
            "nothing was changed on this device.",
            code=code,
            status=status,
        )
    return ServerError(
        f"The central store refused the request: {server_says}", code=code, status=status
    )
