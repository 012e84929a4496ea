"""The central sync service: FastAPI routes over the central store.

Routes (wire format: ``app.protocol.messages``):

- ``GET /health`` -> ``Health`` (no token needed);
- ``POST /auth/signin`` ``SignInRequest`` -> ``SignInResponse``: checks the officer's password
  (argon2), enrols or re-enrols the device and issues a fresh token; after repeated failures
  for the account or from the address, 429 ``too_many_attempts`` with ``Retry-After`` and
  nothing checked (``central.throttle``);
- ``GET /sync/pull?cursor=&limit=&epoch=`` -> ``PullPage`` (``central.pull``);
- ``GET /sync/check`` -> ``ScopeCheck``;
- ``POST /sync/push`` ``PushRequest`` -> ``PushResponse`` (``central.push``): the device's
  outbox mutations, each applied once in its own transaction; 503 ``unavailable`` when the
  store fails for a while (the device sends the batch again later). The token is checked
  before the body is read.

Any route taking a device's token (and a sign-in under its id) answers 410 ``device_wiped``
to a device IT asked to wipe (``device wipe``), every time, and serves it nothing.

Invariants:

- every request carries ``X-Doorstep-Protocol`` within [PROTOCOL_MIN, PROTOCOL_MAX]; otherwise
  the answer is 426 ``protocol_unsupported`` and nothing is read or changed;
- every error is an ``ErrorBody`` JSON (code for programs, message for people);
- a body larger than its route takes is refused (413 ``body_too_large``) before it is read,
  or as soon as it passes the limit when it comes without a length (``central.body_limit``);
- an unknown user and a wrong password get the same answer (no account probing);
- a sign-in whose username or device name has a NUL character, which no store can look up or
  keep (PostgreSQL's text cannot hold one), is refused 422 ``bad_request`` naming the field,
  before the throttle or the password sees it;
- logs carry ids and events only: never a name, an address, an amount, nor a username that
  failed to sign in; sign-ins, throttling and refused tokens and bodies go to the security log
  (``central.security_log``) with the client's network address and no secret.

Routes are thin: parsing and authorisation live in the ``Annotated`` dependencies
(``SessionDep``, ``CurrentDevice``), the work in ``central.devices``, ``central.pull`` and
``central.push``.
Threading: there is no module-level engine; ``create_app(engine)`` keeps a sessionmaker on
``app.state``; sync routes are plain functions that FastAPI runs in its thread pool, one
Session per request.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import ssl
import sys
import traceback
from collections.abc import Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.case_actions import LATE_WORK_DAYS
from app.protocol.messages import (
    HEADER_PROTOCOL,
    PROTOCOL_VERSION,
    WIRE_INT_MAX,
    ErrorBody,
    Health,
    OfficerOut,
    PushRequest,
    SignInRequest,
    SignInResponse,
)
from app.sqlkit.utc import utcnow
from central import devices, pull, push, security_log
from central.body_limit import BODY_TOO_LARGE, LimitBodies
from central.db import epoch as store_epoch
from central.models import Device, Officer
from central.security import hash_password, verify_password
from central.security_log import peer_address
from central.throttle import SignInThrottle, Throttled, describe_wait

log = logging.getLogger("central.api")

# Version 2 added arrangements and case actions to pull pages and checks; a version 1 app
# rejects replies with fields it does not know, so it gets 426 and a message to update instead.
# Version 3 added arrangement versions (supersedes_id, source, made_on) to arrangement rows.
# Version 4 added finished assessments to pages and checks, and assessment_id to actions.
# Version 5 added visit records (contacts, promises to pay, follow-ups, referrals) to pages and
# checks, and their intents; a version 4 app would refuse those pages (and its outbox holds
# none of them), so it gets 426 and a message to update.
PROTOCOL_MIN = 5
PROTOCOL_MAX = PROTOCOL_VERSION
BAD_CREDENTIALS = "Sign-in failed: the username or password is not right."
_DUMMY_HASH: list[str] = []


def _check_password(officer: Officer | None, password: str) -> bool:
    """Verify a password; an unknown user or one without a password costs the same time."""
    if officer is None or not officer.password_hash:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(hash_password(secrets.token_urlsafe(16)))
        verify_password(_DUMMY_HASH[0], password)
        return False
    return verify_password(officer.password_hash, password)


class ApiError(Exception):
    """An error answer: HTTP status, stable code, a message for people and any headers."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(code=code, message=message)
    return JSONResponse(status_code=status, content=body.model_dump(), headers=headers)


