"""Officer accounts: adding one, setting the password of one the import created, listing them;
for IT, disabling and enabling one and resetting a password.

Invariants:

- A password is kept only as an argon2 hash (``central.security``); it is never printed,
  logged or stored in clear, and must be at least :data:`MIN_PASSWORD_LENGTH` characters.
- ``officer add`` never overwrites a password: an account that already has one is refused
  (:class:`OfficerRefused`), so the command cannot be used to take over an account.
- An account the HMS import created (no password yet) keeps its id and caseload when its
  password is set.
- Disabling an officer, or resetting their password, makes every device token of theirs
  useless at once (``central.devices.void_tokens``): each laptop must sign in again, and a
  disabled officer cannot. Enabling lets them sign in again; it restores no token.

Threading: plain functions over a Session passed in (the caller owns the transaction), plus
the ``officer_command`` wrapper for the command line.
"""

from __future__ import annotations

import getpass
import re
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.sqlkit.utc import utcnow
from central import security_log
from central.devices import void_tokens
from central.models import Officer, Tenancy
from central.security import hash_password

MIN_PASSWORD_LENGTH = 8
USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,80}$")  # as the HMS import accepts them


class OfficerRefused(ValueError):
    """A request about an officer account that cannot be done; the message says why."""


@dataclass(frozen=True)
class OfficerAdded:
    """The result of :func:`add_officer`: ``created`` is False when an imported account
    (one with no password) got its password."""

    username: str
    created: bool


@dataclass(frozen=True)
class OfficerListing:
    """One line of ``officer list``."""

    username: str
    display_name: str
    has_password: bool
    tenancies: int


def check_username(username: str) -> None:
    """Refuse a username the HMS could not hold (letters, digits and . _ - @; 1-80 long)."""
    if not USERNAME.match(username):
        raise OfficerRefused(
            "a username is 1 to 80 letters, digits and . _ - @ (no spaces)",
        )


