"""What the worklist window says: its title, status line, empty-list messages, sync and load
problems, the table's headers, cells and tooltips, the filter panel's counts, and the selected
case's next action and reason.

Pure functions and constants over the services' values; no Qt. Threading: any thread.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from datetime import datetime

from app.domain.clock import council_time
from app.domain.display import format_day, format_pence
from app.domain.recovery import NONE, Recommendation
from app.domain.visits import FollowUpTask
from app.services.caseload import CaseRow
from app.services.device import OfficerInfo
from app.services.worklist import WorkItem
from app.sync.errors import Offline, SyncCancelled, SyncError

EMPTY_CASELOAD = "No cases in your caseload yet — press Sync now"
DOWNLOADING_CASELOAD = "No cases on this laptop yet — downloading your caseload…"
LOADING = "Loading your caseload…"
SYNCING = "Syncing…"
FIRST_DOWNLOAD = "Downloading your caseload…"
FILTER_PLACEHOLDER = "Filter by name, address, postcode or ref  (↓ to the list, Enter opens)"
DEMO_TITLE_SUFFIX = " — DEMO (database key in a file, not the keyring)"
NO_SELECTION = "Select a case to see its next action and why; Enter or a double-click opens it."


def window_title(officer: OfficerInfo | None, *, demo_key_file: bool) -> str:
    """``"Doorstep — Sam Patel"``; the demo on a machine with no keyring says so."""
    who = (officer.display_name or officer.username) if officer is not None else ""
    title = f"Doorstep — {who}" if who else "Doorstep"
    return title + DEMO_TITLE_SUFFIX if demo_key_file else title


def format_synced(moment: datetime | None, *, now: datetime) -> str:
    """``"last synced today at 14:32"`` (the council's time), or ``"not synced yet"``."""
    if moment is None:
        return "not synced yet"
    local = council_time(moment)
    if local.date() == council_time(now).date():
        return f"last synced today at {local:%H:%M}"
    return f"last synced {format_day(local.date())} at {local:%H:%M}"


@dataclass(frozen=True)
class StatusFacts:
    """What the status line reports."""

    total: int
    shown: int
    sync_problem: str | None
    last_synced: datetime | None
    waiting: int = 0


def status_line(facts: StatusFacts, *, now: datetime) -> str:
    """``"12 of 240 cases · 3 changes waiting to be sent · last synced today at 14:32"``; a
    sync problem comes before the time of the last sync."""
    noun = "case" if facts.total == 1 else "cases"
    count = (
        f"{facts.total} {noun}"
        if facts.shown == facts.total
        else f"{facts.shown} of {facts.total} {noun}"
    )
    parts = [count]
    if facts.waiting:
        changes = "1 change" if facts.waiting == 1 else f"{facts.waiting} changes"
        parts.append(f"{changes} waiting to be sent")
    if facts.sync_problem:
        parts.append(facts.sync_problem)
        if facts.last_synced is not None:
            parts.append(format_synced(facts.last_synced, now=now))
    else:
        parts.append(format_synced(facts.last_synced, now=now))
    return " · ".join(parts)


def no_match(text: str, *, panel_filters: bool) -> str:
    """The empty-list message when filters hide every case."""
    text = text.strip()
    if text and not panel_filters:
        return f"No case matches “{text}”"
    if text:
        return f"No case matches “{text}” with these filters"
    return "No case matches these filters"


@dataclass(frozen=True)
class ListState:
    """What decides the message over an empty list."""

    loaded: bool
    load_problem: str | None
    total: int
    syncing: bool
    filter_text: str = ""
    panel_filters: bool = False


def empty_list_text(state: ListState) -> str:
    """What the list says when it shows no row: loading, the load problem, an empty caseload
    (downloading while a sync runs; "press Sync now" only when that can be done), or no match.
    """
    if not state.loaded:
        return LOADING
    if state.load_problem:
        return state.load_problem
    if state.total == 0:
        return DOWNLOADING_CASELOAD if state.syncing else EMPTY_CASELOAD
    return no_match(state.filter_text, panel_filters=state.panel_filters)


def load_problem(error: Exception) -> str:
    """The caseload could not be read (shown in the list, the status line and a message)."""
    return f"The caseload could not be read from this laptop: {error}"


def sync_refused(rejected: int) -> str | None:
    """After a sync: the recorded actions the central store refused, or None."""
    if not rejected:
        return None
    return (
        f"The central store refused {rejected} recorded action(s); each case's history says why"
    )


ERASED_TITLE = "This laptop was withdrawn"
SYNC_CANCEL = "Stop"
SYNC_CANCEL_TIP = "Stop the sync: what was already sent or received is kept"
SYNC_STOPPING = "Stopping the sync…"
SYNC_STOPPED = (
    "Sync stopped: what was sent or received before is kept; the rest goes at the next sync"
)


def sync_failure(error: Exception) -> str:
    """Why a sync failed, for the status line (offline above all: never a modal box)."""
    if isinstance(error, SyncCancelled):
        return SYNC_STOPPED
    if isinstance(error, Offline):
        return f"Offline: {error}"
    if isinstance(error, SyncError):
        return f"Sync failed: {error}"
    return f"Sync failed unexpectedly ({type(error).__name__})"


# -- the table --------------------------------------------------------------------------------

#: The worklist's columns in order: the header and its tooltip (None: the header says it all).
COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("#", "Priority: actions due now first (most overdue arrears first)"),
    (
        "Warnings",
        "Safety = officer-safety warning, Vuln = vulnerable, BS = Breathing Space in force",
    ),
    ("Ref", None),
    ("Lead tenant", None),
    ("Address", None),
    ("Balance", "Rent account balance today: arrears plain, credit with a minus"),
    ("Weeks", "Arrears in weeks of the weekly rent and service charge"),
    ("Next action", "The next recovery step; bold when it is due now"),
    (
        "Due",
        "When the next action falls due; overdue in bold red, Today in bold; "
        "On hold: something stops it",
    ),
    ("Stage", "The last recovery step taken in the current arrears"),
    ("Reason", "Why this is the next action (in full under the list for the selected case)"),
)

