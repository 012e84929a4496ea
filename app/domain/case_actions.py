"""The vocabulary of case actions: what an officer did or learned on a case, and when.

An action is a dated record, made on the device or imported from the HMS (``actions.csv``),
that moves a case along the recovery policy (a letter sent, a NOSP served), sets or lifts a
block (Breathing Space, a hearing date, a pause) or a warning (vulnerability, officer safety).
Actions are append-only: an end is its own action (``pause_ended``), never an edit.

``until`` carries the one extra date some codes need (``needs_until``): a NOSP's expiry, the
hearing or eviction date, the end of a pause, the end date printed on a Breathing Space notice.
This module is the single list of codes shared by the importer, the device and the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.days import day_problem
from app.domain.display import format_day


@dataclass(frozen=True, slots=True)
class ActionKind:
    """One action code: its label for people, and whether it needs an ``until`` date."""

    code: str
    label: str
    needs_until: bool = False
    until_label: str = ""


_KINDS = (
    # Recovery steps (the policy's stages refer to these codes).
    ActionKind("reminder", "Reminder sent"),
    ActionKind("visit", "Home visit made"),
    ActionKind("letter_1", "Arrears letter 1 sent"),
    ActionKind("letter_2", "Arrears letter 2 sent"),
    # until = the date specified in the notice, from which proceedings may start (28 days for a
    # council's NOSP); the notice stays in force for 12 months from that date (docs/rules.md B5).
    ActionKind("nosp", "Notice of seeking possession served", True, "Proceedings may start from"),
    ActionKind("court_warning", "Court warning letter sent"),
    ActionKind("court_applied", "Applied to court for a possession hearing"),
    ActionKind("warrant_applied", "Applied for a warrant of possession"),
    # Contact that is not a recovery step.
    ActionKind("contact", "Contact made with the tenant"),
    ActionKind("broken_arrangement_contact", "Contact about a missed arrangement payment"),
    # Blocks and their ends.
    ActionKind("hearing_set", "Possession hearing date set", True, "Hearing date"),
    ActionKind("hearing_ended", "Hearing dealt with"),
    ActionKind("eviction_set", "Eviction date set", True, "Eviction date"),
    ActionKind("eviction_ended", "Eviction cancelled or carried out"),
    ActionKind("pause", "Case paused by the officer", True, "Paused until"),
    ActionKind("pause_ended", "Pause lifted"),
    ActionKind(
        "breathing_space_start",
        "Breathing Space (standard) started",
        False,
        "Ends (date on the notice)",
    ),
    ActionKind(
        "breathing_space_mh_start",
        "Breathing Space (mental health crisis) started",
        False,
        "Crisis treatment ends",
    ),
    ActionKind("breathing_space_end", "Breathing Space ended or cancelled"),
    ActionKind("benefit_claim_pending", "Benefit claim made, decision pending"),
    ActionKind("benefit_claim_decided", "Benefit claim decided"),
    ActionKind("uc_pay_day", "Universal Credit paid to the tenant on this date"),
    # A referral to free debt advice (B2(g)); from a device it may carry the income and
    # expenditure sent with it (CITES_ASSESSMENT), so the adviser does not start again.
    ActionKind("debt_advice_referral", "Referred to debt advice"),
    # Warnings.
    ActionKind("vulnerability", "Vulnerability recorded"),
    ActionKind("vulnerability_ended", "Vulnerability no longer applies"),
    ActionKind("safety_warning", "Officer-safety warning"),
    ActionKind("safety_warning_ended", "Officer-safety warning withdrawn"),
)

ACTION_KINDS: dict[str, ActionKind] = {kind.code: kind for kind in _KINDS}

NEEDS_DETAILS: dict[str, str] = {
    "safety_warning": (
        "an officer-safety warning needs its details: what to watch for and what to do "
        "(e.g. dog on the premises; visit in pairs)"
    ),
    "vulnerability": (
        "a vulnerability needs its details: what it is and what it changes for contact "
        "(e.g. hearing impaired: text before visiting)"
    ),
}
"""The warnings an officer records that are shown before every visit: without a note their
banner would say nothing, so entry refuses them empty (the words say why)."""

SUPPORT_NEEDS: dict[str, str] = {
    "mental_health": "Mental health",
    "physical_health": "Physical health or disability",
    "learning_disability": "Learning disability or difficulty",
    "bereavement": "Bereavement",
    "language": "Language, reading or hearing",
    "domestic_abuse": "Domestic abuse",
    "care_leaver": "Care leaver",
    "older_person": "Older person living alone",
    "addiction": "Drug or alcohol dependency",
    "money_crisis": "Sudden loss of income or financial crisis",
    "other": "Other support need",
}
"""What a vulnerability recorded on a laptop is about: a category, never a diagnosis (the
note says only what changes for contact; docs/visits.md). Pre-action protocol [S9] asks the
landlord to consider a tenant's vulnerability before a claim (B2(h))."""

