"""The vocabulary of visits: contacts, promises to pay, follow-ups, referrals (docs/rules.md F3a).

What an officer records on a doorstep is a record of its own, never a ledger line, and is
append-only: a correction is a new version that names the one it replaces (``supersedes_id``);
the version in force is the one no later version replaces. The codes here are the device's, the
wire's and the central store's export's (``docs/hms-export.md``), so an HMS can load them back.

Pure: no I/O; safe on any thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from app.domain.days import day_problem
from app.domain.display import format_day
from app.domain.rent_account import LedgerLine, count_up_to
from app.domain.text import text_problem

CONTACT_HOW: dict[str, str] = {
    "home_visit": "Home visit",
    "phone": "Phone call",
    "letter": "Letter",
    "email": "Email",
    "text": "Text message",
    "office": "At the office",
    "court": "At court",
}
"""How a contact was made, with its label."""

CONTACT_OUTCOMES: dict[str, str] = {
    "no_access": "No access",
    "card_left": "Card left",
    "spoke_to_tenant": "Spoke to the tenant",
    "promise_to_pay": "Promise to pay",
    "arrangement_made": "Arrangement made",
    "ie_done": "Income and expenditure done",
    "referral_made": "Referral made",
    "refused_to_engage": "Refused to engage",
}
"""What came of a contact, with its label (the order of the visit screen's buttons)."""

REFERRAL_KINDS: dict[str, str] = {
    "debt_advice": "Free debt advice",
    "citizens_advice": "Citizens Advice",
    "welfare_benefits": "Welfare benefits team",
    "dhp": "Discretionary Housing Payment application",
    "tenancy_sustainment": "Tenancy sustainment",
    "safeguarding": "Social services / safeguarding",
    "dwp_managed_payment": "DWP managed payment of rent",
}
"""Where a tenant can be referred, with its label."""

REFERRAL_OUTCOMES: dict[str, str] = {
    "pending": "Awaiting an outcome",
    "accepted": "Accepted / in progress",
    "awarded": "Awarded or put in place",
    "declined": "Declined or refused",
    "no_engagement": "Tenant did not engage",
    "closed": "Closed",
}
"""How a referral ended up (``pending`` until the officer hears)."""

FOLLOW_UP_STATES: dict[str, str] = {
    "open": "To do",
    "done": "Done",
    "cancelled": "Cancelled",
}
"""A follow-up is open until marked done or cancelled (each a new version)."""

PromiseState = Literal["pending", "kept", "broken"]
FollowUpState = Literal["due", "overdue", "later"]
_ONE_DAY = timedelta(days=1)

MAX_TEXT = 4000
"""The longest note, reason or task a visit record may carry (as a case action's note)."""
MAX_NAME = 200
"""The longest name of the person spoken to, when not a household member."""
MAX_PROMISE_DAYS = 92
"""How far ahead a promise to pay may fall due: a promise is for the coming days and weeks;
anything longer is an arrangement (F3)."""
MAX_FOLLOW_UP_DAYS = 366
"""How far ahead a follow-up may be set: a year covers an annual review."""
PROMISE_PAYMENT_TYPES = frozenset({"PAYMENT"})
"""The ledger lines that keep a promise: the tenant's own payments, never a benefit credit
(F3a)."""


class VisitError(ValueError):
    """A record that cannot be made; the message names the field and the reason."""


def check_choice(field: str, value: str, choices: dict[str, str]) -> str:
    """``value`` if it is one of ``choices``, else :class:`VisitError` listing them."""
    if value not in choices:
        raise VisitError(f"{field}: {value!r} is not one of {', '.join(choices)}")
    return value


def check_text(field: str, value: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    """``value`` stripped, or :class:`VisitError` naming the field (too long, empty when
    required, or holding characters that cannot be kept)."""
    value = value.strip()
    if required and not value:
        raise VisitError(f"{field}: write what it is")
    if len(value) > limit:
        raise VisitError(f"{field}: {len(value)} characters is too long (at most {limit})")
    problem = text_problem(value)
    if problem is not None:
        raise VisitError(f"{field}: {problem}")
    return value


def check_day(field: str, day: date) -> date:
    """``day`` if Doorstep takes it (``app.domain.days``), else :class:`VisitError`."""
    problem = day_problem(day)
    if problem is not None:
        raise VisitError(f"{field}: {problem}")
    return day


def check_past(field: str, day: date, *, today: date, since: date) -> date:
    """A day something happened: not after ``today``, not before ``since`` (the tenancy)."""
    check_day(field, day)
    if day > today:
        raise VisitError(f"{field}: {format_day(day)} is in the future; record it once it is done")
    if day < since:
        raise VisitError(
            f"{field}: {format_day(day)} is before the tenancy began ({format_day(since)})"
        )
    return day


def check_ahead(
    field: str, day: date, *, start: date, days: int, start_is: str = "the day it was made"
) -> date:
    """A day something is due: from ``start`` (described as ``start_is``) to ``days`` after
    it; the message names both ("1 Dec 2026 is before today, 2 Dec 2026")."""
    check_day(field, day)
    if day < start:
        raise VisitError(f"{field}: {format_day(day)} is before {start_is}, {format_day(start)}")
    if day > start + timedelta(days=days):
        raise VisitError(
            f"{field}: {format_day(day)} is more than {days} days after {start_is}, "
            f"{format_day(start)}"
        )
    return day


@dataclass(frozen=True, slots=True)
class Payment:
    """A ledger credit as the promise rule reads it: the day posted and the pence paid
    (positive for money received)."""

    posted_on: date
    paid_pence: int


def payments_from_ledger(lines: Iterable[tuple[date, str, int]]) -> list[Payment]:
    """The tenant's payments among ledger lines ``(posted_on, type, amount_pence)`` (a credit
    is negative in the ledger; a reversed payment, positive, takes its amount back)."""
    return [
        Payment(posted_on, -amount)
        for posted_on, kind, amount in lines
        if kind in PROMISE_PAYMENT_TYPES
    ]


@dataclass(frozen=True, slots=True)
class PromiseJudgement:
    """A promise judged against the ledger: its state, what was paid in its window, and the
    last day a payment still counts (its date plus the grace days)."""

    state: PromiseState
    paid_pence: int
    last_day: date


def judge_promise(
    *,
    made_on: date,
    due_on: date,
    amount_pence: int,
    payments: Iterable[Payment],
    today: date,
    grace_days: int,
) -> PromiseJudgement:
    """F3a: kept once the payments posted from ``made_on`` to ``due_on`` + ``grace_days`` add
    up to ``amount_pence``; broken when that last day has passed without it; pending until
    then. Each promise is judged in its own window, so payments before it was made never
    count towards it."""
    last_day = due_on + timedelta(days=grace_days)
    paid = sum(p.paid_pence for p in payments if made_on <= p.posted_on <= last_day)
    if paid >= amount_pence:
        state: PromiseState = "kept"
    elif today > last_day:
        state = "broken"
    else:
        state = "pending"
    return PromiseJudgement(state=state, paid_pence=paid, last_day=last_day)


@dataclass(frozen=True, slots=True)
class PromiseToPay:
    """A promise in force on a case (its latest version, not withdrawn), as the worklist reads
    it: ``amount_pence`` promised on ``made_on`` to be paid by ``due_on``."""

    made_on: date
    due_on: date
    amount_pence: int


@dataclass(frozen=True, slots=True)
class JudgedPromise:
    """A promise and its judgement on a day (F3a)."""

    promise: PromiseToPay
    judgement: PromiseJudgement

    @property
    def state(self) -> PromiseState:
        return self.judgement.state


def judge_on_ledger(
    promise: PromiseToPay,
    lines: Sequence[LedgerLine],
    *,
    today: date,
    grace_days: int,
) -> JudgedPromise:
    """F3a for one promise against date-ordered ledger ``lines``: only the tenant's payments
    posted in its own window count (from the day it was made to its last day of grace), and
    none posted after ``today`` (a report for an earlier day)."""
    last_day = promise.due_on + timedelta(days=grace_days)
    first = count_up_to(lines, promise.made_on - _ONE_DAY)
    end = count_up_to(lines, min(last_day, today))
    judgement = judge_promise(
        made_on=promise.made_on,
        due_on=promise.due_on,
        amount_pence=promise.amount_pence,
        payments=payments_from_ledger(lines[first:end]) if end > first else (),
        today=today,
        grace_days=grace_days,
    )
    return JudgedPromise(promise, judgement)


def latest_promise(
    promises: Sequence[PromiseToPay],
    lines: Sequence[LedgerLine],
    *,
    today: date,
    grace_days: int,
) -> JudgedPromise | None:
    """The latest promise made on or before ``today`` (``promises`` in the order they were
    recorded; the last of those made on the latest day), judged on its own (F3a), or None."""
    latest: PromiseToPay | None = None
    for promise in promises:
        if promise.made_on <= today and (latest is None or promise.made_on >= latest.made_on):
            latest = promise
    if latest is None:
        return None
    return judge_on_ledger(latest, lines, today=today, grace_days=grace_days)


@dataclass(frozen=True, slots=True)
class FollowUpTask:
    """An open follow-up on a case: ``task`` to do on ``due_on``."""

    due_on: date
    task: str


def earliest_follow_up(follow_ups: Iterable[FollowUpTask]) -> FollowUpTask | None:
    """The open follow-up due first (the first given of those due that day), or None."""
    earliest: FollowUpTask | None = None
    for follow_up in follow_ups:
        if earliest is None or follow_up.due_on < earliest.due_on:
            earliest = follow_up
    return earliest


def follow_up_state(*, due_on: date, today: date) -> FollowUpState:
    """An open follow-up is due on its day, overdue after it, and not yet due before it."""
    if due_on < today:
        return "overdue"
    if due_on == today:
        return "due"
    return "later"
