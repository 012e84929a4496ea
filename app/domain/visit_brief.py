"""What an officer needs before a visit, in words: the warnings in force, what changed on the
account since the last contact, the live arrangement, a promise, and the order of a day's visits.

The service :mod:`app.services.visit_brief` reads a case and hands the plain facts here; every
sentence a visit brief, the Day plan or the visit sheet shows is made in this module (money with
``format_pence``, days with ``format_day``), so the screens and the PDF say the same thing. The
brief's values (:class:`VisitBrief` and its parts) are defined here, so the documents
(``app.reports``) and the screens read them without the services.

Rules where the issue is silent (each stated where it is applied):

- a warning (officer safety, vulnerability) is in force from its action until an ``..._ended``
  action on or after its day; several may be in force at once, and all are shown (the recovery
  rules look only at the latest, which is in force exactly when at least one is);
- "since the last contact" is the ledger lines posted *after* the contact's day up to the day
  of the brief; with no contact recorded, the last :data:`NO_CONTACT_WINDOW_DAYS` days;
- a day's visits put every case with an officer-safety warning first (so the officer plans
  those, perhaps in pairs), then the rest, each group by postcode or by street.

Pure: no I/O; any thread.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal, Protocol, TypeVar

from app.domain.arrangement_watch import ArrangementState, ArrangementTerms
from app.domain.display import format_day, format_pence
from app.domain.rent_account import (
    ADJUSTMENT,
    CHARGE_TYPES,
    DHP,
    HB,
    PAYMENT,
    PAYMENT_TYPES,
    REFUND,
    UC,
    WRITE_OFF,
    LedgerLine,
)
from app.domain.visits import PromiseJudgement, PromiseState

NO_CONTACT_WINDOW_DAYS = 28
"""With no contact recorded, "what changed" covers this many days up to the brief's day."""
MAX_PAYMENT_LINES = 5
"""Payments listed one by one; more than this are summed in one line (the sheet stays short)."""

WarningKind = Literal["safety", "vulnerability", "breathing_space"]
WARNING_LABELS: dict[str, str] = {
    "safety": "Officer safety",
    "vulnerability": "Vulnerability",
    "breathing_space": "Breathing Space",
}
"""The warnings shown before a visit, most serious first, with the label each line starts with."""
_WARNING_CODES = (
    # (kind, the action that records it, the action that ends it)
    ("safety", "safety_warning", "safety_warning_ended"),
    ("vulnerability", "vulnerability", "vulnerability_ended"),
)
_CREDIT_LABELS = {
    PAYMENT: "Paid",
    HB: "Housing Benefit",
    UC: "Universal Credit",
    DHP: "Discretionary Housing Payment",
}
_OTHER_LABELS = {ADJUSTMENT: "Adjustment", WRITE_OFF: "Write-off", REFUND: "Refund"}
_FREQUENCY = {
    "weekly": "a week",
    "fortnightly": "a fortnight",
    "four_weekly": "every four weeks",
    "monthly": "a month",
}


def tenure_label(tenure: str) -> str:
    """``"assured_shorthold"`` -> ``"Assured shorthold tenancy"``; licences and garages as such."""
    if tenure in ("licence", "garage"):
        return tenure.capitalize()
    return tenure.replace("_", " ").capitalize() + " tenancy"


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day`` (a 29 February birthday counts on 1 March)."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# -- warnings ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WarningRecord:
    """A warning action as the rule reads it: its code, day, note and who recorded it."""

    code: str
    on: date
    note: str
    recorded_by: str


@dataclass(frozen=True, slots=True)
class VisitWarning:
    """A warning to read before the visit. ``text`` is what to know (the officer's details);
    ``on`` the day it was recorded or began; ``recorded_by`` who recorded it ("" if unknown)."""

    kind: str
    text: str
    on: date | None
    recorded_by: str

    @property
    def label(self) -> str:
        """The kind in words: "Officer safety", "Vulnerability", "Breathing Space"."""
        return WARNING_LABELS.get(self.kind, "Warning")

    @property
    def line(self) -> str:
        """The whole warning on one line: ``"Officer safety: dog on the premises (since 2 Mar
        2026, recorded by Sam Patel)"``."""
        when = [] if self.on is None else [f"since {format_day(self.on)}"]
        who = [f"recorded by {self.recorded_by}"] if self.recorded_by else []
        tail = f" ({', '.join(when + who)})" if when or who else ""
        return f"{self.label}: {self.text}{tail}"


