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
- :class:`BadReply` — an answer that does not validate against the protocol (not JSON, the
  wrong shape, a field this version does not know, a value out of the protocol's bounds) or
  that is larger than :data:`MAX_REPLY_BYTES`: nothing of it is applied. The message names the
  first problem's place in the reply (``ledger.3.amount_pence``) and what is wrong there, never
  a value from it (at most a code the rules do not know, such as a frequency).

Replies are read as they stream, and at most :data:`MAX_REPLY_BYTES` of one is ever held: a
reply that says it is longer is refused before a byte of its body is read, and one sent without
a length is cut off once it passes the limit. A reply cut off mid-body by the connection is
``Offline``, saying so.

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

#: The most of one reply the client reads (after any content encoding is undone). A page of the
#: default 10,000 rows is some 3 MB and one of the largest the server gives (``MAX_PAGE_LIMIT``
#: ledger lines) some 12 MB; the rest is room for long notes and whole cases joining a page.
MAX_REPLY_BYTES = 64 * 1024 * 1024
PUSH_PATH = "/sync/push"


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
        max_reply_bytes: int = MAX_REPLY_BYTES,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self.max_reply_bytes = max_reply_bytes
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
            return self._call("POST", PUSH_PATH, PushResponse, content=request.model_dump_json())
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
        status: int | None = None  # set once the reply's headers have arrived
        try:
            with self._http.stream(
                method, path, params=params, content=content, headers=headers
            ) as reply:
                status = reply.status_code
                body = self._read_body(reply, path)
        except httpx.TimeoutException as exc:
            raise Offline(
                f"The central store at {where} did not answer in time. {_kept(path, exc)}"
            ) from exc
        except httpx.DecodingError as exc:  # a compressed body that does not decompress
            raise BadReply(
                f"The central store at {where} sent a reply that could not be decoded ({path}); "
                f"nothing of it was used. {_kept(path, None)}",
                status=status,
            ) from exc
        except httpx.HTTPError as exc:
            if status is not None:
                raise Offline(
                    f"The central store at {where} stopped in the middle of its reply "
                    f"({_reason(exc, cut=True)}); nothing of it was used. {_kept(path, exc)}"
                ) from exc
            raise Offline(
                f"Cannot reach the central store at {where}: {_reason(exc)}. {_kept(path, exc)}"
            ) from exc
        if 200 <= status < 300:
            try:
                with cyclic_gc_paused():  # a page is some 100,000 objects that all live
                    return model.model_validate_json(body)
            except ValidationError as exc:
                raise BadReply(
                    f"The central store at {where} sent a reply that Doorstep does not "
                    f"understand ({path}: {_problems(exc)}); nothing of it was used. Is the "
                    f"address right, and is the server up to date? {_kept(path, None)}",
                    status=status,
                ) from exc
        raise _error_for(status, body, where)

    def _read_body(self, reply: httpx.Response, path: str) -> bytes:
        """The reply's body, at most ``max_reply_bytes`` of it (see the module), or BadReply."""
        limit = self.max_reply_bytes
        declared = reply.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(path, int(declared), reply)
        chunks: list[bytes] = []
        size = 0
        for chunk in reply.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise self._too_large(path, None, reply)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, path: str, declared: int | None, reply: httpx.Response) -> BadReply:
        """``declared``: the length the reply gave (None: it came without one)."""
        size = "" if declared is None else f"{_megabytes(declared)} MB, "
        return BadReply(
            f"The central store at {self.server_url} sent a reply too large to take ({path}: "
            f"{size}more than the {_megabytes(self.max_reply_bytes)} MB Doorstep reads); "
            f"nothing of it was used. Is the address right? {_kept(path, None)}",
            status=reply.status_code,
        )


@cache
def _tls_context() -> ssl.SSLContext:
    """httpx's own default TLS context (the CA bundle it would load), made once per process:
    loading the bundle takes tens of milliseconds and a sign-in then a sync make two clients.
    An ``SSLContext`` may be shared by clients and threads."""
    return httpx.create_ssl_context()


def _kept(path: str, exc: Exception | None) -> str:
    """What became of the officer's work: a request that never connected changed nothing; a
    push that was sent may have been applied, and sending it again is safe (each change is
    applied once). ``exc`` None: the request was sent and answered."""
    sent = path == PUSH_PATH and not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
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


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}"


def _problems(exc: ValidationError) -> str:
    """How many problems a reply has and where the first is, with pydantic's words for it:
    never the value found there (a reply may hold personal data)."""
    first = exc.errors(include_url=False, include_input=False, include_context=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "the whole reply"
    what = first["msg"]
    if first["type"] == "string_pattern_mismatch":
        what = "text holding a NUL character (code zero), which Doorstep does not keep"
    count = exc.error_count()
    more = f"; {count - 1} more" if count > 1 else ""
    return f"{where}: {what}{more}"


def _reason(exc: BaseException, *, cut: bool = False) -> str:
    """Why a connection failed, in words an officer can act on (never "[Errno 111]"); with
    ``cut``, the connection failed after the reply had begun."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return "its security certificate could not be verified (ask IT)"
        if isinstance(seen, socket.gaierror):
            return "the address could not be found (no network, or a mistyped address)"
        if isinstance(seen, OSError) and seen.errno in _ERRNO_WORDS:
            return _ERRNO_WORDS[seen.errno]
        seen = seen.__cause__ or seen.__context__
    return "the connection was cut off" if cut else "the connection failed"


def _error_for(status: int, content: bytes, where: str) -> SyncError:
    try:
        body: ErrorBody | None = ErrorBody.model_validate_json(content)
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
    if body is None and status >= 500:
        return ServerError(
            f"The central store at {where} had a problem (HTTP {status}). Try again later; "
            "nothing was changed on this device.",
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
