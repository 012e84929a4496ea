"""A synthetic council written as an HMS export (``docs/hms-export.md``), with the
case actions taken on it (``actions.csv``, ``docs/hms-export-actions.md``).

Invariants:

- Deterministic: the same ``seed`` (and ``as_of``) writes byte-identical files, because every
  random choice comes from one ``random.Random(seed)`` and one Faker (en_GB) seeded with it,
  in a fixed order, and nothing reads the clock (``as_of`` defaults to :data:`DEMO_AS_OF`).
  The action history (``central.demo_actions``) draws from its own stream, seeded from
  ``seed`` too, after everything else, so it changes no other file.
- Synthetic only: every person is made up; phone numbers are in Ofcom's ranges reserved for
  drama, e-mail addresses are at example.com/example.org.
- Importable: the files satisfy the format, so ``python -m central import`` takes them as is.
- Officers are ``officer1`` .. ``officerK``, one patch each, with the assigned tenancies spread
  evenly (about 5% are left unassigned).

Threading: pure computation and file writing; call it from any thread.
"""

from __future__ import annotations

import csv
import random
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from app.domain.money import round_half_up_pence
from central.demo_actions import DemoArrangement, DemoCase, action_rows

DEMO_AS_OF = date(2026, 11, 22)  # a Sunday: the export was taken at the end of a rent week
HISTORY_WEEKS = 140  # the HMS holds about 2.4 years of lines; older balances brought forward
WEEK = timedelta(days=7)

# Rent increases applied each April, by the year they took effect (for back-dated rents).
RENT_RISES = {
    2019: 0.027,
    2020: 0.027,
    2021: 0.015,
    2022: 0.041,
    2023: 0.07,
    2024: 0.077,
    2025: 0.027,
    2026: 0.048,
}

AREAS = [
    ("Northtown", "LS9"),
    ("Eastbrook", "LS14"),
    ("Millbridge", "LS12"),
    ("Ashworth", "LS10"),
    ("Kingsmead", "LS15"),
    ("Southfield", "LS11"),
    ("Harehills Park", "LS8"),
    ("Westgate", "LS13"),
    ("Beckside", "LS6"),
    ("Moorview", "LS7"),
]
STREET_STEMS = [
    "Mill",
    "Church",
    "Station",
    "Victoria",
    "Park",
    "Jubilee",
    "Queen's",
    "King's",
    "Elm",
    "Oak",
    "Ash",
    "Beech",
    "Chapel",
    "School",
    "Moor",
    "Bank",
    "Spring",
    "Meadow",
    "Holly",
    "Albert",
    "Priestley",
    "Brunswick",
    "Cavendish",
    "Hawthorn",
    "Larch",
    "Rowan",
    "Garth",
]
STREET_KINDS = [
    "Road",
    "Street",
    "Lane",
    "Close",
    "Avenue",
    "Grove",
    "Crescent",
    "Way",
    "Drive",
    "Terrace",
    "Walk",
    "Gardens",
    "Place",
    "Mount",
    "View",
]
BLOCK_KINDS = ["House", "Court", "Tower", "Heights", "Lodge", "Point"]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward part of a postcode

