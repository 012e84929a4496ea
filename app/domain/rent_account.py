"""The rent account: ledger lines, balances, arrears in money and in weeks, and UC timing.

Pure functions over :class:`LedgerLine` values (docs/rules.md E1-E5, D1, W3, W8). Everything is
integer pence; rates and weeks are ``Decimal``. Nothing here keeps state, so every function is
safe to call from any thread.

Invariants and conventions:

- A charge (debit) is positive, a credit negative; the balance is the sum (HMS format).
- "As of" a date means: lines posted after that date do not exist yet.
- Functions accept lines in any order. They check the order in one C-level pass and sort (stably,
  by ``posted_on``) only when needed, so lines read from the store in posting order cost nothing
  extra.
- Rent weeks run Monday to Sunday (E1). "This week's charge" is the RENT and SERVICE debited in
  the seven days ending on the as-of date, which for Monday debits is exactly the current rent
  week, and stays right for a ledger that posts on another weekday.

Decisions where docs/rules.md is silent (documented here because other layers rely on them):

- **Payments.** "Payments" and "last payment" mean credits from the tenant or a benefit:
  ``PAYMENT``, ``HB``, ``UC``, ``DHP``. A reversal of one of those (a positive line of that type)
  reduces the amount paid. ``ADJUSTMENT``, ``WRITE_OFF`` and ``REFUND`` are neither charged nor
  paid in the collection rate.
- **Collection rate** = paid ÷ RENT and SERVICE charged in the window, as a percentage to 1 dp;
  ``None`` when nothing was charged. The 4-week window is the 28 days ending on the as-of date,
  the 13-week window the 91 days ending on it (B2(c) rent statements).
- **Last payment** is the latest date with a credit of those types, and the sum of such credits
  posted that day (a payment and an HB credit on one day are one "last payment").
- **Rent-free weeks (E2)** are detected from the ledger, not from a calendar: on an account whose
  terms charge fewer than 52 weeks, the as-of date is in a rent-free week when no RENT was debited
  in the seven days ending on it while RENT was debited in the five weeks before that (so a dead
  or new account is not "rent-free"). Councils place their rent-free weeks differently (Christmas,
  end of March, or both), and the ledger is what the HMS actually did.
- **Collectable arrears** = the balance less this week's charge (the tenant has until the end of
  the week to pay it), never below 0. In a rent-free week nothing is charged, so nothing is
  deducted: the balance carried into the week is older arrears, and the rent-free week adds no
  new arrears (the balance cannot grow without a debit).
- **UC timing (E5, D1).** Applies when a UC credit (a direct payment to the landlord) was posted
  in the 62 days up to the as-of date - the latest one is the pay day - or when the case records
  the day UC is paid to the tenant (``uc_pay_day``, any past pay day: it recurs on the same day
  each month, clamped to the month's end). With both, the later pay day wins. The next payment
  is expected a month after the last. The technical allowance is the RENT and SERVICE debited
  after the last pay day up to the as-of date. A direct payment more than 7 days later than
  expected is ``overdue``: the timing excuse is gone, so the allowance is 0.
- **Weeks in arrears (E3)** = arrears ÷ the current weekly charge (rent + service charge from the
  terms), 2 dp half up; 0 when there are no arrears or no charge.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import accumulate, compress, count, islice
from operator import attrgetter, le
from typing import NamedTuple, overload

from app.domain.money import round_half_up_pence, weeks_of_charge
from app.domain.months import add_months, whole_months_between

# Ledger line types (HMS format). Charges are positive and credits negative by sign; the type
# says what the line is.
RENT = "RENT"
SERVICE = "SERVICE"
COURT_COSTS = "COURT_COSTS"
RECHARGE = "RECHARGE"
PAYMENT = "PAYMENT"
HB = "HB"
UC = "UC"
DHP = "DHP"
ADJUSTMENT = "ADJUSTMENT"
WRITE_OFF = "WRITE_OFF"
REFUND = "REFUND"

LINE_TYPES = frozenset(
    {RENT, SERVICE, COURT_COSTS, RECHARGE, PAYMENT, HB, UC, DHP, ADJUSTMENT, WRITE_OFF, REFUND}
)
#: The weekly debit: what "this week's charge", collection rates and UC timing count.
WEEKLY_CHARGE_TYPES = frozenset({RENT, SERVICE})
#: Every kind of charge to the account.
CHARGE_TYPES = frozenset({RENT, SERVICE, COURT_COSTS, RECHARGE})
#: Credits from the tenant or from a benefit: what counts as a payment.
PAYMENT_TYPES = frozenset({PAYMENT, HB, UC, DHP})

#: How recent a direct UC credit must be for UC timing to apply (two months).
UC_DIRECT_HORIZON_DAYS = 62
#: How late a direct UC payment may be before the technical allowance is withdrawn.
UC_LATE_DAYS = 7

_POSTED: Callable[[LedgerLine], date] = attrgetter("posted_on")
_AMOUNT: Callable[[LedgerLine], int] = attrgetter("amount_pence")
_NOT_POSITIVE = (0).__ge__
_PCT = Decimal("0.1")
_ZERO_WEEKS = Decimal("0.00")


class LedgerLine(NamedTuple):
    """One line of the rent account: charges positive, credits negative, integer pence.

    A named tuple rather than a frozen dataclass: a caseload holds hundreds of thousands of
    lines, read at every start, and a tuple is made in half the time.
    """

    posted_on: date
    type: str
    amount_pence: int


@dataclass(frozen=True, slots=True)
class RentTerms:
    """The tenancy's current charges: weekly rent and service charge, and charged weeks a year.

    ``rent_weeks`` is 52, 50 or 48 (E2): the number of weeks a year rent is charged.
    """

    weekly_rent_pence: int
    weekly_service_charge_pence: int = 0
    rent_weeks: int = 52

    @property
    def weekly_charge_pence(self) -> int:
        """The current weekly debit: rent plus service charge (E3)."""
        return self.weekly_rent_pence + self.weekly_service_charge_pence

    @property
    def monthly_equivalent_pence(self) -> int:
        """Weekly charge × charged weeks ÷ 12, half up (E4, D2; W3: £112.50 -> £487.50)."""
        return monthly_from_weekly(self.weekly_charge_pence, self.rent_weeks)

    @property
    def daily_rate_pence(self) -> int:
        """Weekly charge ÷ 7, half up: the daily rate for the court (E4; W11: £100 -> £14.29)."""
        return round_half_up_pence(Fraction(self.weekly_charge_pence, 7))


@dataclass(frozen=True, slots=True)
class UcTiming:
    """Universal Credit timing on the as-of date (E5, W8).

    ``source`` is ``"landlord"`` (UC credits on the ledger: direct payments) or ``"tenant"`` (the
    case records the tenant's UC pay day). ``allowance_pence`` is the rent debited since the last
    pay day; ``technical_arrears_pence`` the part of the arrears it explains, and
    ``actual_arrears_pence`` the rest (never below 0). ``pay_day`` is a date on the UC pay day
    of the month (the recorded pay day; for direct payments the last UC credit): with a pay day
    of the 31st, after a 28 Feb payment the next is expected on 31 Mar, not 28 Mar.
    """

    source: str
    last_uc_on: date
    next_uc_expected: date
    overdue: bool
    allowance_pence: int
    technical_arrears_pence: int
    actual_arrears_pence: int
    actual_weeks_in_arrears: Decimal
    pay_day: date | None = None

    @property
    def anchor(self) -> date:
        """A date on the UC pay day of the month (``pay_day``, else the last payment)."""
        return self.pay_day or self.last_uc_on


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """The state of a rent account on ``as_of``, computed in one pass (see the module notes).

    Amounts paid are positive numbers (what the tenant or benefit paid); the balance keeps the
    ledger's sign (positive = arrears). ``in_arrears_since`` is the first day of the current run of
    days ending in arrears (None when the balance on ``as_of`` is 0 or in credit).
    """

    as_of: date
    balance_pence: int
    arrears_pence: int
    weekly_charge_pence: int
    weeks_in_arrears: Decimal
    current_week_charge_pence: int
    collectable_arrears_pence: int
    in_rent_free_week: bool
    in_arrears_since: date | None
    last_payment_on: date | None
    last_payment_pence: int | None
    charged_4w_pence: int
    paid_4w_pence: int
    collection_rate_4w_pct: Decimal | None
    charged_13w_pence: int
    paid_13w_pence: int
    collection_rate_13w_pct: Decimal | None
    uc: UcTiming | None

    @property
    def days_since_payment(self) -> int | None:
        """Days from the last payment to ``as_of`` (None when there has never been one)."""
        return None if self.last_payment_on is None else (self.as_of - self.last_payment_on).days


# --- conversions (W3) --------------------------------------------------------------------


def monthly_from_weekly(weekly_pence: int, charged_weeks: int = 52) -> int:
    """Weekly × charged weeks ÷ 12, half up (A4, D2, E4). W3: £100 over 48 weeks -> £400.00."""
    return round_half_up_pence(Fraction(weekly_pence * charged_weeks, 12))


def weekly_from_monthly(monthly_pence: int) -> int:
    """Monthly × 12 ÷ 52, half up (A4). W3: £450/month -> £103.85."""
    return round_half_up_pence(Fraction(monthly_pence * 12, 52))


def daily_rate_from_monthly(monthly_pence: int) -> int:
    """Monthly × 12 ÷ 365, half up: the court's daily rate for monthly rent (E4, W11)."""
    return round_half_up_pence(Fraction(monthly_pence * 12, 365))


# --- ledger order and balances -------------------------------------------------------------


def in_date_order(lines: Sequence[LedgerLine]) -> bool:
    """True when ``lines`` are already in ``posted_on`` order (one C-level pass)."""
    days = list(map(_POSTED, lines))
    return all(map(le, days, islice(days, 1, None)))


def sort_lines(lines: Iterable[LedgerLine]) -> list[LedgerLine]:
    """Lines by ``posted_on``, stable (lines of one day keep their order)."""
    return sorted(lines, key=_POSTED)


class Ledger(Sequence[LedgerLine]):
    """A tenancy's ledger in date order, with its running balance, built once in O(n).

    A read-only sequence of :class:`LedgerLine` that every function here accepts in place of a
    list. It makes repeated questions cheap: the balance on any day and the last day the account
    was clear are binary searches, so a summary costs only the recent lines. Keep one per tenancy
    while its lines do not change (a worklist recompute after recording an action, a new as-of
    date); build a new one when a sync brings new lines.

    Immutable after construction, so it may be shared between threads. Memory: the lines plus
    three machine-integer arrays (16-24 bytes a line).
    """

    __slots__ = ("_balances", "_clear_days", "_days", "_lines")

    def __init__(self, lines: Iterable[LedgerLine]) -> None:
        in_order = list(lines)
        if not in_date_order(in_order):
            in_order.sort(key=_POSTED)
        self._lines: tuple[LedgerLine, ...] = tuple(in_order)
        days = [day.toordinal() for day in map(_POSTED, in_order)]
        balances = list(accumulate(map(_AMOUNT, in_order)))
        last = len(days) - 1
        self._days = array("l", days)
        self._balances = array("q", balances)
        # Days whose end-of-day balance is 0 or in credit.
        self._clear_days = array(
            "l",
            [
                day
                for index, (day, balance) in enumerate(zip(days, balances, strict=True))
                if balance <= 0 and (index == last or days[index + 1] != day)
            ],
        )

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> LedgerLine: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[LedgerLine, ...]: ...

    def __getitem__(self, index: int | slice) -> LedgerLine | tuple[LedgerLine, ...]:
        return self._lines[index]

    def __iter__(self) -> Iterator[LedgerLine]:
        return iter(self._lines)

    @property
    def lines(self) -> tuple[LedgerLine, ...]:
        """The lines in date order, as a tuple (fast indexing)."""
        return self._lines

    def count_up_to(self, day: date) -> int:
        """How many lines were posted on or before ``day``."""
        return bisect_right(self._days, day.toordinal())

    def balance_on(self, day: date) -> int:
        """The balance at the end of ``day``."""
        count = self.count_up_to(day)
        return self._balances[count - 1] if count else 0

    def in_arrears_since(self, day: date) -> date | None:
        """The first day of the run of days ending in arrears that includes ``day``, or None."""
        count = self.count_up_to(day)
        if not count or self._balances[count - 1] <= 0:
            return None
        clear = bisect_right(self._clear_days, day.toordinal())
        if not clear:
            return self._lines[0].posted_on
        return self._lines[bisect_right(self._days, self._clear_days[clear - 1])].posted_on


def ordered(lines: Sequence[LedgerLine]) -> Sequence[LedgerLine]:
    """``lines`` itself when a :class:`Ledger` or already in date order, else a sorted copy."""
    if isinstance(lines, Ledger) or in_date_order(lines):
        return lines
    return sort_lines(lines)


def count_up_to(lines: Sequence[LedgerLine], day: date) -> int:
    """How many of the date-ordered ``lines`` were posted on or before ``day``."""
    if isinstance(lines, Ledger):
        return lines.count_up_to(day)
    if not lines or lines[-1].posted_on <= day:
        return len(lines)
    return bisect_right(lines, day, key=_POSTED)


def running_balance(lines: Iterable[LedgerLine]) -> list[tuple[LedgerLine, int]]:
    """Each line (in date order, stable) with the balance after it."""
    in_order = sort_lines(lines)
    return list(zip(in_order, accumulate(map(_AMOUNT, in_order)), strict=True))


def balance_on(lines: Iterable[LedgerLine], day: date) -> int:
    """The balance at the end of ``day``: the sum of the lines posted on or before it."""
    if isinstance(lines, Ledger):
        return lines.balance_on(day)
    return sum(line.amount_pence for line in lines if line.posted_on <= day)


def uc_pay_day_on_or_before(pay_day: date, as_of: date) -> date:
    """The latest monthly recurrence of ``pay_day`` (same day of the month) on or before as_of."""
    return add_months(pay_day, whole_months_between(pay_day, as_of))


def _rate(paid: int, charged: int) -> Decimal | None:
    if charged <= 0:
        return None
    return (Decimal(paid * 100) / Decimal(charged)).quantize(_PCT, rounding=ROUND_HALF_UP)


def _weeks(arrears_pence: int, weekly_charge_pence: int) -> Decimal:
    if arrears_pence <= 0:
        return _ZERO_WEEKS
    weeks = weeks_of_charge(arrears_pence, weekly_charge_pence)
    return _ZERO_WEEKS if weeks is None else weeks


def summarise_account(
    lines: Sequence[LedgerLine],
    terms: RentTerms,
    as_of: date,
    *,
    uc_pay_day: date | None = None,
) -> AccountSummary:
    """Everything the worklist and the case header need about the account on ``as_of``.

    ``uc_pay_day`` is a day the tenant is paid UC (from the case's latest ``uc_pay_day`` action);
    see the module notes for every rule. Cost with a :class:`Ledger`: the lines of the last 13
    weeks (back to the last payment if older). With a plain sequence: one C-level pass to check
    the order and sum the balance, and for an account in arrears a walk back to the day it was
    last clear.
    """
    return summarise_ordered(ordered(lines), terms, as_of, uc_pay_day=uc_pay_day)


def summarise_ordered(
    lines: Sequence[LedgerLine],
    terms: RentTerms,
    as_of: date,
    *,
    uc_pay_day: date | None = None,
) -> AccountSummary:
    """:func:`summarise_account` for lines already in date order (the caller guarantees it)."""
    end = count_up_to(lines, as_of)
    balance, arrears_since = _balance_and_arrears_since(lines, end, as_of)
    rows = lines.lines if isinstance(lines, Ledger) else lines
    (charged_4w, paid_4w, charged_13w, paid_13w, week_charge, rent_this_week, rent_before,
     last_pay_on, last_pay, last_uc, debits) = _walk_back(rows, end, as_of)
    arrears = max(0, balance)
    weekly = terms.weekly_charge_pence
    week_charge = max(0, week_charge)
    uc = _uc_timing(last_uc, uc_pay_day, as_of, debits, arrears, balance, weekly)
    return AccountSummary(
        as_of=as_of,
        balance_pence=balance,
        arrears_pence=arrears,
        weekly_charge_pence=weekly,
        weeks_in_arrears=_weeks(arrears, weekly),
        current_week_charge_pence=week_charge,
        collectable_arrears_pence=max(0, balance - week_charge),
        in_rent_free_week=terms.rent_weeks < 52 and not rent_this_week and rent_before,
        in_arrears_since=arrears_since,
        last_payment_on=last_pay_on,
        last_payment_pence=last_pay if last_pay_on is not None else None,
        charged_4w_pence=charged_4w,
        paid_4w_pence=paid_4w,
        collection_rate_4w_pct=_rate(paid_4w, charged_4w),
        charged_13w_pence=charged_13w,
        paid_13w_pence=paid_13w,
        collection_rate_13w_pct=_rate(paid_13w, charged_13w),
        uc=uc,
    )


def _balance_and_arrears_since(
    lines: Sequence[LedgerLine], end: int, as_of: date
) -> tuple[int, date | None]:
    """The balance on ``as_of`` (after the first ``end`` of the date-ordered ``lines``), and the
    first day of the run of days in arrears it ends (None when not in arrears)."""
    if isinstance(lines, Ledger):
        return lines.balance_on(as_of), lines.in_arrears_since(as_of)
    upto = lines if end == len(lines) else islice(lines, end)
    balances = list(accumulate(map(_AMOUNT, upto)))
    balance = balances[-1] if balances else 0
    return balance, (_arrears_since(lines, balances) if balance > 0 else None)


#: What :func:`_walk_back` found in the recent lines, in this order: RENT and SERVICE charged and
#: payments in the 4 and then 13 weeks, this week's charge, whether rent was debited this week
#: and in the five weeks before it, the last payment's day and that day's sum, the last direct
#: UC credit, and the weekly debits since the older of the 13-week and UC horizons. A plain
#: tuple, unpacked at once: a named one costs a summary about 3% more on the worklist's path.
_Recent = tuple[
    int, int, int, int, int, bool, bool, date | None, int, date | None, list[tuple[date, int]]
]


def _walk_back(rows: Sequence[LedgerLine], end: int, as_of: date) -> _Recent:
    """One walk from the line before ``end`` back through the 13-week and UC windows, and on
    to the last payment if it is older (the lines before ``end`` are those up to ``as_of``)."""
    week_from = as_of - timedelta(days=6)
    from_4w = as_of - timedelta(days=27)
    from_13w = as_of - timedelta(days=90)
    rent_free_from = as_of - timedelta(days=41)  # five weeks before this week
    uc_from = as_of - timedelta(days=UC_DIRECT_HORIZON_DAYS)
    tail_from = min(from_13w, uc_from)

    charged_4w = paid_4w = charged_13w = paid_13w = 0
    week_charge = 0
    rent_this_week = rent_before = False
    last_pay_on: date | None = None
    last_pay = 0
    last_uc: date | None = None
    recent_debits: list[tuple[date, int]] = []

    day_seen: date | None = None
    for index in range(end - 1, -1, -1):
        line = rows[index]
        day = line.posted_on
        if day != day_seen:
            day_seen = day
            if day < tail_from and last_pay_on is not None:
                break
        kind = line.type
        amount = line.amount_pence
        if day < tail_from:
            if amount < 0 and kind in PAYMENT_TYPES:
                if last_pay_on is None:
                    last_pay_on, last_pay = day, -amount
                elif day == last_pay_on:
                    last_pay -= amount
            continue
        if kind in WEEKLY_CHARGE_TYPES:
            if day >= from_13w:
                charged_13w += amount
                if day >= from_4w:
                    charged_4w += amount
                    if day >= week_from:
                        week_charge += amount
            recent_debits.append((day, amount))
            if kind == RENT and amount > 0:
                if day >= week_from:
                    rent_this_week = True
                elif day >= rent_free_from:
                    rent_before = True
        elif kind in PAYMENT_TYPES:
            if day >= from_13w:
                paid_13w -= amount
                if day >= from_4w:
                    paid_4w -= amount
            if amount < 0:
                if last_pay_on is None:
                    last_pay_on, last_pay = day, -amount
                elif day == last_pay_on:
                    last_pay -= amount
                if kind == UC and last_uc is None and day >= uc_from:
                    last_uc = day
    return (
        charged_4w, paid_4w, charged_13w, paid_13w, week_charge, rent_this_week, rent_before,
        last_pay_on, last_pay, last_uc, recent_debits,
    )


def _arrears_since(lines: Sequence[LedgerLine], balances: list[int]) -> date:
    """The first day after the last day that ended clear, from running ``balances`` (the last
    one positive); the first line's day if the account was never clear. C-level scans."""
    position = len(balances)
    while True:
        flags = map(_NOT_POSITIVE, islice(reversed(balances), len(balances) - position, None))
        hit = next(compress(count(position - 1, -1), flags), None)
        if hit is None:
            return lines[0].posted_on
        following = lines[hit + 1].posted_on
        if following != lines[hit].posted_on:  # the line ends its day: that day ended clear
            return following
        position = hit  # clear only part-way through a day that ended in arrears


def _uc_timing(
    last_direct: date | None,
    uc_pay_day: date | None,
    as_of: date,
    recent_debits: list[tuple[date, int]],
    arrears: int,
    balance: int,
    weekly: int,
) -> UcTiming | None:
    source = "landlord"
    last = last_direct
    pay_day = last_direct
    if uc_pay_day is not None:
        tenant_last = uc_pay_day_on_or_before(uc_pay_day, as_of)
        if last is None or tenant_last > last:
            last, source, pay_day = tenant_last, "tenant", uc_pay_day
    if last is None or pay_day is None:
        return None
    expected = add_months(last, 1, anchor_day=pay_day.day)
    overdue = source == "landlord" and as_of > expected + timedelta(days=UC_LATE_DAYS)
    allowance = 0
    if not overdue:
        allowance = max(0, sum(amount for day, amount in recent_debits if day > last))
    actual = max(0, balance - allowance)
    return UcTiming(
        source=source,
        last_uc_on=last,
        next_uc_expected=expected,
        overdue=overdue,
        allowance_pence=allowance,
        technical_arrears_pence=min(arrears, allowance),
        actual_arrears_pence=actual,
        actual_weeks_in_arrears=_weeks(actual, weekly),
        pay_day=pay_day,
    )


def balance_before(
    lines: Sequence[LedgerLine], day: date, *, as_of: date, balance_on_as_of: int
) -> int:
    """The balance at the end of the day before ``day``, from date-ordered ``lines``.

    With a plain sequence this walks back from ``as_of`` (cheap for a recent ``day``): the as-of
    balance less the lines posted from ``day`` up to ``as_of``.
    """
    if isinstance(lines, Ledger):
        return lines.balance_on(day - timedelta(days=1))
    end = count_up_to(lines, as_of)
    start = count_up_to(lines, day - timedelta(days=1))
    return balance_on_as_of - sum(map(_AMOUNT, islice(lines, start, end)))
