"""The largest request body each route takes, enforced before the body is read.

:class:`LimitBodies` (ASGI middleware) refuses a request whose ``Content-Length`` is above its
route's limit with 413 ``body_too_large`` before reading a byte of it, and counts the bytes of
a body sent without a length (chunked) as they arrive, stopping at the limit
(:class:`BodyTooLarge`, answered 413 by the app's handler of HTTP errors). A ``Content-Length``
that is not a number of bytes is a 400 ``bad_request``.

The limits come from the protocol's own bounds (``app.protocol.messages``), with a margin:

- a push (:data:`PUSH_BODY_LIMIT`, 16 MiB): the largest single mutation the protocol allows,
  an ``assessment.add@1`` of 500 lines and 200 debts with every note ``MAX_NOTE`` characters
  of 4 bytes each, is about 11.6 MB; ``MAX_PUSH_BATCH`` actions each with the longest note in
  such characters about 3.5 MB (``tests/central/test_body_limits.py`` builds both). The device
  splits its pushes by size too (``MAX_PUSH_BYTES`` in ``app.protocol.messages``, half this);
- a sign-in (:data:`SIGNIN_BODY_LIMIT`, 16 KiB): a username of 80, a password of 1,024 and a
  device name of 200 characters, 4 bytes each, with their JSON, are under 6 KB;
- anything else (:data:`OTHER_BODY_LIMIT`): no other route reads a body, so the same small
  limit, which also covers a request to a route that does not exist.

Threading: the middleware keeps no state between requests.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.protocol.messages import ErrorBody
from central.security_log import body_refused, peer_address

KIB = 1024
MIB = 1024 * KIB
PUSH_BODY_LIMIT = 16 * MIB
SIGNIN_BODY_LIMIT = 16 * KIB
OTHER_BODY_LIMIT = 16 * KIB
BODY_LIMITS: Mapping[str, int] = {"/sync/push": PUSH_BODY_LIMIT, "/auth/signin": SIGNIN_BODY_LIMIT}
BODY_TOO_LARGE = "body_too_large"


def describe_size(size: int) -> str:
    """A limit in words: "16 MiB", "16 KiB"."""
    if size % MIB == 0:
        return f"{size // MIB} MiB"
    if size % KIB == 0:
        return f"{size // KIB} KiB"
    return f"{size} bytes"


def too_large_message(limit: int) -> str:
    return (
        f"The request is larger than the central store takes here (at most "
        f"{describe_size(limit)}); it was refused and nothing was changed."
    )


class BodyTooLarge(HTTPException):
    """A body sent without a length went past its route's limit while it was being read."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))


class LimitBodies:
    """ASGI middleware: each path's body limit (``limits``, else ``default``) before reading."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limits: Mapping[str, int] = BODY_LIMITS,
        default: int = OTHER_BODY_LIMIT,
    ) -> None:
        self.app = app
        self.limits = limits
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.default)
        declared = _declared_length(scope)
        if declared == "":
            await _answer(scope, receive, send, 400, "bad_request", _BAD_LENGTH)
            return
        if declared is not None and int(declared) > limit:
            _log_refusal(scope, int(declared), limit)
            await _answer(scope, receive, send, 413, BODY_TOO_LARGE, too_large_message(limit))
            return
        await self.app(scope, _counted(scope, receive, limit), send)


_BAD_LENGTH = (
    "The request's Content-Length header is not a number of bytes; nothing was read or changed."
)


def _declared_length(scope: Scope) -> str | None:
    """The Content-Length as digits; None when there is none, "" when it is not digits."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return text if text.isascii() and text.isdigit() else ""
    return None


def _log_refusal(scope: Scope, declared: int | None, limit: int) -> None:
    body_refused(path=scope["path"], address=peer_address(scope), declared=declared, limit=limit)


def _counted(scope: Scope, receive: Receive, limit: int) -> Receive:
    """``receive``, raising :class:`BodyTooLarge` once the body's bytes pass ``limit``."""
    received = 0

    async def counting() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                _log_refusal(scope, None, limit)
                raise BodyTooLarge(limit)
        return message

    return counting


async def _answer(
    scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str
) -> None:
    body = ErrorBody(code=code, message=message).model_dump()
    await JSONResponse(status_code=status, content=body)(scope, receive, send)
