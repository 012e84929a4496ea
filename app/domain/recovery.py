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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from app.domain.arrangement_watch import ArrangementState, ArrangementTerms, check_arrangement
from app.domain.case_actions import ACTION_KINDS
from app.domain.money import format_pence, weeks_of_charge
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

NONE = "none"
BROKEN_ARRANGEMENT_CONTACT = "broken_arrangement_contact"
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
    follow C1/C2/C5.
    """

    version: str
    effective_from: date
    stages: tuple[Stage, ...]
    name: str = ""
    grace_days: int = 5
    tolerance_pence: int = 0
    broken_contact_wait_days: int = 7
    max_arrangement_weeks: int = 104
    breathing_space_days: int = 60
    mental_health_extra_days: int = 30
    review_days: int = 20
    reminder_every_days: int = 28
    vulnerability_holds: frozenset[str] = frozenset()
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
    recommendations cost only the recent lines.
    """

    tenancy_ref: str
    tenure: str
    terms: RentTerms
    lines: Sequence[LedgerLine]
    actions: Sequence[CaseAction]
    arrangements: Sequence[ArrangementTerms]
    end_date: date | None = None


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


_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_day(day: date) -> str:
    """A date for people, the same in every locale: ``30 Apr 2026``."""
    return f"{day.day} {_MONTHS[day.month]} {day.year}"


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
    record = _latest(by_code.get(code))
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


