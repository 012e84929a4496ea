"""What a case window says: its header (who lives there, the tenancy, the money, the
arrangements and I&E, and the next action with its stage and reason), the warning banners, the
tabs and the statement's filters, every cell of the statement and the action history, and the
balance chart's legend, axis labels and tooltips.

:func:`case_header` turns a :class:`~app.services.case_file.CaseFile` into a
:class:`CaseHeader` of finished strings (rich text where the field says so, escaped);
:func:`banner` does the same for one warning.

Pure functions; no Qt. Threading: any thread.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from app.domain.display import format_day, format_pence
from app.domain.recovery import NONE, Recommendation
from app.domain.rent_account import AccountSummary
from app.services.case_file import ActionLine, CaseFile, StatementLine
from app.services.caseload import single_line_address

NO_TENANT = "No tenant named"
LOADING = "Opening the case…"
UNREADABLE = "This case could not be read from this laptop."


def _escape(text: str) -> str:
    """Rich-text escaping that leaves quotes as typed (labels show them as they are)."""
    return html.escape(text, quote=False)


@dataclass(frozen=True)
class CaseHeader:
    """The header's texts; ``*_html`` fields are rich text."""

    window_title: str
    name: str
    ref: str
    household: str
    address: str
    tenancy: str
    balance: str
    account: str
    arrangements_html: str
    next_action_html: str
    stage_html: str
    reason_html: str


def case_header(case: CaseFile) -> CaseHeader:
    """Every text of the case window's header."""
    lead = case.lead_name or NO_TENANT
    advice = case.advice
    return CaseHeader(
        window_title=f"{case.ref} — {lead} — Doorstep",
        name=lead,
        ref=case.ref,
        household=household_text(case),
        address=address_text(case),
        tenancy=tenancy_text(case),
        balance=balance_text(advice.summary),
        account=account_text(advice),
        arrangements_html="<br>".join(arrangement_lines(case)),
        next_action_html=next_action_html(advice),
        stage_html=stage_html(advice),
        reason_html=f"<b>Why:</b> {_escape(advice.reason)}",
    )


def tenure_words(tenure: str) -> str:
    """``"assured_shorthold"`` -> ``"Assured shorthold tenancy"``; licences and garages as such."""
    if tenure in ("licence", "garage"):
        return tenure.capitalize()
    return tenure.replace("_", " ").capitalize() + " tenancy"


def household_text(case: CaseFile) -> str:
    """Everyone on the tenancy but the lead tenant."""
    leads = [p for p in case.people if p.is_lead] or list(case.people[:1])
    others = [p.name for p in case.people if not leads or p is not leads[0]]
    if not others:
        return "No one else in the household on record"
    return "Also in the household: " + ", ".join(others)


def address_text(case: CaseFile) -> str:
    address = single_line_address(case.address)
    return f"{address}, {case.postcode}" if case.postcode else address


def tenancy_text(case: CaseFile) -> str:
    """The tenure and its dates, the weekly charge and the patch."""
    text = f"{tenure_words(case.tenure)} since {format_day(case.start_date)}"
    if case.end_date is not None:
        text += f", ended {format_day(case.end_date)}"
    if case.weekly_rent_pence + case.weekly_service_charge_pence:
        charge = f"rent {format_pence(case.weekly_rent_pence)}"
        if case.weekly_service_charge_pence:
            charge += f" + service {format_pence(case.weekly_service_charge_pence)}"
        text += f" · {charge} a week ({case.rent_weeks}-week year)"
    if case.patch:
        text += f" · patch {case.patch}"
    return text


def balance_text(summary: AccountSummary) -> str:
    """``"Arrears £412.50 = 4.10 weeks' rent"``, ``"In credit £12.00"`` or ``"Clear (£0.00)"``."""
    balance = summary.balance_pence
    if balance > 0:
        weeks = f" = {summary.weeks_in_arrears} weeks' rent" if summary.weekly_charge_pence else ""
        return f"Arrears {format_pence(balance)}{weeks}"
    if balance < 0:
        return f"In credit {format_pence(-balance)}"
    return "Clear (£0.00)"