WARNING_NAMES = ("Officer-safety warning", "Vulnerable", "Breathing Space")
"""The warnings column's words, in the order of its markers: safety, vulnerable, Breathing Space."""
WARNING_PILLS = ("Safety", "Vuln", "BS")
"""The short words on the warnings column's markers (text, not colour alone)."""
FORMER_TENANCY = "Former tenancy (ended)"


def address_text(case: CaseRow) -> str:
    """The address on one line with its postcode."""
    return f"{case.address}, {case.postcode}" if case.postcode else case.address


def weeks_text(advice: Recommendation) -> str:
    """Weeks in arrears to 2 places; blank when the tenancy has no weekly charge."""
    summary = advice.summary
    return "" if summary.weekly_charge_pence <= 0 else str(summary.weeks_in_arrears)


def shown_follow_up(advice: Recommendation) -> FollowUpTask | None:
    """The follow-up a row shows in its Next action and Due columns: the first open one when it
    is due today or overdue and no action is due now (an action due now comes first; the
    reason names both). docs/rules.md F3b."""
    if advice.due_now or advice.follow_up_state not in ("due", "overdue"):
        return None
    return advice.next_follow_up


def one_line(text: str) -> str:
    """``text`` with its line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def follow_up_text(task: FollowUpTask) -> str:
    return f"Follow-up: {one_line(task.task)}"


def next_action_text(advice: Recommendation) -> str:
    shown = shown_follow_up(advice)
    if shown is not None:
        return follow_up_text(shown)
    return "—" if advice.next_action == NONE else advice.next_action_label


#: Shorter words for the stages too long for the list's Stage column and the stage filter; the
#: stage's own words are in the column's tooltip.
SHORT_STAGES = {
    "Notice of seeking possession served": "NOSP served",
    "Court warning letter sent": "Court warning sent",
    "Applied to court for a possession hearing": "Hearing applied for",
    "Applied for a warrant of possession": "Warrant applied for",
}


WIDEST_STAGE = "Arrears letter 2 sent"
"""The longest stage the list's Stage column is sized for (the others are shorter)."""