# (first names F, first names M, last names) by origin; en_GB names come from Faker.
NAME_GROUPS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "irish": (
        ["Siobhán", "Aoife", "Niamh", "Róisín", "Caoimhe", "Orla"],
        ["Pádraig", "Seán", "Ciarán", "Oisín", "Declan", "Eoin"],
        [
            "O'Brien",
            "Ó Briain",
            "Nić Aodha",
            "Mac Giolla Phádraig",
            "O'Sullivan",
            "Ní Bhriain",
            "McCarthy",
            "Ó Súilleabháin",
        ],
    ),
    "welsh": (
        ["Siân", "Angharad", "Carys", "Ffion", "Gwenllian"],
        ["Dafydd", "Rhodri", "Iwan", "Gethin", "Llŷr"],
        ["ap Rhys", "Llewelyn", "Prydderch", "ab Owain", "Morgan"],
    ),
    "polish": (
        ["Małgorzata", "Zofia", "Agnieszka", "Katarzyna", "Bożena"],
        ["Łukasz", "Grzegorz", "Paweł", "Wojciech", "Jędrzej"],
        ["Wiśniewski", "Wójcik", "Kowalczyk", "Dąbrowski", "Szymańska", "Lewandowska"],
    ),
    "vietnamese": (
        ["Thị Hương", "Lan", "Ngọc Anh", "Thu Trang"],
        ["Minh", "Văn Đức", "Quang Huy", "Tuấn"],
        ["Nguyễn", "Trần", "Phạm", "Lê", "Võ"],
    ),
    "chinese": (
        ["Mei", "Xiu Ying", "Li Na", "Wai Man"],
        ["Wai Ming", "Jun", "Kin Chung", "Hao"],
        ["Ng", "Wong", "Li", "Chan", "Zhou", "Yip"],
    ),
    "chinese_script": (["秀英", "丽", "芳"], ["伟", "强", "军"], ["王", "李", "陈", "张"]),
    "arabic": (
        ["Fatima", "Aisha", "Maryam", "Noor"],
        ["Mohammed", "Omar", "Yusuf", "Ahmed"],
        ["Ahmed", "Hussain", "Al-Khatib", "Abdullah", "El-Sayed"],
    ),
    "arabic_script": (["فاطمة", "مريم", "نور"], ["محمد", "عمر", "يوسف"], ["أحمد", "حسن", "الخطيب"]),
    "cyrillic": (
        ["Олена", "Наталья", "Ирина", "Оксана"],
        ["Иван", "Дмитрий", "Тарас", "Андрій"],
        ["Шевченко", "Петров", "Смирнова", "Коваленко"],
    ),
    "somali": (
        ["Hodan", "Amina", "Faadumo"],
        ["Abdi", "Mahad", "Guled"],
        ["Warsame", "Farah", "Abdi", "Jama"],
    ),
    "turkish": (
        ["Ayşe", "Elif", "Gülşen"],
        ["Şükrü", "Mehmet", "Çağan"],
        ["Yılmaz", "Öztürk", "Çelik", "Doğan"],
    ),
    "south_asian": (
        ["Priya", "Gurpreet", "Nasreen", "Anjali"],
        ["Gurpreet", "Imran", "Rajesh", "Arjun"],
        ["Patel", "Singh", "Begum", "Khan", "Chaudhry", "Kaur"],
    ),
    "west_african": (
        ["Chidinma", "Ama", "Adaeze"],
        ["Kwame", "Oluwaseun", "Kofi"],
        ["Mensah", "Okonkwo", "Adeyemi", "Boateng"],
    ),
    "european": (
        ["Zoë", "Chloë", "Renée", "Inês", "Björk"],
        ["José", "Jean-Luc", "Björn", "Jürgen", "François"],
        ["García Muñoz", "D'Souza", "Østergaard", "Müller", "Le Bœuf", "Brontë-Smith"],
    ),
}
NON_LATIN = ("chinese_script", "arabic_script", "cyrillic")
GROUP_WEIGHTS = {
    "en_GB": 52,
    "irish": 6,
    "welsh": 3,
    "polish": 6,
    "vietnamese": 2,
    "chinese": 3,
    "chinese_script": 1.5,
    "arabic": 5,
    "arabic_script": 1.5,
    "cyrillic": 2,
    "somali": 3,
    "turkish": 2,
    "south_asian": 8,
    "west_african": 4,
    "european": 3,
}

TENURE_WEIGHTS = {
    "secure": 70,
    "introductory": 8,
    "flexible": 4,
    "assured": 5,
    "starter": 3,
    "assured_shorthold": 1,
    "licence": 1,
    "garage": 8,
}

