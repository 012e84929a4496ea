"""The security log: sign-ins (success and failure), throttling refusals, token refusals,
bodies refused for their size, IT commands (device revoke and wipe, officer disable, enable
and password reset) and wipes told to devices, one line each on the ``central.security``
logger.

A line holds ids and outcomes, never personal data or a secret: the officer's id when it is
known, a tag of the username (``account=``) otherwise and beside it, the client's network
address and the outcome. Never the username, the password or the token. The tag is a keyed
hash (HMAC-SHA-256, 12 hex digits) under a key drawn when the service starts: a plain hash of
a username is the username to anyone with a list of likely ones, while this tag only ties
together the lines about one username within one run of the service. Values a client chose
(a path) are written quoted and cut short, so they cannot forge a line.

Threading: plain functions over the logging module, which is thread-safe.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid

from starlette.types import Scope

from central.throttle import account_key

log = logging.getLogger("central.security")

_TAG_KEY = secrets.token_bytes(32)


def peer_address(scope: Scope) -> str:
    """The address of the connection's other end. A forwarded-for header is never trusted:
    any client could write one."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def account_tag(username: str) -> str:
    """The username's tag in this run: the same for the ways one username can be typed."""
    digest = hmac.new(_TAG_KEY, account_key(username).encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:12]


def signin(
    outcome: str,
    *,
    username: str,
    officer_id: uuid.UUID | None,
    device_id: uuid.UUID,
    address: str,
    retry_after: int | None = None,
) -> None:
    """A sign-in answered: ``ok``, ``bad_credentials``, ``officer_disabled``, ``throttled`` or
    a device refusal."""
    line = "signin outcome=%s officer=%s account=%s device=%s address=%s"
    values: list[object] = [
        outcome,
        officer_id or "-",
        account_tag(username),
        device_id,
        address,
    ]
    if retry_after is not None:
        line += " retry_after=%d"
        values.append(retry_after)
    log.log(logging.INFO if outcome == "ok" else logging.WARNING, line, *values)


def token_refused(*, reason: str, path: str, address: str) -> None:
    """A request without a valid device token: ``missing``, ``expired`` or ``not_valid``
    (unknown, replaced or revoked)."""
    log.warning("token outcome=refused reason=%s path=%.80r address=%s", reason, path, address)


def body_refused(*, path: str, address: str, declared: int | None, limit: int) -> None:
    """A body refused for its size; ``declared`` is its Content-Length (None when it came
    without one and was cut off)."""
    log.warning(
        "body outcome=refused path=%.80r address=%s declared=%s limit=%d",
        path,
        address,
        "-" if declared is None else declared,
        limit,
    )


def it_command(
    action: str, *, officer_id: uuid.UUID | None = None, device_id: uuid.UUID | None = None
) -> None:
    """An IT command that changed who may sync: ``device_revoke``, ``device_wipe``,
    ``officer_disable``, ``officer_enable`` or ``officer_reset_password``."""
    log.warning(
        "it outcome=done action=%s officer=%s device=%s",
        action,
        officer_id or "-",
        device_id or "-",
    )


def wipe_told(*, device_id: uuid.UUID, officer_id: uuid.UUID, path: str, address: str) -> None:
    """A device IT asked to wipe made contact and was told to erase its data."""
    log.warning(
        "wipe outcome=told device=%s officer=%s path=%.80r address=%s",
        device_id,
        officer_id,
        path,
        address,
    )
