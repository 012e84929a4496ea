"""The licensed SFS spending guidelines on this laptop: import a table, read the set back.

Doorstep ships no figures (they are licensed to SFS members). An officer or IT imports the
council's CSV with ``python -m app guidelines import FILE`` (format:
``app.domain.guidelines``). An import is all or nothing: a bad file is refused with the line and
column at fault and nothing already saved changes. Figures are keyed by (category, household
key, effective_from): importing the same table again changes nothing; a corrected figure for a
date replaces the old one; a new year's table sits beside the older ones, and each assessment
uses the table in force on its date.

Threading: blocking (each call is one local transaction of its own).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.guidelines import GuidelineSet, parse_guideline_csv
from app.models import GuidelineFigure
from app.services._ie_rows import read_guidelines
from app.services.workspace import Workspace
from app.store.audit import record_device_event


@dataclass(frozen=True, slots=True)
class GuidelinesImported:
    """What an import changed: figures added, changed and already held, and the table dates."""

    added: int
    changed: int
    unchanged: int
    tables: tuple[date, ...]


def import_guidelines(workspace: Workspace, *, csv_text: str) -> GuidelinesImported:
    """Store the table(s) in ``csv_text``; raises ``GuidelineError`` (nothing stored) if bad."""
    with workspace.store.transaction() as session:
        return _import(session, csv_text=csv_text, now=workspace.clock.now())


def held_guidelines(workspace: Workspace) -> GuidelineSet:
    """Every imported figure as the domain's set (empty when none: checks then warn)."""
    with workspace.store.transaction() as session:
        return read_guidelines(session)


def _import(session: Session, *, csv_text: str, now: datetime) -> GuidelinesImported:
    parsed = parse_guideline_csv(csv_text)
    held = {
        (row.category, row.household_key, row.effective_from): row
        for row in session.scalars(select(GuidelineFigure))
    }
    added = changed = unchanged = 0
    for row in parsed.rows:
        key = (row.category, row.household_key, row.effective_from)
        existing = held.get(key)
        if existing is None:
            session.add(
                GuidelineFigure(
                    id=uuid.uuid4(),
                    category=row.category,
                    household_key=row.household_key,
                    amount_pence=row.amount_pence,
                    effective_from=row.effective_from,
                    imported_at=now,
                )
            )
            added += 1
        elif existing.amount_pence != row.amount_pence:
            existing.amount_pence = row.amount_pence
            existing.imported_at = now
            changed += 1
        else:
            unchanged += 1
    record_device_event(
        session,
        event="guidelines.imported",
        detail={"added": added, "changed": changed, "unchanged": unchanged},
    )
    return GuidelinesImported(
        added=added,
        changed=changed,
        unchanged=unchanged,
        tables=tuple(table.effective_from for table in parsed.tables),
    )