# Payment behaviour: (weight, chance a payment is missed, chance it is short, chance the
# next payment makes up what was missed)
BEHAVIOURS = {
    "good": (60, 0.01, 0.02, 0.95),
    "fair": (22, 0.06, 0.10, 0.6),
    "poor": (13, 0.18, 0.2, 0.25),
    "chaotic": (5, 0.4, 0.25, 0.05),
}


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`write_demo` wrote (counts only)."""

    out: Path
    tenancies: int
    people: int
    ledger_lines: int
    arrangements: int
    actions: int
    officers: int
    in_arrears: int
    former: int
    unassigned: int

    def describe(self) -> str:
        return (
            f"wrote {self.tenancies} tenancies ({self.former} former, {self.unassigned} "
            f"unassigned, {self.in_arrears} in arrears), {self.people} people, "
            f"{self.ledger_lines} ledger lines, {self.arrangements} arrangements, "
            f"{self.actions} case actions for {self.officers} officers to {self.out}"
        )


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def _ascii(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text).lower() if c.isascii() and c.isalnum()
    )


def _rent_free(monday: date, rent_weeks: int) -> bool:
    """The rent-free weeks: two at Christmas and two at the end of March (48 weeks), or one
    of each (50 weeks)."""
    if rent_weeks == 52:
        return False
    m, d = monday.month, monday.day
    if rent_weeks == 48:
        return (m == 12 and d >= 22) or (m == 1 and d <= 4) or (m == 3 and d >= 18)
    return (m == 12 and 22 <= d <= 28) or (m == 3 and d >= 25)


def _rent_year(day: date) -> int:
    """The April-to-March rent year a day falls in, named by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def _back_date(current: int, year: int, now_year: int) -> int:
    """A weekly charge as it was in rent year ``year``, given today's charge."""
    value = Decimal(current)  # exact; rounded to whole pence once, at the end
    for y in range(now_year, year, -1):
        value /= 1 + Decimal(str(RENT_RISES.get(y, 0.03)))
    return round_half_up_pence(value)


@dataclass
class _Account:
    lines: list[tuple[date, str, int, str]]  # (posted_on, type, pence, description), by date
    balance: int
    court_on: date | None  # when court costs were added, if ever
    court_balance: int  # the balance then
    benefit: str  # "none", "hb" or "uc"
    frequency: str  # how the tenant pays
    uc_first: date | None  # the first UC payment of a claim made inside the history


@dataclass
class _Household:
    ref: str
    area: int
    officer: str
    patch: str
    tenure: str
    address: str
    postcode: str
    start: date
    end: date | None
    rent: int
    service: int
    rent_weeks: int
    people: list[list[str]] = field(default_factory=list)