def short_stage(label: str) -> str:
    """A stage as the list and the stage filter name it."""
    return SHORT_STAGES.get(label, label)


def stage_text(advice: Recommendation) -> str:
    return "—" if advice.stage == NONE else short_stage(advice.stage_label)


def is_overdue(advice: Recommendation) -> bool:
    """The next action fell due before today and nothing holds it, or the follow-up the row
    shows is overdue."""
    if shown_follow_up(advice) is not None:
        return advice.follow_up_state == "overdue"
    return advice.due_now and advice.due_date is not None and advice.due_date < advice.as_of


def due_text(item: WorkItem) -> str:
    """The due column: a date, "Today", "On hold to <date>" / "On hold", or blank; for a
    follow-up shown in place of the next action, its day."""
    advice = item.advice
    shown = shown_follow_up(advice)
    if shown is not None:
        return "Today" if shown.due_on == advice.as_of else format_day(shown.due_on)
    return _action_due_text(advice)


def _action_due_text(advice: Recommendation) -> str:
    if advice.next_action == NONE:
        return ""
    if advice.blocked_by is not None:
        return f"On hold to {format_day(advice.due_date)}" if advice.due_date else "On hold"
    if advice.due_date is None:
        return ""
    if advice.due_date == advice.as_of:
        return "Today"
    return format_day(advice.due_date)


def row_texts(item: WorkItem, *, rank: int, warnings: tuple[str, ...]) -> tuple[str, ...]:
    """What each column shows for one case, in the order of ``COLUMNS``."""
    case = item.case
    advice = item.advice
    return (
        str(rank),
        ", ".join(warnings),
        case.ref,
        case.lead_tenant,
        address_text(case),
        format_pence(advice.summary.balance_pence),
        weeks_text(advice),
        next_action_text(advice),
        due_text(item),
        stage_text(advice),
        advice.reason,
    )


def reason_tip(advice: Recommendation) -> str:
    """The reason in full, what holds the action, and every warning, one to a line."""
    lines = [advice.reason]
    if advice.blocked_by:
        lines.append(hold_tip(advice.blocked_by))
    lines.extend(advice.warnings)
    return "\n".join(lines)


def hold_tip(blocked_by: str) -> str:
    return f"On hold: {blocked_by}"


def lead_tip(case: CaseRow) -> str:
    """The lead tenant's name in full and the rest of the household."""
    if not case.household_names:
        return case.lead_tenant
    return f"{case.lead_tenant}\nHousehold: {', '.join(case.household_names)}"


def next_action_tip(advice: Recommendation) -> str | None:
    """The next action in full, and what holds it; a follow-up shown in its place in full,
    then the next action."""
    shown = shown_follow_up(advice)
    if shown is not None:
        lines = [f"Follow-up: {shown.task}"]
        if advice.next_action != NONE:
            lines.append(f"Next action: {next_action_tip(_without_follow_up(advice))}")
        return "\n".join(lines)
    if advice.next_action == NONE:
        return hold_tip(advice.blocked_by) if advice.blocked_by else None
    if advice.blocked_by:
        return f"{advice.next_action_label}\n{hold_tip(advice.blocked_by)}"
    return advice.next_action_label


def _without_follow_up(advice: Recommendation) -> Recommendation:
    return replace(advice, next_follow_up=None)


def stage_tip(advice: Recommendation) -> str:
    if advice.stage_on is not None:
        return f"{advice.stage_label} on {format_day(advice.stage_on)}"
    return advice.stage_label


def credit_tip(advice: Recommendation) -> str | None:
    balance = advice.summary.balance_pence
    return f"In credit by {format_pence(-balance)}" if balance < 0 else None


def due_tip(advice: Recommendation) -> str | None:
    """Why the due date looks as it does: a follow-up due or overdue, on hold, or overdue by how
    many days."""
    if shown_follow_up(advice) is not None:
        return follow_up_when(advice)
    if advice.blocked_by:
        return hold_tip(advice.blocked_by)
    if is_overdue(advice):
        assert advice.due_date is not None
        days = (advice.as_of - advice.due_date).days
        return f"Overdue: due since {format_day(advice.due_date)} ({days} day{_s(days)} ago)"
    return None


