"""A case with everything a case window's header and banners can hold at once, to see that the
window still fits a laptop. Synthetic."""

from __future__ import annotations

import uuid
from datetime import date

from app.store.database import LocalStore
from tests.ui.seed import add_action, add_arrangement, add_case

CROWDED_REF = "T000960"


def seed_crowded_case(store: LocalStore) -> uuid.UUID:
    """T000960: everything the header and the banners can hold at once - a long name and
    address, a household of six, every kind of warning with a long note, a broken
    arrangement - over a balance from a small credit to about £450 (the chart's hard case)."""
    long_note = "Large dog on the premises; visit in pairs, never after dark, and ring ahead"
    with store.session() as session:
        tenancy_id = add_case(
            session,
            ref=CROWDED_REF,
            address="Flat 147, Marguerite Montgomery-Fitzwilliam Court\n"
            "1234 Lower Stoke Newington Church Street\nSouth Northtownshire-upon-Wye",
            postcode="NT12 3AB",
            weekly_rent_pence=11250,
            weekly_service_charge_pence=1875,
            people=[
                ("Mx", "Alexandria-Josephine", "Featherstonehaugh-Cholmondeley", True),
                *[
                    (None, f"Maximilian-{n} Bartholomew", "Featherstonehaugh-Cholmondeley", False)
                    for n in range(5)
                ],
            ],
            ledger=[13125, 13125, 13125, -42375, 13125],  # to £393.75, -£30.00, £101.25
        )
        for code, on, note in (
            ("safety_warning", date(2025, 9, 1), long_note),
            ("vulnerability", date(2024, 2, 12), "Hearing impaired: text before visiting; " * 3),
            ("breathing_space_start", date(2026, 5, 5), "Notice from StepChange Debt Charity"),
        ):
            add_action(session, tenancy_id, code, on, None, note)
        add_arrangement(
            session,
            tenancy_id,
            ref="ARR-960",
            start=date(2026, 5, 4),
            instalment_pence=2000,
            starting_balance_pence=10125,
        )
        session.commit()
    return tenancy_id