class _Council:
    """The generator's state: one random stream and one Faker, used in a fixed order."""

    def __init__(self, *, seed: int, as_of: date, officers: int) -> None:
        from faker import Faker

        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.as_of = as_of
        self.history_start = as_of - WEEK * HISTORY_WEEKS
        self.officers = officers
        self.patches = self._patches(officers)
        self.person_no = 0
        self.tx_no = 0
        self.arr_no = 0
        self.iso: dict[date, str] = {}
        self.streets = [
            [self._street() for _ in range(14)] for _ in AREAS
        ]  # a few streets per area
        self.blocks = [
            [
                (f"{self.rng.choice(STREET_STEMS)} {self.rng.choice(BLOCK_KINDS)}", s)
                for s in self.rng.sample(streets, 4)
            ]
            for streets in self.streets
        ]
        self.groups = list(GROUP_WEIGHTS)
        self.group_weights = list(GROUP_WEIGHTS.values())

    def _patches(self, officers: int) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for k in range(officers):
            area = k % len(AREAS)
            lap = k // len(AREAS)
            quarter = ["North", "South", "East", "West"][lap % 4]
            name = AREAS[area][0] if lap == 0 else f"{AREAS[area][0]} {quarter} {lap}"
            out.append((area, name))
        return out

    def _street(self) -> str:
        stem = self.rng.choice(STREET_STEMS) if self.rng.random() < 0.6 else self.fake.last_name()
        return f"{stem} {self.rng.choice(STREET_KINDS)}"

    def date_iso(self, day: date) -> str:
        text = self.iso.get(day)
        if text is None:
            text = self.iso[day] = day.isoformat()
        return text

    # --- households -------------------------------------------------------------------------

    def postcode(self, area: int) -> str:
        r = self.rng
        letters = r.choice(INWARD_LETTERS) + r.choice(INWARD_LETTERS)
        return f"{AREAS[area][1]} {r.randint(1, 9)}{letters}"

    def address(self, area: int, tenure: str) -> str:
        r = self.rng
        town = AREAS[area][0]
        if tenure == "garage":
            street = r.choice(self.streets[area])
            n = r.randint(1, 40)
            return f"Garage {r.randint(1, 30)}, Rear of {n}-{n + 18} {street}\n{town}"
        if r.random() < 0.45:
            block, street = r.choice(self.blocks[area])
            flat = f"Flat {r.randint(1, 60)}, {block}"
            if r.random() < 0.3:
                return f"{flat}, {street}\n{town}"
            return f"{flat}\n{r.randint(1, 120)} {street}\n{town}"
        return f"{r.randint(1, 180)} {r.choice(self.streets[area])}\n{town}"

    def name(self, group: str, female: bool, last: str | None = None) -> tuple[str, str]:
        if group == "en_GB":
            first = self.fake.first_name_female() if female else self.fake.first_name_male()
            return first, last or self.fake.last_name()
        firsts_f, firsts_m, lasts = NAME_GROUPS[group]
        first = self.rng.choice(firsts_f if female else firsts_m)
        last = last or self.rng.choice(lasts)
        if group == "polish":  # -ski for a man, -ska for a woman
            if female and last.endswith("ski"):
                last = last[:-1] + "a"
            elif not female and last.endswith("ska"):
                last = last[:-1] + "i"
        return first, last

    def person(
        self,
        group: str,
        lead: bool,
        *,
        age_range: tuple[int, int],
        female: bool,
        last: str | None = None,
    ) -> list[str]:
        r = self.rng
        self.person_no += 1
        first, last_name = self.name(group, female, last)
        title = ""
        if r.random() < 0.85:
            title = r.choice(["Ms", "Mrs", "Miss"]) if female else "Mr"
            if r.random() < 0.03:
                title = r.choice(["Mx", "Dr"])
        if r.random() < 0.04:
            first = ""  # the HMS holds only an initial-less surname for some
        age_days = r.randint(age_range[0] * 365, age_range[1] * 365)
        dob = self.as_of - timedelta(days=age_days)
        phone = ""
        if r.random() < 0.8:
            phone = (
                f"07700 900{r.randint(0, 999):03d}"
                if r.random() < 0.75
                else f"0113 496 0{r.randint(0, 999):03d}"
            )
        email = ""
        if r.random() < 0.45:
            handle = ".".join(p for p in (_ascii(first), _ascii(last_name)) if p) or "tenant"
            email = f"{handle}{r.randint(1, 99)}@{r.choice(['example.com', 'example.org'])}"
        return [
            "",  # tenancy_ref, filled in by the caller
            f"P{self.person_no:07d}",
            title,
            first,
            last_name,
            self.date_iso(dob) if r.random() < 0.95 else "",
            phone,
            email,
            "Y" if lead else "N",
        ]

    def people(self, tenure: str) -> list[list[str]]:
        r = self.rng
        group = r.choices(self.groups, self.group_weights)[0]
        female = r.random() < 0.58
        lead = self.person(group, True, age_range=(19, 88), female=female)
        out = [lead]
        if tenure == "garage":
            return out
        size = r.choices([1, 2, 3], [50, 35, 15])[0]
        if size >= 2:
            shared = lead[4] if r.random() < 0.6 else None
            out.append(
                self.person(group, False, age_range=(19, 80), female=not female, last=shared)
            )
        if size >= 3:
            out.append(
                self.person(group, False, age_range=(18, 25), female=r.random() < 0.5, last=lead[4])
            )
        return out

    # --- the rent account -----------------------------------------------------------------------

    def ledger(self, h: _Household, benefit: str | None = None) -> _Account:
        """The household's rent account since the HMS's history starts. ``benefit`` forces
        ``hb``, ``uc`` or ``none``; otherwise it is drawn."""
        r = self.rng
        lines: list[tuple[date, str, int, str]] = []

        def add(day: date, kind: str, pence: int, text: str) -> None:
            lines.append((day, kind, pence, text))

        as_of = self.as_of
        first = max(h.start, self.history_start)
        first += timedelta(days=(7 - first.weekday()) % 7)  # charges are posted on Mondays
        last_day = min(h.end, as_of) if h.end else as_of
        behaviour = r.choices(list(BEHAVIOURS), [b[0] for b in BEHAVIOURS.values()])[0]
        _, p_miss, p_short, p_catch = BEHAVIOURS[behaviour]
        garage = h.tenure == "garage"
        # benefits: none, HB (weekly) or UC (monthly, housing costs paid to the landlord)
        drawn = r.choices(["none", "hb", "uc"], [40, 22, 38])[0]
        benefit = "none" if garage else benefit or drawn
        share = r.choice([1.0, 1.0, 1.0, 0.86, 0.75, 0.6]) if benefit != "none" else 0.0
        uc_first = first  # the first UC payment: five weeks after a new claim
        if benefit == "uc" and r.random() < 0.2:
            claim = first + timedelta(days=r.randint(0, max(1, (last_day - first).days)))
            uc_first = claim + 5 * WEEK
        uc_day = r.randint(1, 28)
        frequency = r.choices(["weekly", "fortnightly", "four_weekly", "monthly"], [42, 30, 21, 7])[
            0
        ]
        period = {"weekly": 1, "fortnightly": 2, "four_weekly": 4, "monthly": 0}[frequency]
        pay_day = r.randint(0, 6)
        overpay = r.randint(100, 1000) if behaviour == "good" and r.random() < 0.18 else 0
        now_year = _rent_year(as_of)
        balance = 0
        if h.start < self.history_start:
            carried = 0
            if behaviour in ("poor", "chaotic"):
                carried = r.randint(0, 12) * h.rent // 2
            elif behaviour == "good" and (benefit == "uc" or frequency == "monthly"):
                carried = -(h.rent + h.service) * 52 // 12  # a month in advance, as advised
            elif behaviour == "good" and r.random() < 0.1:
                carried = -r.randint(1, 4) * h.rent // 2
            if carried:
                add(first, "ADJUSTMENT", carried, "Balance brought forward")
                balance += carried
        court_on: date | None = None
        court_balance = 0
        catch_up = 0
        dhp_done = False
        week = 0
        monday = first
        rates: dict[int, tuple[int, int]] = {}
        while monday <= last_day:
            year = _rent_year(monday)
            if year not in rates:
                rates[year] = (
                    _back_date(h.rent, year, now_year),
                    _back_date(h.service, year, now_year),
                )
            rent, service = rates[year]
            weekly_due = (rent + service) * h.rent_weeks // 52  # averaged over the year
            charged = not _rent_free(monday, h.rent_weeks)
            if charged:
                add(monday, "RENT", rent, "Rent")
                balance += rent
                if service:
                    add(monday, "SERVICE", service, "Service charge")
                    balance += service
                if benefit == "hb":
                    hb = -round(rent * share)
                    add(monday, "HB", hb, "Housing Benefit")
                    balance += hb
            # Universal Credit housing costs, monthly on the claim's payment day
            if benefit == "uc":
                for d in range(7):
                    day = monday + timedelta(days=d)
                    if day.day == uc_day and uc_first <= day <= last_day:
                        uc = -round((rent + service) * h.rent_weeks * share / 12)
                        add(day, "UC", uc, "Universal Credit housing costs (APA)")
                        balance += uc
            # the tenant's own payments towards what benefit leaves, in round tens of pence
            covered = rent if benefit == "hb" else rent + service
            own = weekly_due - round(covered * share) * h.rent_weeks // 52
            own = -(-own // 10) * 10 if benefit == "none" or monday >= uc_first else weekly_due
            due_now = False
            if period == 1:  # weekly payers pay what is charged, and nothing in free weeks
                due_now = charged
                amount = own * 52 // h.rent_weeks
            elif period:
                due_now = week % period == 0
                amount = own * period
            else:
                pay_date = monday + timedelta(days=pay_day)
                due_now = pay_date.day <= 7  # the first week of each month
                amount = own * 52 // 12
            if due_now and amount > 0:
                day = monday + timedelta(days=pay_day)
                if day <= last_day and r.random() >= p_miss:
                    pay = amount + overpay
                    if r.random() < p_short:
                        pay = pay * r.randint(30, 90) // 100
                    if pay < amount:
                        catch_up += amount - pay
                    elif catch_up and r.random() < p_catch:
                        pay += catch_up
                        catch_up = 0
                    if court_on is not None:
                        pay += r.choice([385, 500, 1000])  # paying the court order as well
                    method = r.choice(
                        [
                            "Payment - allpay",
                            "Payment - direct debit",
                            "Payment - card",
                            "Payment - standing order",
                        ]
                    )
                    add(day, "PAYMENT", -pay, method)
                    balance -= pay
                else:
                    catch_up += amount
            # a Discretionary Housing Payment, now and then, to someone with a shortfall
            if (
                not dhp_done
                and share < 1.0
                and benefit != "none"
                and balance > 4 * rent
                and r.random() < 0.05
            ):
                dhp = -r.randint(10, 60) * 1000
                add(monday + timedelta(days=2), "DHP", dhp, "Discretionary Housing Payment")
                balance += dhp
                dhp_done = True
            # court action on heavy arrears
            if court_on is None and not garage and balance > 10 * rent and r.random() < 0.02:
                court_on = monday + timedelta(days=3)
                costs = 35500 if r.random() < 0.7 else 35500 + 6950
                add(court_on, "COURT_COSTS", costs, "Court costs - possession claim")
                balance += costs
                court_balance = balance
            if r.random() < 0.0015:
                recharge = r.randint(25, 400) * 100
                add(monday + timedelta(days=1), "RECHARGE", recharge, "Rechargeable repair")
                balance += recharge
                catch_up += recharge
            monday += WEEK
            week += 1
        # a former tenancy: small debts written off, credits refunded, some arrears left
        if h.end is not None:
            after = h.end + timedelta(days=r.randint(20, 90))
            if after <= as_of:
                if 0 < balance < 5000 and r.random() < 0.7:
                    add(after, "WRITE_OFF", -balance, "Former tenant arrears written off")
                    balance = 0
                elif balance < 0 and r.random() < 0.8:
                    add(after, "REFUND", -balance, "Refund of credit")
                    balance = 0
                elif balance > 0 and r.random() < 0.3:
                    pay = min(balance, r.randint(5, 50) * 100)
                    add(after, "PAYMENT", -pay, "Former tenant arrears payment")
                    balance -= pay
        elif balance > 0 and r.random() < 0.01:
            add(
                as_of - timedelta(days=r.randint(1, 60)),
                "ADJUSTMENT",
                -min(balance, 2500),
                "Adjustment - disrepair compensation",
            )
        lines.sort(key=lambda x: x[0])
        new_claim = benefit == "uc" and uc_first != first
        return _Account(
            lines,
            balance,
            court_on,
            court_balance,
            benefit,
            frequency,
            uc_first if new_claim else None,
        )


def write_demo(
    *, tenancies: int, officers: int, seed: int, out: str | Path, as_of: date | None = None
) -> DemoSummary:
    """Write tenancies.csv, tenants.csv, transactions.csv, arrangements.csv and actions.csv
    into ``out``."""
    if tenancies < 1 or officers < 1:
        raise ValueError("a demo council needs at least one tenancy and one officer")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    council = _Council(seed=seed, as_of=as_of or DEMO_AS_OF, officers=officers)
    r = council.rng
    as_of = council.as_of

    # Who is whose: shuffle, leave ~5% unassigned, deal the rest round the officers.
    order = list(range(tenancies))
    r.shuffle(order)
    unassigned = round(tenancies * 0.05)
    owner: dict[int, int | None] = {}
    for pos, i in enumerate(order):
        owner[i] = None if pos < unassigned else (pos - unassigned) % officers
    # A few tenancies are made to show every feature even in a small council.
    features = ("garage", "former", "non_latin", "w48", "w50", "w52", "hb", "uc")
    showcase = r.sample(range(tenancies), min(tenancies, len(features)))
    forced: dict[int, str] = dict(zip(showcase, features, strict=False))

    t_rows: list[list[str]] = []
    p_rows: list[list[str]] = []
    l_rows: list[tuple[str, str, str, str, str, str]] = []
    a_rows: list[list[str]] = []
    cases: list[DemoCase] = []
    in_arrears = former = 0
    tenures = list(TENURE_WEIGHTS)
    tenure_w = list(TENURE_WEIGHTS.values())
    for i in range(tenancies):
        feature = forced.get(i, "")
        k = owner[i]
        area, patch = council.patches[k] if k is not None else (r.randrange(len(AREAS)), "")
        tenure = r.choices(tenures, tenure_w)[0]
        if feature == "garage":
            tenure = "garage"
        elif tenure == "garage" and feature:
            tenure = "secure"  # the other showcase features need a home
        garage = tenure == "garage"
        ref = f"TEN{100001 + i:06d}"
        # when it started: new lets recently for introductory/starter, long ago for most
        if tenure in ("introductory", "starter"):
            start = as_of - timedelta(days=r.randint(30, 360))
        elif r.random() < 0.25:
            start = as_of - timedelta(days=r.randint(30, HISTORY_WEEKS * 7))
        else:
            start = as_of - timedelta(days=r.randint(HISTORY_WEEKS * 7 + 1, 30 * 365))
        end: date | None = None
        if feature == "former" or (not feature and r.random() < 0.07):
            span = (as_of - max(start, council.history_start)).days
            end = as_of - timedelta(days=r.randint(14, max(15, span - 60)))
            if end <= start:
                end = start + timedelta(days=70)
            former += 1
        address = council.address(area, tenure)
        rent = r.randint(800, 1600) if garage else r.randint(8500, 14500)
        service = 0
        if address.startswith("Flat") and r.random() < 0.45:
            service = r.randint(300, 2500)
        weeks = (
            48
            if feature == "w48"
            else 50
            if feature == "w50"
            else 52
            if feature == "w52"
            else r.choices([52, 50, 48], [55, 15, 30])[0]
        )
        if weeks != 52:  # the same yearly rent spread over fewer weeks
            rent = rent * 52 // weeks
        h = _Household(
            ref=ref,
            area=area,
            officer=f"officer{k + 1}" if k is not None else "",
            patch=patch,
            tenure=tenure,
            address=address,
            postcode=council.postcode(area),
            start=start,
            end=end,
            rent=rent,
            service=service,
            rent_weeks=weeks,
        )
        people = council.people(tenure)
        if feature == "non_latin":
            script = r.choice(NON_LATIN)
            first, last = council.name(script, True)
            people[0][3], people[0][4] = first, last
        for p in people:
            p[0] = ref
        p_rows.extend(people)

        account = council.ledger(h, feature if feature in ("hb", "uc") else None)
        balance, court_on, court_balance = account.balance, account.court_on, account.court_balance
        lines = account.lines
        for day, kind, pence, text in lines:
            council.tx_no += 1
            l_rows.append(
                (ref, f"TX{council.tx_no:09d}", council.date_iso(day), kind, _pounds(pence), text)
            )
        if balance > 0:
            in_arrears += 1
        case = DemoCase(
            ref=ref,
            tenure=tenure,
            start=start,
            end=end,
            weekly=rent + service,
            lines=lines,
            balance=balance,
            court_on=court_on,
            benefit=account.benefit,
            frequency=account.frequency,
            uc_first=account.uc_first,
        )
        cases.append(case)
        # arrangements: court orders after court action, informal ones for some in arrears
        if end is None and (court_on is not None or (balance > 3 * rent and r.random() < 0.25)):
            council.arr_no += 1
            if court_on is not None:
                kind, start_on, starting = "court_order", court_on + 6 * WEEK, court_balance
            else:
                kind = "informal"
                start_on = as_of - timedelta(days=r.randint(7, 150))
                starting = sum(p for d, _, p, _ in lines if d < start_on)
            start_on = min(start_on, as_of)
            frequency = r.choice(["weekly", "weekly", "fortnightly", "four_weekly", "monthly"])
            instalment = r.choice([385, 500, 750, 1000, 1500])
            a_rows.append(
                [
                    ref,
                    f"ARR{council.arr_no:06d}",
                    kind,
                    council.date_iso(start_on),
                    frequency,
                    _pounds(instalment),
                    _pounds(starting),
                    "cancelled" if r.random() < 0.1 else "live",
                ]
            )
            case.arrangement = DemoArrangement(kind, start_on, frequency, instalment)
        t_rows.append(
            [
                ref,
                h.address,
                h.postcode,
                tenure,
                council.date_iso(start),
                council.date_iso(end) if end else "",
                _pounds(rent),
                _pounds(service) if service else "",
                str(weeks),
                h.officer,
                patch,
            ]
        )

    _write(
        folder / "tenancies.csv",
        [
            "tenancy_ref",
            "address",
            "postcode",
            "tenure",
            "start_date",
            "end_date",
            "weekly_rent",
            "weekly_service_charge",
            "rent_weeks",
            "officer",
            "patch",
        ],
        t_rows,
    )
    _write(
        folder / "tenants.csv",
        [
            "tenancy_ref",
            "person_ref",
            "title",
            "first_name",
            "last_name",
            "date_of_birth",
            "phone",
            "email",
            "lead",
        ],
        p_rows,
    )
    _write(
        folder / "transactions.csv",
        ["tenancy_ref", "transaction_ref", "posted_on", "type", "amount", "description"],
        l_rows,
    )
    _write(
        folder / "arrangements.csv",
        [
            "tenancy_ref",
            "arrangement_ref",
            "kind",
            "start_date",
            "frequency",
            "instalment",
            "starting_balance",
            "status",
        ],
        a_rows,
    )
    c_rows = action_rows(cases, seed=seed, as_of=as_of, history_start=council.history_start)
    _write(
        folder / "actions.csv",
        ["tenancy_ref", "action_ref", "date", "code", "until", "note"],
        c_rows,
    )
    return DemoSummary(
        out=folder,
        tenancies=tenancies,
        people=len(p_rows),
        ledger_lines=len(l_rows),
        arrangements=len(a_rows),
        actions=len(c_rows),
        officers=officers,
        in_arrears=in_arrears,
        former=former,
        unassigned=unassigned,
    )


def _write(path: Path, header: list[str], rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def demo_command(*, tenancies: int, officers: int, seed: int, out: str) -> int:
    """``python -m central demo``: write the export and print a one-line summary."""
    try:
        summary = write_demo(tenancies=tenancies, officers=officers, seed=seed, out=out)
    except ValueError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    sys.stdout.write(summary.describe() + "\n")
    return 0
