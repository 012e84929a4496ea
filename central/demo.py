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

_TENURES = list(TENURE_WEIGHTS)
_TENURE_W = list(TENURE_WEIGHTS.values())
_FORCED_WEEKS = {"w48": 48, "w50": 50, "w52": 52}  # showcase features that set the rent weeks

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

    def household(self, i: int, feature: str, k: int | None) -> _Household:
        """The ``i``-th tenancy's household: where, what tenure, since when (and until when,
        for a former one), and its charges. ``k`` is its officer's index (None: unassigned)."""
        r = self.rng
        area, patch = self.patches[k] if k is not None else (r.randrange(len(AREAS)), "")
        tenure = r.choices(_TENURES, _TENURE_W)[0]
        if feature == "garage":
            tenure = "garage"
        elif tenure == "garage" and feature:
            tenure = "secure"  # the other showcase features need a home
        garage = tenure == "garage"
        start, end = self._dates(tenure, feature)
        address = self.address(area, tenure)
        rent = r.randint(800, 1600) if garage else r.randint(8500, 14500)
        service = 0
        if address.startswith("Flat") and r.random() < 0.45:
            service = r.randint(300, 2500)
        weeks = _FORCED_WEEKS.get(feature) or r.choices([52, 50, 48], [55, 15, 30])[0]
        if weeks != 52:  # the same yearly rent spread over fewer weeks
            rent = rent * 52 // weeks
        return _Household(
            ref=f"TEN{100001 + i:06d}",
            area=area,
            officer=f"officer{k + 1}" if k is not None else "",
            patch=patch,
            tenure=tenure,
            address=address,
            postcode=self.postcode(area),
            start=start,
            end=end,
            rent=rent,
            service=service,
            rent_weeks=weeks,
        )

    def _dates(self, tenure: str, feature: str) -> tuple[date, date | None]:
        """When the tenancy started (new lets recently for introductory/starter, long ago for
        most) and, for a former one, when it ended."""
        r, as_of = self.rng, self.as_of
        if tenure in ("introductory", "starter"):
            start = as_of - timedelta(days=r.randint(30, 360))
        elif r.random() < 0.25:
            start = as_of - timedelta(days=r.randint(30, HISTORY_WEEKS * 7))
        else:
            start = as_of - timedelta(days=r.randint(HISTORY_WEEKS * 7 + 1, 30 * 365))
        end: date | None = None
        if feature == "former" or (not feature and r.random() < 0.07):
            span = (as_of - max(start, self.history_start)).days
            end = as_of - timedelta(days=r.randint(14, max(15, span - 60)))
            if end <= start:
                end = start + timedelta(days=70)
        return start, end

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
        first = max(h.start, self.history_start)
        first += timedelta(days=(7 - first.weekday()) % 7)  # charges are posted on Mondays
        last_day = min(h.end, self.as_of) if h.end else self.as_of
        payer = self._payer(h, benefit, first, last_day)
        account = _AccountWriter(
            self.rng, h, payer, first=first, last_day=last_day, now_year=_rent_year(self.as_of)
        )
        if h.start < self.history_start:
            account.bring_forward()
        account.write_weeks()
        account.close(self.as_of)
        return account.result()

    def _payer(
        self, h: _Household, benefit: str | None, first: date, last_day: date
    ) -> _Payer:
        """How the household pays: behaviour, benefit, frequency and day, drawn in that order."""
        r = self.rng
        behaviour = r.choices(list(BEHAVIOURS), [b[0] for b in BEHAVIOURS.values()])[0]
        _, p_miss, p_short, p_catch = BEHAVIOURS[behaviour]
        # benefits: none, HB (weekly) or UC (monthly, housing costs paid to the landlord)
        drawn = r.choices(["none", "hb", "uc"], [40, 22, 38])[0]
        benefit = "none" if h.tenure == "garage" else benefit or drawn
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
        return _Payer(
            behaviour=behaviour,
            p_miss=p_miss,
            p_short=p_short,
            p_catch=p_catch,
            benefit=benefit,
            share=share,
            uc_first=uc_first,
            uc_day=uc_day,
            frequency=frequency,
            period=period,
            pay_day=pay_day,
            overpay=overpay,
        )


    # --- arrangements -------------------------------------------------------------------------

    def arrangement(
        self, h: _Household, account: _Account
    ) -> tuple[list[str], DemoArrangement] | None:
        """A court order after court action, an informal arrangement for some in arrears (a
        current tenancy only): its arrangements.csv row and what the action history needs."""
        r = self.rng
        court_on = account.court_on
        wanted = h.end is None and (
            court_on is not None or (account.balance > 3 * h.rent and r.random() < 0.25)
        )
        if not wanted:
            return None
        self.arr_no += 1
        if court_on is not None:
            kind, start_on, starting = "court_order", court_on + 6 * WEEK, account.court_balance
        else:
            kind = "informal"
            start_on = self.as_of - timedelta(days=r.randint(7, 150))
            starting = sum(p for d, _, p, _ in account.lines if d < start_on)
        start_on = min(start_on, self.as_of)
        frequency = r.choice(["weekly", "weekly", "fortnightly", "four_weekly", "monthly"])
        instalment = r.choice([385, 500, 750, 1000, 1500])
        row = [
            h.ref,
            f"ARR{self.arr_no:06d}",
            kind,
            self.date_iso(start_on),
            frequency,
            _pounds(instalment),
            _pounds(starting),
            "cancelled" if r.random() < 0.1 else "live",
        ]
        return row, DemoArrangement(kind, start_on, frequency, instalment)


