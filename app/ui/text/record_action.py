"""What the record-action form says: the recommendation, the actions it offers (the recommended
one marked), the name of an action's extra date, the referral's hand-over of the finished I&E,
and what it says when a save or the SFS file fails.

Pure functions; no Qt. Threading: any thread.
"""

from __future__ import annotations

from pathlib import Path

from app.domain.case_actions import ACTION_KINDS, ActionKind
from app.domain.display import format_day
from app.domain.recovery import NONE, Recommendation
from app.services.case_file import FinishedAssessment

#: The action pre-selected when the recommended one is on hold or is no action.
FALLBACK_CODE = "contact"
NOTE_PLACEHOLDER = "What was done or agreed (optional)"
CHOOSE = "Choose…"
NO_HANDOVER = (
    "No finished income and expenditure on this case: the adviser will go through one with "
    "the tenant. Finish one first to send it."
)
HANDOVER_LOADS = "The adviser's service loads the SFS file, so the tenant does not start again."
EMPLOYMENT_NOT_RECORDED = "Employment not recorded"


def recommendation(advice: Recommendation) -> str:
    """The line above the form: what the rules recommend and when, or that nothing is due."""
    if advice.next_action == NONE:
        return "Nothing is due on this case; choose what was done."
    label = advice.next_action_label
    if advice.blocked_by:
        return f"Recommended: {label} — on hold ({advice.blocked_by})."
    if advice.due_date is not None and advice.due_date <= advice.as_of:
        return f"Recommended: {label} — due now."
    if advice.due_date is not None:
        return f"Recommended: {label} — due {format_day(advice.due_date)}."
    return f"Recommended: {label}."


def recommended_code(advice: Recommendation) -> str | None:
    """The action to mark as recommended: the next action, unless it is on hold or is not
    an action one records."""
    if advice.next_action in ACTION_KINDS and advice.blocked_by is None:
        return advice.next_action
    return None


def preselected_code(advice: Recommendation) -> str:
    """The action the form opens on: the recommended one, else a contact."""
    return recommended_code(advice) or FALLBACK_CODE


def action_choices(advice: Recommendation) -> tuple[tuple[str, str], ...]:
    """Every action as ``(code, label)``, the recommended one's label saying so."""
    recommended = recommended_code(advice)
    return tuple(
        (code, f"{kind.label}  (recommended)" if code == recommended else kind.label)
        for code, kind in ACTION_KINDS.items()
    )


def until_name(kind: ActionKind) -> str:
    """What the action's extra date is ("Proceedings may start from"), or "Until"."""
    return kind.until_label or "Until"


def until_row_label(kind: ActionKind) -> str:
    """The extra date's row label; "(if known)" when the action may go without it."""
    name = until_name(kind)
    return name if kind.needs_until else f"{name} (if known)"


def until_row_labels() -> tuple[str, ...]:
    """Every extra date's row label (the form keeps its label column wide enough for each, so
    choosing an action never moves the fields)."""
    return tuple(
        until_row_label(kind)
        for kind in ACTION_KINDS.values()
        if kind.until_label or kind.needs_until
    )


def handover_check(finished: FinishedAssessment) -> str:
    """The tick box that sends the finished I&E with the referral."""
    return f"Send the income and expenditure of {format_day(finished.assessed_on)} with it"


def handover_note(finished: FinishedAssessment | None) -> str:
    """Under the tick box: why there is nothing to send, why it cannot be sent, or what the
    adviser does with it."""
    if finished is None:
        return NO_HANDOVER
    if finished.sync_problem is not None:
        return (
            f"The central store refused that assessment ({finished.sync_problem}); "
            "finish a new one to send it."
        )
    return HANDOVER_LOADS


def sfs_file_name(ref: str, finished: FinishedAssessment) -> str:
    """The name the save box suggests: ISO date, so the adviser's files sort by date."""
    return f"SFS {ref} {finished.assessed_on.isoformat()}.json"


def sfs_saved(path: Path) -> str:
    return f"SFS file saved to {path}"


def sfs_not_saved(error: Exception) -> str:
    return f"The SFS file was not saved: {error}"


def not_saved(error: Exception) -> str:
    """A save that failed for a reason other than a refusal."""
    return f"The action could not be saved on this laptop: {error}"