def warnings_in_force(records: Iterable[WarningRecord], as_of: date) -> list[VisitWarning]:
    """The officer-safety warnings, then the vulnerabilities, in force on ``as_of``, each kind
    newest first. A record is in force from its day until an end action on or after that day
    (the end names no record, so it ends every one recorded up to its day)."""
    by_code: dict[str, list[WarningRecord]] = {}
    for record in records:
        if record.on <= as_of:
            by_code.setdefault(record.code, []).append(record)
    found: list[VisitWarning] = []
    for kind, code, end_code in _WARNING_CODES:
        last_end = max((r.on for r in by_code.get(end_code, ())), default=None)
        for record in sorted(by_code.get(code, ()), key=lambda r: r.on, reverse=True):
            if last_end is not None and last_end >= record.on:
                continue
            text = record.note.strip() or f"{WARNING_LABELS[kind].lower()} recorded, no details"
            found.append(VisitWarning(kind, text, record.on, record.recorded_by))
    return found


def breathing_space_warning(
    *, mental_health: bool, start: date, last_day: date | None, recorded_by: str
) -> VisitWarning:
    """An active Breathing Space: no enforcement, and until when."""
    kind = "mental health crisis" if mental_health else "standard"
    until = (
        "until 30 days after crisis treatment ends"
        if last_day is None
        else f"until {format_day(last_day)}"
    )
    return VisitWarning(
        "breathing_space",
        f"{kind}, {until}: no enforcement action; keep asking for the rent",
        start,
        recorded_by,
    )


# -- what changed since the last contact --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangesSince:
    """What the account did after ``since`` up to ``as_of``: ``heading`` says from when,
    ``lines`` what happened (payments with dates and amounts, charges, the balance then and
    now). Money in pence; ``paid_pence`` is what came in (positive)."""

    since: date
    as_of: date
    contacted: bool
    heading: str
    lines: tuple[str, ...]
    balance_then_pence: int
    balance_now_pence: int
    paid_pence: int
    charged_pence: int


def changes_since(
    lines: Sequence[LedgerLine], *, last_contact: date | None, as_of: date
) -> ChangesSince:
    """The account's changes after ``last_contact`` (or over the last 28 days when there was
    none) up to ``as_of``, as short lines."""
    contacted = last_contact is not None
    since = last_contact if last_contact is not None else as_of - timedelta(NO_CONTACT_WINDOW_DAYS)
    if contacted:
        heading = f"Since the last contact on {format_day(since)}"
    else:
        heading = f"No contact recorded; the last {NO_CONTACT_WINDOW_DAYS} days"
    then = sum(line.amount_pence for line in lines if line.posted_on <= since)
    window = sorted(
        (line for line in lines if since < line.posted_on <= as_of), key=lambda x: x.posted_on
    )
    now = then + sum(line.amount_pence for line in window)
    credits = [line for line in window if line.type in PAYMENT_TYPES]
    charged = sum(line.amount_pence for line in window if line.type in CHARGE_TYPES)
    paid = -sum(line.amount_pence for line in credits)
    out = _credit_lines(credits)
    if charged:
        out.append(f"Rent and charges {format_pence(charged)}")
    others = [line for line in window if line.type not in PAYMENT_TYPES | CHARGE_TYPES]
    out.extend(
        f"{_OTHER_LABELS.get(line.type, line.type.capitalize())} "
        f"{format_pence(line.amount_pence)} on {format_day(line.posted_on)}"
        for line in others
    )
    out.append(f"Balance {format_pence(then)} → {format_pence(now)}{_movement(now - then)}")
    return ChangesSince(
        since=since,
        as_of=as_of,
        contacted=contacted,
        heading=heading,
        lines=tuple(out),
        balance_then_pence=then,
        balance_now_pence=now,
        paid_pence=paid,
        charged_pence=charged,
    )


def _credit_lines(credits: list[LedgerLine]) -> list[str]:
    if not credits:
        return ["No payments received"]
    shown = credits if len(credits) <= MAX_PAYMENT_LINES else credits[-(MAX_PAYMENT_LINES - 1) :]
    out: list[str] = []
    if len(shown) < len(credits):
        earlier = credits[: len(credits) - len(shown)]
        out.append(
            f"{len(earlier)} earlier payments {format_pence(-sum(c.amount_pence for c in earlier))}"
            f" ({format_day(earlier[0].posted_on)} to {format_day(earlier[-1].posted_on)})"
        )
    for line in shown:
        label = _CREDIT_LABELS.get(line.type, line.type)
        day = format_day(line.posted_on)
        if line.amount_pence > 0:
            label = "Payment" if line.type == PAYMENT else label
            out.append(f"{label} reversed {format_pence(line.amount_pence)} on {day}")
        else:
            out.append(f"{label} {format_pence(-line.amount_pence)} on {day}")
    return out


