"""The recovery policy and the next recommended action for a case, with its reason in words.

Pure: a :class:`RecoveryPolicy` (versioned data, read from TOML by
:func:`app.schemas.policy.parse_policy`) and a case's :class:`CaseFacts` in, a
:class:`Recommendation` out. No state is kept; a loaded policy is immutable and may be shared
between threads (its per-tenure stage lists are cached inside it, which is safe: the cache only
ever gains equal values).

How a case moves (docs/rules.md B2, C1-C7, E5, F1-F4; every rule is tested at its boundary):

- **The ladder.** The policy's stages, in order, each a case action code (``reminder``,
  ``letter_1``, ``nosp``, ...). The stage reached is the furthest stage with an action recorded
  during the current arrears episode; the next stage is the one after it - never skipped. After
  a day that ended with the account clear or in credit, the ladder starts again: earlier letters
  and notices no longer count.
- **Arrears that count** ("actionable") = the balance less the larger of this week's charge
  (not yet overdue) and, under Universal Credit, the technical allowance (E5): rent debited since
  the last UC pay day. A case in credit or clear, or whose arrears are only this week's charge or
  UC timing, is never escalated (``next_action`` ``none``).
- **When the next stage is due**: its thresholds are met today (``min_arrears`` and/or
  ``min_weeks`` of the weekly charge, "all" or "any"), and ``wait_days`` have passed since the
  previous stage's action (for the first stage: since the arrears began). A stage that
  ``requires_notice`` also waits for the notice's earliest-proceedings date (the date specified
  in the notice, recorded as the ``nosp`` action's ``until``; else served + the policy's
  ``earliest_proceedings_days``), and needs a notice in force: ``valid_months`` (12) from that
  date (B5). A lapsed notice is served again (the next action); proceedings taken while it was
  in force keep it from lapsing. If the
  thresholds are met but the wait is not over, the next action is shown with a future
  ``due_date``. If the thresholds are not met, nothing is due.
- **Arrangements (F3).** A live arrangement being kept holds the ladder (B2(j); W12 "holds at
  the NOSP stage") unless the stage says ``despite_kept_arrangement``. One that is breached asks
  first for a ``broken_arrangement_contact`` (due from the day the breach began; not an
  escalation); once that contact is recorded, the ladder continues, no sooner than
  ``broken_contact_wait_days`` after it. A stage that ``requires_breached_court_order`` (the
  warrant) is due only when a live ``court_order`` arrangement is breached and the tenant has
  been contacted. A live court order means proceedings were taken: the ladder stands at least at
  the stage before the warrant. While any live arrangement is breached, none counts as kept. An
  arrangement with a ``made_on`` date is ignored before that day.
- **Blocks** (F4), with their reason in words: the officer's pause (everything); Breathing Space
  (C7: arrears demands, notices, court steps and arrangement chasing; a ``reminder``-kind stage,
  the current-rent reminder, stays allowed); an eviction date set and a hearing date set (every
  stage, until the day after the date, or an ``eviction_ended`` / ``hearing_ended``); a pending
  benefit claim (``court``-kind stages, B2(f)); a kept arrangement (above); and, only if the policy
  lists kinds in ``[vulnerability] holds``, a recorded vulnerability. A blocked step is still
  shown as ``next_action`` (W9: "serve NOSP" blocked), with ``escalates`` false and ``due_date``
  the day the block lifts (None when no end is known).
- **Breathing Space** (C1, C2, W9): standard = from the start for ``standard_days`` (day 60 =
  start + 59) or to the date on the notice (``until``); mental-health crisis = until
  ``mental_health_extra_days`` after the crisis treatment ends (``until``), open-ended while that
  date is unknown. A ``breathing_space_end`` ends either on its date. Protected arrears = the
  balance at the end of the day before the start; new arrears = the balance above it (payments go
  to post-start charges first). While active, a ``reminder``-kind stage is tested on the new
  overdue arrears only, and if the ladder is blocked (or nothing is due) but the new overdue
  arrears meet the first ``reminder``-kind stage, that current-rent reminder is recommended
  instead (at most one every ``reminder_every_days``). A notice served during the Breathing Space
  is void (C4): it does not count, and a warning says so.
- **Promises to pay** (F3a): the latest promise made by the as-of date is judged against the
  tenant's payments in its own window (the policy's ``promise_grace_days``). A kept or pending
  one is noted in the reason and never escalates. A broken one is said in the reason (what was
  promised, by when, what was paid) and, on overdue arrears with no contact or officer action
  since it broke, asks for a ``contact`` due ``broken_promise_contact_working_days`` working days
  after the last day of grace, in place of a step of the ladder due later (or of nothing due);
  a block on contact (Breathing Space, a pause) leaves the next step as it was.
- **Follow-ups** (F3b): the open follow-up due first; due today or overdue, it is said in the
  reason and puts the case among those due now (``needs_follow_up``). It blocks nothing and
  escalates nothing.
- **Former tenancies** (an end date on or before the as-of date): no recovery stage applies -
  possession steps need a tenancy. ``next_action`` is ``none``; the reason states the former
  tenant arrears, which other processes recover.

Output flags: ``escalates`` is true only when the next action is a policy stage marked
``escalates`` that can be taken (not blocked; it may be due later): a broken-arrangement contact
is not an escalation. ``blocked_by`` names every block on the next action, or, when nothing is
due, on the next stage of the ladder (so a kept arrangement shows as the hold it is).
``follow_up_due`` is true when a block has lifted (a pause over, Breathing Space ended) on an
account still in arrears and no contact or recovery action has been recorded since, or when a
hearing or eviction date has passed with no outcome recorded. ``priority`` sorts
ascending: actions due now (highest overdue arrears first, then longest overdue), then actions
due later (soonest first), then blocked actions, then cases with nothing due.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from app.domain.arrangement_watch import ArrangementState, ArrangementTerms, check_arrangement
from app.domain.case_actions import ACTION_KINDS
from app.domain.days import working_days_after
from app.domain.display import format_day, format_pence
from app.domain.money import weeks_of_charge
from app.domain.months import add_months
from app.domain.rent_account import (
    AccountSummary,
    LedgerLine,
    RentTerms,
    balance_before,
    balance_on,
    ordered,
    summarise_ordered,
)
from app.domain.visits import (
    FollowUpState,
    FollowUpTask,
    JudgedPromise,
    PromiseToPay,
    earliest_follow_up,
    follow_up_state,
    latest_promise,
)

NONE = "none"
BROKEN_ARRANGEMENT_CONTACT = "broken_arrangement_contact"
#: The action a broken promise asks for (F3a): a contact with the tenant, recorded as one.
BROKEN_PROMISE_CONTACT = "contact"
BROKEN_PROMISE_CONTACT_LABEL = "Contact about the broken promise"
STAGE_KINDS = ("reminder", "demand", "notice", "court")
TENURES = (
    "secure",
    "introductory",
    "flexible",
    "assured",
    "assured_shorthold",
    "starter",
    "licence",
    "garage",
)
#: Codes a policy stage may use: the recovery steps and contacts of ``case_actions``.
STAGE_CODES = frozenset(
    {"reminder", "visit", "letter_1", "letter_2", "nosp", "court_warning", "court_applied",
     "warrant_applied", "contact"}
)
#: Codes that show an officer has looked at the case (for ``follow_up_due``).
OFFICER_CODES = STAGE_CODES | {BROKEN_ARRANGEMENT_CONTACT}
#: The worklist's arrears bands (by weeks of the weekly charge, E3), in order.
ARREARS_BANDS = ("credit/clear", "under 2 weeks", "2–4 weeks", "4–8 weeks", "8+ weeks")

_ON = attrgetter("on")


# --- the policy ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of the recovery ladder.

    ``kind`` decides which blocks apply: ``reminder`` (current-rent reminder, allowed in
    Breathing Space), ``demand`` (arrears letters and visits), ``notice`` (NOSP; has
    ``earliest_proceedings_days`` and ``valid_months``) or ``court`` (court application and
    warrant; blocked by a pending benefit claim). ``satisfied_by`` lists the action codes that
    count as this stage done (always including ``code``). Empty ``tenures`` means every tenure.
    """

    code: str
    label: str
    kind: str
    min_arrears_pence: int | None = None
    min_weeks: Decimal | None = None
    threshold: str = "all"
    wait_days: int = 0
    escalates: bool = True
    satisfied_by: frozenset[str] = frozenset()
    requires_notice: bool = False
    requires_breached_court_order: bool = False
    despite_kept_arrangement: bool = False
    tenures: frozenset[str] = frozenset()
    earliest_proceedings_days: int = 0
    valid_months: int = 12

    def thresholds_met(self, arrears_pence: int, weekly_charge_pence: int) -> bool:
        """Whether ``arrears_pence`` meets this stage's thresholds (exact: no rounding)."""
        tests: list[bool] = []
        if self.min_arrears_pence is not None:
            tests.append(arrears_pence >= self.min_arrears_pence)
        if self.min_weeks is not None:
            tests.append(
                weekly_charge_pence > 0
                and Decimal(arrears_pence) >= self.min_weeks * weekly_charge_pence
            )
        if not tests:
            return arrears_pence > 0
        return all(tests) if self.threshold == "all" else any(tests)

    def describe_threshold(self) -> str:
        """The thresholds in words: "4 weeks' rent", "£250.00 and 2 weeks' rent"."""
        words = []
        if self.min_arrears_pence is not None:
            words.append(format_pence(self.min_arrears_pence))
        if self.min_weeks is not None:
            words.append(f"{_plain(self.min_weeks)} weeks' rent")
        if not words:
            return "any arrears"
        return (" and " if self.threshold == "all" else " or ").join(words)