@dataclass(slots=True)
class _Case:
    """What :func:`recommend` has worked out about one case so far (internal)."""

    facts: CaseFacts
    policy: RecoveryPolicy
    as_of: date
    by_code: dict[str, list[CaseAction]]
    summary: AccountSummary
    actionable: int
    bs: BreathingSpaceState | None
    pause: CaseAction | None
    hearing: CaseAction | None
    eviction: CaseAction | None
    claim: CaseAction | None
    vulnerable: CaseAction | None
    kept: list[tuple[ArrangementTerms, ArrangementState]]
    ladder: tuple[Stage, ...]
    done: list[CaseAction | None]
    reached: int
    reached_on: date | None
    notice_at: int | None
    earliest: date | None
    expires: date | None
    notice_lapsed: bool

    def blocks(self, kind: str, stage: Stage | None) -> list[tuple[str, date | None]]:
        """Active blocks on an action of ``kind`` ("contact": chasing an arrangement), each
        with the day it lifts (None: no known end)."""
        found: list[tuple[str, date | None]] = []
        if self.pause is not None and self.pause.until is not None:
            found.append(
                (f"Paused by the officer until {format_day(self.pause.until)}",
                 self.pause.until + _DAY)
            )
        bs = self.bs
        if bs is not None and bs.active and kind != "reminder":
            name = "Breathing Space" if bs.kind == "standard" else (
                "Breathing Space (mental health crisis)"
            )
            found.append(
                (f"{name} {bs.until_words}", None if bs.last_day is None else bs.last_day + _DAY)
            )
        if kind == "contact":
            return found
        if self.eviction is not None and self.eviction.until is not None:
            found.append(
                (f"Eviction date set for {format_day(self.eviction.until)}",
                 self.eviction.until + _DAY)
            )
        if self.hearing is not None and self.hearing.until is not None:
            found.append(
                (f"Possession hearing on {format_day(self.hearing.until)}",
                 self.hearing.until + _DAY)
            )
        if self.claim is not None and kind == "court":
            found.append(
                (f"Benefit claim pending since {format_day(self.claim.on)} "
                 "(pre-action protocol: no proceedings until it is decided)", None)
            )
        if self.kept and not (stage is not None and stage.despite_kept_arrangement):
            terms = self.kept[0][0]
            found.append(
                (f"Arrangement {terms.ref} being kept ({format_pence(terms.instalment_pence)} "
                 f"{terms.frequency.replace('_', '-')} off the arrears)", None)
            )
        if self.vulnerable is not None and kind in self.policy.vulnerability_holds:
            found.append(
                (f"Vulnerability recorded on {format_day(self.vulnerable.on)} (policy hold)",
                 None)
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


def _ladder_step(
    case: _Case,
    outcome: _Outcome,
    bits: list[str],
    *,
    contacted: CaseAction | None,
    court_order_breached: bool,
) -> None:
    """The next stage of the ladder: which, when, and what blocks it."""
    ladder, reached, policy = case.ladder, case.reached, case.policy
    summary = case.summary
    weekly = summary.weekly_charge_pence
    notice_stage = ladder[case.notice_at] if case.notice_at is not None else None
    extra = ""
    stage: Stage
    if case.notice_lapsed and notice_stage is not None and case.expires is not None:
        stage, due = notice_stage, case.expires + _DAY
        bits.append(f"notice lapsed on {format_day(case.expires)}")
        extra = " again"
    elif reached + 1 >= len(ladder):
        outcome.tail = "last stage of the policy reached: nothing further to recommend"
        return
    else:
        stage = ladder[reached + 1]
        anchor = case.reached_on if reached >= 0 else summary.in_arrears_since
        assert anchor is not None
        due = anchor + timedelta(days=stage.wait_days)
        if stage.requires_notice and notice_stage is not None:
            if case.earliest is None:
                stage, extra = notice_stage, ""
                due = anchor + timedelta(days=stage.wait_days)
                bits.append("no notice served")
            else:
                due = max(due, case.earliest)
        if stage.requires_breached_court_order and not (court_order_breached and contacted):
            outcome.tail = (
                "nothing due: a court order on the account is being kept"
                if any(terms.kind == "court_order" for terms, _ in case.kept)
                else "nothing due until a court order is breached (record the hearing outcome)"
            )
            outcome.blocks = case.blocks(stage.kind, stage)
            return
    if contacted is not None:
        due = max(due, contacted.on + timedelta(days=policy.broken_contact_wait_days))

    bs = case.bs
    in_bs = bs is not None and bs.active
    new_overdue = max(0, case.actionable - bs.protected_at_start_pence) if bs is not None else 0
    tested = new_overdue if in_bs and stage.kind == "reminder" else case.actionable
    if stage.thresholds_met(tested, weekly):
        outcome.take(stage, due, _lower_first(stage.label) + extra)
        outcome.blocks = case.blocks(stage.kind, stage)
    else:
        outcome.tail = f"nothing due ({_lower_first(stage.label)} at {stage.describe_threshold()})"
        outcome.blocks = case.blocks(stage.kind, stage)

    # C7: in Breathing Space a current-rent reminder stays allowed, on the new arrears only.
    blocked_by_bs = outcome.next_action == NONE or any(
        reason.startswith("Breathing Space") for reason, _ in outcome.blocks
    )
    if not (in_bs and blocked_by_bs) or bs is None:
        return
    reminder = next((s for s in ladder if s.kind == "reminder"), None)
    if reminder is None or reminder is stage or not reminder.thresholds_met(new_overdue, weekly):
        return
    if case.blocks("reminder", reminder):
        return
    sent = None
    for code in reminder.satisfied_by:
        action = _latest(case.by_code.get(code), since=bs.start)
        if action is not None and (sent is None or action.on > sent.on):
            sent = action
    due = case.as_of if sent is None else sent.on + timedelta(days=policy.reminder_every_days)
    bits.append(
        f"new arrears since {format_day(bs.start)} {format_pence(new_overdue)} overdue"
    )
    outcome.take(reminder, due, _lower_first(reminder.label) + " (current rent only)")
    outcome.blocks = []


def recommend(facts: CaseFacts, policy: RecoveryPolicy, as_of: date) -> Recommendation:
    """The next recommended action for one case on ``as_of``, with its reason and flags.

    Cost: the recent ledger lines (with a plain unsorted list, one sort first), the actions, and
    the lines since each live arrangement began. See the module notes for every rule.
    """
    lines = ordered(facts.lines)
    by_code = _group(facts.actions, as_of)
    pay_day = _latest(by_code.get("uc_pay_day"))
    summary = summarise_ordered(
        lines, facts.terms, as_of, uc_pay_day=None if pay_day is None else pay_day.on
    )
    balance = summary.balance_pence
    weekly = summary.weekly_charge_pence
    uc = summary.uc
    deduction = summary.current_week_charge_pence
    if uc is not None:
        deduction = max(deduction, uc.allowance_pence)
    actionable = max(0, balance - deduction)
    technical = uc.technical_arrears_pence if uc is not None else 0

    warnings: list[str] = []
    vulnerable = _open_record(by_code, "vulnerability", "vulnerability_ended")
    if vulnerable is not None:
        note = f": {vulnerable.note}" if vulnerable.note else ""
        warnings.append(f"Vulnerability recorded on {format_day(vulnerable.on)}{note}")
    safety = _open_record(by_code, "safety_warning", "safety_warning_ended")
    if safety is not None:
        note = f": {safety.note}" if safety.note else ""
        warnings.append(f"Officer-safety warning since {format_day(safety.on)}{note}")

    bs = _breathing_space(by_code, policy, as_of, lines, balance)
    if bs is not None and bs.active:
        name = "Breathing Space" if bs.kind == "standard" else (
            "Breathing Space (mental health crisis)"
        )
        review = (
            f"; review request by {format_day(bs.review_request_by)}"
            if as_of <= bs.review_request_by
            else ""
        )
        warnings.append(
            f"{name} {bs.until_words}: protected arrears {format_pence(bs.protected_pence)}, "
            f"new arrears {format_pence(bs.new_arrears_pence)}{review}"
        )
    if uc is not None:
        if uc.overdue:
            warnings.append(f"UC payment expected {format_day(uc.next_uc_expected)} not received")
        elif technical > 0:
            warnings.append(
                f"Technical arrears {format_pence(technical)} (UC timing): next UC expected "
                f"{format_day(uc.next_uc_expected)}"
            )
    if summary.in_rent_free_week:
        warnings.append("Rent-free week: no rent charged this week")
    if as_of < policy.effective_from:
        warnings.append(
            f"Recovery policy {policy.version} takes effect on {format_day(policy.effective_from)}"
        )

    pause, _ = _dated_block(by_code, "pause", "pause_ended", as_of)
    hearing, hearing_passed = _dated_block(by_code, "hearing_set", "hearing_ended", as_of)
    eviction, eviction_passed = _dated_block(by_code, "eviction_set", "eviction_ended", as_of)
    claim = _open_record(by_code, "benefit_claim_pending", "benefit_claim_decided")
    if claim is not None:
        warnings.append(f"Benefit claim pending since {format_day(claim.on)}")

    # Follow-up: a block lifted with nothing recorded since, or a date passed with no outcome.
    follow_up = False
    last_officer = max(
        (acts[-1].on for code, acts in by_code.items() if code in OFFICER_CODES), default=None
    )
    lifted: list[date] = []
    latest_pause = _latest(by_code.get("pause"))
    if pause is None and latest_pause is not None:
        ended = _latest(by_code.get("pause_ended"), since=latest_pause.on)
        if ended is not None:
            lifted.append(ended.on)
        elif latest_pause.until is not None:
            lifted.append(latest_pause.until + _DAY)
    if bs is not None and not bs.active and bs.last_day is not None:
        lifted.append(bs.last_day + _DAY)
    if balance > 0 and any(last_officer is None or last_officer < day for day in lifted):
        follow_up = True
    for passed, what in ((hearing_passed, "Hearing on"), (eviction_passed, "Eviction date")):
        if passed is not None and passed.until is not None:
            follow_up = True
            warnings.append(f"{what} {format_day(passed.until)} passed: no outcome recorded")

    # Arrangements (F3).
    live = [terms for terms in facts.arrangements if terms.exists_on(as_of)]
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

    # The ladder: the furthest stage with an action in the current arrears episode.
    ladder = policy.ladder(facts.tenure)
    episode = summary.in_arrears_since
    done: list[CaseAction | None] = [None] * len(ladder)
    if episode is not None and by_code:
        for index, stage in enumerate(ladder):
            for code in stage.satisfied_by:
                action = _latest(by_code.get(code), since=episode)
                best = done[index]
                if action is not None and (best is None or action.on > best.on):
                    done[index] = action

    notice_at, warrant_at = policy.landmarks(facts.tenure)
    notice = done[notice_at] if notice_at is not None else None
    if (
        notice is not None
        and bs is not None
        and bs.start <= notice.on
        and (bs.last_day is None or notice.on <= bs.last_day)
    ):
        warnings.append(f"Notice served on {format_day(notice.on)} during Breathing Space is void")
        assert notice_at is not None
        done[notice_at] = notice = None
    reached = max((i for i, action in enumerate(done) if action is not None), default=-1)
    reached_action = done[reached] if reached >= 0 else None
    reached_on = reached_action.on if reached_action is not None else None

    court_orders = [terms for terms, _ in checked if terms.kind == "court_order"]
    if warrant_at is not None and court_orders and balance > 0 and reached < warrant_at - 1:
        # A live court order means proceedings were taken, whatever was recorded.
        reached = warrant_at - 1
        reached_action = None
        reached_on = min(terms.start_date for terms in court_orders)

    earliest: date | None = None
    expires: date | None = None
    if notice is not None and notice_at is not None:
        # The date specified in the notice (the action's until) wins over the policy's period.
        earliest = notice.until or notice.on + timedelta(
            days=ladder[notice_at].earliest_proceedings_days
        )
        expires = add_months(earliest, ladder[notice_at].valid_months)
    court_taken = bool(court_orders) or any(
        action is not None and ladder[i].kind == "court" for i, action in enumerate(done)
    )
    notice_lapsed = expires is not None and as_of > expires and not court_taken
    if notice_lapsed and expires is not None:
        warnings.append(f"Notice lapsed on {format_day(expires)}")

    if reached < 0:
        stage_code, stage_label = NONE, "No recovery stage"
    else:
        stage_code = ladder[reached].code
        stage_label = _past(reached_action.code if reached_action is not None else stage_code)

    case = _Case(
        facts=facts,
        policy=policy,
        as_of=as_of,
        by_code=by_code,
        summary=summary,
        actionable=actionable,
        bs=bs,
        pause=pause,
        hearing=hearing,
        eviction=eviction,
        claim=claim,
        vulnerable=vulnerable,
        kept=kept,
        ladder=ladder,
        done=done,
        reached=reached,
        reached_on=reached_on,
        notice_at=notice_at,
        earliest=earliest,
        expires=expires,
        notice_lapsed=notice_lapsed,
    )
    outcome = _Outcome()
    bits: list[str] = []
    former = facts.end_date is not None and facts.end_date <= as_of
    if former:
        assert facts.end_date is not None
        owed = (
            f"{format_pence(balance)} former tenant arrears"
            if balance > 0
            else (f"in credit {format_pence(-balance)}" if balance < 0 else "clear")
        )
        bits.append(f"Former tenancy (ended {format_day(facts.end_date)}): {owed}")
        outcome.tail = "no recovery stage applies"
    elif balance <= 0:
        bits.append(f"In credit {format_pence(-balance)}" if balance < 0 else "Clear")
    elif actionable <= 0:
        if uc is not None and technical > 0 and uc.allowance_pence >= balance:
            bits.append(
                f"{format_pence(balance)} arrears are UC timing only (technical): UC paid "
                f"{format_day(uc.last_uc_on)}, next expected {format_day(uc.next_uc_expected)}"
            )
        else:
            bits.append(f"{format_pence(balance)} is this week's charge, not yet overdue")
    else:
        bits.extend(_account_words(summary, actionable, deduction, technical, reached_on,
                                   stage_label, as_of))
        broken = breached[0] if breached else None
        contacted: CaseAction | None = None
        if broken is not None:
            terms, state = broken
            assert state.breached_since is not None
            contacted = _latest(
                case.by_code.get(BROKEN_ARRANGEMENT_CONTACT), since=state.breached_since
            )
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
                bits.append(f"tenant contacted {_ago((as_of - contacted.on).days)}")
        if outcome.next_action == NONE:
            _ladder_step(
                case,
                outcome,
                bits,
                contacted=contacted,
                court_order_breached=broken is not None and broken[0].kind == "court_order",
            )

    blocked_by = "; ".join(reason for reason, _ in outcome.blocks) or None
    due = outcome.due
    escalates = outcome.escalates
    notice_step = notice_at is not None and outcome.next_action == ladder[notice_at].code
    if outcome.next_action == NONE:
        due, escalates = None, False
    elif outcome.blocks:
        escalates = False
        lifts = [lift for _, lift in outcome.blocks]
        if due is None or any(lift is None for lift in lifts):
            due = None
        else:
            due = max([due, *(lift for lift in lifts if lift is not None)])
        outcome.tail += f": blocked ({blocked_by})"
    else:
        if due is not None and due > as_of:
            outcome.tail += f", due {format_day(due)}"
        if notice_step and notice_at is not None and due is not None:
            served = max(due, as_of)
            days = timedelta(days=ladder[notice_at].earliest_proceedings_days)
            outcome.tail += f" (earliest proceedings {format_day(served + days)})"
    reason = "; ".join(bits) + " -> " + outcome.tail

    ref = facts.tenancy_ref
    if outcome.next_action != NONE and not outcome.blocks and due is not None and due <= as_of:
        priority = (0, -actionable, -(as_of - due).days, ref)
    elif follow_up and outcome.next_action == NONE:
        priority = (0, -actionable, 0, ref)
    elif outcome.next_action != NONE and not outcome.blocks and due is not None:
        priority = (1, due.toordinal(), -actionable, ref)
    elif outcome.next_action != NONE:
        priority = (2, -actionable, 0, ref)
    else:
        priority = (3, -max(0, balance), 0, ref)

    earliest_out = earliest if not notice_lapsed else None
    if notice_step and notice_at is not None:
        earliest_out = None if due is None else max(due, as_of) + timedelta(
            days=ladder[notice_at].earliest_proceedings_days
        )

    return Recommendation(
        tenancy_ref=ref,
        as_of=as_of,
        policy_version=policy.version,
        stage=stage_code,
        stage_label=stage_label,
        stage_on=reached_on if reached >= 0 else None,
        next_action=outcome.next_action,
        next_action_label=outcome.label,
        escalates=escalates,
        due_date=due,
        blocked_by=blocked_by,
        reason=reason,
        priority=priority,
        warnings=tuple(warnings),
        has_live_arrangement=bool(live),
        arrangement_kept=None if not checked else not breached,
        vulnerable=vulnerable is not None,
        safety_warning=safety is not None,
        breathing_space=bs is not None and bs.active,
        follow_up_due=follow_up,
        arrears_band=arrears_band(balance, summary.weeks_in_arrears),
        actionable_arrears_pence=actionable,
        actionable_weeks=_weeks_of(actionable, weekly),
        technical_arrears_pence=technical,
        earliest_proceedings=earliest_out,
        notice_expires=expires if not notice_lapsed else None,
        former_tenancy=former,
        summary=summary,
        breathing_space_state=bs,
        arrangement_states=tuple(state for _, state in checked),
    )


def _account_words(
    summary: AccountSummary,
    actionable: int,
    deduction: int,
    technical: int,
    reached_on: date | None,
    stage_label: str,
    as_of: date,
) -> list[str]:
    """The start of a reason: the arrears, the last recovery step, the last payment."""
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
