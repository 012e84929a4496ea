"""A case as an officer needs it on the doorstep: the visit brief.

:func:`visit_briefs` reads the cases asked for in one transaction (a few statements for all of
them, whatever their number) and returns, per case, a :class:`VisitBrief` of immutable plain
values (defined in :mod:`app.domain.visit_brief`, re-exported here): the warnings to read
first, who lives there with phone and date of birth, the balance and arrears in weeks (as the
worklist works them out), the last contact and what changed on the account since, the live
arrangement and whether it is kept, the latest promise to pay judged by F3a, the open
follow-ups and the last three contacts. Every sentence is made here or in
:mod:`app.domain.visit_brief`, never by a screen or a document. Visit Mode, the Day plan and the
visit sheet (``app.reports.visit_sheet``) all read this.

Visit records count in their version in force only (``app.models.visits``: the one no later
version supersedes). Each case read is audited (``case.viewed``, for ``visit_brief``), as every
read of a case is (docs/design.md#security): ids only.

Threading: blocking (one local transaction); call it off the GUI thread. The values returned
are immutable and may be handed to any thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from app.domain.clock import council_day
from app.domain.visit_brief import (
    ArrangementLine,
    ChangesSince,
    ContactLine,
    FollowUpLine,
    Member,
    PromiseLine,
    VisitBrief,
    VisitWarning,
)
from app.services._visit_briefs import (
    RECENT_CONTACTS,
    CasesNotOnLaptop,
    held_ids,
    ids_for_refs,
    read_briefs,
)
from app.services.recovery_policy import policy_in_force
from app.services.workspace import Workspace


def visit_briefs(
    workspace: Workspace, tenancy_ids: Iterable[uuid.UUID], *, as_of: date | None = None
) -> list[VisitBrief]:
    """The brief of each case, in the order asked (a case asked twice, once), on ``as_of``
    (the council's today by default). Raises :class:`CasesNotOnLaptop` naming the ids not
    held here (and reads nothing)."""
    ids = list(dict.fromkeys(tenancy_ids))
    day = as_of if as_of is not None else council_day(workspace.clock.now())
    policy = policy_in_force(workspace)
    with workspace.store.transaction() as session:
        return read_briefs(session, held_ids(session, ids), policy, day)


def visit_briefs_for_refs(
    workspace: Workspace, refs: Iterable[str], *, as_of: date | None = None
) -> list[VisitBrief]:
    """:func:`visit_briefs` for cases named by their HMS reference (``visits sheet``);
    :class:`CasesNotOnLaptop` names every reference not held here."""
    day = as_of if as_of is not None else council_day(workspace.clock.now())
    policy = policy_in_force(workspace)
    with workspace.store.transaction() as session:
        return read_briefs(session, ids_for_refs(session, refs), policy, day)


__all__ = [
    "RECENT_CONTACTS",
    "ArrangementLine",
    "CasesNotOnLaptop",
    "ChangesSince",
    "ContactLine",
    "FollowUpLine",
    "Member",
    "PromiseLine",
    "VisitBrief",
    "VisitWarning",
    "visit_briefs",
    "visit_briefs_for_refs",
]
