"""``calc breach``: is an arrangement kept on a day? (docs/rules.md F3, W4).

Input and output as docs/calc.md; a thin wrapper over
:func:`app.domain.arrangement_watch.check_arrangement`. ``debits`` become RENT lines and
``credits`` PAYMENT lines of the ledger; ``arrears_at_start_pence`` is the arrangement's
starting balance (what the instalments repay); ``instalment_pence`` is the amount off the
arrears on each due date, on top of the rent. Every field is required (the policy's grace and
tolerance are not assumed: give them). Lines before ``arrangement.start`` and after ``as_of`` do
not count.

Threading: pure; safe anywhere.
"""

from __future__ import annotations

from typing import Any, Literal

from app.calc.errors import CalcInputError
from app.calc.fields import Day, DayCount, LineIn, NotNegative, Positive, json_only
from app.calc.inputs import StrictInput, parse_model
from app.domain.arrangement_watch import ArrangementError, ArrangementTerms, check_arrangement
from app.domain.rent_account import PAYMENT, RENT, LedgerLine


class ArrangementIn(StrictInput):
    """The arrangement's terms and the policy's grace and tolerance."""

    start: Day
    frequency: Literal["weekly", "fortnightly", "four-weekly", "monthly"]
    instalment_pence: Positive
    arrears_at_start_pence: NotNegative
    grace_days: DayCount
    tolerance_pence: NotNegative


class BreachIn(StrictInput):
    """The ``breach`` input document."""

    as_of: Day
    arrangement: ArrangementIn
    debits: list[LineIn]
    credits: list[LineIn]


def run(data: object, *, fmt: str) -> dict[str, Any]:
    """Required and paid so far, breached and by how much, the instalments and the last one."""
    json_only("breach", fmt)
    given = parse_model(BreachIn, data)
    deal = given.arrangement
    try:
        terms = ArrangementTerms(
            ref="calc",
            kind="informal",
            start_date=deal.start,
            frequency=deal.frequency,
            instalment_pence=deal.instalment_pence,
            starting_balance_pence=deal.arrears_at_start_pence,
        )
        lines = [LedgerLine(line.date, RENT, line.amount_pence) for line in given.debits]
        lines += [LedgerLine(line.date, PAYMENT, -line.amount_pence) for line in given.credits]
        state = check_arrangement(
            terms,
            lines,
            given.as_of,
            grace_days=deal.grace_days,
            tolerance_pence=deal.tolerance_pence,
        )
    except ArrangementError as exc:  # the model checks the same; kept as a safety net
        raise CalcInputError("arrangement", str(exc)) from None
    return {
        "required_pence": state.required_pence,
        "credits_pence": state.credits_pence,
        "breached": not state.kept,
        "breach_pence": state.breached_by_pence,
        "instalments": state.instalment_count,
        "last_instalment": state.end_date.isoformat() if state.end_date else None,
    }