class ContainErrors:
    """ASGI middleware: an unexpected error becomes a 500 ErrorBody, logged without its text.

    Exception texts can quote SQL parameters (names, addresses), so the log keeps only the
    error's type, the route and where it was raised.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def _send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, _send)
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
            log.error("unexpected %s on %s at %s", type(exc).__name__, scope.get("path"), where)
            if started:
                return
            response = _error(
                500, "server_error", "The central store had an unexpected problem; try later."
            )
            await response(scope, receive, send)


# -- dependencies ---------------------------------------------------------------------------


def require_protocol(
    protocol: Annotated[str | None, Header(alias=HEADER_PROTOCOL)] = None,
) -> int:
    """The request's protocol version; 426 when it is missing or not one this server speaks."""
    supported = (
        f"{PROTOCOL_MIN}" if PROTOCOL_MIN == PROTOCOL_MAX else f"{PROTOCOL_MIN} to {PROTOCOL_MAX}"
    )
    if protocol is None:
        raise ApiError(
            426,
            "protocol_unsupported",
            f"The request did not say which Doorstep sync protocol it speaks (header "
            f"{HEADER_PROTOCOL}); this central store speaks version {supported}. "
            "Use the Doorstep app to sync. Nothing was changed.",
        )
    try:
        version = int(protocol)
    except ValueError:
        version = -1
    if not PROTOCOL_MIN <= version <= PROTOCOL_MAX:
        raise ApiError(
            426,
            "protocol_unsupported",
            f"This version of Doorstep speaks sync protocol {protocol!s:.20}, but the central "
            f"store speaks version {supported}. Install the Doorstep version your IT team "
            "supports; nothing was changed on either side.",
        )
    return version


def get_session(request: Request) -> Iterator[Session]:
    """One Session per request, from the app's sessionmaker."""
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def current_device(
    session: SessionDep,
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
) -> Device:
    """The enrolled device whose token the request carries; 401 token_expired for a token
    older than ``devices.TOKEN_LIFETIME``, 401 token_invalid for any other refused one."""
    token = ""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            token = value.strip()
    try:
        device = devices.device_for_token(session, token) if token else None
    except devices.DeviceToWipe as wipe:
        raise _told_to_wipe(session, wipe.device, request) from None
    except devices.TokenExpired:
        security_log.token_refused(
            reason="expired", path=request.url.path, address=peer_address(request.scope)
        )
        raise ApiError(
            401,
            "token_expired",
            f"This device's sign-in has expired (a sign-in lasts "
            f"{devices.TOKEN_LIFETIME.days} days). Sign in again; changes waiting to be sent "
            "are kept on this laptop.",
        ) from None
    if device is None:
        security_log.token_refused(
            reason="not_valid" if token else "missing",
            path=request.url.path,
            address=peer_address(request.scope),
        )
        raise ApiError(
            401,
            "token_invalid",
            "This device's sign-in is no longer valid (it was replaced, revoked or never "
            "issued). Sign in again.",
        )
    return device


CurrentDevice = Annotated[Device, Depends(current_device)]

DEVICE_WIPED = "device_wiped"


def _told_to_wipe(session: Session, device: Device, request: Request) -> ApiError:
    """Record that ``device`` was told to erase its data; the 410 answer that tells it."""
    devices.record_wipe_told(device)
    session.commit()
    security_log.wipe_told(
        device_id=device.id,
        officer_id=device.officer_id,
        path=request.url.path,
        address=peer_address(request.scope),
    )
    return ApiError(
        410,
        DEVICE_WIPED,
        "IT has withdrawn this laptop from Doorstep: its copy of the caseload must be erased, "
        "and it can no longer sync. Ask IT for help.",
    )


# -- error answers --------------------------------------------------------------------------


def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
    return _error(exc.status, exc.code, exc.message, exc.headers)


def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', 'invalid')}"
        for err in exc.errors()[:5]
    )
    return _error(422, "bad_request", f"The request is not valid ({problems}).")


def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    codes = {404: "not_found", 405: "method_not_allowed", 413: BODY_TOO_LARGE}
    code = codes.get(exc.status_code, "http_error")
    return _error(exc.status_code, code, str(exc.detail))


# -- routes: status, sign-in, sync -------------------------------------------------------------

status_routes = APIRouter()
auth_routes = APIRouter()
sync_routes = APIRouter()


@status_routes.get("/health")
def health(session: SessionDep) -> Response:
    body = Health(
        status="ok",
        protocol_min=PROTOCOL_MIN,
        protocol_max=PROTOCOL_MAX,
        epoch=store_epoch(session),
    )
    return Response(body.model_dump_json(), media_type="application/json")


