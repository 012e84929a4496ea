"""Payment arrangements: their due dates, their end, and whether one is being kept (F3, W4).

An arrangement is "the rent plus an instalment off the arrears on each due date". Pure functions
over :class:`ArrangementTerms` and ledger lines; nothing here keeps state, so every function is
safe on any thread.

The breach rule (docs/rules.md F3, Hackney's income API):

- ``required(D)`` = the charges posted from the start up to ``D − grace``, plus the instalments
  due from the start up to ``D − grace``;
- ``credits(D)`` = the payments and benefit credits posted from the start up to ``D``;
- breached when ``required − credits > tolerance``; the breach is the difference.

Decisions where F3 is silent:

- **Charges counted** are the weekly debit (``RENT``, ``SERVICE``) and ``ADJUSTMENT`` lines with
  their sign (an adjustment corrects the rent: a reversal lowers what is required). Court costs
  and recharges are separate debts: posting one does not break an arrangement on the rent.
- **Credits counted** are ``PAYMENT``, ``HB``, ``UC`` and ``DHP`` (with their sign, so a
  reversed payment counts against the tenant); a ``REFUND`` (money paid back to the tenant)
  reduces the credits. A ``WRITE_OFF`` is not the tenant keeping the arrangement and is ignored.
- **Instalments stop** once they add up to the starting balance: the last one is the remainder,
  and no instalment is due after :func:`end_date`. With a starting balance of 0 or less there is
  nothing to repay, so only the rent is required.
- **breached_since** is the first day of the current unbroken run of breached days: a payment
  that clears the shortfall, even for a day, ends the run.
- ``expected_balance_pence`` = starting balance + counted charges up to ``D`` − ``required(D)``
  (F3's equivalent test: breached when the balance is above it, by more than the tolerance).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice

from app.domain.days import day_problem
from app.domain.display import format_day
from app.domain.months import add_months, whole_months_between
from app.domain.rent_account import (
    ADJUSTMENT,
    PAYMENT_TYPES,
    REFUND,
    WEEKLY_CHARGE_TYPES,
    Ledger,
    LedgerLine,
    count_up_to,
    ordered,
)

FREQUENCIES = ("weekly", "fortnightly", "four_weekly", "monthly")
KINDS = ("informal", "court_order")
STATUSES = ("live", "cancelled")
_PERIOD_DAYS = {"weekly": 7, "fortnightly": 14, "four_weekly": 28}
_ALIASES = {"four-weekly": "four_weekly"}

#: Lines that count as charges in the breach rule (with their sign).
BREACH_CHARGE_TYPES = WEEKLY_CHARGE_TYPES | {ADJUSTMENT}
#: Lines that count as credits in the breach rule (with their sign; a refund reduces them).
BREACH_CREDIT_TYPES = PAYMENT_TYPES | {REFUND}


class ArrangementError(ValueError):
    """Arrangement terms or check settings that cannot be used; the message names the field."""


@dataclass(frozen=True, slots=True)
class ArrangementTerms:
    """An agreed arrangement: an instalment off the arrears on each due date, on top of the rent.

    ``start_date`` is the first due date. ``starting_balance_pence`` is the account balance when
    the arrangement was made (the arrears it repays). ``made_on``, when known, is the day it was
    agreed: before it the arrangement does not exist (so a past worklist is reproducible); when
    None, it counts from whenever it is asked about. ``day_of_month`` (monthly terms only) is
    the day each instalment falls when it is not the start's: a plan aligned to a UC pay day
    of the 31st that starts on 28 Feb falls on 31 Mar, 30 Apr, ... (see :attr:`month_day`).
    Invalid terms raise :class:`ArrangementError` naming the field (its days must lie within
    those Doorstep takes: ``app.domain.days``). ``four-weekly`` is accepted for ``four_weekly``.
    """

    ref: str
    kind: str
    start_date: date
    frequency: str
    instalment_pence: int
    starting_balance_pence: int
    status: str = "live"
    made_on: date | None = None
    day_of_month: int | None = None

    def __post_init__(self) -> None:
        frequency = _ALIASES.get(self.frequency, self.frequency)
        if frequency != self.frequency:
            object.__setattr__(self, "frequency", frequency)
        if frequency not in FREQUENCIES:
            raise ArrangementError(
                f"frequency: {self.frequency!r} is not one of {', '.join(FREQUENCIES)}"
            )
        if self.kind not in KINDS:
            raise ArrangementError(f"kind: {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.status not in STATUSES:
            raise ArrangementError(f"status: {self.status!r} is not one of {', '.join(STATUSES)}")
        if not isinstance(self.instalment_pence, int) or isinstance(self.instalment_pence, bool):
            raise ArrangementError("instalment_pence: must be a whole number of pence")
        if self.instalment_pence <= 0:
            raise ArrangementError("instalment_pence: must be > 0")
        if not isinstance(self.starting_balance_pence, int) or isinstance(
            self.starting_balance_pence, bool
        ):
            raise ArrangementError("starting_balance_pence: must be a whole number of pence")
        if not isinstance(self.start_date, date) or isinstance(self.start_date, datetime):
            raise ArrangementError("start_date: must be a date")
        for name in ("start_date", "made_on"):
            day = getattr(self, name)
            problem = None if day is None else day_problem(day)
            if problem is not None:
                raise ArrangementError(f"{name}: {problem}")
        if self.day_of_month is not None:
            self._check_day_of_month(frequency)
        if self.made_on is not None and self.made_on > self.start_date:
            raise ArrangementError(
                f"made_on: {format_day(self.made_on)} is after the first due date "
                f"{format_day(self.start_date)}"
            )

    def _check_day_of_month(self, frequency: str) -> None:
        day = self.day_of_month
        if frequency != "monthly":
            raise ArrangementError("day_of_month: only monthly terms fall on a day of the month")
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 31:
            raise ArrangementError("day_of_month: must be a whole number from 1 to 31")
        start = self.start_date
        if add_months(start, 0, anchor_day=day) != start:
            raise ArrangementError(
                f"day_of_month: the first due date {format_day(start)} is not day {day} of its "
                "month (nor that month's last day)"
            )

    @property
    def month_day(self) -> int:
        """The day of the month a monthly instalment falls on (clamped to shorter months)."""
        return self.day_of_month or self.start_date.day

    @property
    def live(self) -> bool:
        """True unless the arrangement was cancelled."""
        return self.status == "live"

    def exists_on(self, day: date) -> bool:
        """Live and already made on ``day`` (always, when ``made_on`` is unknown)."""
        return self.status == "live" and (self.made_on is None or self.made_on <= day)


@dataclass(frozen=True, slots=True)
class ArrangementState:
    """Whether an arrangement is kept on ``as_of``, with the figures behind the answer.

    ``shortfall_pence`` = required − credits (negative when ahead); ``breached_by_pence`` is the
    shortfall when breached, else 0. ``instalments_due`` counts the due dates up to
    ``as_of − grace``; ``next_due_on`` is the next due date on or after ``as_of`` (None once the
    last instalment is past).
    """

    ref: str
    as_of: date
    live: bool
    kept: bool
    breached_by_pence: int
    breached_since: date | None
    required_pence: int
    credits_pence: int
    shortfall_pence: int
    expected_balance_pence: int
    instalments_due: int
    instalment_count: int
    next_due_on: date | None
    end_date: date | None


def instalment_count(terms: ArrangementTerms) -> int:
    """Instalments needed to repay the starting balance: ⌈balance ÷ instalment⌉ (0 if none)."""
    if terms.starting_balance_pence <= 0:
        return 0
    return -(-terms.starting_balance_pence // terms.instalment_pence)


def due_date(terms: ArrangementTerms, number: int) -> date:
    """The due date of instalment ``number`` (0 = the first, on ``start_date``).

    Monthly dates keep :attr:`ArrangementTerms.month_day`, clamped to the month's end (31 Jan,
    28 Feb, 31 Mar).
    """
    if terms.frequency == "monthly":
        return add_months(terms.start_date, number, anchor_day=terms.month_day)
    return terms.start_date + timedelta(days=_PERIOD_DAYS[terms.frequency] * number)


def end_date(terms: ArrangementTerms) -> date | None:
    """The last due date: start + (⌈arrears ÷ instalment⌉ − 1) periods (F3; W4: 19 Apr 2027).

    None when there is nothing to repay, or when the schedule would run past the last date a
    calendar can hold (a penny a month off thousands of pounds).
    """
    count = instalment_count(terms)
    if not count:
        return None
    try:
        return due_date(terms, count - 1)
    except (ValueError, OverflowError):
        return None


def dates_due_by(terms: ArrangementTerms, day: date) -> int:
    """How many due dates fall on or before ``day`` (not capped at the instalment count)."""
    start = terms.start_date
    if day < start:
        return 0
    if terms.frequency == "monthly":
        return whole_months_between(start, day, anchor_day=terms.month_day) + 1
    return (day - start).days // _PERIOD_DAYS[terms.frequency] + 1


def due_dates(terms: ArrangementTerms, until: date) -> list[date]:
    """Every due date from the start up to ``until`` (inclusive), stopping at the last instalment.

    Monthly dates keep :attr:`ArrangementTerms.month_day`, clamped to the month's end; the
    others are a fixed number of days apart (see :func:`due_date`).
    """
    count = instalment_count(terms)
    return [due_date(terms, number) for number in range(min(count, dates_due_by(terms, until)))]


def check_arrangement(
    terms: ArrangementTerms,
    lines: Sequence[LedgerLine],
    as_of: date,
    *,
    grace_days: int,
    tolerance_pence: int,
) -> ArrangementState:
    """Is the arrangement kept on ``as_of``? The F3 rule, with the run of breached days.

    ``lines`` is the tenancy's ledger in any order (a :class:`~app.domain.rent_account.Ledger`
    or a date-ordered list costs only the lines since the start). W4: kept on Fri 20 Mar 2026
    (required £220, credits £280); breached by £50 on Sat 21 Mar.
    """
    if grace_days < 0:
        raise ArrangementError("grace_days: must be 0 or more")
    if tolerance_pence < 0:
        raise ArrangementError("tolerance_pence: must be 0 or more")
    in_order = ordered(lines)
    start = terms.start_date
    grace = timedelta(days=grace_days)
    cutoff = as_of - grace
    count = instalment_count(terms)
    instalment = terms.instalment_pence
    balance_to_repay = max(0, terms.starting_balance_pence)

    # Each event: (the day it changes the shortfall, by how much).
    changes: dict[date, int] = {}
    charges_to_cutoff = charges_to_as_of = credits = 0
    first = count_up_to(in_order, start - timedelta(days=1))
    last = count_up_to(in_order, as_of)
    for line in islice(in_order.lines if isinstance(in_order, Ledger) else in_order, first, last):
        kind = line.type
        if kind in BREACH_CHARGE_TYPES:
            charges_to_as_of += line.amount_pence
            effective = line.posted_on + grace
            if effective <= as_of:
                charges_to_cutoff += line.amount_pence
                changes[effective] = changes.get(effective, 0) + line.amount_pence
        elif kind in BREACH_CREDIT_TYPES:
            credits -= line.amount_pence
            changes[line.posted_on] = changes.get(line.posted_on, 0) + line.amount_pence

    due_now = min(count, dates_due_by(terms, cutoff))
    instalments = min(due_now * instalment, balance_to_repay)
    for number in range(due_now):
        part = min(instalment, balance_to_repay - number * instalment)
        effective = due_date(terms, number) + grace
        changes[effective] = changes.get(effective, 0) + part

    shortfall = 0
    breached_since: date | None = None
    for day in sorted(changes):
        shortfall += changes[day]
        if shortfall > tolerance_pence:
            if breached_since is None:
                breached_since = day
        else:
            breached_since = None

    required = charges_to_cutoff + instalments
    shortfall = required - credits
    breached = shortfall > tolerance_pence
    upcoming = dates_due_by(terms, as_of - timedelta(days=1))
    return ArrangementState(
        ref=terms.ref,
        as_of=as_of,
        live=terms.live,
        kept=not breached,
        breached_by_pence=shortfall if breached else 0,
        breached_since=breached_since if breached else None,
        required_pence=required,
        credits_pence=credits,
        shortfall_pence=shortfall,
        expected_balance_pence=terms.starting_balance_pence + charges_to_as_of - required,
        instalments_due=due_now,
        instalment_count=count,
        next_due_on=due_date(terms, upcoming) if upcoming < count else None,
        end_date=end_date(terms),
    )


def terms_made_on(made_on: date | None, start_date: date) -> date | None:
    """The ``made_on`` an arrangement's terms carry: the day a version agreed on a laptop was
    made, when that is on or before its first due date (before it, the arrangement did not
    exist). A version made after its first due date is a cancellation, never live, so the day is
    not needed; an HMS arrangement has none."""
    return made_on if made_on is not None and made_on <= start_date else None