LEARNED_FROM: dict[str, str] = {
    "tenant": "The tenant told us",
    "household": "Someone in the household",
    "support_worker": "A support worker or advocate",
    "health": "A health professional",
    "social_services": "Social services",
    "other_agency": "Another agency",
    "officer": "The officer saw it",
}
"""Where the officer learned of a vulnerability (its source)."""

NEEDS_SUPPORT_DETAILS = frozenset({"vulnerability"})
"""The action codes that carry a support need and its source when recorded on a laptop."""

CITES_ASSESSMENT = frozenset({"debt_advice_referral"})
"""The action codes that may name an income and expenditure assessment (the hand-over)."""

LATE_WORK_CODES = frozenset({"contact"})
"""The actions an officer may still send for a case that has left their caseload (recorded while
they held it, arriving within :data:`LATE_WORK_DAYS`): they tell the officer who holds it now
what happened and change nothing of its course. Every other action (a stage, a pause, a
Breathing Space, a hearing, a warning) is for the officer who holds the case now."""

LATE_WORK_DAYS = 14
"""How long after a case leaves an officer's caseload their late work on it is still taken: two
weeks covers a laptop left unsynced over a holiday, and no longer lets a former officer steer a
case (docs/design.md, Scope)."""

MAX_NOTE = 4000
"""The longest note an action may carry, in characters (the device and the central store)."""


class ActionError(ValueError):
    """An action that cannot be recorded; the message names the field and the reason."""


def check_support_details(*, code: str, support_need: str | None, learned_from: str | None) -> None:
    """A vulnerability recorded on a laptop names its support need and where it was learned;
    any other action names neither (:class:`ActionError` naming the field)."""
    if code not in NEEDS_SUPPORT_DETAILS:
        for field, value in (("support need", support_need), ("learned from", learned_from)):
            if value is not None:
                raise ActionError(f"{field}: only a vulnerability names one")
        return
    for field, value, choices in (
        ("support need", support_need, SUPPORT_NEEDS),
        ("learned from", learned_from, LEARNED_FROM),
    ):
        if value is None:
            raise ActionError(f"{field}: choose one ({', '.join(choices.values())})")
        if value not in choices:
            raise ActionError(f"{field}: {value!r} is not one of {', '.join(choices)}")


def with_support_need(note: str, support_need: str | None, learned_from: str | None) -> str:
    """A vulnerability's note led by its support need and source, as a warning says it:
    ``"Communication (a support worker or advocate): text before visiting"``; the note alone
    when there is no support need (an HMS record, another action)."""
    if support_need is None:
        return note
    need = SUPPORT_NEEDS.get(support_need, support_need)
    source = LEARNED_FROM.get(learned_from or "", "")
    lead = f"{need} (source: {source[0].lower()}{source[1:]})" if source else need
    return f"{lead}: {note}" if note else lead


def check_action(*, code: str, on: date, until: date | None) -> ActionKind:
    """The action's kind, or :class:`ActionError` naming what is wrong with it (its dates
    must lie within the days Doorstep takes: ``app.domain.days``)."""
    kind = ACTION_KINDS.get(code)
    if kind is None:
        raise ActionError(
            f"code: {code!r} is not an action code (one of {', '.join(ACTION_KINDS)})"
        )
    for field, day in (("date", on), ("until", until)):
        problem = None if day is None else day_problem(day)
        if problem is not None:
            raise ActionError(f"{field}: {problem}")
    if kind.needs_until and until is None:
        raise ActionError(f"until: {kind.label.lower()} needs the date '{kind.until_label}'")
    if until is not None and until < on:
        raise ActionError(
            f"until: {format_day(until)} is before the action's date {format_day(on)}"
        )
    return kind
