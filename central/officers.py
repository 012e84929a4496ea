"""Officer accounts: adding one, setting the password of one the import created, listing them.

Invariants:

- A password is kept only as an argon2 hash (``central.security``); it is never printed,
  logged or stored in clear, and must be at least :data:`MIN_PASSWORD_LENGTH` characters.
- ``officer add`` never overwrites a password: an account that already has one is refused
  (:class:`OfficerRefused`), so the command cannot be used to take over an account.
- An account the HMS import created (no password yet) keeps its id and caseload when its
  password is set.

Threading: plain functions over a Session passed in (the caller owns the transaction), plus
the ``officer_command`` wrapper for the command line.
"""

from __future__ import annotations

import getpass
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

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


def officer_command(
    *,
    url: str | None,
    action: str,
    username: str | None,
    display_name: str = "",
    password_file: str | None = None,
    prompt: Callable[[str], str] = getpass.getpass,
) -> int:
    """``python -m central officer add|list``: 0 on success, 2 (reason on stderr) if refused."""
    from central.db import open_store

    engine = open_store(url)
    try:
        if action == "list":
            with Session(engine) as session:
                sys.stdout.write(format_listing(list_officers(session=session)))
            return 0
        if action != "add" or not username:
            sys.stderr.write("usage: officer add USERNAME | officer list\n")
            return 2
        try:
            check_username(username)
            with Session(engine) as session:  # refuse before asking for a password
                existing = session.scalars(
                    select(Officer.password_hash).where(Officer.username == username)
                ).first()
                if existing:
                    raise OfficerRefused(
                        f"officer {username!r} already has a password; nothing changed"
                    )
            password = read_password(password_file=password_file, prompt=prompt)
            with Session(engine) as session, session.begin():
                added = add_officer(
                    session=session,
                    username=username,
                    password=password,
                    display_name=display_name,
                )
        except OfficerRefused as exc:
            sys.stderr.write(f"officer add: {exc}\n")
            return 2
        verb = "added" if added.created else "password set for imported officer"
        sys.stdout.write(f"{verb}: {added.username}\n")
        return 0
    finally:
        engine.dispose()