def _movement(change: int) -> str:
    if change > 0:
        return f" (up {format_pence(change)})"
    if change < 0:
        return f" (down {format_pence(-change)})"
    return " (no change)"


# -- arrangements and promises ------------------------------------------------------------------


def arrangement_text(terms: ArrangementTerms, weekly_charge_pence: int) -> str:
    """``"£25.00 a week off the arrears on top of the rent (£125.00 a week in all), from 5 Jan
    2026; court order ARR-1"``."""
    each = _FREQUENCY.get(terms.frequency, terms.frequency)
    total = ""
    if terms.frequency == "weekly" and weekly_charge_pence > 0:
        total = f" ({format_pence(weekly_charge_pence + terms.instalment_pence)} a week in all)"
    kind = "court order" if terms.kind == "court_order" else "arrangement"
    return (
        f"{format_pence(terms.instalment_pence)} {each} off the arrears on top of the rent{total}, "
        f"from {format_day(terms.start_date)}; {kind} {terms.ref}"
    )


def arrangement_state_text(state: ArrangementState) -> str:
    """``"Kept"`` (with the next due date) or ``"Broken: £50.00 behind since 21 Mar 2026"``."""
    if state.kept:
        due = "" if state.next_due_on is None else f"; next due {format_day(state.next_due_on)}"
        return f"Kept{due}"
    since = "" if state.breached_since is None else f" since {format_day(state.breached_since)}"
    return f"Broken: {format_pence(state.breached_by_pence)} behind{since}"


def promise_text(
    *, amount_pence: int, made_on: date, due_on: date, judgement: PromiseJudgement
) -> str:
    """A promise and its F3a state in one line: ``"£50.00 by 6 Mar 2026 (promised 2 Mar
    2026): pending, payments count to 8 Mar 2026"``."""
    head = f"{format_pence(amount_pence)} by {format_day(due_on)} (promised {format_day(made_on)})"
    if judgement.state == "kept":
        return f"{head}: kept"
    paid = f", {format_pence(judgement.paid_pence)} paid" if judgement.paid_pence > 0 else ""
    if judgement.state == "broken":
        return f"{head}: broken{paid}"
    return f"{head}: pending{paid}, payments count to {format_day(judgement.last_day)}"


def follow_up_text(*, due_on: date, task: str, state: str) -> str:
    """``"Call back Friday, due 6 Mar 2026 (overdue)"``."""
    words = {"overdue": " (overdue)", "due": " (due today)"}.get(state, "")
    return f"{task}, due {format_day(due_on)}{words}"


# -- the brief: the values a visit screen and the visit sheet show ------------------------------


@dataclass(frozen=True, slots=True)
class Member:
    """Someone named on the tenancy. ``age`` on the brief's day, None without a date of birth."""

    name: str
    is_lead: bool
    date_of_birth: date | None
    age: int | None
    phone: str
    email: str
    id: uuid.UUID | None = None  # the person's id (who was spoken to), when read from a case

    @property
    def line(self) -> str:
        """``"Ms Alex Łukasz (lead tenant, 41) 07700 900123"``."""
        facts = ["lead tenant"] if self.is_lead else []
        if self.age is not None:
            facts.append(str(self.age))
        about = f" ({', '.join(facts)})" if facts else ""
        return f"{self.name}{about}{f' {self.phone}' if self.phone else ''}"


@dataclass(frozen=True, slots=True)
class ContactLine:
    """A contact in force: when, how, what came of it, who was spoken to, the note, and who
    recorded it (codes of ``app.domain.visits`` with their labels)."""

    id: uuid.UUID
    on: date
    how: str
    how_label: str
    outcome: str
    outcome_label: str
    spoke_to: str
    note: str
    recorded_by: str

    @property
    def line(self) -> str:
        """``"2 Mar 2026, Home visit: Promise to pay (spoke to Alex Łukasz; Sam Patel)"``."""
        extra = [f"spoke to {self.spoke_to}"] if self.spoke_to else []
        if self.recorded_by:
            extra.append(f"by {self.recorded_by}")
        tail = f" ({'; '.join(extra)})" if extra else ""
        return f"{format_day(self.on)}, {self.how_label}: {self.outcome_label}{tail}"


