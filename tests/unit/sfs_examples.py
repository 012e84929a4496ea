"""docs/rules.md W1 as test data: the household, its lines and offers (shared by the SFS tests).

The figures are the worked example's; names and addresses are fictional.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

from app.domain.sfs import Assessment, Frequency, Household, Line, PriorityDebt

FIXTURES = Path(__file__).parent / "fixtures"
#: W2's fictional guideline table (NOT SFS figures): 2 adults base + per child.
W2_CSV = FIXTURES / "w2-guidelines-fictional.csv"

W1_DATE = date(2026, 3, 1)
W1_LINES: list[dict[str, Any]] = [
    {"heading": "client-salary-or-wages", "amount_pence": 95000, "frequency": "monthly"},
    {"heading": "tax-credits-universal-credit", "amount_pence": 82000, "frequency": "monthly"},
    {"heading": "child-benefit", "amount_pence": 17320, "frequency": "four-weekly"},
    {"heading": "rent", "amount_pence": 11250, "frequency": "weekly"},
    {"heading": "council-tax-rates", "amount_pence": 144000, "frequency": "annual"},
    {"heading": "gas", "amount_pence": 7000, "frequency": "monthly"},
    {"heading": "electricity", "amount_pence": 8000, "frequency": "monthly"},
    {"heading": "water-supply", "amount_pence": 54000, "frequency": "annual"},
    {"heading": "tv-licence", "amount_pence": 17450, "frequency": "annual"},
    {"heading": "public-transport", "amount_pence": 2500, "frequency": "weekly"},
    {"heading": "school-uniform", "amount_pence": 2000, "frequency": "monthly"},
    {"heading": "buildings-contents-insurance", "amount_pence": 800, "frequency": "monthly"},
    {"heading": "home-phone-internet-tv", "amount_pence": 8500, "frequency": "monthly"},
    {
        "heading": "groceries",
        "amount_pence": 13000,
        "frequency": "weekly",
        "note": "family of four",
    },
    {"heading": "clothing-footwear", "amount_pence": 10000, "frequency": "monthly"},
]
W1_INPUT: dict[str, Any] = {
    "date": W1_DATE.isoformat(),
    "household": {
        "adults": 2,
        "children_under_16": 2,
        "children_16_18": 0,
        "other_dependants": 0,
        "non_dependants": 0,
        "vehicles": 0,
    },
    "lines": W1_LINES,
    "savings_pence": 2000,
    "admin_fee_pence": 0,
    "priority_offers_pence": [3000, 1500],
}
W1_CLIENT: dict[str, Any] = {
    "name": "Alex Example",
    "date_of_birth": "1988-05-14",
    "address": "1 Fictional Row, Testtown TT1 1AA",
    "joint": True,
    "employment": ["Part-time"],
    "tenure": "Tenant - social",
    "partner": {"name": "Sam Example", "employment": ["Carer"]},
}


def w1_input(**changes: Any) -> dict[str, Any]:
    """A fresh copy of W1's ``calc ie`` input with top-level keys replaced."""
    data = copy.deepcopy(W1_INPUT)
    data.update(copy.deepcopy(changes))
    return data


def w1_assessment(**changes: Any) -> Assessment:
    """W1 as a domain assessment (council tax £30 and energy £15 as the other offers)."""
    fields: dict[str, Any] = {
        "assessed_on": W1_DATE,
        "household": Household(adults=2, children_under_16=2),
        "lines": tuple(
            Line(x["heading"], x["amount_pence"], Frequency(x["frequency"]), x.get("note", ""))
            for x in W1_LINES
        ),
        "savings_pence": 2000,
        "priority_debts": (PriorityDebt("Council tax", 0, 3000), PriorityDebt("Energy", 0, 1500)),
    }
    fields.update(changes)
    return Assessment(**fields)