def follow_up_when(advice: Recommendation) -> str | None:
    """When the first open follow-up is due: "Follow-up due today", "Follow-up overdue since
    9 Mar 2026 (2 days ago)", or None when it is not due yet (docs/rules.md F3b)."""
    task, state = advice.next_follow_up, advice.follow_up_state
    if task is None or state == "later":
        return None
    if state == "due":
        return "Follow-up due today"
    days = (advice.as_of - task.due_on).days
    return f"Follow-up overdue since {format_day(task.due_on)} ({days} day{_s(days)} ago)"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


# -- the filter panel -------------------------------------------------------------------------

#: The yes/no filters' names and tooltips: action due, follow-up due, broken promise, live
#: arrangement, vulnerable, Breathing Space (in that order).
FLAG_WORDS: tuple[tuple[str, str], ...] = (
    ("Action due today", "A recommended action is due today or overdue and nothing holds it"),
    (
        "Follow-up due",
        "A follow-up set on the case is due today or overdue, or a hold has ended or a date "
        "has passed: check the case",
    ),
    (
        "Broken promise",
        "The latest promise to pay was not paid in full by its date and the days' grace",
    ),
    ("Live arrangement", "A payment arrangement is live"),
    ("Vulnerable", "A vulnerability is recorded"),
    ("Breathing Space", "Breathing Space (debt respite) is in force"),
)
ALL_STAGES = "All stages"
ALL_BANDS = "All arrears"
SHOW_ONLY = "Show only:"
STAGE_LABEL = "&Stage:"
STAGE_TIP = "The last recovery step taken in the current arrears"
BAND_LABEL = "&Arrears:"
BAND_TIP = "Arrears in weeks of the weekly rent and service charge"
CLEAR_FILTERS = "Clear filters"
CLEAR_FILTERS_TIP = "Show every case again (the text typed is cleared too)"
WIDEST_COUNT = 9999
"""The largest count a filter is sized for, so a box does not move as its count changes."""


def counted(label: str, count: int) -> str:
    """A filter with the number of cases it would show: ``"Action due today (37)"``."""
    return f"{label} ({count})"


# -- the window's actions -------------------------------------------------------------------

SYNC_NOW = "&Sync now"
SYNC_NOW_TIP = "Send your changes and download the latest caseload (F5)"
OPEN_CASE = "&Open case"
OPEN_CASE_TIP = "Open the selected case in its own window (Enter)"
QUIT = "&Quit"
FILE_MENU = "&File"


# -- the selected case ------------------------------------------------------------------------


def details_html(item: WorkItem | None) -> str:
    """The selected case under the table: who, the next action and when, why, warnings
    (rich text; the reason column is often too narrow to read)."""
    if item is None:
        return NO_SELECTION
    case = item.case
    advice = item.advice
    lines = [
        f"<b>{html.escape(case.ref)} · {html.escape(case.lead_tenant)}</b> — next action: "
        + _next_action_html(item),
        f"Why: {html.escape(advice.reason)}",
    ]
    when = follow_up_when(advice)
    if when is not None and advice.next_follow_up is not None:
        task = html.escape(one_line(advice.next_follow_up.task))
        lines.append(f"<b>{html.escape(when)}:</b> {task}")
    if advice.warnings:
        lines.append("⚠ " + html.escape(" · ".join(advice.warnings)))
    return "<br>".join(lines)


def _next_action_html(item: WorkItem) -> str:
    advice = item.advice
    if advice.next_action == NONE:
        return "nothing due"
    nxt = f"<b>{html.escape(advice.next_action_label)}</b>"
    when = _action_due_text(advice)
    if advice.due_now:
        return nxt + (" — due now" if advice.due_date == advice.as_of else f" — due since {when}")
    if when:
        when = when[:1].lower() + when[1:] if advice.blocked_by else f"due {when}"
        nxt += f" — {html.escape(when)}"
    return nxt