@dataclass(frozen=True)
class _Payer:
    """How a household's rent is paid, drawn once for its account."""

    behaviour: str  # a key of BEHAVIOURS
    p_miss: float  # chance a payment is missed
    p_short: float  # chance a payment is short
    p_catch: float  # chance the next payment makes up what was missed
    benefit: str  # "none", "hb" or "uc"
    share: float  # the part of the charge that benefit covers
    uc_first: date  # the first UC payment (five weeks after a claim made inside the history)
    uc_day: int  # the day of the month UC is paid
    frequency: str  # weekly, fortnightly, four_weekly or monthly
    period: int  # weeks between the tenant's payments; 0: monthly
    pay_day: int  # days after the Monday debit that the tenant pays
    overpay: int  # pence a good payer adds to each payment


class _AccountWriter:
    """One household's rent account as it is written, week by week.

    Every random choice comes from the council's one stream, in the order the weeks and the
    events of a week (charges, UC, the tenant's payment, a DHP, court action, a recharge) come,
    so a seed writes the same account every time. Not shared: one writer per account.
    """

    def __init__(
        self,
        rng: random.Random,
        h: _Household,
        payer: _Payer,
        *,
        first: date,
        last_day: date,
        now_year: int,
    ) -> None:
        self.r = rng
        self.h = h
        self.payer = payer
        self.first = first  # the first Monday in the history
        self.last_day = last_day
        self.now_year = now_year
        self.lines: list[tuple[date, str, int, str]] = []
        self.balance = 0
        self.court_on: date | None = None
        self.court_balance = 0
        self.catch_up = 0  # what the tenant missed and may make up
        self.dhp_done = False
        self.rates: dict[int, tuple[int, int]] = {}

    def add(self, day: date, kind: str, pence: int, text: str) -> None:
        self.lines.append((day, kind, pence, text))

    def bring_forward(self) -> None:
        """The balance brought forward into the history: arrears for a poor payer, a month in
        advance for a good one on UC or paying monthly (as advised), sometimes a small credit."""
        r, h, payer = self.r, self.h, self.payer
        carried = 0
        if payer.behaviour in ("poor", "chaotic"):
            carried = r.randint(0, 12) * h.rent // 2
        elif payer.behaviour == "good" and (payer.benefit == "uc" or payer.frequency == "monthly"):
            carried = -(h.rent + h.service) * 52 // 12  # a month in advance, as advised
        elif payer.behaviour == "good" and r.random() < 0.1:
            carried = -r.randint(1, 4) * h.rent // 2
        if carried:
            self.add(self.first, "ADJUSTMENT", carried, "Balance brought forward")
            self.balance += carried

    def write_weeks(self) -> None:
        """Every rent week from the first Monday to the last day."""
        week = 0
        monday = self.first
        while monday <= self.last_day:
            rent, service = self._rates(_rent_year(monday))
            charged = not _rent_free(monday, self.h.rent_weeks)
            if charged:
                self._charge(monday, rent, service)
            if self.payer.benefit == "uc":
                self._uc_credit(monday, rent, service)
            self._tenant_pays(monday, week, rent, service, charged)
            self._maybe_dhp(monday, rent)
            self._maybe_court(monday, rent)
            self._maybe_recharge(monday)
            monday += WEEK
            week += 1

    def _rates(self, year: int) -> tuple[int, int]:
        """The weekly rent and service charge in rent year ``year`` (back-dated from today's)."""
        rates = self.rates.get(year)
        if rates is None:
            rates = self.rates[year] = (
                _back_date(self.h.rent, year, self.now_year),
                _back_date(self.h.service, year, self.now_year),
            )
        return rates

    def _charge(self, monday: date, rent: int, service: int) -> None:
        """The Monday debits, and Housing Benefit against the rent."""
        self.add(monday, "RENT", rent, "Rent")
        self.balance += rent
        if service:
            self.add(monday, "SERVICE", service, "Service charge")
            self.balance += service
        if self.payer.benefit == "hb":
            hb = -round(rent * self.payer.share)
            self.add(monday, "HB", hb, "Housing Benefit")
            self.balance += hb

    def _uc_credit(self, monday: date, rent: int, service: int) -> None:
        """Universal Credit housing costs, monthly on the claim's payment day."""
        h, payer = self.h, self.payer
        for d in range(7):
            day = monday + timedelta(days=d)
            if day.day == payer.uc_day and payer.uc_first <= day <= self.last_day:
                uc = -round((rent + service) * h.rent_weeks * payer.share / 12)
                self.add(day, "UC", uc, "Universal Credit housing costs (APA)")
                self.balance += uc

    def _tenant_pays(
        self, monday: date, week: int, rent: int, service: int, charged: bool
    ) -> None:
        """The tenant's own payment towards what benefit leaves, in round tens of pence, if
        one falls due this week; missed, it is owed as catch-up."""
        h, payer = self.h, self.payer
        weekly_due = (rent + service) * h.rent_weeks // 52  # averaged over the year
        covered = rent if payer.benefit == "hb" else rent + service
        own = weekly_due - round(covered * payer.share) * h.rent_weeks // 52
        if payer.benefit == "none" or monday >= payer.uc_first:
            own = -(-own // 10) * 10
        else:
            own = weekly_due
        due_now = False
        if payer.period == 1:  # weekly payers pay what is charged, and nothing in free weeks
            due_now = charged
            amount = own * 52 // h.rent_weeks
        elif payer.period:
            due_now = week % payer.period == 0
            amount = own * payer.period
        else:
            pay_date = monday + timedelta(days=payer.pay_day)
            due_now = pay_date.day <= 7  # the first week of each month
            amount = own * 52 // 12
        if due_now and amount > 0:
            day = monday + timedelta(days=payer.pay_day)
            if day <= self.last_day and self.r.random() >= payer.p_miss:
                self._pay(day, amount)
            else:
                self.catch_up += amount

    def _pay(self, day: date, amount: int) -> None:
        """A payment made: sometimes short, sometimes making up what was missed, with the
        court order's instalment on top once there is one."""
        r, payer = self.r, self.payer
        pay = amount + payer.overpay
        if r.random() < payer.p_short:
            pay = pay * r.randint(30, 90) // 100
        if pay < amount:
            self.catch_up += amount - pay
        elif self.catch_up and r.random() < payer.p_catch:
            pay += self.catch_up
            self.catch_up = 0
        if self.court_on is not None:
            pay += r.choice([385, 500, 1000])  # paying the court order as well
        method = r.choice(
            [
                "Payment - allpay",
                "Payment - direct debit",
                "Payment - card",
                "Payment - standing order",
            ]
        )
        self.add(day, "PAYMENT", -pay, method)
        self.balance -= pay

    def _maybe_dhp(self, monday: date, rent: int) -> None:
        """A Discretionary Housing Payment, now and then, to someone with a shortfall."""
        payer = self.payer
        if (
            not self.dhp_done
            and payer.share < 1.0
            and payer.benefit != "none"
            and self.balance > 4 * rent
            and self.r.random() < 0.05
        ):
            dhp = -self.r.randint(10, 60) * 1000
            self.add(monday + timedelta(days=2), "DHP", dhp, "Discretionary Housing Payment")
            self.balance += dhp
            self.dhp_done = True

    def _maybe_court(self, monday: date, rent: int) -> None:
        """Court action (its costs on the account) on heavy arrears, at most once."""
        r = self.r
        garage = self.h.tenure == "garage"
        if self.court_on is None and not garage and self.balance > 10 * rent and r.random() < 0.02:
            self.court_on = court_on = monday + timedelta(days=3)
            costs = 35500 if r.random() < 0.7 else 35500 + 6950
            self.add(court_on, "COURT_COSTS", costs, "Court costs - possession claim")
            self.balance += costs
            self.court_balance = self.balance

    def _maybe_recharge(self, monday: date) -> None:
        """A rechargeable repair, rarely; the tenant owes it on top."""
        r = self.r
        if r.random() < 0.0015:
            recharge = r.randint(25, 400) * 100
            self.add(monday + timedelta(days=1), "RECHARGE", recharge, "Rechargeable repair")
            self.balance += recharge
            self.catch_up += recharge

    def close(self, as_of: date) -> None:
        """A former tenancy: small debts written off, credits refunded, some arrears paid;
        now and then a current one gets compensation off its arrears."""
        r, h, balance = self.r, self.h, self.balance
        if h.end is not None:
            after = h.end + timedelta(days=r.randint(20, 90))
            if after <= as_of:
                if 0 < balance < 5000 and r.random() < 0.7:
                    self.add(after, "WRITE_OFF", -balance, "Former tenant arrears written off")
                    self.balance = 0
                elif balance < 0 and r.random() < 0.8:
                    self.add(after, "REFUND", -balance, "Refund of credit")
                    self.balance = 0
                elif balance > 0 and r.random() < 0.3:
                    pay = min(balance, r.randint(5, 50) * 100)
                    self.add(after, "PAYMENT", -pay, "Former tenant arrears payment")
                    self.balance -= pay
        elif balance > 0 and r.random() < 0.01:
            # Left out of the balance returned, as it always has been: the action history and
            # the summary's arrears count were made from the balance before it.
            self.add(
                as_of - timedelta(days=r.randint(1, 60)),
                "ADJUSTMENT",
                -min(balance, 2500),
                "Adjustment - disrepair compensation",
            )

    def result(self) -> _Account:
        """The account, its lines in date order."""
        self.lines.sort(key=lambda x: x[0])
        payer = self.payer
        new_claim = payer.benefit == "uc" and payer.uc_first != self.first
        return _Account(
            self.lines,
            self.balance,
            self.court_on,
            self.court_balance,
            payer.benefit,
            payer.frequency,
            payer.uc_first if new_claim else None,
        )


TENANCY_HEADER = [
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
]
TENANT_HEADER = [
    "tenancy_ref",
    "person_ref",
    "title",
    "first_name",
    "last_name",
    "date_of_birth",
    "phone",
    "email",
    "lead",
]
TRANSACTION_HEADER = [
    "tenancy_ref", "transaction_ref", "posted_on", "type", "amount", "description"
]
ARRANGEMENT_HEADER = [
    "tenancy_ref",
    "arrangement_ref",
    "kind",
    "start_date",
    "frequency",
    "instalment",
    "starting_balance",
    "status",
]
ACTION_HEADER = ["tenancy_ref", "action_ref", "date", "code", "until", "note"]
#: A few tenancies are made to show every feature even in a small council.
SHOWCASE = ("garage", "former", "non_latin", "w48", "w50", "w52", "hb", "uc")


@dataclass
class _Export:
    """The export's rows as they are made, and the counts the summary reports."""

    tenancies: list[list[str]] = field(default_factory=list)
    people: list[list[str]] = field(default_factory=list)
    ledger: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    arrangements: list[list[str]] = field(default_factory=list)
    cases: list[DemoCase] = field(default_factory=list)
    in_arrears: int = 0
    former: int = 0


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
    owner, unassigned = _deal(council.rng, tenancies, officers)
    showcase = council.rng.sample(range(tenancies), min(tenancies, len(SHOWCASE)))
    forced: dict[int, str] = dict(zip(showcase, SHOWCASE, strict=False))
    export = _Export()
    for i in range(tenancies):
        _add_tenancy(council, export, i, forced.get(i, ""), owner[i])
    _write(folder / "tenancies.csv", TENANCY_HEADER, export.tenancies)
    _write(folder / "tenants.csv", TENANT_HEADER, export.people)
    _write(folder / "transactions.csv", TRANSACTION_HEADER, export.ledger)
    _write(folder / "arrangements.csv", ARRANGEMENT_HEADER, export.arrangements)
    c_rows = action_rows(
        export.cases, seed=seed, as_of=council.as_of, history_start=council.history_start
    )
    _write(folder / "actions.csv", ACTION_HEADER, c_rows)
    return DemoSummary(
        out=folder,
        tenancies=tenancies,
        people=len(export.people),
        ledger_lines=len(export.ledger),
        arrangements=len(export.arrangements),
        actions=len(c_rows),
        officers=officers,
        in_arrears=export.in_arrears,
        former=export.former,
        unassigned=unassigned,
    )


def _deal(r: random.Random, tenancies: int, officers: int) -> tuple[dict[int, int | None], int]:
    """Who is whose: shuffle, leave ~5% unassigned, deal the rest round the officers. Returns
    each tenancy's officer index (None: unassigned) and how many are unassigned."""
    order = list(range(tenancies))
    r.shuffle(order)
    unassigned = round(tenancies * 0.05)
    owner: dict[int, int | None] = {}
    for pos, i in enumerate(order):
        owner[i] = None if pos < unassigned else (pos - unassigned) % officers
    return owner, unassigned


def _add_tenancy(
    council: _Council, export: _Export, i: int, feature: str, k: int | None
) -> None:
    """The ``i``-th tenancy (officer index ``k``; ``feature`` one of SHOWCASE or ""): its
    household, people, ledger lines, arrangement and tenancy row, added to ``export``."""
    h = council.household(i, feature, k)
    people = council.people(h.tenure)
    if feature == "non_latin":
        script = council.rng.choice(NON_LATIN)
        first, last = council.name(script, True)
        people[0][3], people[0][4] = first, last
    for p in people:
        p[0] = h.ref
    export.people.extend(people)

    account = council.ledger(h, feature if feature in ("hb", "uc") else None)
    for day, kind, pence, text in account.lines:
        council.tx_no += 1
        export.ledger.append(
            (h.ref, f"TX{council.tx_no:09d}", council.date_iso(day), kind, _pounds(pence), text)
        )
    if account.balance > 0:
        export.in_arrears += 1
    if h.end is not None:
        export.former += 1
    case = DemoCase(
        ref=h.ref,
        tenure=h.tenure,
        start=h.start,
        end=h.end,
        weekly=h.rent + h.service,
        lines=account.lines,
        balance=account.balance,
        court_on=account.court_on,
        benefit=account.benefit,
        frequency=account.frequency,
        uc_first=account.uc_first,
    )
    export.cases.append(case)
    arrangement = council.arrangement(h, account)
    if arrangement is not None:
        row, case.arrangement = arrangement
        export.arrangements.append(row)
    export.tenancies.append(
        [
            h.ref,
            h.address,
            h.postcode,
            h.tenure,
            council.date_iso(h.start),
            council.date_iso(h.end) if h.end else "",
            _pounds(h.rent),
            _pounds(h.service) if h.service else "",
            str(h.rent_weeks),
            h.officer,
            h.patch,
        ]
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
