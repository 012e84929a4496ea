"""``calc technical``: technical ("book") arrears under Universal Credit (docs/rules.md E5, W8).

Input and output as docs/calc.md; a thin wrapper over the UC timing of
:func:`app.domain.rent_account.summarise_account`, so it gives what the case view shows:

- ``last_uc_payment`` is the day the tenant was last paid UC; UC recurs on that day each month,
  so when a later pay day has passed by ``as_of`` it is the last payment (as with the case's
  recorded UC pay day);
- the technical allowance is the rent in ``debits`` after that pay day up to ``as_of``;
- ``technical_pence`` is the part of the arrears the allowance explains (at most the arrears),
  ``actual_arrears_pence`` the rest (never below 0), and ``technical_pence`` +
  ``actual_arrears_pence`` = the arrears;
- ``weeks_in_arrears`` is the actual arrears in weeks of the rent as a weekly figure (E3; a
  monthly rent is converted x 12 / 52, W3), 2 dp as a string;
- ``escalate`` is true only when there are actual arrears (technical-only cases are not
  escalated).

``balance_pence`` is the account balance on ``as_of`` (positive = arrears). Every field is
required.

Threading: pure; safe anywhere.
"""

from __future__ import annotations

from typing import Any

from app.calc.errors import CalcInputError
from app.calc.fields import Day, Frequency, LineIn, Positive, Signed, json_only
from app.calc.inputs import StrictInput, parse_model
from app.domain.rent_account import ADJUSTMENT, RENT, LedgerLine, RentTerms, summarise_account
from app.domain.universal_credit import weekly_rent_pence


class TechnicalIn(StrictInput):
    """The ``technical`` input document."""

    as_of: Day
    last_uc_payment: Day
    balance_pence: Signed
    rent_pence: Positive
    rent_frequency: Frequency
    debits: list[LineIn]


def run(data: object, *, fmt: str) -> dict[str, Any]:
    """The technical and actual arrears, weeks in arrears and whether to escalate."""
    json_only("technical", fmt)
    given = parse_model(TechnicalIn, data)
    if given.last_uc_payment > given.as_of:
        raise CalcInputError(
            "last_uc_payment",
            f"{given.last_uc_payment.isoformat()} is after as_of ({given.as_of.isoformat()})",
        )
    lines = [LedgerLine(line.date, RENT, line.amount_pence) for line in given.debits]
    counted = sum(line.amount_pence for line in lines if line.posted_on <= given.as_of)
    # The balance is given: one adjustment, before every debit, makes the ledger agree with it.
    first_day = min([given.as_of, *(line.posted_on for line in lines)])
    lines.insert(0, LedgerLine(first_day, ADJUSTMENT, given.balance_pence - counted))
    terms = RentTerms(weekly_rent_pence=weekly_rent_pence(given.rent_pence, given.rent_frequency))
    summary = summarise_account(lines, terms, given.as_of, uc_pay_day=given.last_uc_payment)
    timing = summary.uc
    assert timing is not None  # a UC pay day was given
    return {
        "technical_pence": timing.technical_arrears_pence,
        "actual_arrears_pence": timing.actual_arrears_pence,
        "weeks_in_arrears": f"{timing.actual_weeks_in_arrears:.2f}",
        "escalate": timing.actual_arrears_pence > 0,
    }
