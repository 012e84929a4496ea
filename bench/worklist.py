"""``python -m bench worklist``: the worklist, the filter and opening a case, on a big caseload.

Builds an encrypted laptop store with ``cases`` synthetic tenancies carrying ``years`` of weekly
ledger (rent every Monday; weekly, fortnightly, four-weekly and monthly payers; direct UC and
HB credits; missed payments), arrangements and case actions, then prints:

- loading the caseload into facts (once per sync),
- recomputing the worklist (the domain rules over every case; the issue's "recompute"),
- a filter keystroke in the worklist (p95 over a typed word),
- opening a case: the case file service plus building its window with statement and chart.

Synthetic data only (no Faker: names are made from small fixed lists). Prints, never asserts.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import keyring

from app.domain.months import add_months
from tests.memory_keyring import MemoryKeyring

AS_OF = date(2026, 11, 23)
_FIRST = ["Alex", "Sam", "Priya", "Tomasz", "Aisha", "Wei", "Olu", "Siobhan", "Jamal", "Zoë"]
_LAST = ["Ng", "Okafor", "Kowalski", "Smith", "Begum", "O'Brien", "Nić Aodha", "Patel", "Jones"]
_STREETS = ["Mill Lane", "Station Road", "Orchard Close", "High Street", "Church Walk"]


def _line(label: str, value: str) -> None:
    print(f"  {label:<52} {value}")


def _generate(store, *, cases: int, years: int, seed: int) -> int:  # type: ignore[no-untyped-def]
    """Fill ``store`` with synthetic cases; returns the number of ledger lines."""
    rng = random.Random(seed)
    first_monday = AS_OF - timedelta(days=AS_OF.weekday()) - timedelta(weeks=52 * years)
    batch = _Batch()
    for n in range(cases):
        if n and n % 500 == 0:
            batch.flush(store)  # in slices, so a whole council fits in memory while it is written
        batch.add_case(rng, n, first_monday)
    batch.flush(store)
    return batch.written


class _Batch:
    """The rows of the cases made since the last flush, and how many ledger lines were
    written before them (which numbers the next ones)."""

    def __init__(self) -> None:
        self.tenancies: list[dict[str, Any]] = []
        self.people: list[dict[str, Any]] = []
        self.lines: list[tuple[uuid.UUID, date, str, int]] = []
        self.arrangements: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []
        self.written = 0

    def add_case(self, rng: random.Random, n: int, first_monday: date) -> None:
        """The ``n``-th case: its tenancy, people, ledger, perhaps an arrangement, and actions."""
        tenancy_id = uuid.uuid4()
        rent = rng.randrange(7500, 16500)
        service = rng.choice([0, 0, 850, 1500])
        self.tenancies.append(
            {
                "id": tenancy_id,
                "ref": f"B{n:06d}",
                "address": f"{rng.randrange(1, 300)} {rng.choice(_STREETS)}\nBenchtown",
                "postcode": f"BE{rng.randrange(1, 99)} {rng.randrange(1, 9)}AB",
                "tenure": "secure",
                "start_date": first_monday,
                "weekly_rent_pence": rent,
                "weekly_service_charge_pence": service,
                "rent_weeks": 52,
                "server_seq": n + 1,
            }
        )
        for lead in (True, False) if n % 3 == 0 else (True,):
            self.people.append(
                {
                    "id": uuid.uuid4(),
                    "tenancy_id": tenancy_id,
                    "ref": f"BP{n:06d}{int(lead)}",
                    "title": "Ms",
                    "first_name": rng.choice(_FIRST),
                    "last_name": rng.choice(_LAST),
                    "is_lead": lead,
                    "server_seq": n + 1,
                }
            )
        self.lines += _ledger(rng, tenancy_id, rent + service, first_monday)
        if n % 7 == 0:
            self.arrangements.append(
                {
                    "id": uuid.uuid4(),
                    "tenancy_id": tenancy_id,
                    "ref": f"BA{n:06d}",
                    "kind": "informal",
                    "start_date": AS_OF - timedelta(weeks=rng.randrange(4, 40)),
                    "frequency": "weekly",
                    "instalment_pence": 500,
                    "starting_balance_pence": 40000,
                    "status": "live",
                    "server_seq": n + 1,
                }
            )
        self.actions += _actions(rng, n, tenancy_id)

    def flush(self, store) -> None:  # type: ignore[no-untyped-def]
        """Write the rows made since the last flush in one transaction, and forget them."""
        from sqlalchemy import insert

        from app.models import Arrangement, CaseAction, LedgerEntry, Person, Tenancy

        ledger_rows = [
            {
                "id": uuid.uuid4(),
                "tenancy_id": tenancy_id,
                "ref": f"BL{self.written + index:09d}",
                "posted_on": posted_on,
                "type": kind,
                "amount_pence": amount,
                "server_seq": self.written + index + 1,
            }
            for index, (tenancy_id, posted_on, kind, amount) in enumerate(self.lines)
        ]
        with store.session() as session, session.begin():
            session.execute(insert(Tenancy), self.tenancies)
            session.execute(insert(Person), self.people)
            session.execute(insert(LedgerEntry), ledger_rows)
            if self.arrangements:
                session.execute(insert(Arrangement), self.arrangements)
            if self.actions:
                session.execute(insert(CaseAction), self.actions)
        self.written += len(ledger_rows)
        for pending in (self.tenancies, self.people, self.lines, self.arrangements, self.actions):
            pending.clear()


def _ledger(
    rng: random.Random, tenancy_id: uuid.UUID, weekly: int, first_monday: date
) -> list[tuple[uuid.UUID, date, str, int]]:
    """Rent every Monday, and credits by the tenant's pattern (weekly, fortnightly or
    four-weekly payments, HB with a top-up, or monthly UC), some missed."""
    lines: list[tuple[uuid.UUID, date, str, int]] = []
    pattern = rng.choice(["weekly", "fortnightly", "four_weekly", "uc", "hb"])
    reliability = rng.choice([1.0, 0.97, 0.9, 0.8])
    day = first_monday
    week = 0
    while day <= AS_OF:
        lines.append((tenancy_id, day, "RENT", weekly))
        if pattern == "hb":
            lines.append((tenancy_id, day, "HB", -weekly * 7 // 10))
        paid_every = {"weekly": 1, "fortnightly": 2, "four_weekly": 4, "hb": 1}.get(pattern)
        if paid_every and week % paid_every == 0 and rng.random() < reliability:
            share = weekly * paid_every * (3 if pattern == "hb" else 10) // 10
            lines.append((tenancy_id, day + timedelta(days=2), "PAYMENT", -share))
        day += timedelta(weeks=1)
        week += 1
    if pattern == "uc":
        # a pay day of the 28th at the latest, as the bench has always had (same data)
        pay = first_monday.replace(day=min(first_monday.day, 28))
        while pay <= AS_OF:
            if rng.random() < reliability:
                lines.append((tenancy_id, pay, "UC", -(weekly * 52 // 12)))
            pay = add_months(pay, 1)
    return lines


def _actions(rng: random.Random, n: int, tenancy_id: uuid.UUID) -> list[dict[str, Any]]:
    """Some of the reminder and the two letters, each about three cases in ten."""
    actions: list[dict[str, Any]] = []
    for code, weeks_ago in (("reminder", 6), ("letter_1", 5), ("letter_2", 3)):
        if rng.random() < 0.3:
            on = AS_OF - timedelta(weeks=weeks_ago)
            actions.append(
                {
                    "id": uuid.uuid4(),
                    "tenancy_id": tenancy_id,
                    "ref": f"BX{n:06d}{code}",
                    "on_date": on,
                    "code": code,
                    "until": None,
                    "note": "",
                    "source": "hms",
                    "pending": False,
                    "server_seq": n + 1,
                }
            )
    return actions


def _timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def bench_worklist(*, cases: int, years: int, seed: int) -> None:
    """Print the worklist figures for ``cases`` cases with ``years`` of weekly ledger."""
    keyring.set_keyring(MemoryKeyring())
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.domain.clock import SetClock
    from app.paths import resource_path
    from app.services.case_file import open_case
    from app.services.caseload import load_cases
    from app.services.worklist import build_worklist, load_recovery_policy
    from app.services.workspace import Workspace
    from app.store.database import open_local_store

    print(f"worklist: {cases:,} cases with {years} years of weekly ledger")
    with tempfile.TemporaryDirectory(prefix="doorstep-bench-") as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        store = open_local_store(folder)
        workspace = Workspace(store, SetClock.on(AS_OF))
        try:
            started = time.perf_counter()
            line_count = _generate(store, cases=cases, years=years, seed=seed)
            _line(
                "synthetic caseload written",
                f"{line_count:,} ledger lines in {time.perf_counter() - started:.1f} s",
            )
            policy = load_recovery_policy(path=resource_path("recovery-policy.toml"))

            started = time.perf_counter()
            loaded = load_cases(workspace, as_of=AS_OF)
            _line(
                "load the caseload into facts (once per sync)",
                f"{(time.perf_counter() - started) * 1000:,.0f} ms",
            )

            recompute = _timed(
                lambda: build_worklist(loaded.values(), policy=policy, as_of=AS_OF), 7
            )
            _line(
                "worklist recompute (median / worst of 7)",
                f"{statistics.median(recompute):.0f} ms / {max(recompute):.0f} ms",
            )
            items = build_worklist(loaded.values(), policy=policy, as_of=AS_OF)
            due = sum(item.action_due for item in items)
            _line("cases with an action due today", f"{due:,} of {len(items):,}")

            _arrangement_figures(loaded, policy)

            sample = random.Random(seed).sample(sorted(loaded), min(25, len(loaded)))

            def open_each() -> None:
                for tenancy_id in sample:
                    open_case(workspace, tenancy_id=tenancy_id, policy=policy, as_of=AS_OF)

            per_case = [t / len(sample) for t in _timed(open_each, 3)]
            _line("open a case: case file service (mean of 25)", f"{min(per_case):.0f} ms")
            _ui_figures(workspace, items, sample, policy)
        finally:
            store.close()


def _arrangement_figures(loaded, policy) -> None:  # type: ignore[no-untyped-def]
    """Recompute every current arrangement's F3 state (issue 5: after each sync, <= 50 ms)."""
    from app.domain.arrangement_watch import check_arrangement

    pairs = [
        (terms, case.facts.lines) for case in loaded.values() for terms in case.facts.arrangements
    ]

    def recompute() -> None:
        for terms, lines in pairs:
            check_arrangement(
                terms,
                lines,
                AS_OF,
                grace_days=policy.grace_days,
                tolerance_pence=policy.tolerance_pence,
            )

    times = _timed(recompute, 7)
    _line(
        f"recompute {len(pairs):,} arrangements' state (median / worst of 7)",
        f"{statistics.median(times):.1f} ms / {max(times):.1f} ms",
    )
    # The worst case: every case on an arrangement (weekly, made 40 weeks ago).
    from app.domain.arrangement_watch import ArrangementTerms

    start = AS_OF - timedelta(weeks=40)
    pairs = [
        (
            ArrangementTerms(
                ref=f"X{n}",
                kind="informal",
                start_date=start,
                frequency="weekly",
                instalment_pence=500,
                starting_balance_pence=40_000,
            ),
            case.facts.lines,
        )
        for n, case in enumerate(loaded.values())
    ]
    times = _timed(recompute, 7)
    _line(
        f"  the same with all {len(pairs):,} cases on one (median / worst)",
        f"{statistics.median(times):.1f} ms / {max(times):.1f} ms",
    )


def _ui_figures(workspace, items, sample, policy) -> None:  # type: ignore[no-untyped-def]
    """The screen side: a filter keystroke and a case window with its statement and chart."""
    try:
        from bench.worklist_ui import measure
    except ImportError as exc:  # PySide6 missing: the headless figures above still stand
        _line("screen figures skipped", f"({exc})")
        return
    for label, value in measure(workspace=workspace, items=items, sample=sample, policy=policy):
        _line(label, value)