def account_text(advice: Recommendation) -> str:
    """The last payment, the 13-week collection rate, Universal Credit and its timing arrears."""
    summary = advice.summary
    parts = []
    if summary.last_payment_on is not None:
        parts.append(
            f"Last payment {format_pence(summary.last_payment_pence or 0)} on "
            f"{format_day(summary.last_payment_on)}"
        )
    else:
        parts.append("No payment on record")
    if summary.collection_rate_13w_pct is not None:
        parts.append(f"paid {summary.collection_rate_13w_pct}% of the last 13 weeks' charges")
    if summary.uc is not None:
        uc = summary.uc
        paid_to = "to us" if uc.source == "landlord" else "to the tenant"
        late = " (late)" if uc.overdue else ""
        parts.append(
            f"Universal Credit paid {paid_to} on {format_day(uc.last_uc_on)}, next expected "
            f"{format_day(uc.next_uc_expected)}{late}"
        )
    if advice.technical_arrears_pence:
        parts.append(
            f"{format_pence(advice.technical_arrears_pence)} of the balance is UC timing, "
            "not debt"
        )
    return "; ".join(parts)


def arrangement_lines(case: CaseFile) -> list[str]:
    """Each live arrangement kept or broken, and the latest I&E with its sync state (rich
    text, one line each)."""
    lines = []
    for state in case.advice.arrangement_states:
        if not state.live:
            continue
        if state.kept:
            status = "kept"
            if state.next_due_on is not None:
                status += f", next due {format_day(state.next_due_on)}"
        else:
            status = f"<b>broken</b>: {format_pence(state.breached_by_pence)} behind"
            if state.breached_since is not None:
                status += f" since {format_day(state.breached_since)}"
        lines.append(f"Arrangement {_escape(state.ref)}: {status}")
    finished = case.assessment
    if finished is not None:
        where = ""
        if finished.sync_problem:
            where = " (refused by the central store)"
        elif finished.pending:
            where = " (waiting to sync)"
        made = ", from a debt adviser" if finished.source == "sfs-import" else ""
        lines.append(f"Income and expenditure of {format_day(finished.assessed_on)}{made}{where}")
    return lines


def next_action_html(advice: Recommendation) -> str:
    """``"<b>Next action:</b> Serve NOSP — <b>due now</b>"``, on hold or nothing due."""
    if advice.next_action == NONE:
        return "<b>Next action:</b> nothing due"
    when = ""
    if advice.blocked_by:
        when = " — <b>on hold</b>"
        if advice.due_date is not None:
            when += f" to {format_day(advice.due_date)}"
    elif advice.due_date is not None:
        when = (
            " — <b>due now</b>"
            if advice.due_date <= advice.as_of
            else f" — due {format_day(advice.due_date)}"
        )
    return f"<b>Next action:</b> {_escape(advice.next_action_label)}{when}"


def stage_html(advice: Recommendation) -> str:
    stage = advice.stage_label
    if advice.stage_on is not None:
        stage += f" on {format_day(advice.stage_on)}"
    return f"<b>Stage:</b> {_escape(stage)}"


def open_failed(error: Exception) -> str:
    """The message box when a case could not be opened (a fault, not a missing case)."""
    return f"The case could not be opened: {error}"


# -- warning banners ----------------------------------------------------------------------------
#: Each kind of warning's heading (the colour says it too, but never alone).
BANNER_HEADINGS = {
    "safety": "⚠ OFFICER SAFETY",
    "vulnerability": "VULNERABLE",
    "breathing_space": "BREATHING SPACE",
    "other": "Note",
}


@dataclass(frozen=True)
class Banner:
    """One warning as a banner shows it: ``html`` on screen, ``spoken`` for a screen reader
    (and the tests)."""

    kind: str
    html: str
    spoken: str


def banner(kind: str, text: str) -> Banner:
    """``"<b>VULNERABLE</b> — Vulnerability recorded on ..."``; an unknown kind is a Note."""
    kind = kind if kind in BANNER_HEADINGS else "other"
    heading = BANNER_HEADINGS[kind]
    return Banner(kind, f"<b>{heading}</b> — {_escape(text)}", f"{heading}: {text}")


# -- tabs and the statement's filters -----------------------------------------------------------
HISTORY_TAB = "Action history"  # until the case is read
ARRANGEMENTS_TAB = "Arrangements"
STATEMENT_PRESETS = (
    ("last_13_weeks", "Last 13 weeks"),
    ("last_12_months", "Last 12 months"),
    ("all", "All lines"),
    ("custom", "Dates chosen"),
)
ALL_TYPES = "All types"
SHOW, FROM, TO = "Show", "from", "to"


def statement_tab_title(shown: int) -> str:
    """``"Rent statement (138)"``: the lines shown now."""
    return f"Rent statement ({shown})"