@dataclass(frozen=True, slots=True)
class ArrangementLine:
    """A live arrangement in words, and whether it is kept on the brief's day (F3)."""

    ref: str
    text: str
    kept: bool
    state_text: str
    instalment_pence: int
    breached_by_pence: int


@dataclass(frozen=True, slots=True)
class PromiseLine:
    """The latest promise to pay still in force (not withdrawn), judged by F3a."""

    id: uuid.UUID
    made_on: date
    due_on: date
    amount_pence: int
    state: PromiseState
    paid_pence: int
    last_day: date
    text: str


@dataclass(frozen=True, slots=True)
class FollowUpLine:
    """An open follow-up; ``state`` is ``due``, ``overdue`` or ``later``."""

    id: uuid.UUID
    due_on: date
    task: str
    state: str
    text: str


@dataclass(frozen=True, slots=True)
class StepLine:
    """A recovery step taken on the case (a letter sent, a notice served) that a contact may
    say it served (the visit before a NOSP, rules B2)."""

    id: uuid.UUID
    on: date
    label: str

    @property
    def text(self) -> str:
        return f"{self.label}, {format_day(self.on)}"


@dataclass(frozen=True, slots=True)
class VisitBrief:
    """One case before a visit, as :func:`app.services.visit_brief.visit_briefs` reads it.

    Money in integer pence; ``weeks_in_arrears`` is None when the tenancy has no weekly charge.
    ``warnings``: officer safety first, then vulnerabilities, then an active Breathing Space;
    withdrawn and ended ones left out."""

    tenancy_id: uuid.UUID
    ref: str
    address: str
    postcode: str
    tenure: str
    tenure_label: str
    as_of: date
    warnings: tuple[VisitWarning, ...]
    household: tuple[Member, ...]
    balance_pence: int
    weekly_charge_pence: int
    weeks_in_arrears: Decimal | None
    last_contact: ContactLine | None
    since_last_contact: ChangesSince
    arrangements: tuple[ArrangementLine, ...]
    promise: PromiseLine | None
    follow_ups: tuple[FollowUpLine, ...]
    recent_contacts: tuple[ContactLine, ...]
    recent_steps: tuple[StepLine, ...] = ()

    @property
    def lead_name(self) -> str:
        """The lead tenant's name (the first person named when none is marked lead)."""
        leads = [m.name for m in self.household if m.is_lead]
        return leads[0] if leads else (self.household[0].name if self.household else "")

    @property
    def arrangement(self) -> ArrangementLine | None:
        """The live arrangement the officer should talk about: a broken one first."""
        return self.arrangements[0] if self.arrangements else None

    @property
    def has_safety_warning(self) -> bool:
        return any(w.kind == "safety" for w in self.warnings)

    @property
    def balance_text(self) -> str:
        """``"Arrears £412.50 (4.10 weeks)"``, ``"In credit £12.00"`` or ``"Clear (£0.00)"``."""
        if self.balance_pence > 0:
            weeks = "" if self.weeks_in_arrears is None else f" ({self.weeks_in_arrears} weeks)"
            return f"Arrears {format_pence(self.balance_pence)}{weeks}"
        if self.balance_pence < 0:
            return f"In credit {format_pence(-self.balance_pence)}"
        return "Clear (£0.00)"

    @property
    def last_contact_text(self) -> str:
        """The last contact on one line, or that there has been none recorded."""
        return "No contact recorded" if self.last_contact is None else self.last_contact.line


# -- the order of a day's visits ----------------------------------------------------------------


class _HasWarning(Protocol):
    @property
    def kind(self) -> str: ...


