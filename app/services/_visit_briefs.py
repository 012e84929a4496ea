"""The visit brief read inside a use case's transaction (package-private): the values of
:mod:`app.services.visit_brief` and the Session-level reading that makes them, shared by the
brief itself and the visit sheet (``app.services.visit_sheet``), each in its own transaction.

Threading: on the thread that owns the Session; the values returned are immutable and may be
handed to any thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.arrangement_watch import ArrangementState, ArrangementTerms
from app.domain.case_actions import ACTION_KINDS, with_support_need
from app.domain.recovery import STAGE_CODES, Recommendation, RecoveryPolicy, recommend
from app.domain.visit_brief import (
    ArrangementLine,
    ContactLine,
    FollowUpLine,
    Member,
    PromiseLine,
    StepLine,
    VisitBrief,
    VisitWarning,
    WarningRecord,
    age_on,
    arrangement_state_text,
    arrangement_text,
    breathing_space_warning,
    changes_since,
    follow_up_text,
    promise_text,
    tenure_label,
    warnings_in_force,
)
from app.domain.visits import (
    CONTACT_HOW,
    CONTACT_OUTCOMES,
    follow_up_state,
    judge_promise,
    payments_from_ledger,
)
from app.models import (
    CaseAction,
    Contact,
    FollowUp,
    Officer,
    PaymentPromise,
    Person,
    SyncState,
    Tenancy,
)
from app.models.visits import VisitRecordMixin
from app.services._caseload_rows import LoadedCase, display_name, load_cases
from app.store.audit import record_device_event
from app.store.database import plain_connection_of

RECENT_CONTACTS = 3
"""How many contacts a brief lists (the newest first)."""
_WARNING_CODES = (
    "safety_warning",
    "safety_warning_ended",
    "vulnerability",
    "vulnerability_ended",
    "breathing_space_start",
    "breathing_space_mh_start",
)
STEP_CODES = tuple(sorted(STAGE_CODES - {"contact"}))
"""The recovery steps a contact may say it served (the visit before a notice)."""
STEP_DAYS = 90
"""How far back a brief looks for them: a contact serves a step of the last three months."""
RECENT_STEPS = 5

Record = TypeVar("Record", bound=VisitRecordMixin)


class CasesNotOnLaptop(LookupError):
    """Some cases asked for are not held on this laptop (they left the caseload); ``missing``
    names them (HMS references, or ids when asked by id). Nothing was read."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        listed = ", ".join(self.missing)
        cases = "This case is" if len(self.missing) == 1 else "These cases are"
        super().__init__(f"{cases} not in your caseload on this laptop: {listed}")


# -- reading -----------------------------------------------------------------------------------