def history_tab_title(actions: tuple[ActionLine, ...]) -> str:
    """``"Action history (12) — 2 waiting to sync"``."""
    title = f"{HISTORY_TAB} ({len(actions)})"
    pending = sum(1 for action in actions if action.pending)
    return title + (f" — {pending} waiting to sync" if pending else "")


def statement_count(shown: int, total: int) -> str:
    """``"764 lines"``, or ``"12 of 764 lines"`` while a filter hides some."""
    return f"{total} lines" if shown == total else f"{shown} of {total} lines"


# -- the statement and the history, cell by cell ------------------------------------------------
STATEMENT_HEADERS = ("Date", "Type", "Description", "Debit", "Credit", "Balance")
DEBIT_TIP = "Charges to the account (rent, service charge, costs)"
CREDIT_TIP = "Payments and benefit received, and other credits"
BALANCE_TIP = "The account balance after the line: arrears plain, credit with a minus sign"

HISTORY_HEADERS = ("Date", "Action", "Until", "Note", "Recorded by")
UNTIL_TIP = "The date the action runs to (a notice's date, a hearing, a pause)"
SOURCE_TIP = (
    "HMS: imported from the housing system; Doorstep: recorded by an officer in Doorstep; "
    "this laptop: recorded here and waiting to sync"
)
WAITING_TO_SYNC = "This laptop — waiting to sync"
REFUSED = "This laptop — refused by the central store"
PENDING_TIP = "Recorded on this laptop; it goes to the central store at the next sync"


def statement_row(line: StatementLine) -> tuple[str, str, str, str, str, str]:
    """A statement line's cells: date, type, description, debit, credit, balance after."""
    amount = line.amount_pence
    return (
        format_day(line.posted_on),
        line.type_label,
        line.description,
        format_pence(amount) if amount > 0 else "",
        format_pence(-amount) if amount < 0 else "",
        format_pence(line.balance_pence),
    )


def in_credit_tip(balance_pence: int) -> str:
    """``"In credit by £12.00"`` (for a negative balance)."""
    return f"In credit by {format_pence(-balance_pence)}"


def history_source(action: ActionLine) -> str:
    """Who recorded an action: the HMS, Doorstep, or this laptop (waiting, or refused)."""
    if action.source == "device" and action.sync_problem:
        return REFUSED
    if action.source == "device":
        # Once the central store holds it, it may have come from the officer's other laptop.
        return WAITING_TO_SYNC if action.pending else "Doorstep"
    return "HMS" if action.source == "hms" else action.source


def history_row(action: ActionLine) -> tuple[str, str, str, str, str]:
    """An action's cells: date, action, until (with what the date means), note (on one line,
    after the I&E sent with it), who recorded it."""
    until = ""
    if action.until is not None:
        until = format_day(action.until)
        if action.until_label:
            until = f"{action.until_label}: {until}"
    note = " ".join(action.note.split())
    if action.assessment_on is not None:
        sent = f"Sent with the I&E of {format_day(action.assessment_on)}."
        note = f"{sent} {note}" if note else sent
    return (format_day(action.on), action.label, until, note, history_source(action))


def refused_tip(sync_problem: str) -> str:
    """Why the central store refused an action recorded here, and what to do."""
    return (
        f"The central store refused this action: {sync_problem}. It is kept here "
        "so nothing is lost; record it again if it still applies."
    )


# -- the balance chart -------------------------------------------------------------------------
CHART_NAME = "Balance over time"
CHART_EMPTY = "No rent account lines yet"
ZERO_LEGEND = "£0 (clear)"
BALANCE_LEGEND = "Balance"
WEEKLY_BALANCE_LEGEND = "Balance at the end of each week"
PAYMENT_LEGEND = "Payment by the tenant"
BENEFIT_LEGEND = "Benefit (HB, UC, DHP)"


def pounds_label(pounds: int) -> str:
    """A pounds-axis label in whole pounds: ``"£1,000"``, ``"-£100"``, ``"£0"``."""
    return format_pence(pounds * 100).removesuffix(".00")


def credit_mark_tip(line: StatementLine) -> str:
    """What hovering a payment or benefit mark says: ``"3 Apr 2026: Payment £93.90 (balance
    after £0.00)"``."""
    return (
        f"{format_day(line.posted_on)}: {line.type_label} {format_pence(-line.amount_pence)} "
        f"(balance after {format_pence(line.balance_pence)})"
    )