def check_password(password: str) -> None:
    """Refuse an empty password or one shorter than :data:`MIN_PASSWORD_LENGTH`."""
    if not password:
        raise OfficerRefused("the password is empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise OfficerRefused(f"the password is shorter than {MIN_PASSWORD_LENGTH} characters")


def add_officer(
    *, session: Session, username: str, password: str, display_name: str = ""
) -> OfficerAdded:
    """Create the account, or set the password of one the import created without one.

    Raises :class:`OfficerRefused` for a bad username or password, and for an account that
    already has a password. Nothing is written then.
    """
    check_username(username)
    check_password(password)
    officer = session.scalars(select(Officer).where(Officer.username == username)).one_or_none()
    if officer is not None and officer.password_hash:
        raise OfficerRefused(f"officer {username!r} already has a password; nothing changed")
    password_hash = hash_password(password)
    if officer is None:
        session.add(
            Officer(username=username, display_name=display_name, password_hash=password_hash)
        )
        session.flush()
        return OfficerAdded(username, created=True)
    officer.password_hash = password_hash
    if display_name:
        officer.display_name = display_name
    session.flush()
    return OfficerAdded(username, created=False)


@dataclass(frozen=True)
class OfficerChanged:
    """The result of an IT command on an officer: ``devices`` is how many of their devices
    must sign in again."""

    officer_id: uuid.UUID
    devices: int


def _officer_named(session: Session, username: str) -> Officer:
    officer = session.scalars(select(Officer).where(Officer.username == username)).one_or_none()
    if officer is None:
        raise OfficerRefused(f"there is no officer {username!r}; nothing changed")
    return officer


def disable_officer(*, session: Session, username: str) -> OfficerChanged:
    """Stop the officer signing in and void their device tokens (already disabled: the tokens
    are voided again, harmlessly)."""
    officer = _officer_named(session, username)
    if officer.disabled_at is None:
        officer.disabled_at = utcnow()
    devices = void_tokens(session, officer_id=officer.id)
    session.flush()
    return OfficerChanged(officer.id, devices)


def enable_officer(*, session: Session, username: str) -> OfficerChanged:
    """Let a disabled officer sign in again; their laptops each sign in anew."""
    officer = _officer_named(session, username)
    officer.disabled_at = None
    session.flush()
    return OfficerChanged(officer.id, devices=0)


def reset_password(*, session: Session, username: str, password: str) -> OfficerChanged:
    """Set a new password (the rules of :func:`check_password`) and void the officer's device
    tokens, so every laptop of theirs signs in again with it."""
    check_password(password)
    officer = _officer_named(session, username)
    officer.password_hash = hash_password(password)
    devices = void_tokens(session, officer_id=officer.id)
    session.flush()
    return OfficerChanged(officer.id, devices)


def list_officers(*, session: Session) -> list[OfficerListing]:
    """Every officer, by username, with the number of tenancies in their caseload."""
    caseload = (
        select(Tenancy.officer_id, func.count().label("n"))
        .where(Tenancy.officer_id.is_not(None))
        .group_by(Tenancy.officer_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Officer.username,
            Officer.display_name,
            Officer.password_hash.is_not(None),
            func.coalesce(caseload.c.n, 0),
        )
        .outerjoin(caseload, caseload.c.officer_id == Officer.id)
        .order_by(Officer.username)
    ).all()
    return [OfficerListing(u, d or "", bool(p), int(n)) for u, d, p, n in rows]


def read_password(
    *, password_file: str | None, prompt: Callable[[str], str] = getpass.getpass
) -> str:
    """The new password: the first line of ``password_file`` (its line break removed), or
    typed twice at a prompt that does not echo. Raises :class:`OfficerRefused` when the two
    differ or the file cannot be read."""
    if password_file:
        try:
            text = Path(password_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.__class__.__name__
            raise OfficerRefused(f"cannot read the password file ({reason})") from None
        return text.split("\n", 1)[0].removesuffix("\r")
    try:
        first = prompt("New password: ")
        second = prompt("Type it again: ")
    except EOFError:
        raise OfficerRefused("no password given (use --password-file without a terminal)") from None
    if first != second:
        raise OfficerRefused("the two passwords differ; nothing changed")
    return first


def format_listing(officers: list[OfficerListing]) -> str:
    """``officer list`` as aligned text columns."""
    header = ("username", "display name", "password", "tenancies")
    rows = [
        (o.username, o.display_name, "set" if o.has_password else "not set", str(o.tenancies))
        for o in officers
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    lines = [
        f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]:>9}"
        for r in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _add_command(
    engine: Engine,
    *,
    username: str,
    display_name: str,
    password_file: str | None,
    prompt: Callable[[str], str],
) -> str:
    """``officer add``: the summary line; raises :class:`OfficerRefused`."""
    check_username(username)
    with Session(engine) as session:  # refuse before asking for a password
        existing = session.scalars(
            select(Officer.password_hash).where(Officer.username == username)
        ).first()
        if existing:
            raise OfficerRefused(f"officer {username!r} already has a password; nothing changed")
    password = read_password(password_file=password_file, prompt=prompt)
    with Session(engine) as session, session.begin():
        added = add_officer(
            session=session, username=username, password=password, display_name=display_name
        )
    verb = "added" if added.created else "password set for imported officer"
    return f"{verb}: {added.username}"


def _it_command(
    engine: Engine,
    *,
    action: str,
    username: str,
    password_file: str | None,
    prompt: Callable[[str], str],
) -> str:
    """``officer disable|enable|reset-password``, one transaction, logged on the security log;
    the summary line. Raises :class:`OfficerRefused`."""
    check_username(username)
    with Session(engine) as session:  # refuse an unknown officer before asking for a password
        _officer_named(session, username)
    password = ""
    if action == "reset-password":
        password = read_password(password_file=password_file, prompt=prompt)
    with Session(engine) as session, session.begin():
        if action == "disable":
            changed = disable_officer(session=session, username=username)
        elif action == "enable":
            changed = enable_officer(session=session, username=username)
        else:
            changed = reset_password(session=session, username=username, password=password)
    security_log.it_command(f"officer_{action.replace('-', '_')}", officer_id=changed.officer_id)
    if action == "enable":
        return f"enabled: {username} may sign in again (each laptop signs in anew)"
    signs_in = f"{changed.devices} device(s) must sign in again"
    if action == "disable":
        return f"disabled: {username} can no longer sign in; {signs_in}"
    return f"password reset for {username}; {signs_in}"


def officer_command(
    *,
    url: str | None,
    action: str,
    username: str | None,
    display_name: str = "",
    password_file: str | None = None,
    prompt: Callable[[str], str] = getpass.getpass,
) -> int:
    """``python -m central officer add|list|disable|enable|reset-password``: 0 on success, 2
    (reason on stderr) if refused."""
    from central.db import open_store

    engine = open_store(url)
    try:
        if action == "list":
            with Session(engine) as session:
                sys.stdout.write(format_listing(list_officers(session=session)))
            return 0
        if not username:
            sys.stderr.write(f"officer {action}: a username is needed\n")
            return 2
        try:
            if action == "add":
                summary = _add_command(
                    engine,
                    username=username,
                    display_name=display_name,
                    password_file=password_file,
                    prompt=prompt,
                )
            else:
                summary = _it_command(
                    engine,
                    action=action,
                    username=username,
                    password_file=password_file,
                    prompt=prompt,
                )
        except OfficerRefused as exc:
            sys.stderr.write(f"officer {action}: {exc}\n")
            return 2
        sys.stdout.write(summary + "\n")
        return 0
    finally:
        engine.dispose()