class Visitable(Protocol):
    """What :func:`order_for_day` reads of a case (a visit brief, a Day plan row)."""

    @property
    def ref(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def postcode(self) -> str: ...

    @property
    def warnings(self) -> Sequence[_HasWarning]: ...


V = TypeVar("V", bound=Visitable)
OrderBy = Literal["postcode", "street"]
ORDER_LABELS: dict[str, str] = {"postcode": "By postcode", "street": "By street"}
_NUMBER = re.compile(r"\d+")
_FLAT = re.compile(r"^(flat|apartment|apt|unit|room|maisonette)\b", re.IGNORECASE)
_HOUSE = re.compile(r"^(\d+)\s*([a-z]?)\b[\s,]*", re.IGNORECASE)
_STREET_WORDS = frozenset(
    {
        "road", "street", "lane", "avenue", "close", "way", "drive", "court", "crescent",
        "place", "grove", "gardens", "terrace", "row", "walk", "hill", "square", "mews", "park",
        "green", "rise", "view", "parade", "vale", "end", "fields", "wharf", "yard",
    }
)  # fmt: skip


def has_safety_warning(case: Visitable) -> bool:
    """An officer-safety warning is in force on the case."""
    return any(w.kind == "safety" for w in case.warnings)


def order_for_day(cases: Iterable[V], *, by: OrderBy = "postcode") -> list[V]:
    """Cases with an officer-safety warning first, then the rest; within each, by postcode
    (then street and house number) or by street (then house number, then postcode); the
    reference breaks ties, so the order is the same every time."""
    if by not in ORDER_LABELS:
        raise ValueError(f"order: {by!r} is not one of {', '.join(ORDER_LABELS)}")

    def key(case: V) -> tuple[object, ...]:
        street, house, flat = street_key(case.address)
        postcode = postcode_key(case.postcode)
        place = (postcode, street, house, flat) if by == "postcode" else (street, house, flat)
        return (not has_safety_warning(case), *place, postcode, case.ref)

    return sorted(cases, key=key)


def postcode_key(postcode: str) -> tuple[object, ...]:
    """A UK postcode in the order a round follows: ``TE1 1ST`` before ``TE2 1AA`` before
    ``TE10 1AA`` (the district's number compared as a number); an empty one last."""
    text = postcode.upper().replace(" ", "")
    if not text:
        return ((1,),)
    outward, inward = (text[:-3], text[-3:]) if len(text) > 4 else (text, "")
    return ((0,), _natural(outward), inward)


def street_key(address: str) -> tuple[str, int, str]:
    """(the street, the house number, the rest) of an address on one or several lines:
    ``"Flat 2, 14a Mill Lane, Testtown"`` -> ``("mill lane", 14, "a flat 2")``.

    The street is the first line that starts with a house number ("12 Mill Lane", or "12" on a
    line of its own before "Mill Lane"); failing that, the first line ending in a street word
    ("Rose Cottage, Mill Lane" -> "mill lane"); failing that, the first line that does not name
    a flat or a building. No number counts as 0; the lines before the street (a flat, a
    building's name) order homes in one street."""
    parts = [p.strip() for p in re.split(r"[,\n]", address) if p.strip()]
    before: list[str] = []
    for index, part in enumerate(parts):
        house = _HOUSE.match(part)
        if house is None or _FLAT.match(part):
            before.append(part)
            continue
        street = part[house.end() :].strip()
        if not street and index + 1 < len(parts):
            street = parts[index + 1]
        if street:
            rest = " ".join([house.group(2), *before]).strip().casefold()
            return (street.casefold(), int(house.group(1)), rest)
    for index, part in enumerate(parts):
        words = part.split()
        if words and words[-1].casefold() in _STREET_WORDS:
            return (part.casefold(), 0, " ".join(parts[:index]).casefold())
    named = [p for p in parts if not _FLAT.match(p)]
    return ((named[0] if named else "").casefold(), 0, " ".join(parts).casefold())


def _natural(text: str) -> tuple[object, ...]:
    """Letters and numbers compared as such: ``TE2`` before ``TE10``."""
    out: list[object] = []
    position = 0
    for match in _NUMBER.finditer(text):
        out.append(text[position : match.start()])
        out.append(int(match.group()))
        position = match.end()
    out.append(text[position:])
    return tuple(out)


__all__ = [
    "MAX_PAYMENT_LINES",
    "ArrangementLine",
    "ContactLine",
    "FollowUpLine",
    "Member",
    "PromiseLine",
    "VisitBrief",
    "NO_CONTACT_WINDOW_DAYS",
    "ORDER_LABELS",
    "WARNING_LABELS",
    "ChangesSince",
    "OrderBy",
    "VisitWarning",
    "Visitable",
    "WarningKind",
    "WarningRecord",
    "age_on",
    "arrangement_state_text",
    "arrangement_text",
    "breathing_space_warning",
    "changes_since",
    "follow_up_text",
    "has_safety_warning",
    "order_for_day",
    "postcode_key",
    "promise_text",
    "street_key",
    "tenure_label",
    "warnings_in_force",
]