def held_ids(session: Session, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """``ids`` when every case is held here, else :class:`CasesNotOnLaptop` naming the others."""
    held = set(session.scalars(select(Tenancy.id).where(Tenancy.id.in_(ids))))
    missing = [str(i) for i in ids if i not in held]
    if missing:
        raise CasesNotOnLaptop(missing)
    return ids


def ids_for_refs(session: Session, refs: Iterable[str]) -> list[uuid.UUID]:
    """The cases with these HMS references, in the order given (each once; blanks ignored),
    or :class:`CasesNotOnLaptop` naming every reference not held here."""
    wanted = list(dict.fromkeys(ref.strip() for ref in refs if ref.strip()))
    found = session.execute(select(Tenancy.ref, Tenancy.id).where(Tenancy.ref.in_(wanted)))
    by_ref = {ref: tenancy_id for ref, tenancy_id in found.tuples()}
    missing = [ref for ref in wanted if ref not in by_ref]
    if missing:
        raise CasesNotOnLaptop(missing)
    return [by_ref[ref] for ref in wanted]


def read_briefs(
    session: Session, ids: list[uuid.UUID], policy: RecoveryPolicy, as_of: date
) -> list[VisitBrief]:
    if not ids:
        return []
    loaded = load_cases(plain_connection_of(session), today=as_of, tenancy_ids=ids)
    tenancies = {t.id: t for t in session.scalars(select(Tenancy).where(Tenancy.id.in_(ids)))}
    people = _by_case(
        session.scalars(
            select(Person)
            .where(Person.tenancy_id.in_(ids))
            .order_by(Person.is_lead.desc(), Person.last_name, Person.first_name)
        )
    )
    names = _officer_names(session)
    warning_actions = _by_case(
        session.scalars(
            select(CaseAction).where(
                CaseAction.tenancy_id.in_(ids), CaseAction.code.in_(_WARNING_CODES)
            )
        )
    )
    steps = _by_case(
        session.scalars(
            select(CaseAction)
            .where(
                CaseAction.tenancy_id.in_(ids),
                CaseAction.code.in_(STEP_CODES),
                CaseAction.on_date <= as_of,
                CaseAction.on_date >= as_of - timedelta(days=STEP_DAYS),
                CaseAction.sync_problem.is_(None),
            )
            .order_by(CaseAction.on_date.desc(), CaseAction.ref)
        )
    )
    contacts = _by_case(
        sorted(
            (c for c in _in_force(session, Contact, ids) if c.on_date <= as_of),
            key=lambda c: (c.on_date, c.recorded_at, str(c.id)),
            reverse=True,
        )
    )
    promises = _by_case(
        sorted(
            (
                p
                for p in _in_force(session, PaymentPromise, ids)
                if not p.withdrawn and p.made_on <= as_of
            ),
            key=lambda p: (p.made_on, p.recorded_at, str(p.id)),
            reverse=True,
        )
    )
    follow_ups = _by_case(
        sorted(
            (f for f in _in_force(session, FollowUp, ids) if f.status == "open"),
            key=lambda f: (f.due_on, f.recorded_at, str(f.id)),
        )
    )
    person_names = {
        person.id: display_name(person.title, person.first_name, person.last_name)
        for household in people.values()
        for person in household
    }
    grace = policy.promise_grace_days
    briefs = []
    for tenancy_id in ids:
        case = loaded[tenancy_id]
        advice = recommend(case.facts, policy, as_of)
        case_contacts = tuple(
            _contact_line(c, person_names, names) for c in contacts.get(tenancy_id, ())
        )
        latest_promise = next(iter(promises.get(tenancy_id, ())), None)
        briefs.append(
            VisitBrief(
                tenancy_id=tenancy_id,
                ref=case.row.ref,
                address=case.row.address,
                postcode=case.row.postcode,
                tenure=tenancies[tenancy_id].tenure,
                tenure_label=tenure_label(tenancies[tenancy_id].tenure),
                as_of=as_of,
                warnings=_warnings(warning_actions.get(tenancy_id, ()), advice, names, as_of),
                household=tuple(_member(p, as_of) for p in people.get(tenancy_id, ())),
                balance_pence=advice.summary.balance_pence,
                weekly_charge_pence=advice.summary.weekly_charge_pence,
                weeks_in_arrears=(
                    advice.summary.weeks_in_arrears
                    if advice.summary.weekly_charge_pence > 0
                    else None
                ),
                last_contact=case_contacts[0] if case_contacts else None,
                since_last_contact=changes_since(
                    case.facts.lines,
                    last_contact=case_contacts[0].on if case_contacts else None,
                    as_of=as_of,
                ),
                arrangements=_arrangements(case, advice),
                promise=None
                if latest_promise is None
                else _promise_line(latest_promise, case, as_of, grace),
                follow_ups=tuple(_follow_up_line(f, as_of) for f in follow_ups.get(tenancy_id, ())),
                recent_contacts=case_contacts[:RECENT_CONTACTS],
                recent_steps=tuple(
                    StepLine(a.id, a.on_date, ACTION_KINDS[a.code].label)
                    for a in steps.get(tenancy_id, ())[:RECENT_STEPS]
                ),
            )
        )
        record_device_event(
            session,
            event="case.viewed",
            entity_type="tenancy",
            entity_id=tenancy_id,
            detail={"for": "visit_brief"},
        )
    return briefs


_Row = TypeVar("_Row", Person, CaseAction, Contact, PaymentPromise, FollowUp)


def _by_case(rows: Iterable[_Row]) -> dict[uuid.UUID, list[_Row]]:
    grouped: dict[uuid.UUID, list[_Row]] = {}
    for row in rows:
        grouped.setdefault(row.tenancy_id, []).append(row)
    return grouped


def _in_force(session: Session, kind: type[Record], ids: list[uuid.UUID]) -> list[Record]:
    """The versions of ``kind`` on the cases that no other version supersedes, as the worklist
    reads them: a version the central store refused (``sync_problem``) neither counts nor
    supersedes (it shows, with why, in the case's Contacts tab)."""
    superseded = (
        select(kind.supersedes_id)
        .where(kind.supersedes_id.is_not(None), kind.sync_problem.is_(None))
        .scalar_subquery()
    )
    return list(
        session.scalars(
            select(kind).where(
                kind.tenancy_id.in_(ids), kind.sync_problem.is_(None), kind.id.not_in(superseded)
            )
        )
    )


def _officer_names(session: Session) -> dict[uuid.UUID, str]:
    """The officers this laptop knows by id (the one signed in), with their display names."""
    names = {
        officer.id: officer.display_name or officer.username
        for officer in session.scalars(select(Officer))
    }
    state = session.get(SyncState, 1)
    if state is not None and state.officer_id is not None and state.officer_id not in names:
        names[state.officer_id] = "you"
    return names


def _action_by(action: CaseAction, names: dict[uuid.UUID, str]) -> str:
    """Who recorded an action: the officer's name when this laptop knows it, the HMS for an
    imported one, "another officer" otherwise."""
    if action.officer_id is not None and action.officer_id in names:
        return names[action.officer_id]
    if action.source == "hms":
        return "the HMS"
    return "another officer"


def _warnings(
    actions: Sequence[CaseAction],
    advice: Recommendation,
    names: dict[uuid.UUID, str],
    as_of: date,
) -> tuple[VisitWarning, ...]:
    found = warnings_in_force(
        (
            WarningRecord(
                a.code,
                a.on_date,
                with_support_need(a.note or "", a.support_need, a.learned_from),
                _action_by(a, names),
            )
            for a in actions
            if a.code not in ("breathing_space_start", "breathing_space_mh_start")
        ),
        as_of,
    )
    bs = advice.breathing_space_state
    if advice.breathing_space and bs is not None:
        start = next(
            (
                a
                for a in sorted(actions, key=lambda a: a.on_date, reverse=True)
                if a.on_date == bs.start and a.code.startswith("breathing_space")
            ),
            None,
        )
        found.append(
            breathing_space_warning(
                mental_health=bs.kind == "mental_health",
                start=bs.start,
                last_day=bs.last_day,
                recorded_by="" if start is None else _action_by(start, names),
            )
        )
    return tuple(found)


def _member(person: Person, as_of: date) -> Member:
    born = person.date_of_birth
    return Member(
        name=display_name(person.title, person.first_name, person.last_name),
        is_lead=person.is_lead,
        date_of_birth=born,
        age=None if born is None or born > as_of else age_on(born, as_of),
        phone=(person.phone or "").strip(),
        email=(person.email or "").strip(),
        id=person.id,
    )


def _contact_line(
    contact: Contact, person_names: dict[uuid.UUID, str], officers: dict[uuid.UUID, str]
) -> ContactLine:
    spoke_to = contact.spoke_to_name
    if contact.spoke_to_person_id is not None:
        spoke_to = person_names.get(contact.spoke_to_person_id, "a household member")
    recorded_by = contact.recorded_by
    if not recorded_by and contact.officer_id is not None:
        recorded_by = officers.get(contact.officer_id, "")
    return ContactLine(
        id=contact.id,
        on=contact.on_date,
        how=contact.how,
        how_label=CONTACT_HOW.get(contact.how, contact.how),
        outcome=contact.outcome,
        outcome_label=CONTACT_OUTCOMES.get(contact.outcome, contact.outcome),
        spoke_to=spoke_to,
        note=contact.note,
        recorded_by=recorded_by,
    )


def _arrangements(case: LoadedCase, advice: Recommendation) -> tuple[ArrangementLine, ...]:
    """The live arrangements as the recovery rules checked them, a broken one first."""
    terms_by_ref: dict[str, ArrangementTerms] = {t.ref: t for t in case.facts.arrangements}
    states: list[ArrangementState] = sorted(
        advice.arrangement_states, key=lambda s: (s.kept, s.ref)
    )
    lines = []
    for state in states:
        terms = terms_by_ref.get(state.ref)
        if terms is None or not state.live:
            continue
        lines.append(
            ArrangementLine(
                ref=state.ref,
                text=arrangement_text(terms, case.row.weekly_charge_pence),
                kept=state.kept,
                state_text=arrangement_state_text(state),
                instalment_pence=terms.instalment_pence,
                breached_by_pence=state.breached_by_pence,
            )
        )
    return tuple(lines)


def _promise_line(
    promise: PaymentPromise, case: LoadedCase, as_of: date, grace: int
) -> PromiseLine:
    judgement = judge_promise(
        made_on=promise.made_on,
        due_on=promise.due_on,
        amount_pence=promise.amount_pence,
        payments=payments_from_ledger(
            (line.posted_on, line.type, line.amount_pence)
            for line in case.facts.lines
            if line.posted_on <= as_of
        ),
        today=as_of,
        grace_days=grace,
    )
    return PromiseLine(
        id=promise.id,
        made_on=promise.made_on,
        due_on=promise.due_on,
        amount_pence=promise.amount_pence,
        state=judgement.state,
        paid_pence=judgement.paid_pence,
        last_day=judgement.last_day,
        text=promise_text(
            amount_pence=promise.amount_pence,
            made_on=promise.made_on,
            due_on=promise.due_on,
            judgement=judgement,
        ),
    )


def _follow_up_line(follow_up: FollowUp, as_of: date) -> FollowUpLine:
    state = follow_up_state(due_on=follow_up.due_on, today=as_of)
    return FollowUpLine(
        id=follow_up.id,
        due_on=follow_up.due_on,
        task=follow_up.task,
        state=state,
        text=follow_up_text(due_on=follow_up.due_on, task=follow_up.task, state=state),
    )
