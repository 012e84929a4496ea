"""The synthetic council's case-action history (``actions.csv``, see docs/hms-export-actions.md).

Every action follows from the tenancy's own rent account, so the worklist computed on a device
shows every state a real caseload has on :data:`central.demo.DEMO_AS_OF`:

- Recovery steps: each current tenancy's account is walked week by week (on Thursdays, after
  the Monday debit) and the recovery ladder is climbed as the arrears (in weeks of the current
  weekly charge) cross each step: reminder (1 week), letter 1 (2), letter 2 (3), NOSP (4, with
  a 28-day expiry; in force for a year after it), court warning (8, once the NOSP has expired).
  Officers act a few days late or miss a week, so some steps are done and some are due. A
  cleared account starts the ladder again (a NOSP still in force is not served twice). Technical
  arrears (rent debited since the last UC payment, on UC cases) are never chased. Garages and
  licences stop at letter 2.
- Court: where the ledger has court costs (the claim was issued that day) the history has a
  NOSP and a court warning before it, ``court_applied`` on that day, ``hearing_set`` a few days
  later and ``hearing_ended`` on the hearing date; the court order (arrangements.csv) starts
  after it. A few cases in heavy arrears have a claim issued in the last weeks with the hearing
  still to come (their costs are not posted yet). Where a court order is broken badly, a warrant
  is applied for and an eviction date set; one eviction is always still to come.
- Arrangements: an informal arrangement is preceded by the contact that agreed it; while it is
  kept the ladder holds; the first breach (the ``F3`` rule: 5 days' grace, no tolerance) gets a
  ``broken_arrangement_contact`` and the ladder resumes.
- Blocks and warnings on a few cases each: Breathing Space (standard, active and ended; one
  mental-health crisis), a pending benefit claim (and UC new claims pending then decided), a
  pause with its end in the future and in the past, vulnerability and officer-safety warnings.
  No recovery step is taken inside a Breathing Space or a pause.
- ``uc_pay_day`` on some tenants who get UC themselves and pay monthly: the last three UC
  payment dates, a day or two before their own payment.

Deterministic: one ``random.Random`` seeded from the demo's seed, apart from the stream that
wrote the ledger (so adding actions changed no other file). Synthetic: notes are stock phrases.

Threading: pure computation; call it from any thread.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import accumulate

from app.domain.case_actions import check_action
from app.domain.months import add_months

WEEK = timedelta(days=7)
GRACE = timedelta(days=5)  # an arrangement instalment is late after 5 days (docs/rules.md F3)
NOSP_DAYS = 28
NOSP_IN_FORCE_MONTHS = 12  # a NOSP stays in force 12 months from its date (docs/rules.md B5)
BREATHING_SPACE_DAYS = 60

# The ladder: (code, weeks of arrears that trigger it, days since the previous step)
LADDER = (
    ("reminder", 1, 0),
    ("letter_1", 2, 10),
    ("letter_2", 3, 14),
    ("nosp", 4, 14),
    ("court_warning", 8, 14),
)
REMINDER, LETTER_1, LETTER_2, NOSP, COURT_WARNING = range(5)
COURT = 5  # a claim issued: the ladder stops
NO_COURT_TENURES = frozenset({"garage", "licence"})

NOTES: dict[str, tuple[str, ...]] = {
    "reminder": ("", "Text reminder sent", "Reminder by e-mail", ""),
    "letter_1": ("", "Letter 1, first class post", "Letter 1 posted and e-mailed"),
    "letter_2": ("", "Letter 2 posted", "Letter 2 hand delivered"),
    "nosp": ("Served by hand; copy on file", "Served by first class post", "Posted through door"),
    "court_warning": ("", "Final warning before court", 'Letter "last chance before court"'),
    "court_applied": ("Claim issued online (PCOL)", "Claim issued at the county court"),
    "hearing_set": ("County court", "County court, 10:00", "Hearing by video link"),
    "hearing_ended": ("Suspended possession order made", "Order made on terms"),
    "warrant_applied": ("Order breached; warrant requested", "Warrant of possession requested"),
    "eviction_set": ("Bailiff appointment confirmed", "Eviction date from the bailiffs"),
    "eviction_ended": ("Warrant suspended by the court on terms", "Eviction cancelled"),
    "visit": ("No reply, card left", "Visited; tenant not in", "Visited, discussed the arrears"),
    "contact": ("Tenant phoned", "Spoke on the phone", "Tenant called in at the office"),
    "arrangement": ("Arrangement agreed on the phone", "Arrangement agreed at a visit"),
    "broken_arrangement_contact": ("Missed instalment, text sent", "Phoned about missed payment"),
    "breathing_space_start": ("Notice from the Insolvency Service", "Debt adviser's notice"),
    "breathing_space_mh_start": ("Mental health crisis breathing space notice",),
    "breathing_space_end": ("Breathing Space ended", "Cancelled at the midway review"),
    "benefit_claim_pending": ("UC claim made, evidence sent", "New UC claim, awaiting decision"),
    "benefit_claim_decided": ("UC awarded", "Claim decided"),
    "pause": ("Tenant in hospital", "Awaiting a DHP decision", "Bereavement in the family"),
    "pause_ended": ("Pause lifted early",),
    "vulnerability": (
        "Hearing impairment: contact by text or e-mail",
        "Learning disability: support worker to attend",
        "Mental health: see support plan",
        "Care leaver, under 21",
    ),
    "vulnerability_ended": ("Reviewed: no longer applies",),
    "safety_warning": ("Dog at property: visit in pairs", "Visit in pairs only", "Verbal abuse"),
    "safety_warning_ended": ("Reviewed: warning withdrawn",),
    "uc_pay_day": ("UC paid to the tenant", "Tenant gets UC on this date"),
}


@dataclass
class DemoCase:
    """What the action history needs of one tenancy; ``lines`` are the ledger's (posted_on,
    type, pence, description) sorted by date, ``weekly`` the current weekly charge (rent +
    service) in pence."""

    ref: str
    tenure: str
    start: date
    end: date | None
    weekly: int
    lines: list[tuple[date, str, int, str]]
    balance: int
    court_on: date | None
    benefit: str  # "none", "hb" or "uc" (UC housing costs paid to the landlord)
    frequency: str  # how the tenant pays: weekly, fortnightly, four_weekly, monthly
    uc_first: date | None  # first UC payment of a claim made inside the history, if any
    arrangement: DemoArrangement | None = None


@dataclass(frozen=True)
class DemoArrangement:
    """An arrangement from arrangements.csv, in pence."""

    kind: str
    start: date
    frequency: str
    instalment: int


@dataclass
class _Plan:
    """The choices made before the walk: blocks, warnings, court dates, technical arrears."""

    windows: list[tuple[date, date]] = field(default_factory=list)  # no recovery steps
    court_on: date | None = None  # claim issued (from the ledger, or a recent one)
    hearing_on: date | None = None
    eviction_warrant_on: date | None = None  # a warrant and an eviction still to come
    technical: str = ""  # "UC" or "PAYMENT": the credit after which rent is timing arrears
    actions: list[tuple[date, str, date | None, str]] = field(default_factory=list)


@cache  # asked every week of every walk, of a few hundred dates
def _nosp_expiry(nosp_until: date) -> date:
    return add_months(nosp_until, NOSP_IN_FORCE_MONTHS)


def _next_due(due: date, frequency: str, day_of_month: int) -> date:
    if frequency == "monthly":  # on the start's day, clamped to shorter months (F3)
        return add_months(due, 1, anchor_day=day_of_month)
    return due + WEEK * {"weekly": 1, "fortnightly": 2, "four_weekly": 4}[frequency]


def arrangement_shortfall(case: DemoCase, on: date) -> int:
    """How far the arrangement is behind on ``on`` (docs/rules.md F3: grace 5 days, no tolerance):
    debits and instalments due by ``on`` - 5 days, less credits since its start; 0 if kept."""
    arr = case.arrangement
    if arr is None or on < arr.start:
        return 0
    cut = on - GRACE
    required = credits = 0
    for day, _kind, pence, _text in case.lines:
        if day < arr.start:
            continue
        if day > on:
            break
        if pence > 0:
            if day <= cut:
                required += pence
        else:
            credits -= pence
    due = arr.start
    while due <= cut:
        required += arr.instalment
        due = _next_due(due, arr.frequency, arr.start.day)
    return max(0, required - credits)


class _History:
    """Builds the actions of every case from one random stream, in a fixed order."""

    def __init__(self, *, seed: int, as_of: date, history_start: date) -> None:
        self.rng = random.Random(f"doorstep-demo-actions-{seed}")
        self.as_of = as_of
        self.history_start = history_start

    def note(self, code: str) -> str:
        return self.rng.choice(NOTES[code])

    def pick(self, cases: list[DemoCase], share: float, least: int) -> list[DemoCase]:
        """About ``share`` of ``cases`` (at least ``least`` if there are that many)."""
        k = min(len(cases), max(least, round(len(cases) * share)))
        return self.rng.sample(cases, k)

    # --- choices before the walk ----------------------------------------------------------

    def plan(self, cases: list[DemoCase]) -> dict[str, _Plan]:
        """The choices made before the walk, in a fixed order; a case given a court date, an
        eviction, a Breathing Space or a pause is taken and given no other of them."""
        plans = {c.ref: _Plan() for c in cases}
        taken: set[str] = set()
        self._plan_ledger_courts(cases, plans, taken)
        homes = [c for c in cases if c.tenure not in NO_COURT_TENURES]
        heavy = [c for c in homes if c.balance >= 8 * c.weekly and c.arrangement is None]
        if len(heavy) < 3:  # a small council: its worst cases, if four weeks behind
            worst_first = sorted(homes, key=lambda c: (-c.balance / c.weekly, c.ref))
            heavy = [c for c in worst_first[:3] if c.balance >= 4 * c.weekly]
        in_arrears = [c for c in homes if c.balance >= 2 * c.weekly]
        self._plan_recent_claims(heavy, plans, taken)
        self._plan_eviction(cases, heavy, plans, taken)
        self._plan_breathing_spaces(in_arrears, plans, taken)
        self._plan_pauses(in_arrears, plans, taken)
        self._plan_benefit_claims(cases, homes, plans, taken)
        self._plan_own_uc(homes, plans)
        self._plan_warnings(homes, plans)
        return plans

    def _plan_ledger_courts(
        self, cases: list[DemoCase], plans: dict[str, _Plan], taken: set[str]
    ) -> None:
        """The claims the ledger shows (court costs) and their hearings; UC cases' technical
        arrears follow the UC credit."""
        r = self.rng
        for c in cases:
            p = plans[c.ref]
            p.court_on = c.court_on
            if c.court_on is not None:
                p.hearing_on = c.court_on + timedelta(days=r.randint(28, 35))
                taken.add(c.ref)
            if c.benefit == "uc":
                p.technical = "UC"

    def _plan_recent_claims(
        self, heavy: list[DemoCase], plans: dict[str, _Plan], taken: set[str]
    ) -> None:
        """A claim issued in the last weeks, the hearing still to come."""
        r, as_of = self.rng, self.as_of
        for c in self.pick([c for c in heavy if c.ref not in taken], 0.08, 2):
            p = plans[c.ref]
            p.court_on = as_of - timedelta(days=r.randint(7, 21))
            p.hearing_on = as_of + timedelta(days=r.randint(10, 45))
            taken.add(c.ref)

    def _plan_eviction(
        self,
        cases: list[DemoCase],
        heavy: list[DemoCase],
        plans: dict[str, _Plan],
        taken: set[str],
    ) -> None:
        """One eviction still to come: the worst broken court order, else an outright order
        on a case in heavy arrears."""
        r, as_of = self.rng, self.as_of
        orders = [
            c
            for c in cases
            if c.arrangement is not None
            and c.arrangement.kind == "court_order"
            and c.court_on is not None
            and c.court_on <= as_of - timedelta(days=120)
        ]
        worst = max(
            orders,
            key=lambda c: (arrangement_shortfall(c, as_of) / c.weekly, c.ref),
            default=None,
        )
        if worst is None or arrangement_shortfall(worst, as_of) < 4 * worst.weekly:
            spare = [c for c in heavy if c.ref not in taken]
            worst = r.choice(spare) if spare else worst
            if worst is not None and worst.court_on is None:
                p = plans[worst.ref]
                p.court_on = as_of - timedelta(days=r.randint(120, 180))
                p.hearing_on = p.court_on + timedelta(days=r.randint(28, 35))
        if worst is not None:
            plans[worst.ref].eviction_warrant_on = as_of - timedelta(days=r.randint(21, 35))
            taken.add(worst.ref)

    def _plan_breathing_spaces(
        self, in_arrears: list[DemoCase], plans: dict[str, _Plan], taken: set[str]
    ) -> None:
        """Standard Breathing Spaces active on as_of and ended; one mental-health crisis."""
        r, as_of = self.rng, self.as_of
        open_cases = [c for c in in_arrears if c.ref not in taken and c.arrangement is None]
        spaces = self.pick(open_cases, 0.05, 4)
        for n, c in enumerate(spaces):
            taken.add(c.ref)
            p = plans[c.ref]
            if n % 2 == 0:  # active
                start = as_of - timedelta(days=r.randint(3, 55))
                code = "breathing_space_mh_start" if n == 2 else "breathing_space_start"
                until = None if code == "breathing_space_mh_start" else start + timedelta(59)
                p.actions.append((start, code, until, self.note(code)))
                p.windows.append((start, as_of))
            else:  # ended: ran its 60 days, or cancelled at the midway review
                start = as_of - timedelta(days=r.randint(90, 300))
                end = start + timedelta(days=59 if r.random() < 0.6 else r.randint(25, 35))
                p.actions.append((start, "breathing_space_start", start + timedelta(59), ""))
                p.actions.append(
                    (end, "breathing_space_end", None, self.note("breathing_space_end"))
                )
                p.windows.append((start, end))

    def _plan_pauses(
        self, in_arrears: list[DemoCase], plans: dict[str, _Plan], taken: set[str]
    ) -> None:
        """Pauses: active (until in the future), one run out, one lifted early."""
        r, as_of = self.rng, self.as_of
        for n, c in enumerate(self.pick([c for c in in_arrears if c.ref not in taken], 0.03, 3)):
            taken.add(c.ref)
            p = plans[c.ref]
            if n == 1:
                on = as_of - timedelta(days=r.randint(60, 90))
                until = as_of - timedelta(days=r.randint(20, 40))
                p.actions.append((on, "pause", until, self.note("pause")))
                p.windows.append((on, until))
            elif n == 2:
                on = as_of - timedelta(days=r.randint(50, 70))
                until = on + timedelta(days=42)
                lifted = on + timedelta(days=r.randint(10, 20))
                p.actions.append((on, "pause", until, self.note("pause")))
                p.actions.append((lifted, "pause_ended", None, self.note("pause_ended")))
                p.windows.append((on, lifted))
            else:
                on = as_of - timedelta(days=r.randint(1, 20))
                until = as_of + timedelta(days=r.randint(7, 40))
                p.actions.append((on, "pause", until, self.note("pause")))
                p.windows.append((on, as_of))

    def _plan_benefit_claims(
        self,
        cases: list[DemoCase],
        homes: list[DemoCase],
        plans: dict[str, _Plan],
        taken: set[str],
    ) -> None:
        """UC new claims in the history (pending, then decided on the first payment), and a
        few claims made lately and not decided yet."""
        r, as_of = self.rng, self.as_of
        for c in cases:
            if c.uc_first is not None and c.uc_first - 5 * WEEK > self.history_start:
                p = plans[c.ref]
                claim = c.uc_first - 5 * WEEK
                p.actions.append((claim, "benefit_claim_pending", None, ""))
                paid = next((d for d, kind, _, _ in c.lines if kind == "UC" and d >= claim), None)
                if paid is not None:
                    p.actions.append((paid, "benefit_claim_decided", None, ""))
        unclaimed = [c for c in homes if c.benefit == "none" and c.balance > c.weekly]
        for c in self.pick([c for c in unclaimed if c.ref not in taken], 0.03, 2):
            on = as_of - timedelta(days=r.randint(3, 25))
            code = "benefit_claim_pending"
            plans[c.ref].actions.append((on, code, None, self.note(code)))

    def _plan_own_uc(self, homes: list[DemoCase], plans: dict[str, _Plan]) -> None:
        """UC paid to the tenant, who pays the rent monthly from it: the last three pay days."""
        r, as_of = self.rng, self.as_of
        own_uc = [c for c in homes if c.benefit == "none" and c.frequency == "monthly"]
        if not own_uc:
            own_uc = [c for c in homes if c.benefit == "none"]
        for c in self.pick(own_uc, 0.6, 1):
            paid_on = [d for d, kind, _, _ in c.lines if kind == "PAYMENT" and d <= as_of]
            last = (paid_on[-1] if paid_on else as_of) - timedelta(days=r.randint(0, 2))
            p = plans[c.ref]
            p.technical = "PAYMENT"
            note = self.note("uc_pay_day")
            for back in (2, 1, 0):
                p.actions.append((add_months(last, -back), "uc_pay_day", None, note))

    def _plan_warnings(self, homes: list[DemoCase], plans: dict[str, _Plan]) -> None:
        """Vulnerability and officer-safety warnings, one of each kind ended since."""
        for n, c in enumerate(self.pick(homes, 0.03, 3)):
            self._warning(plans[c.ref], "vulnerability", ended=n == 0)
        for n, c in enumerate(self.pick(homes, 0.01, 2)):
            self._warning(plans[c.ref], "safety_warning", ended=n == 1)

    def _warning(self, p: _Plan, code: str, *, ended: bool) -> None:
        """A warning recorded on a day in the history; if ``ended`` and over a month ago, its
        end on a later day."""
        r, as_of = self.rng, self.as_of
        on = self.history_start + timedelta(days=r.randint(0, (as_of - self.history_start).days))
        p.actions.append((on, code, None, self.note(code)))
        if ended and on < as_of - timedelta(days=30):
            end = on + timedelta(days=r.randint(1, (as_of - on).days))
            p.actions.append((end, f"{code}_ended", None, ""))

    # --- the walk ---------------------------------------------------------------------------

    def walk(self, c: DemoCase, p: _Plan) -> None:
        """Climb the recovery ladder along the account, adding steps to ``p.actions``."""
        if (
            p.court_on is None
            and c.arrangement is None
            and max(accumulate(line[2] for line in c.lines), default=0) < c.weekly
        ):
            return  # never a week behind: no step was ever due
        _Walk(self, c, p).run()

    def eviction(
        self, out: list[tuple[date, str, date | None, str]], warrant_on: date, *, future: bool
    ) -> bool:
        """A warrant applied for on ``warrant_on`` and the eviction date the bailiffs set
        (``future``: still to come on the export date; else cancelled on the day)."""
        r = self.rng
        if warrant_on > self.as_of:
            return False
        out.append((warrant_on, "warrant_applied", None, self.note("warrant_applied")))
        told = min(warrant_on + timedelta(days=r.randint(7, 14)), self.as_of)
        if future:
            evict = self.as_of + timedelta(days=r.randint(10, 40))
        else:
            evict = warrant_on + timedelta(days=r.randint(42, 70))
        out.append((told, "eviction_set", evict, self.note("eviction_set")))
        if evict <= self.as_of:
            out.append((evict, "eviction_ended", None, self.note("eviction_ended")))
        return True

    def rows(self, cases: list[DemoCase]) -> list[list[str]]:
        """Every action as an actions.csv row, by tenancy then date; refs ACT0000001 on."""
        current = [c for c in cases if c.end is None]
        plans = self.plan(current)
        rows: list[list[str]] = []
        n = 0
        for c in current:
            p = plans[c.ref]
            self.walk(c, p)
            for on, code, until, note in sorted(p.actions, key=lambda a: a[0]):
                check_action(code=code, on=on, until=until)  # never write a row import rejects
                n += 1
                rows.append(
                    [
                        c.ref,
                        f"ACT{n:07d}",
                        on.isoformat(),
                        code,
                        until.isoformat() if until else "",
                        note,
                    ]
                )
        return rows


class _Walk:
    """One current tenancy's account walked week by week (on Thursdays, after the Monday
    debit), the recovery ladder climbed as its arrears grow; the steps go to the plan's
    actions. Draws from the history's one stream in the walk's order. One per case."""

    def __init__(self, history: _History, c: DemoCase, p: _Plan) -> None:
        self.history = history
        self.r = history.rng
        self.as_of = history.as_of
        self.c = c
        self.p = p
        self.top = LETTER_2 if c.tenure in NO_COURT_TENURES else COURT_WARNING
        self.stage = -1
        self.last_step: date | None = None
        self.nosp_until: date | None = None
        self.arrangement_agreed = False
        self.arrangement_broken = False
        self.warrant = False
        self.clear = self.behind = 0  # checks in a row with the account clear / a week behind
        self.balance = self.since_credit = 0
        self.read = 0  # ledger lines read so far

    def act(
        self, on: date, code: str, until: date | None = None, note: str | None = None
    ) -> bool:
        """Record a step on ``on`` (none after the export date); True if recorded."""
        if on > self.as_of:
            return False
        note = self.history.note(code) if note is None else note
        self.p.actions.append((on, code, until, note))
        return True

    def run(self) -> None:
        """Every Thursday from four weeks into the account's history to the export date."""
        c, court_on = self.c, self.p.court_on
        first = max(c.start, self.history.history_start) + 4 * WEEK
        day = first + timedelta(days=(3 - first.weekday()) % 7)  # a Thursday
        while day <= self.as_of:
            arrears = self._arrears_on(day)
            nosp_until = self.nosp_until
            nosp_live = nosp_until is not None and day <= _nosp_expiry(nosp_until)
            if NOSP <= self.stage < COURT and not nosp_live:
                self.stage = LETTER_2  # the NOSP lapsed: a new one is needed before court
            if self.stage >= COURT:
                self._after_claim(day)
            elif court_on is not None and day >= court_on - 7 * WEEK:
                self._path_to_claim(day, court_on)
            elif arrears <= 0:  # cleared for four weeks: the ladder starts again
                self.clear, self.behind = self.clear + 1, 0
                if self.clear >= 4:
                    self.stage = -1
            else:
                self.clear = 0
                self.behind = self.behind + 1 if arrears >= c.weekly else 0
                held = any(start <= day <= end for start, end in self.p.windows)
                if not held and not self._arrangement_week(day):
                    self._climb(day, arrears, nosp_live)
            day += WEEK

    def _arrears_on(self, day: date) -> int:
        """Read the lines up to ``day``: the balance, less rent debited since the last
        technical-arrears credit (UC or the tenant's own payment) on such cases."""
        lines, p = self.c.lines, self.p
        while self.read < len(lines) and lines[self.read][0] <= day:
            _, kind, pence, _ = lines[self.read]
            self.balance += pence
            if pence > 0 and kind in ("RENT", "SERVICE"):
                self.since_credit += pence
            elif kind == p.technical:
                self.since_credit = 0
            self.read += 1
        return self.balance - (self.since_credit if p.technical else 0)

    def _after_claim(self, day: date) -> None:
        """After the claim: the planned eviction, or a warrant now and then when the court
        order is broken badly."""
        if self.warrant:
            return
        c, p = self.c, self.p
        if p.eviction_warrant_on is not None:
            if day >= p.eviction_warrant_on:
                self.warrant = self.history.eviction(p.actions, p.eviction_warrant_on, future=True)
        elif (
            c.arrangement is not None
            and c.arrangement.kind == "court_order"
            and day >= c.arrangement.start + 8 * WEEK
            and arrangement_shortfall(c, day) > 6 * c.weekly
            and self.r.random() < 0.05
        ):
            on = day + timedelta(days=self.r.randint(0, 6))
            self.warrant = self.history.eviction(p.actions, on, future=False)

    def _path_to_claim(self, day: date, court_on: date) -> None:
        """The path to a claim: a NOSP, a court warning once it expired, the claim (and its
        hearing)."""
        if court_on - 7 * WEEK >= self.history.history_start:
            nosp_until = self.nosp_until
            if nosp_until is None or court_on > _nosp_expiry(nosp_until):
                # a NOSP that is still in force on the day the claim is issued
                self.nosp_until = day + timedelta(days=NOSP_DAYS)
                self.act(day, "nosp", self.nosp_until)
                self.stage = NOSP
            elif self.stage < COURT_WARNING and day >= max(nosp_until, court_on - 2 * WEEK):
                self.act(day, "court_warning")
                self.stage = COURT_WARNING
        if day >= court_on:
            self.act(court_on, "court_applied")
            hearing_on = self.p.hearing_on
            if hearing_on is not None:
                told = min(court_on + timedelta(days=self.r.randint(3, 10)), self.as_of)
                self.act(told, "hearing_set", hearing_on)
                self.act(hearing_on, "hearing_ended")
            self.stage = COURT

    def _arrangement_week(self, day: date) -> bool:
        """An informal arrangement: the contact that agreed it, then while it is kept the
        ladder holds; its first breach gets a contact. True when it holds the ladder."""
        arr = self.c.arrangement
        if arr is None or arr.kind != "informal" or self.arrangement_broken:
            return False
        if day >= arr.start - WEEK and not self.arrangement_agreed:
            on = arr.start - timedelta(days=self.r.randint(1, 7))
            self.act(on, "contact", None, self.history.note("arrangement"))
            self.arrangement_agreed = True
        if day < arr.start:
            return False
        if arrangement_shortfall(self.c, day) > 0:
            self.arrangement_broken = True
            on = day + timedelta(days=self.r.randint(0, 4))
            if self.act(on, "broken_arrangement_contact"):
                self.last_step = on
        return True

    def _climb(self, day: date, arrears: int, nosp_live: bool) -> None:
        """The next step of the ladder, when the arrears reach its trigger and the gap since
        the last step has passed; officers act three times in four, a few days late."""
        nxt = self.stage + 1
        if nxt > self.top:
            return
        code, trigger, gap = LADDER[nxt]
        ready = self.last_step is None or day >= self.last_step + timedelta(days=gap)
        if nxt == NOSP and nosp_live:
            self.stage = nxt  # a NOSP in force is not served again
        elif nxt == COURT_WARNING and not (self.nosp_until and day >= self.nosp_until):
            return  # not before the NOSP has expired
        elif nxt == REMINDER and self.behind < 2:
            return  # a week behind at two checks in a row, not a late payment
        elif arrears >= trigger * self.c.weekly and ready and self.r.random() < 0.75:
            self._step(day, nxt, code)

    def _step(self, day: date, nxt: int, code: str) -> None:
        """Take ladder step ``nxt`` (``code``) a few days after ``day``; a visit after some
        first letters, a contact after some other steps."""
        r = self.r
        on = day + timedelta(days=r.randint(0, 4))
        until = on + timedelta(days=NOSP_DAYS) if code == "nosp" else None
        if not self.act(on, code, until):
            return
        self.stage, self.last_step = nxt, on
        if code == "nosp":
            self.nosp_until = until
        if code == "letter_1" and r.random() < 0.5:
            self.act(on + timedelta(days=r.randint(1, 6)), "visit")
        elif r.random() < 0.15:
            self.act(on + timedelta(days=r.randint(1, 10)), "contact")


def action_rows(
    cases: list[DemoCase], *, seed: int, as_of: date, history_start: date
) -> list[list[str]]:
    """The actions.csv rows (without the header) for the demo's tenancies."""
    return _History(seed=seed, as_of=as_of, history_start=history_start).rows(cases)