def _throttled(exc: Throttled) -> ApiError:
    return ApiError(
        429,
        "too_many_attempts",
        "Too many failed sign-ins for this account or from this network. Wait "
        f"{describe_wait(exc.retry_after)}, then try again; each further failure makes the "
        "wait longer.",
        headers={"Retry-After": str(exc.retry_after)},
    )


def _log_signin(
    outcome: str, body: SignInRequest, officer: Officer | None, address: str, **more: int
) -> None:
    security_log.signin(
        outcome,
        username=body.username,
        officer_id=officer.id if officer else None,
        device_id=body.device_id,
        address=address,
        **more,
    )


def _signed_in_officer(
    session: Session, body: SignInRequest, address: str, app: FastAPI
) -> Officer:
    """The officer whose password the request carries; 429 during a wait (unchecked, so the
    answer says nothing about the password), 401 for a wrong username or password."""
    throttle: SignInThrottle = app.state.throttle
    try:
        with throttle.attempt(body.username, address) as attempt:
            officer = session.execute(
                select(Officer).where(Officer.username == body.username.strip())
            ).scalar_one_or_none()
            if officer is None or not _check_password(officer, body.password):
                attempt.failed()
                _log_signin("bad_credentials", body, officer, address)
                raise ApiError(401, "bad_credentials", BAD_CREDENTIALS)
            if officer.disabled_at is not None:
                # The same answer as a wrong password, so the account's state is not told to
                # whoever holds the password; the security log says why.
                attempt.failed()
                _log_signin("officer_disabled", body, officer, address)
                raise ApiError(401, "bad_credentials", BAD_CREDENTIALS)
            attempt.succeeded()
            return officer
    except Throttled as exc:
        _log_signin("throttled", body, None, address, retry_after=exc.retry_after)
        raise _throttled(exc) from None


def _unkeepable(body: SignInRequest) -> str | None:
    """What of a sign-in no central store can look up or keep, named: a NUL character (code
    zero) in the username or the device name. PostgreSQL's text cannot hold one, so the
    lookup (or, after the right password, the enrolment) failed there with a 500."""
    for field, what in (("username", "a username"), ("device_name", "a device name")):
        if "\x00" in getattr(body, field):
            return f"{field}: has a NUL character (code zero), which {what} cannot hold"
    return None


@auth_routes.post("/auth/signin")
def signin(body: SignInRequest, session: SessionDep, request: Request) -> Response:
    problem = _unkeepable(body)
    if problem:  # refused before the throttle and the password: nothing is checked or counted
        raise ApiError(422, "bad_request", f"The request is not valid ({problem}).")
    address = peer_address(request.scope)
    officer = _signed_in_officer(session, body, address, request.app)
    try:
        token = devices.enrol_device(
            session, officer=officer, device_id=body.device_id, device_name=body.device_name
        )
    except devices.DeviceToWipe as wipe:
        _log_signin(DEVICE_WIPED, body, officer, address)
        raise _told_to_wipe(session, wipe.device, request) from None
    except devices.DeviceOfAnotherOfficer:
        session.rollback()
        _log_signin("device_of_another_officer", body, officer, address)
        raise ApiError(
            409,
            "device_of_another_officer",
            "This device is enrolled to another officer. Ask IT to retire it before "
            "signing in as someone else.",
        ) from None
    except devices.DeviceRevoked:
        session.rollback()
        _log_signin("device_revoked", body, officer, address)
        raise ApiError(
            403,
            "device_revoked",
            "This device has been revoked by IT and cannot sign in. Ask IT for help.",
        ) from None
    reply = SignInResponse(
        token=token,
        officer=OfficerOut(
            id=officer.id, username=officer.username, display_name=officer.display_name
        ),
        epoch=store_epoch(session),
    )
    session.commit()
    _log_signin("ok", body, officer, address)
    return Response(reply.model_dump_json(), media_type="application/json")