@dataclass(frozen=True, slots=True)
class RecoveryPolicy:
    """A dated version of a council's recovery policy: the ladder and the rules' settings.

    Read from a council's file by :func:`app.schemas.policy.parse_policy`. ``grace_days`` and
    ``tolerance_pence`` feed the arrangement breach rule (F3); the Breathing Space settings
    follow C1/C2/C5. ``promise_grace_days`` is F3a's grace after a promise's date, and
    ``broken_promise_contact_working_days`` its broken-promise action: contact the tenant within
    that many working days of the last day of grace.
    """

    version: str
    effective_from: date
    stages: tuple[Stage, ...]
    name: str = ""
    grace_days: int = 5
    tolerance_pence: int = 0
    broken_contact_wait_days: int = 7
    max_arrangement_weeks: int = 104
    first_payment_within_days: int = 31  # an arrangement's first payment is due within these
    promise_grace_days: int = 2  # F3a: a promise's payments may post this many days late
    breathing_space_days: int = 60
    mental_health_extra_days: int = 30
    review_days: int = 20
    reminder_every_days: int = 28
    vulnerability_holds: frozenset[str] = frozenset()
    idle_lock_minutes: int = 5
    broken_promise_contact_working_days: int = 2
    _ladders: dict[str, tuple[Stage, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _landmarks: dict[str, tuple[int | None, int | None]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def ladder(self, tenure: str) -> tuple[Stage, ...]:
        """The stages that apply to ``tenure``, in order."""
        stages = self._ladders.get(tenure)
        if stages is None:
            stages = tuple(s for s in self.stages if not s.tenures or tenure in s.tenures)
            self._ladders[tenure] = stages
        return stages

    def landmarks(self, tenure: str) -> tuple[int | None, int | None]:
        """Indexes in ``ladder(tenure)`` of the notice stage and of the first stage that
        requires a breached court order (None where there is none)."""
        marks = self._landmarks.get(tenure)
        if marks is None:
            stages = self.ladder(tenure)
            marks = (
                next((i for i, s in enumerate(stages) if s.kind == "notice"), None),
                next((i for i, s in enumerate(stages) if s.requires_breached_court_order), None),
            )
            self._landmarks[tenure] = marks
        return marks

    def stage(self, code: str) -> Stage | None:
        """The stage with this code, if the policy has one."""
        return next((s for s in self.stages if s.code == code), None)


# --- the case --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseAction:
    """A dated case action (``app.domain.case_actions`` codes); ``until`` as that module says."""

    code: str
    on: date
    until: date | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Everything the rules read about one case. ``end_date`` is set for a former tenancy.

    ``lines`` may be any sequence; a :class:`~app.domain.rent_account.Ledger` makes repeated
    recommendations cost only the recent lines. The visit records (F3a, F3b): ``promises`` in
    force and not withdrawn, in the order they were recorded; ``follow_ups`` the open ones;
    ``contacts`` the days of the contacts in force, earliest first.
    """

    tenancy_ref: str
    tenure: str
    terms: RentTerms
    lines: Sequence[LedgerLine]
    actions: Sequence[CaseAction]
    arrangements: Sequence[ArrangementTerms]
    end_date: date | None = None
    promises: Sequence[PromiseToPay] = ()
    follow_ups: Sequence[FollowUpTask] = ()
    contacts: Sequence[date] = ()


@dataclass(frozen=True, slots=True)
class BreathingSpaceState:
    """The latest Breathing Space on the case (C1-C7, W9), active or not on ``as_of``.

    ``last_day`` is the last protected day (None: mental-health crisis with no treatment end
    known yet). ``protected_at_start_pence`` is the balance at the end of the day before the
    start; ``protected_pence`` what is left of it, ``new_arrears_pence`` the balance above it.
    """

    kind: str
    start: date
    last_day: date | None
    active: bool
    review_request_by: date
    protected_at_start_pence: int
    protected_pence: int
    new_arrears_pence: int

    @property
    def until_words(self) -> str:
        """"until 30 Apr 2026", or the open-ended wording for a mental-health crisis."""
        if self.last_day is None:
            return "until 30 days after crisis treatment ends"
        return f"until {format_day(self.last_day)}"


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The next recommended action for one case on ``as_of``, and why (see the module notes).

    ``stage`` is the code of the last stage reached (or ``none``); ``next_action`` an action code
    or ``none``; ``due_date`` when it falls due (may be in the future; None when nothing is due
    or a block has no known end); ``blocked_by`` why the next step cannot be taken now (for
    ``next_action`` ``none``: what holds the next stage of the ladder), or None.
    ``actionable_arrears_pence`` are the arrears the thresholds are tested against.
    ``promise`` is the latest promise's state (``none``, ``pending``, ``kept``, ``broken``;
    F3a), judged in ``judged_promise``; ``next_follow_up`` the open follow-up due first (F3b).
    """

    tenancy_ref: str
    as_of: date
    policy_version: str
    stage: str
    stage_label: str
    stage_on: date | None
    next_action: str
    next_action_label: str
    escalates: bool
    due_date: date | None
    blocked_by: str | None
    reason: str
    priority: tuple[int, int, int, str]
    warnings: tuple[str, ...]
    has_live_arrangement: bool
    arrangement_kept: bool | None
    vulnerable: bool
    safety_warning: bool
    breathing_space: bool
    follow_up_due: bool
    arrears_band: str
    actionable_arrears_pence: int
    actionable_weeks: Decimal
    technical_arrears_pence: int
    earliest_proceedings: date | None
    notice_expires: date | None
    former_tenancy: bool
    summary: AccountSummary
    breathing_space_state: BreathingSpaceState | None
    arrangement_states: tuple[ArrangementState, ...]
    promise: str = NONE
    judged_promise: JudgedPromise | None = None
    next_follow_up: FollowUpTask | None = None

    @property
    def follow_up_state(self) -> FollowUpState | None:
        """The first open follow-up's state on ``as_of``: due, overdue, later (None: none)."""
        task = self.next_follow_up
        return None if task is None else follow_up_state(due_on=task.due_on, today=self.as_of)

    @property
    def needs_follow_up(self) -> bool:
        """A follow-up the officer set is due today or overdue (F3b), or the rules ask to
        check the case (``follow_up_due``: a hold lifted, a date passed)."""
        return self.follow_up_due or self.follow_up_state in ("due", "overdue")

    @property
    def due_now(self) -> bool:
        """An action is due on or before ``as_of`` and nothing blocks it."""
        return (
            self.next_action != NONE
            and self.blocked_by is None
            and self.due_date is not None
            and self.due_date <= self.as_of
        )


# --- words -----------------------------------------------------------------------------------


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def _ago(days: int) -> str:
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def _lower_first(label: str) -> str:
    if len(label) > 1 and label[1].isupper():
        return label  # an acronym: "NOSP ..."
    return label[:1].lower() + label[1:]


def _past(code: str) -> str:
    kind = ACTION_KINDS.get(code)
    return kind.label if kind is not None else code


def arrears_band(balance_pence: int, weeks: Decimal) -> str:
    """The worklist band for a balance and its weeks of the weekly charge (E3)."""
    if balance_pence <= 0:
        return ARREARS_BANDS[0]
    if weeks < 2:
        return ARREARS_BANDS[1]
    if weeks < 4:
        return ARREARS_BANDS[2]
    if weeks < 8:
        return ARREARS_BANDS[3]
    return ARREARS_BANDS[4]


# --- the rules -------------------------------------------------------------------------------

_DAY = timedelta(days=1)
_NO_WEEKS = Decimal("0.00")


def _latest(actions: list[CaseAction] | None, *, since: date | None = None) -> CaseAction | None:
    """The last of date-ordered ``actions``, if on or after ``since``."""
    if not actions:
        return None
    last = actions[-1]
    return last if since is None or last.on >= since else None


def _open_record(
    by_code: Mapping[str, list[CaseAction]], code: str, end_code: str
) -> CaseAction | None:
    """The latest ``code`` action not ended by a later (or same-day) ``end_code`` action."""
    record = _latest(by_code.get(code)) if code in by_code else None  # most cases have none
    if record is None:
        return None
    return None if _latest(by_code.get(end_code), since=record.on) is not None else record


def _dated_block(
    by_code: Mapping[str, list[CaseAction]], code: str, end_code: str, as_of: date
) -> tuple[CaseAction | None, CaseAction | None]:
    """(the block in force on ``as_of``, or the block whose date passed with no end recorded)."""
    record = _open_record(by_code, code, end_code)
    if record is None or record.until is None:
        return None, None
    return (record, None) if record.until >= as_of else (None, record)


def _group(actions: Sequence[CaseAction], as_of: date) -> dict[str, list[CaseAction]]:
    """Actions on or before ``as_of`` by code, each list in date order."""
    if any(later.on < earlier.on for earlier, later in zip(actions, actions[1:], strict=False)):
        actions = sorted(actions, key=_ON)
    by_code: dict[str, list[CaseAction]] = {}
    for action in actions:
        if action.on <= as_of:
            by_code.setdefault(action.code, []).append(action)
    return by_code


def _weeks_of(arrears_pence: int, weekly_charge_pence: int) -> Decimal:
    if arrears_pence <= 0:
        return _NO_WEEKS
    weeks = weeks_of_charge(arrears_pence, weekly_charge_pence)
    return _NO_WEEKS if weeks is None else weeks


def breathing_space_state(
    actions: Sequence[CaseAction],
    policy: RecoveryPolicy,
    as_of: date,
    *,
    lines: Sequence[LedgerLine],
) -> BreathingSpaceState | None:
    """The latest Breathing Space started on or before ``as_of`` (C1, C2, C7, W9), or None."""
    in_order = ordered(lines)
    balance = balance_on(in_order, as_of)
    return _breathing_space(_group(actions, as_of), policy, as_of, in_order, balance)


def _breathing_space(
    by_code: Mapping[str, list[CaseAction]],
    policy: RecoveryPolicy,
    as_of: date,
    lines: Sequence[LedgerLine],
    balance: int,
) -> BreathingSpaceState | None:
    standard = _latest(by_code.get("breathing_space_start"))
    crisis = _latest(by_code.get("breathing_space_mh_start"))
    start: CaseAction
    last_day: date | None
    if crisis is not None and (standard is None or crisis.on >= standard.on):
        start, kind = crisis, "mental_health"
        last_day = (
            None
            if crisis.until is None
            else crisis.until + timedelta(days=policy.mental_health_extra_days)
        )
    elif standard is not None:
        start, kind = standard, "standard"
        last_day = standard.until or standard.on + timedelta(days=policy.breathing_space_days - 1)
    else:
        return None
    ended = next((e for e in by_code.get("breathing_space_end", ()) if e.on >= start.on), None)
    if ended is not None:
        last_day = ended.on if last_day is None else min(last_day, ended.on)
    at_start = max(0, balance_before(lines, start.on, as_of=as_of, balance_on_as_of=balance))
    return BreathingSpaceState(
        kind=kind,
        start=start.on,
        last_day=last_day,
        active=last_day is None or as_of <= last_day,
        review_request_by=start.on + timedelta(days=policy.review_days - 1),
        protected_at_start_pence=at_start,
        protected_pence=min(at_start, max(0, balance)),
        new_arrears_pence=max(0, balance - at_start),
    )


class _Arrears(NamedTuple):
    """The account on ``as_of`` and the arrears that count (E5; internal).

    ``deduction`` is the larger of this week's charge and the UC technical allowance;
    ``actionable`` the balance less it (never below 0); ``technical`` the UC timing arrears.
    This and the other carriers of one case through :func:`recommend` are NamedTuples rather
    than frozen dataclasses: they are made for every case at each worklist recompute (the hot
    path), where a frozen dataclass costs several times as much to build.
    """

    summary: AccountSummary
    deduction: int
    actionable: int
    technical: int


class _Records(NamedTuple):
    """The open records that flag a case or hold its ladder (F4), and the hearing or eviction
    whose date passed with no outcome recorded (internal)."""

    vulnerable: CaseAction | None
    safety: CaseAction | None
    pause: CaseAction | None
    hearing: CaseAction | None
    eviction: CaseAction | None
    claim: CaseAction | None
    hearing_passed: CaseAction | None
    eviction_passed: CaseAction | None


class _Arrangements(NamedTuple):
    """The live arrangements and their F3 state on ``as_of`` (internal).

    ``breached`` is in breach order (earliest first, then by ref); ``kept`` is empty while any
    live arrangement is breached.
    """

    live: Sequence[ArrangementTerms]
    checked: Sequence[tuple[ArrangementTerms, ArrangementState]]
    breached: Sequence[tuple[ArrangementTerms, ArrangementState]]
    kept: Sequence[tuple[ArrangementTerms, ArrangementState]]


#: Most cases have no open record and no arrangement: these save building empty ones.
_NO_RECORDS = _Records(None, None, None, None, None, None, None, None)
_NO_ARRANGEMENTS = _Arrangements((), (), (), ())


class _Position(NamedTuple):
    """Where the case stands on its ladder (internal).

    ``reached`` is the index of the furthest stage reached (-1: none), ``reached_on`` the day
    it was reached; ``notice_at`` the index of the notice stage; ``earliest`` and ``expires``
    the served notice's earliest-proceedings date and the end of its validity (B5).
    """

    ladder: tuple[Stage, ...]
    reached: int
    reached_on: date | None
    stage_code: str
    stage_label: str
    notice_at: int | None
    earliest: date | None
    expires: date | None
    notice_lapsed: bool


@dataclass(slots=True)
class _Case:
    """What :func:`recommend` has worked out about one case before deciding (internal)."""

    facts: CaseFacts
    policy: RecoveryPolicy
    as_of: date
    by_code: dict[str, list[CaseAction]]
    arrears: _Arrears
    bs: BreathingSpaceState | None
    records: _Records
    arrangements: _Arrangements
    position: _Position
    follow_up: bool
    warnings: list[str]
    former: bool  # the tenancy ended on or before ``as_of``
    promise: JudgedPromise | None  # the latest promise, judged (F3a)
    task: FollowUpTask | None  # the open follow-up due first (F3b)
    task_state: FollowUpState | None

    def blocks(self, kind: str, stage: Stage | None) -> list[tuple[str, date | None]]:
        """Active blocks on an action of ``kind`` ("contact": chasing an arrangement), each
        with the day it lifts (None: no known end)."""
        found: list[tuple[str, date | None]] = []
        records = self.records
        pause = records.pause
        if pause is not None and pause.until is not None:
            found.append(
                (f"Paused by the officer until {format_day(pause.until)}", pause.until + _DAY)
            )
        bs = self.bs
        if bs is not None and bs.active and kind != "reminder":
            found.append(
                (f"{_bs_name(bs)} {bs.until_words}",
                 None if bs.last_day is None else bs.last_day + _DAY)
            )
        if kind == "contact":
            return found
        eviction, hearing, claim = records.eviction, records.hearing, records.claim
        if eviction is not None and eviction.until is not None:
            found.append(
                (f"Eviction date set for {format_day(eviction.until)}", eviction.until + _DAY)
            )
        if hearing is not None and hearing.until is not None:
            found.append(
                (f"Possession hearing on {format_day(hearing.until)}", hearing.until + _DAY)
            )
        if claim is not None and kind == "court":
            found.append(
                (f"Benefit claim pending since {format_day(claim.on)} "
                 "(pre-action protocol: no proceedings until it is decided)", None)
            )
        kept = self.arrangements.kept
        if kept and not (stage is not None and stage.despite_kept_arrangement):
            terms = kept[0][0]
            found.append(
                (f"Arrangement {terms.ref} being kept ({format_pence(terms.instalment_pence)} "
                 f"{terms.frequency.replace('_', '-')} off the arrears)", None)
            )
        vulnerable = records.vulnerable
        if vulnerable is not None and kind in self.policy.vulnerability_holds:
            found.append(
                (f"Vulnerability recorded on {format_day(vulnerable.on)} (policy hold)", None)
            )
        return found


@dataclass(slots=True)
class _Outcome:
    """The decision being built (internal)."""

    next_action: str = NONE
    label: str = "Nothing due"
    escalates: bool = False
    due: date | None = None
    blocks: list[tuple[str, date | None]] = field(default_factory=list)
    tail: str = "nothing due"

    def take(self, stage: Stage, due: date, tail: str) -> None:
        self.next_action, self.label, self.escalates = stage.code, stage.label, stage.escalates
        self.due, self.tail = due, tail


def _bs_name(bs: BreathingSpaceState) -> str:
    if bs.kind == "standard":
        return "Breathing Space"
    return "Breathing Space (mental health crisis)"


# --- reading the case: what the account, the records and the arrangements say --------------


def _arrears(
    lines: Sequence[LedgerLine],
    terms: RentTerms,
    by_code: Mapping[str, list[CaseAction]],
    as_of: date,
) -> _Arrears:
    """The account summary and the arrears that count: the balance less the larger of this
    week's charge and, under Universal Credit, the technical allowance (E5)."""
    pay_day = _latest(by_code.get("uc_pay_day"))
    summary = summarise_ordered(
        lines, terms, as_of, uc_pay_day=None if pay_day is None else pay_day.on
    )
    uc = summary.uc
    deduction = summary.current_week_charge_pence
    if uc is not None:
        deduction = max(deduction, uc.allowance_pence)
    actionable = max(0, summary.balance_pence - deduction)
    technical = uc.technical_arrears_pence if uc is not None else 0
    return _Arrears(summary, deduction, actionable, technical)


def _records(by_code: Mapping[str, list[CaseAction]], as_of: date) -> _Records:
    """The vulnerability and safety flags, the pause, hearing, eviction and benefit claim in
    force on ``as_of`` (F4), and the hearing or eviction date passed with no outcome."""
    if not by_code:
        return _NO_RECORDS
    hearing, hearing_passed = _dated_block(by_code, "hearing_set", "hearing_ended", as_of)
    eviction, eviction_passed = _dated_block(by_code, "eviction_set", "eviction_ended", as_of)
    return _Records(
        vulnerable=_open_record(by_code, "vulnerability", "vulnerability_ended"),
        safety=_open_record(by_code, "safety_warning", "safety_warning_ended"),
        pause=_dated_block(by_code, "pause", "pause_ended", as_of)[0],
        hearing=hearing,
        eviction=eviction,
        claim=_open_record(by_code, "benefit_claim_pending", "benefit_claim_decided"),
        hearing_passed=hearing_passed,
        eviction_passed=eviction_passed,
    )


def _standing_warnings(
    records: _Records,
    arrears: _Arrears,
    bs: BreathingSpaceState | None,
    policy: RecoveryPolicy,
    as_of: date,
) -> list[str]:
    """The warnings that stand whatever the ladder says: the person (vulnerability, officer
    safety), an active Breathing Space, UC timing, a rent-free week, a policy not yet in
    force and a pending benefit claim."""
    warnings: list[str] = []
    vulnerable, safety = records.vulnerable, records.safety
    if vulnerable is not None:
        note = f": {vulnerable.note}" if vulnerable.note else ""
        warnings.append(f"Vulnerability recorded on {format_day(vulnerable.on)}{note}")
    if safety is not None:
        note = f": {safety.note}" if safety.note else ""
        warnings.append(f"Officer-safety warning since {format_day(safety.on)}{note}")
    if bs is not None and bs.active:
        review = (
            f"; review request by {format_day(bs.review_request_by)}"
            if as_of <= bs.review_request_by
            else ""
        )
        warnings.append(
            f"{_bs_name(bs)} {bs.until_words}: protected arrears "
            f"{format_pence(bs.protected_pence)}, new arrears "
            f"{format_pence(bs.new_arrears_pence)}{review}"
        )
    uc = arrears.summary.uc
    if uc is not None:
        if uc.overdue:
            warnings.append(f"UC payment expected {format_day(uc.next_uc_expected)} not received")
        elif arrears.technical > 0:
            warnings.append(
                f"Technical arrears {format_pence(arrears.technical)} (UC timing): next UC "
                f"expected {format_day(uc.next_uc_expected)}"
            )
    if arrears.summary.in_rent_free_week:
        warnings.append("Rent-free week: no rent charged this week")
    if as_of < policy.effective_from:
        warnings.append(
            f"Recovery policy {policy.version} takes effect on {format_day(policy.effective_from)}"
        )
    if records.claim is not None:
        warnings.append(f"Benefit claim pending since {format_day(records.claim.on)}")
    return warnings


def _follow_up_due(
    by_code: Mapping[str, list[CaseAction]],
    records: _Records,
    bs: BreathingSpaceState | None,
    balance: int,
    warnings: list[str],
) -> bool:
    """A block lifted (a pause over, Breathing Space ended) on an account in arrears with no
    officer action since, or a hearing or eviction date passed with no outcome (warned)."""
    follow_up = balance > 0 and _lifted_unseen(by_code, records, bs)
    passed_dates = (
        (records.hearing_passed, "Hearing on"), (records.eviction_passed, "Eviction date")
    )
    for passed, what in passed_dates:
        if passed is not None and passed.until is not None:
            follow_up = True
            warnings.append(f"{what} {format_day(passed.until)} passed: no outcome recorded")
    return follow_up


def _lifted_unseen(
    by_code: Mapping[str, list[CaseAction]], records: _Records, bs: BreathingSpaceState | None
) -> bool:
    """A pause that is over or a Breathing Space that ended, with no officer action since."""
    lifted: list[date] = []
    latest_pause = _latest(by_code.get("pause"))
    if records.pause is None and latest_pause is not None:
        ended = _latest(by_code.get("pause_ended"), since=latest_pause.on)
        if ended is not None:
            lifted.append(ended.on)
        elif latest_pause.until is not None:
            lifted.append(latest_pause.until + _DAY)
    if bs is not None and not bs.active and bs.last_day is not None:
        lifted.append(bs.last_day + _DAY)
    if not lifted:
        return False
    last_officer = max(
        (acts[-1].on for code, acts in by_code.items() if code in OFFICER_CODES), default=None
    )
    return any(last_officer is None or last_officer < day for day in lifted)


def _check_arrangements(
    arrangements: Sequence[ArrangementTerms],
    lines: Sequence[LedgerLine],
    policy: RecoveryPolicy,
    as_of: date,
) -> _Arrangements:
    """Each arrangement live on ``as_of`` checked against the ledger (F3)."""
    if not arrangements:
        return _NO_ARRANGEMENTS
    live = [terms for terms in arrangements if terms.exists_on(as_of)]
    checked = [
        (
            terms,
            check_arrangement(
                terms,
                lines,
                as_of,
                grace_days=policy.grace_days,
                tolerance_pence=policy.tolerance_pence,
            ),
        )
        for terms in live
    ]
    breached = sorted(
        (pair for pair in checked if not pair[1].kept),
        key=lambda pair: (pair[1].breached_since or as_of, pair[0].ref),
    )
    kept = [] if breached else [pair for pair in checked if pair[1].kept]
    return _Arrangements(live, checked, breached, kept)


# --- the ladder: where the case stands --------------------------------------------------------


def _stages_done(
    ladder: tuple[Stage, ...],
    by_code: Mapping[str, list[CaseAction]],
    episode: date | None,
) -> list[CaseAction | None]:
    """For each stage, its latest action since the arrears episode began (None: not done)."""
    done: list[CaseAction | None] = [None] * len(ladder)
    if episode is not None and by_code:
        for index, stage in enumerate(ladder):
            for code in stage.satisfied_by:
                if code not in by_code:
                    continue
                action = _latest(by_code[code], since=episode)
                best = done[index]
                if action is not None and (best is None or action.on > best.on):
                    done[index] = action
    return done


def _served_in_breathing_space(notice: CaseAction, bs: BreathingSpaceState | None) -> bool:
    """A notice served during a Breathing Space is void (C4)."""
    return (
        bs is not None
        and bs.start <= notice.on
        and (bs.last_day is None or notice.on <= bs.last_day)
    )


def _notice_dates(
    notice: CaseAction | None, stage: Stage | None
) -> tuple[date | None, date | None]:
    """The served notice's earliest-proceedings date and the end of its validity (B5)."""
    if notice is None or stage is None:
        return None, None
    # The date specified in the notice (the action's until) wins over the policy's period.
    earliest = notice.until or notice.on + timedelta(days=stage.earliest_proceedings_days)
    return earliest, add_months(earliest, stage.valid_months)


def _ladder_position(
    tenure: str,
    policy: RecoveryPolicy,
    by_code: Mapping[str, list[CaseAction]],
    summary: AccountSummary,
    bs: BreathingSpaceState | None,
    checked: Sequence[tuple[ArrangementTerms, ArrangementState]],
    as_of: date,
    warnings: list[str],
) -> _Position:
    """The furthest stage with an action in the current arrears episode (a live court order
    means proceedings were taken, whatever was recorded), and the notice's dates: a void or
    lapsed notice is warned about."""
    ladder = policy.ladder(tenure)
    notice_at, warrant_at = policy.landmarks(tenure)
    done = _stages_done(ladder, by_code, summary.in_arrears_since)
    notice = done[notice_at] if notice_at is not None else None
    if notice is not None and _served_in_breathing_space(notice, bs):
        warnings.append(f"Notice served on {format_day(notice.on)} during Breathing Space is void")
        assert notice_at is not None
        done[notice_at] = notice = None
    reached = max((i for i, action in enumerate(done) if action is not None), default=-1)
    reached_action = done[reached] if reached >= 0 else None
    reached_on = reached_action.on if reached_action is not None else None

    court_orders = [terms for terms, _ in checked if terms.kind == "court_order"]
    if (
        warrant_at is not None
        and court_orders
        and summary.balance_pence > 0
        and reached < warrant_at - 1
    ):
        reached = warrant_at - 1
        reached_action = None
        reached_on = min(terms.start_date for terms in court_orders)

    earliest, expires = _notice_dates(notice, ladder[notice_at] if notice_at is not None else None)
    # Proceedings taken while the notice was in force keep it from lapsing.
    notice_lapsed = (
        expires is not None
        and as_of > expires
        and not court_orders
        and not any(
            action is not None and ladder[i].kind == "court" for i, action in enumerate(done)
        )
    )
    if notice_lapsed and expires is not None:
        warnings.append(f"Notice lapsed on {format_day(expires)}")

    if reached < 0:
        stage_code, stage_label = NONE, "No recovery stage"
    else:
        stage_code = ladder[reached].code
        stage_label = _past(reached_action.code if reached_action is not None else stage_code)
    return _Position(
        ladder, reached, reached_on, stage_code, stage_label, notice_at, earliest, expires,
        notice_lapsed,
    )


def _read_case(facts: CaseFacts, policy: RecoveryPolicy, as_of: date) -> _Case:
    """Everything the decision reads: the arrears, Breathing Space, the records in force, the
    standing warnings, whether a follow-up is due, the arrangements, the ladder, the latest
    promise judged and the first open follow-up."""
    lines = ordered(facts.lines)
    by_code = _group(facts.actions, as_of)
    arrears = _arrears(lines, facts.terms, by_code, as_of)
    balance = arrears.summary.balance_pence
    bs = _breathing_space(by_code, policy, as_of, lines, balance)
    records = _records(by_code, as_of)
    warnings = _standing_warnings(records, arrears, bs, policy, as_of)
    follow_up = _follow_up_due(by_code, records, bs, balance, warnings)
    arrangements = _check_arrangements(facts.arrangements, lines, policy, as_of)
    position = _ladder_position(
        facts.tenure, policy, by_code, arrears.summary, bs, arrangements.checked, as_of, warnings
    )
    promise = (
        latest_promise(facts.promises, lines, today=as_of, grace_days=policy.promise_grace_days)
        if facts.promises
        else None
    )
    task = earliest_follow_up(facts.follow_ups) if facts.follow_ups else None
    return _Case(
        facts=facts,
        policy=policy,
        as_of=as_of,
        by_code=by_code,
        arrears=arrears,
        bs=bs,
        records=records,
        arrangements=arrangements,
        position=position,
        follow_up=follow_up,
        warnings=warnings,
        former=facts.end_date is not None and facts.end_date <= as_of,
        promise=promise,
        task=task,
        task_state=None if task is None else follow_up_state(due_on=task.due_on, today=as_of),
    )


# --- deciding: the next step and why ----------------------------------------------------------


def _next_stage(
    case: _Case,
    outcome: _Outcome,
    bits: list[str],
    *,
    contacted: CaseAction | None,
    court_order_breached: bool,
) -> tuple[Stage, date, str] | None:
    """The stage that comes next, the day it falls due before any contact wait, and words to
    add to its label; None (with ``outcome`` saying why) when the ladder goes no further."""
    position = case.position
    ladder, reached = position.ladder, position.reached
    notice_stage = ladder[position.notice_at] if position.notice_at is not None else None
    if position.notice_lapsed and notice_stage is not None and position.expires is not None:
        bits.append(f"notice lapsed on {format_day(position.expires)}")
        return notice_stage, position.expires + _DAY, " again"
    if reached + 1 >= len(ladder):
        outcome.tail = "last stage of the policy reached: nothing further to recommend"
        return None
    stage = ladder[reached + 1]
    anchor = position.reached_on if reached >= 0 else case.arrears.summary.in_arrears_since
    assert anchor is not None
    due = anchor + timedelta(days=stage.wait_days)
    if stage.requires_notice and notice_stage is not None:
        if position.earliest is None:
            stage = notice_stage
            due = anchor + timedelta(days=stage.wait_days)
            bits.append("no notice served")
        else:
            due = max(due, position.earliest)
    if stage.requires_breached_court_order and not (court_order_breached and contacted):
        outcome.tail = (
            "nothing due: a court order on the account is being kept"
            if any(terms.kind == "court_order" for terms, _ in case.arrangements.kept)
            else "nothing due until a court order is breached (record the hearing outcome)"
        )
        outcome.blocks = case.blocks(stage.kind, stage)
        return None
    return stage, due, ""


def _ladder_step(
    case: _Case,
    outcome: _Outcome,
    bits: list[str],
    *,
    contacted: CaseAction | None,
    court_order_breached: bool,
) -> None:
    """The next stage of the ladder: which, when, and what blocks it."""
    found = _next_stage(
        case, outcome, bits, contacted=contacted, court_order_breached=court_order_breached
    )
    if found is None:
        return
    stage, due, extra = found
    if contacted is not None:
        due = max(due, contacted.on + timedelta(days=case.policy.broken_contact_wait_days))
    actionable = case.arrears.actionable
    bs = case.bs
    in_bs = bs is not None and bs.active
    new_overdue = max(0, actionable - bs.protected_at_start_pence) if bs is not None else 0
    tested = new_overdue if in_bs and stage.kind == "reminder" else actionable
    if stage.thresholds_met(tested, case.arrears.summary.weekly_charge_pence):
        outcome.take(stage, due, _lower_first(stage.label) + extra)
    else:
        outcome.tail = f"nothing due ({_lower_first(stage.label)} at {stage.describe_threshold()})"
    outcome.blocks = case.blocks(stage.kind, stage)
    if bs is not None and bs.active and _held_by_breathing_space(outcome):
        _current_rent_reminder(case, bs, outcome, bits, stage, new_overdue)


def _held_by_breathing_space(outcome: _Outcome) -> bool:
    """Nothing is due, or Breathing Space is among the blocks on the step chosen."""
    return outcome.next_action == NONE or any(
        reason.startswith("Breathing Space") for reason, _ in outcome.blocks
    )


def _current_rent_reminder(
    case: _Case,
    bs: BreathingSpaceState,
    outcome: _Outcome,
    bits: list[str],
    stage: Stage,
    new_overdue: int,
) -> None:
    """C7: in Breathing Space a current-rent reminder stays allowed, on the new arrears only
    (at most one every ``reminder_every_days``); it replaces the step that Breathing Space holds."""
    reminder = next((s for s in case.position.ladder if s.kind == "reminder"), None)
    weekly = case.arrears.summary.weekly_charge_pence
    if reminder is None or reminder is stage or not reminder.thresholds_met(new_overdue, weekly):
        return
    if case.blocks("reminder", reminder):
        return
    sent = None
    for code in reminder.satisfied_by:
        action = _latest(case.by_code.get(code), since=bs.start)
        if action is not None and (sent is None or action.on > sent.on):
            sent = action
    due = case.as_of if sent is None else sent.on + timedelta(days=case.policy.reminder_every_days)
    bits.append(
        f"new arrears since {format_day(bs.start)} {format_pence(new_overdue)} overdue"
    )
    outcome.take(reminder, due, _lower_first(reminder.label) + " (current rent only)")
    outcome.blocks = []


def _broken_arrangement_contact(
    case: _Case,
    outcome: _Outcome,
    bits: list[str],
    broken: tuple[ArrangementTerms, ArrangementState],
) -> CaseAction | None:
    """A breached arrangement asks first for a contact with the tenant (F3): the contact
    recorded since the breach began, or None with that contact made the next action."""
    terms, state = broken
    assert state.breached_since is not None
    contacted = _latest(case.by_code.get(BROKEN_ARRANGEMENT_CONTACT), since=state.breached_since)
    bits.append(
        f"arrangement {terms.ref} breached by {format_pence(state.breached_by_pence)} "
        f"since {format_day(state.breached_since)}"
    )
    if contacted is None:
        outcome.next_action = BROKEN_ARRANGEMENT_CONTACT
        outcome.label = "Contact the tenant about the broken arrangement"
        outcome.due = state.breached_since
        outcome.tail = "contact the tenant about the missed payments"
        outcome.blocks = case.blocks("contact", None)
    else:
        bits.append(f"tenant contacted {_ago((case.as_of - contacted.on).days)}")
    return contacted


def _visit_records(case: _Case, outcome: _Outcome, bits: list[str], *, chase: bool) -> None:
    """F3a and F3b in the reason: the latest promise (a kept or pending one is noted, never
    acted on; a broken one, on overdue arrears when ``chase``, may ask for a contact), and the
    first open follow-up when it is due today or overdue."""
    judged = case.promise
    if judged is not None:
        contacted = judged.state == "broken" and _contacted_since(
            case, judged.judgement.last_day + _DAY
        )
        bits.append(_promise_words(judged, contacted=contacted))
        if chase and judged.state == "broken" and not contacted:
            _broken_promise_contact(case, outcome, judged)
    task, state = case.task, case.task_state
    if task is not None and state != "later":
        when = "due today" if state == "due" else f"overdue since {format_day(task.due_on)}"
        bits.append(f"follow-up {when}: {_short(task.task)}")


def _promise_words(judged: JudgedPromise, *, contacted: bool) -> str:
    """What was promised, by when, and what was paid in its window (F3a)."""
    promise, judgement = judged.promise, judged.judgement
    words = f"promise of {format_pence(promise.amount_pence)} by {format_day(promise.due_on)}"
    paid = format_pence(judgement.paid_pence)
    if judgement.state == "kept":
        return f"{words} kept ({paid} paid)"
    if judgement.state == "pending":
        so_far = f" ({paid} paid so far)" if judgement.paid_pence else ""
        return f"{words} pending{so_far}"
    since = "; tenant contacted since" if contacted else ""
    return f"{words} broken: {paid} paid by {format_day(judgement.last_day)}{since}"


def _broken_promise_contact(case: _Case, outcome: _Outcome, judged: JudgedPromise) -> None:
    """F3a's broken-promise action: contact the tenant within the policy's working days of the
    last day of grace. Not an escalation, and never past a block on contact (Breathing Space,
    C7; a pause): then the reason alone says the promise was broken. A contact the rules already
    ask for (a broken arrangement's), or a step of the ladder due by then, is kept: it comes
    sooner and deals with the tenant anyway. A step due later is named after the contact."""
    if outcome.next_action == BROKEN_ARRANGEMENT_CONTACT or case.blocks("contact", None):
        return
    due = working_days_after(
        judged.judgement.last_day, case.policy.broken_promise_contact_working_days
    )
    ladder_due = outcome.due if outcome.next_action != NONE and not outcome.blocks else None
    if ladder_due is not None and ladder_due <= due:
        return
    then = f" (then {outcome.tail})" if ladder_due is not None else ""
    outcome.next_action = BROKEN_PROMISE_CONTACT
    outcome.label = BROKEN_PROMISE_CONTACT_LABEL
    outcome.escalates = False
    outcome.due = due
    outcome.tail = f"contact the tenant about the broken promise{then}"
    outcome.blocks = []


def _contacted_since(case: _Case, day: date) -> bool:
    """A contact (a visit record) or an officer's action on or after ``day``, by ``as_of``."""
    contacts = case.facts.contacts
    if contacts:
        at = bisect_left(contacts, day)
        if at < len(contacts) and contacts[at] <= case.as_of:
            return True
    return any(
        acts[-1].on >= day for code, acts in case.by_code.items() if code in OFFICER_CODES
    )


def _short(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" (a task in the reason)."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _nothing_overdue_words(arrears: _Arrears) -> str:
    """Why a balance in arrears is not yet overdue: UC timing, or this week's charge."""
    summary, technical = arrears.summary, arrears.technical
    balance, uc = summary.balance_pence, summary.uc
    if uc is not None and technical > 0 and uc.allowance_pence >= balance:
        return (
            f"{format_pence(balance)} arrears are UC timing only (technical): UC paid "
            f"{format_day(uc.last_uc_on)}, next expected {format_day(uc.next_uc_expected)}"
        )
    return f"{format_pence(balance)} is this week's charge, not yet overdue"


def _former_words(end_date: date, balance: int) -> str:
    owed = (
        f"{format_pence(balance)} former tenant arrears"
        if balance > 0
        else (f"in credit {format_pence(-balance)}" if balance < 0 else "clear")
    )
    return f"Former tenancy (ended {format_day(end_date)}): {owed}"


def _decide(case: _Case) -> tuple[_Outcome, list[str]]:
    """The next step and the words of the reason: nothing for a former tenancy, an account
    clear or in credit, or arrears not yet overdue; else a broken arrangement's contact, or
    the next stage of the ladder, which a broken promise may bring forward to a contact. The
    latest promise and a follow-up due are said in every case."""
    outcome = _Outcome()
    bits: list[str] = []
    arrears = case.arrears
    balance = arrears.summary.balance_pence
    if case.former:
        assert case.facts.end_date is not None
        bits.append(_former_words(case.facts.end_date, balance))
        outcome.tail = "no recovery stage applies"
    elif balance <= 0:
        bits.append(f"In credit {format_pence(-balance)}" if balance < 0 else "Clear")
    elif arrears.actionable <= 0:
        bits.append(_nothing_overdue_words(arrears))
    else:
        position = case.position
        bits.extend(
            _account_words(arrears, position.reached_on, position.stage_label, case.as_of)
        )
        breached = case.arrangements.breached
        broken = breached[0] if breached else None
        contacted = (
            None if broken is None else _broken_arrangement_contact(case, outcome, bits, broken)
        )
        if outcome.next_action == NONE:
            _ladder_step(
                case,
                outcome,
                bits,
                contacted=contacted,
                court_order_breached=broken is not None and broken[0].kind == "court_order",
            )
    _visit_records(case, outcome, bits, chase=not case.former and arrears.actionable > 0)
    return outcome, bits


# --- finishing: blocks, the due date, priority ------------------------------------------------


def _settle(case: _Case, outcome: _Outcome) -> tuple[str | None, bool]:
    """Apply the blocks to the step chosen and finish its words: a blocked step escalates
    nothing and falls due when its last block lifts (None if one has no known end); a step due
    later says when, and serving the notice says its earliest proceedings. Returns the
    blocks in words (or None) and whether the step is serving the notice."""
    position = case.position
    notice_at = position.notice_at
    blocked_by = "; ".join(reason for reason, _ in outcome.blocks) or None
    notice_step = notice_at is not None and outcome.next_action == position.ladder[notice_at].code
    if outcome.next_action == NONE:
        outcome.due, outcome.escalates = None, False
    elif outcome.blocks:
        outcome.escalates = False
        lifts = [lift for _, lift in outcome.blocks]
        if outcome.due is None or any(lift is None for lift in lifts):
            outcome.due = None
        else:
            outcome.due = max([outcome.due, *(lift for lift in lifts if lift is not None)])
        outcome.tail += f": blocked ({blocked_by})"
    else:
        due = outcome.due
        if due is not None and due > case.as_of:
            outcome.tail += f", due {format_day(due)}"
        if notice_step and notice_at is not None and due is not None:
            served = max(due, case.as_of)
            days = timedelta(days=position.ladder[notice_at].earliest_proceedings_days)
            outcome.tail += f" (earliest proceedings {format_day(served + days)})"
    return blocked_by, notice_step


def _priority(case: _Case, outcome: _Outcome) -> tuple[int, int, int, str]:
    """The worklist's sort key (ascending): due now and follow-ups (the rules' and the
    officer's, F3b), due later, blocked, nothing."""
    actionable, as_of, ref = case.arrears.actionable, case.as_of, case.facts.tenancy_ref
    due = outcome.due
    if outcome.next_action != NONE and not outcome.blocks and due is not None and due <= as_of:
        return (0, -actionable, -(as_of - due).days, ref)
    if case.follow_up and outcome.next_action == NONE:
        return (0, -actionable, 0, ref)
    task = case.task
    if task is not None and case.task_state != "later":  # F3b: needs contact today
        return (0, -actionable, -(as_of - task.due_on).days, ref)
    if outcome.next_action != NONE and not outcome.blocks and due is not None:
        return (1, due.toordinal(), -actionable, ref)
    if outcome.next_action != NONE:
        return (2, -actionable, 0, ref)
    return (3, -max(0, case.arrears.summary.balance_pence), 0, ref)


def _earliest_proceedings(case: _Case, outcome: _Outcome, notice_step: bool) -> date | None:
    """The served notice's earliest-proceedings date (none once it lapsed), or, when the next
    step is serving the notice, the date that notice would give."""
    position = case.position
    if notice_step and position.notice_at is not None:
        if outcome.due is None:
            return None
        days = position.ladder[position.notice_at].earliest_proceedings_days
        return max(outcome.due, case.as_of) + timedelta(days=days)
    return position.earliest if not position.notice_lapsed else None


def recommend(facts: CaseFacts, policy: RecoveryPolicy, as_of: date) -> Recommendation:
    """The next recommended action for one case on ``as_of``, with its reason and flags.

    Three phases: read the case (the arrears, Breathing Space, the records in force, warnings,
    follow-up, arrangements, the ladder position), decide the next step and its reason, then
    settle what blocks it and when it is due. Cost: the recent ledger lines (with a plain
    unsorted list, one sort first), the actions, and the lines since each live arrangement
    began. See the module notes for every rule.
    """
    case = _read_case(facts, policy, as_of)
    outcome, bits = _decide(case)
    blocked_by, notice_step = _settle(case, outcome)
    summary, position = case.arrears.summary, case.position
    arrangements, bs = case.arrangements, case.bs
    actionable = case.arrears.actionable
    return Recommendation(
        tenancy_ref=facts.tenancy_ref,
        as_of=as_of,
        policy_version=policy.version,
        stage=position.stage_code,
        stage_label=position.stage_label,
        stage_on=position.reached_on if position.reached >= 0 else None,
        next_action=outcome.next_action,
        next_action_label=outcome.label,
        escalates=outcome.escalates,
        due_date=outcome.due,
        blocked_by=blocked_by,
        reason="; ".join(bits) + " -> " + outcome.tail,
        priority=_priority(case, outcome),
        warnings=tuple(case.warnings),
        has_live_arrangement=bool(arrangements.live),
        arrangement_kept=None if not arrangements.checked else not arrangements.breached,
        vulnerable=case.records.vulnerable is not None,
        safety_warning=case.records.safety is not None,
        breathing_space=bs is not None and bs.active,
        follow_up_due=case.follow_up,
        arrears_band=arrears_band(summary.balance_pence, summary.weeks_in_arrears),
        actionable_arrears_pence=actionable,
        actionable_weeks=_weeks_of(actionable, summary.weekly_charge_pence),
        technical_arrears_pence=case.arrears.technical,
        earliest_proceedings=_earliest_proceedings(case, outcome, notice_step),
        notice_expires=position.expires if not position.notice_lapsed else None,
        former_tenancy=case.former,
        summary=summary,
        breathing_space_state=bs,
        arrangement_states=tuple(state for _, state in arrangements.checked),
        promise=NONE if case.promise is None else case.promise.state,
        judged_promise=case.promise,
        next_follow_up=case.task,
    )


def _account_words(
    arrears: _Arrears, reached_on: date | None, stage_label: str, as_of: date
) -> list[str]:
    """The start of a reason: the arrears, the last recovery step, the last payment."""
    summary, deduction = arrears.summary, arrears.deduction
    actionable, technical = arrears.actionable, arrears.technical
    balance = summary.balance_pence
    weekly = summary.weekly_charge_pence
    words: list[str] = []
    if actionable == balance:
        words.append(f"{format_pence(balance)} = {summary.weeks_in_arrears} weeks' rent")
    else:
        uc = summary.uc
        less = (
            f"{format_pence(technical)} UC timing"
            if uc is not None and technical and uc.allowance_pence >= deduction
            and uc.allowance_pence > summary.current_week_charge_pence
            else f"this week's charge {format_pence(summary.current_week_charge_pence)}"
        )
        words.append(
            f"{format_pence(actionable)} overdue = {_weeks_of(actionable, weekly)} weeks' rent "
            f"(balance {format_pence(balance)} less {less})"
        )
    if reached_on is not None:
        words.append(f"{_lower_first(stage_label)} {_ago((as_of - reached_on).days)}")
    else:
        words.append("no recovery action yet")
    days = summary.days_since_payment
    if days is None:
        words.append("no payment on record")
    elif days >= 7:
        words.append(f"no payment for {days} days")
    else:
        words.append(f"last payment {format_pence(summary.last_payment_pence or 0)} {_ago(days)}")
    return words


def worklist(
    cases: Iterable[CaseFacts], policy: RecoveryPolicy, as_of: date
) -> list[Recommendation]:
    """Every case's recommendation on ``as_of``, most urgent first (by ``priority``)."""
    return sorted((recommend(facts, policy, as_of) for facts in cases), key=_PRIORITY)


_PRIORITY = attrgetter("priority")