@sync_routes.get("/sync/pull")
def sync_pull(
    session: SessionDep,
    device: CurrentDevice,
    cursor: Annotated[int, Query(ge=0, le=WIRE_INT_MAX)] = 0,
    limit: Annotated[int | None, Query()] = None,
    epoch: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    try:
        page = pull.pull_page(
            session, officer_id=device.officer_id, cursor=cursor, limit=limit, epoch=epoch
        )
    except pull.BadPullRequest as exc:
        raise ApiError(422, "bad_request", str(exc)) from None
    log.debug(
        "pull device=%s cursor=%d next=%d rows=%d",
        device.id,
        cursor,
        page.next_cursor,
        page.rows,
    )
    return Response(page.json, media_type="application/json")


@sync_routes.get("/sync/check")
def sync_check(session: SessionDep, device: CurrentDevice) -> Response:
    check = pull.scope_check(session, officer_id=device.officer_id)
    device.last_seen_at = utcnow()
    session.commit()
    log.info("check device=%s cursor=%d", device.id, check.cursor)
    return Response(check.model_dump_json(), media_type="application/json")


async def read_push_request(request: Request, _device: CurrentDevice) -> PushRequest:
    """The push batch, read only once the device's token is known good: a request without
    one is refused before a byte of its body is read (its size is bounded by LimitBodies)."""
    raw = await request.body()
    try:
        return PushRequest.model_validate_json(raw)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None


PushBody = Annotated[PushRequest, Depends(read_push_request)]


@sync_routes.post("/sync/push")
def sync_push(
    body: PushBody, session: SessionDep, device: CurrentDevice, request: Request
) -> Response:
    try:
        reply = push.push_mutations(
            session,
            device_id=device.id,
            officer_id=device.officer_id,
            mutations=body.mutations,
            late_work=request.app.state.late_work,
        )
    except push.PushUnavailable:
        raise ApiError(
            503,
            "unavailable",
            "The central store cannot save changes just now. Your changes are kept on the "
            "laptop and are sent again, in order, at the next sync.",
        ) from None
    return Response(reply.model_dump_json(), media_type="application/json")


# -- the app --------------------------------------------------------------------------------


def create_app(
    engine: Engine,
    *,
    throttle: SignInThrottle | None = None,
    late_work_days: int = LATE_WORK_DAYS,
) -> FastAPI:
    """The sync service over ``engine`` (an up-to-date central store); ``throttle`` counts
    failed sign-ins (a new one on the system's clock by default); ``late_work_days``: how long
    after a case leaves an officer their contacts and I&Es recorded before are still taken."""
    app = FastAPI(
        title="Doorstep central",
        dependencies=[Depends(require_protocol)],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.sessions = sessionmaker(engine, expire_on_commit=False)
    app.state.throttle = throttle or SignInThrottle()
    app.state.late_work = timedelta(days=late_work_days)
    app.add_middleware(LimitBodies)
    app.add_middleware(ContainErrors)  # added last, so outermost
    app.exception_handler(ApiError)(_api_error)
    app.exception_handler(RequestValidationError)(_validation_error)
    app.exception_handler(StarletteHTTPException)(_http_error)
    # The app's dependency (the protocol check) applies to every included route.
    for routes in (status_routes, auth_routes, sync_routes):
        app.include_router(routes)
    return app


def tls_refusal(certfile: str | None, keyfile: str | None) -> str | None:
    """Why ``serve`` cannot use this certificate and key, or None when it can (or when both
    are absent: plain HTTP). Both are needed together, and must load."""
    if certfile is None and keyfile is None:
        return None
    if certfile is None:
        return "--keyfile was given without --certfile; give both for HTTPS, or neither"
    if keyfile is None:
        return "--certfile was given without --keyfile; give both for HTTPS, or neither"
    for path in (certfile, keyfile):
        if not os.path.isfile(path):
            return f"cannot read {path}: no such file"
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as exc:
        return (
            f"the certificate {certfile} and key {keyfile} cannot be used "
            f"({exc.__class__.__name__}); they must be PEM files and the key must match the "
            "certificate"
        )
    return None


def serve(
    *,
    url: str | None,
    host: str,
    port: int,
    certfile: str | None = None,
    keyfile: str | None = None,
    late_work_days: int = LATE_WORK_DAYS,
) -> int:
    """Run the service with uvicorn until interrupted, over HTTPS when given a certificate and
    its key; 0 on a clean stop, 1 when it cannot listen, 2 for an unusable certificate."""
    import uvicorn

    from central.db import open_store

    refusal = tls_refusal(certfile, keyfile)
    if refusal:
        sys.stderr.write(f"serve: {refusal}\n")
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("central").setLevel(logging.INFO)  # ids and events only (see above)
    engine = open_store(url)
    app = create_app(engine, late_work_days=late_work_days)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        engine.dispose()
        log.error("cannot listen on %s:%s: %s", host, port, exc.strerror or exc)
        sys.stderr.write(f"Doorstep central cannot listen on {host}:{port}: {exc.strerror}\n")
        return 1
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
    )
    server = uvicorn.Server(config)
    # The socket is already listening, so connections made from now on queue until served.
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    scheme = "https" if certfile else "http"
    # The one ready line `serve` promises (tests and the demo launcher wait for it).
    print(f"Doorstep central listening on {scheme}://{shown}:{bound_port}", flush=True)  # noqa: T201
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        engine.dispose()
    return 0


__all__ = ["CurrentDevice", "SessionDep", "create_app", "serve"]
