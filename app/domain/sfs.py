"""Income and expenditure on the Standard Financial Statement (docs/rules.md A1-A5, W1).

Pure values and functions: no Qt, SQL or HTTP; safe on any thread. Money is integer pence,
never a float.

- **The structure** is the SFS's own, unchanged (A2: nothing added, nothing removed): three
  sections (income, fixed costs, flexible costs), each of groups (:data:`GROUPS`, in SFS order),
  each of headings (:data:`HEADINGS`) keyed by the field names of the SFS v1.1 data-entry format
  (``client-salary-or-wages``, ``rent``, ``groceries`` ...). A heading may carry several lines;
  they add up. ``other-essential-costs`` is the SFS's one *list*: its lines stay separate items.
- **Conversion (A4).** Each line is entered with its own frequency and converted to monthly on
  its own, rounded half up to the penny (:func:`to_monthly_pence`); totals are sums of those
  rounded lines, so a total always equals the sum of what the statement shows.
- **Totals (A3).** income, fixed, flexible, outgoings = fixed + flexible, surplus = income −
  outgoings, available for priority debts = surplus − savings − debt admin fee; the largest
  rent-arrears offer = available for priority − the other priority offers (negative when the
  budget does not balance: shown, never clamped), and per week = monthly × 12/52 half up;
  available for non-priority debts = available for priority − every priority offer, the
  rent-arrears offer included (0 when none is agreed).
- **Explained.** Every total is an :class:`Explained`: its pence and the signed parts that sum to
  it exactly (``sum(part.pence) == pence`` always), for the screen's "where this comes from".
- **Negative budget.** :attr:`Budget.shortfall` is true when nothing is left for the rent
  arrears; :attr:`Budget.drivers` then lists the largest outgoings behind it.

Household: ``adults`` are the client and any partner; ``non_dependants`` are other adults who
pay their own way; ``other_dependants`` are dependants who are not children.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction

from app.domain.display import format_pence
from app.domain.money import round_half_up_pence
from app.domain.text import text_problem

INCOME = "income"
FIXED = "fixed"
FLEXIBLE = "flexible"
SECTIONS: tuple[str, ...] = (INCOME, FIXED, FLEXIBLE)
SECTION_LABELS: Mapping[str, str] = {
    INCOME: "Income",
    FIXED: "Fixed costs",
    FLEXIBLE: "Flexible costs",
}


class SfsError(ValueError):
    """An assessment that cannot be built (unknown heading, negative amount ...); says why."""


# --- frequencies and conversion (A4) -----------------------------------------------------------


class Frequency(StrEnum):
    """How often an amount is paid; the value is the name used in files and on the wire."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    FOUR_WEEKLY = "four-weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


# frequency -> (numerator, denominator) of the factor to monthly (A4).
_TO_MONTHLY: Mapping[Frequency, tuple[int, int]] = {
    Frequency.WEEKLY: (52, 12),
    Frequency.FORTNIGHTLY: (26, 12),
    Frequency.FOUR_WEEKLY: (13, 12),
    Frequency.MONTHLY: (1, 1),
    Frequency.QUARTERLY: (1, 3),
    Frequency.ANNUAL: (1, 12),
}
_FACTOR_TEXT: Mapping[Frequency, str] = {
    Frequency.WEEKLY: "× 52 / 12",
    Frequency.FORTNIGHTLY: "× 26 / 12",
    Frequency.FOUR_WEEKLY: "× 13 / 12",
    Frequency.MONTHLY: "",
    Frequency.QUARTERLY: "÷ 3",
    Frequency.ANNUAL: "÷ 12",
}
FREQUENCY_ALIASES: Mapping[str, Frequency] = {"four_weekly": Frequency.FOUR_WEEKLY}


def parse_frequency(text: str) -> Frequency:
    """``"four-weekly"`` (or ``"four_weekly"``) -> :attr:`Frequency.FOUR_WEEKLY`; else SfsError."""
    if text in FREQUENCY_ALIASES:
        return FREQUENCY_ALIASES[text]
    try:
        return Frequency(text)
    except ValueError:
        names = ", ".join(repr(f.value) for f in Frequency)
        raise SfsError(f"{text!r} is not one of {names}") from None


def to_monthly_pence(amount_pence: int, frequency: Frequency) -> int:
    """One amount as a monthly amount, rounded half up to the penny (A4; W1, W3).

    £112.50 weekly -> £487.50; £173.20 four-weekly -> £187.63; £174.50 a year -> £14.54.
    """
    numerator, denominator = _TO_MONTHLY[frequency]
    return round_half_up_pence(Fraction(amount_pence * numerator, denominator))


def monthly_to_weekly_pence(monthly_pence: int) -> int:
    """Monthly × 12 / 52, half up (A4): £190.93 a month -> £44.06 a week (W1)."""
    return round_half_up_pence(Fraction(monthly_pence * 12, 52))


def conversion_text(amount_pence: int, frequency: Frequency) -> str:
    """How a line became monthly, for people: ``£173.20 four-weekly × 13 / 12 = £187.63``."""
    monthly = to_monthly_pence(amount_pence, frequency)
    if frequency is Frequency.MONTHLY:
        return f"{format_pence(amount_pence)} monthly"
    return (
        f"{format_pence(amount_pence)} {frequency.value} {_FACTOR_TEXT[frequency]} "
        f"= {format_pence(monthly)}"
    )


# --- the SFS structure (A1, A2) ---------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """One SFS field: its key in the data-entry format, a label for people, where it sits."""

    key: str
    label: str
    section: str
    group: str


@dataclass(frozen=True)
class Group:
    """One SFS group of headings, with the key of its total in the data-entry format.

    ``listed`` groups (other essential costs) hold a list of items rather than fixed fields.
    """

    key: str
    label: str
    section: str
    total_key: str
    headings: tuple[Heading, ...]
    listed: bool = False


def _group(
    section: str,
    key: str,
    label: str,
    headings: Iterable[tuple[str, str]],
    *,
    total_key: str | None = None,
    listed: bool = False,
) -> Group:
    return Group(
        key=key,
        label=label,
        section=section,
        total_key=total_key or f"total-{key}",
        headings=tuple(Heading(k, text, section, key) for k, text in headings),
        listed=listed,
    )


GROUPS: tuple[Group, ...] = (
    _group(
        INCOME,
        "earnings",
        "Earnings",
        [
            ("client-salary-or-wages", "Client's salary or wages"),
            ("partner-salary-or-wages", "Partner's salary or wages"),
            ("other-earnings", "Other earnings"),
        ],
    ),
    _group(
        INCOME,
        "benefits",
        "Benefits",
        [
            ("tax-credits-universal-credit", "Tax credits / Universal Credit"),
            ("jobseekers-allowance-income-based", "Jobseeker's Allowance (income-based)"),
            (
                "jobseekers-allowance-contribution-based",
                "Jobseeker's Allowance (contribution-based)",
            ),
            ("income-support", "Income Support"),
            ("working-tax-credit", "Working Tax Credit"),
            ("child-tax-credit", "Child Tax Credit"),
            ("child-benefit", "Child Benefit"),
            ("employment-support-allowance", "Employment and Support Allowance"),
            ("disability-benefits", "Disability benefits"),
            ("carers-allowance", "Carer's Allowance"),
            ("local-housing-allowance", "Housing Benefit / Local Housing Allowance"),
            ("council-tax-support", "Council Tax Support"),
            ("other-benefits", "Other benefits"),
        ],
    ),
    _group(
        INCOME,
        "pensions",
        "Pensions",
        [
            ("state-pensions", "State pension"),
            ("private-work-pensions", "Private or work pensions"),
            ("pension-credit", "Pension Credit"),
            ("other-pensions", "Other pensions"),
        ],
    ),
    _group(
        INCOME,
        "other-income",
        "Other income",
        [
            ("maintenance-child-support", "Maintenance / child support"),
            ("boarders-lodgers", "Boarders or lodgers"),
            ("non-dependants-contributions", "Non-dependants' contributions"),
            ("student-loans-grants", "Student loans and grants"),
            ("other-other-income", "Other income"),
        ],
    ),
    _group(
        FIXED,
        "home-contents",
        "Home and contents",
        [
            ("rent", "Rent"),
            ("ground-rent-service-charges", "Ground rent and service charges"),
            ("mortgage", "Mortgage"),
            ("mortgage-endowment", "Mortgage endowment"),
            ("secured-loans", "Secured loans"),
            ("council-tax-rates", "Council tax"),
            ("appliance-furniture-rental", "Appliance and furniture rental"),
            ("tv-licence", "TV licence"),
            ("other-home-contents", "Other home and contents costs"),
        ],
    ),
    _group(
        FIXED,
        "utilities",
        "Utilities",
        [
            ("gas", "Gas"),
            ("electricity", "Electricity"),
            ("other-utilities", "Other utilities"),
            ("other-utilities-expenditure", "Other utilities expenditure"),
        ],
    ),
    _group(
        FIXED,
        "water",
        "Water",
        [("water-supply", "Water supply"), ("water-waste", "Water waste")],
    ),
    _group(
        FIXED,
        "care-health",
        "Care and health costs",
        [
            ("childcare-costs", "Childcare"),
            ("adult-care-costs", "Adult care"),
            ("child-maintenance-child-support", "Child maintenance / child support paid"),
            ("prescriptions-medicines", "Prescriptions and medicines"),
            ("dentistry-opticians", "Dentist and optician"),
            ("other-care-health", "Other care and health costs"),
        ],
    ),
    _group(
        FIXED,
        "transport-travel",
        "Transport and travel",
        [
            ("public-transport", "Public transport"),
            ("hire-purchase-conditional-sale-vehicle", "Hire purchase on a vehicle"),
            ("car-insurance", "Car insurance"),
            ("road-tax", "Road tax"),
            ("mot-ongoing-maintenance", "MOT and maintenance"),
            ("breakdown-cover", "Breakdown cover"),
            ("fuel-parking-toll-road-charges", "Fuel, parking and tolls"),
            ("other-transport-travel", "Other transport and travel"),
        ],
    ),
    _group(
        FIXED,
        "school",
        "School costs",
        [
            ("school-uniform", "School uniform"),
            ("after-school-clubs-school-trips", "After-school clubs and school trips"),
            ("other-school", "Other school costs"),
        ],
    ),
    _group(
        FIXED,
        "pensions-insurance",
        "Pensions and insurances",
        [
            ("pension-payments", "Pension payments"),
            ("life-insurance", "Life insurance"),
            ("mortgage-payment-protection-insurance", "Mortgage payment protection"),
            ("buildings-contents-insurance", "Buildings and contents insurance"),
            ("health-insurance", "Health insurance"),
            ("other-pensions-insurances", "Other pensions and insurances"),
        ],
        total_key="total-pensions-insurances",
    ),
    _group(
        FIXED,
        "professional",
        "Professional costs",
        [
            ("professional-courses", "Professional courses"),
            ("union-fees", "Union fees"),
            ("professional-fees", "Professional fees"),
            ("other-professional", "Other professional costs"),
        ],
    ),
    _group(
        FIXED,
        "other-essential",
        "Other essential costs",
        [("other-essential-costs", "Other essential costs")],
        listed=True,
    ),
    _group(
        FLEXIBLE,
        "communications-leisure",
        "Communications and leisure",
        [
            ("home-phone-internet-tv", "Home phone, internet and TV"),
            ("mobile-phone", "Mobile phone"),
            ("hobbies-leisure-sport", "Hobbies, leisure and sport"),
            ("gifts", "Gifts"),
            ("pocket-money", "Pocket money"),
            ("newspapers-magazines-stationery-postage", "Newspapers, stationery and postage"),
            ("other-communications-leisure", "Other communications and leisure"),
        ],
    ),
    _group(
        FLEXIBLE,
        "food-housekeeping",
        "Food and housekeeping",
        [
            ("groceries", "Groceries"),
            ("nappies-baby-items", "Nappies and baby items"),
            ("school-work-meals", "School and work meals"),
            ("laundry-dry-cleaning", "Laundry and dry cleaning"),
            ("alcohol", "Alcohol"),
            ("smoking-products", "Smoking products"),
            ("vet-bills-pet-insurance", "Vet bills and pet insurance"),
            ("house-repairs-maintenance", "House repairs and maintenance"),
            ("other-food-housekeeping", "Other food and housekeeping"),
        ],
    ),
    _group(
        FLEXIBLE,
        "personal",
        "Personal costs",
        [
            ("clothing-footwear", "Clothing and footwear"),
            ("hairdressing", "Hairdressing"),
            ("toiletries", "Toiletries"),
            ("other-personal", "Other personal costs"),
        ],
    ),
)
GROUPS_BY_KEY: Mapping[str, Group] = {g.key: g for g in GROUPS}
HEADINGS: Mapping[str, Heading] = {h.key: h for g in GROUPS for h in g.headings}


def heading(key: str) -> Heading:
    """The heading with this SFS key, or SfsError naming the unknown key."""
    try:
        return HEADINGS[key]
    except KeyError:
        raise SfsError(f"{key!r} is not an SFS heading") from None


# --- the input ---------------------------------------------------------------------------------


def _check_pence(name: str, value: object, *, allow_negative: bool = False) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SfsError(f"{name} must be a whole number of pence")
    if value < 0 and not allow_negative:
        raise SfsError(f"{name} must be >= 0")


def _check_count(name: str, value: object, minimum: int = 0) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise SfsError(f"{name} must be a whole number >= {minimum}")


@dataclass(frozen=True)
class Line:
    """One amount entered under an SFS heading, at its own frequency, with an optional note."""

    heading: str
    amount_pence: int
    frequency: Frequency = Frequency.MONTHLY
    note: str = ""

    def __post_init__(self) -> None:
        heading(self.heading)
        _check_pence("amount_pence", self.amount_pence)
        if not isinstance(self.frequency, Frequency):
            raise SfsError(f"frequency must be a Frequency, not {self.frequency!r}")

    @property
    def monthly_pence(self) -> int:
        """This line alone converted to monthly, rounded half up (A4)."""
        return to_monthly_pence(self.amount_pence, self.frequency)


@dataclass(frozen=True)
class Household:
    """Who lives there (the SFS household block; A6 keys the guidelines on it)."""

    adults: int = 1
    children_under_16: int = 0
    children_16_18: int = 0
    other_dependants: int = 0
    non_dependants: int = 0
    vehicles: int = 0

    def __post_init__(self) -> None:
        _check_count("adults", self.adults, 1)
        for name in (
            "children_under_16",
            "children_16_18",
            "other_dependants",
            "non_dependants",
            "vehicles",
        ):
            _check_count(name, getattr(self, name))

    @property
    def children(self) -> int:
        """Dependent children of every age band."""
        return self.children_under_16 + self.children_16_18

    @property
    def people(self) -> int:
        """Everyone in the household (vehicles aside)."""
        return self.adults + self.children + self.other_dependants + self.non_dependants


MAX_CREDITOR = 200
"""The longest creditor name kept, in characters (the laptop and the central store)."""


@dataclass(frozen=True)
class PriorityDebt:
    """One of the *other* priority debts (A5): creditor, amount owed, monthly offer.

    The rent arrears this assessment is about are not one of these: their offer is
    :attr:`Assessment.rent_offer_pence`, the figure the assessment works out.
    """

    creditor: str
    owed_pence: int = 0
    offer_pence: int = 0
    note: str = ""

    def __post_init__(self) -> None:
        _check_pence("owed_pence", self.owed_pence)
        _check_pence("offer_pence", self.offer_pence)


@dataclass(frozen=True)
class NonPriorityDebt:
    """A non-priority debt (A5): creditor, amount owed, monthly offer, county court judgment."""

    creditor: str
    owed_pence: int = 0
    offer_pence: int = 0
    ccj: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        _check_pence("owed_pence", self.owed_pence)
        _check_pence("offer_pence", self.offer_pence)


@dataclass(frozen=True)
class Assessment:
    """An income and expenditure assessment as entered: the input of :func:`assess`.

    Savings contribution, debt admin fee, offers and ``rent_offer_pence`` (the offer agreed off
    the rent arrears, None until one is) are monthly pence. ``priority_debts`` are the other
    priority debts.
    """

    assessed_on: date
    household: Household = field(default_factory=Household)
    lines: tuple[Line, ...] = ()
    savings_pence: int = 0
    admin_fee_pence: int = 0
    priority_debts: tuple[PriorityDebt, ...] = ()
    non_priority_debts: tuple[NonPriorityDebt, ...] = ()
    rent_offer_pence: int | None = None

    def __post_init__(self) -> None:
        _check_pence("savings_pence", self.savings_pence)
        _check_pence("admin_fee_pence", self.admin_fee_pence)
        if self.rent_offer_pence is not None:
            _check_pence("rent_offer_pence", self.rent_offer_pence)


# --- the result --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One signed part of a total: what it is, its monthly pence, and how it was worked out."""

    label: str
    pence: int
    detail: str = ""


@dataclass(frozen=True)
class Explained:
    """A total and the parts it is the exact sum of (invariant: ``sum(parts) == pence``)."""

    pence: int
    parts: tuple[Contribution, ...]

    @staticmethod
    def of(parts: Iterable[Contribution]) -> Explained:
        """The total of these parts."""
        kept = tuple(parts)
        return Explained(sum(p.pence for p in kept), kept)

    def as_part(self, label: str, *, negate: bool = False) -> Contribution:
        """This total as one part of another (negated when it is taken away)."""
        return Contribution(label, -self.pence if negate else self.pence)


@dataclass(frozen=True)
class ConvertedLine:
    """A line with its heading and its own monthly amount (converted, rounded)."""

    line: Line
    heading: Heading
    monthly_pence: int

    @property
    def contribution(self) -> Contribution:
        """This line as a part of its total, labelled for people."""
        label = self.heading.label + (f" ({self.line.note})" if self.line.note else "")
        return Contribution(
            label,
            self.monthly_pence,
            conversion_text(self.line.amount_pence, self.line.frequency),
        )


@dataclass(frozen=True)
class GroupTotal:
    """One SFS group's monthly total and the lines in it (every group appears, 0 if empty)."""

    group: Group
    lines: tuple[ConvertedLine, ...]

    @property
    def pence(self) -> int:
        """The sum of the group's rounded lines."""
        return sum(c.monthly_pence for c in self.lines)

    def heading_pence(self, key: str) -> int:
        """The monthly total of one heading's lines (0 when none)."""
        return sum(c.monthly_pence for c in self.lines if c.heading.key == key)


@dataclass(frozen=True)
class Budget:
    """Every figure of an assessment (A3), each total explained.

    ``max_rent_offer_monthly`` may be negative: the budget does not balance and ``shortfall``
    is true, with ``drivers`` the largest outgoings, priority offers and deductions behind it.
    """

    assessment: Assessment
    lines: tuple[ConvertedLine, ...]
    groups: tuple[GroupTotal, ...]
    income: Explained
    fixed: Explained
    flexible: Explained
    outgoings: Explained
    surplus: Explained
    available_for_priority: Explained
    other_priority_offers: Explained
    max_rent_offer_monthly: Explained
    max_rent_offer_weekly_pence: int
    rent_offer_monthly_pence: int
    available_for_non_priority: Explained
    drivers: tuple[Contribution, ...]

    @property
    def shortfall(self) -> bool:
        """True when nothing is left for the rent arrears (the largest offer is below 0)."""
        return self.max_rent_offer_monthly.pence < 0

    def group(self, key: str) -> GroupTotal:
        """One group's total by its SFS key (``"food-housekeeping"``)."""
        for total in self.groups:
            if total.group.key == key:
                return total
        raise SfsError(f"{key!r} is not an SFS group")

    def group_totals(self) -> dict[str, int]:
        """Every group's monthly pence by SFS key."""
        return {t.group.key: t.pence for t in self.groups}


DRIVER_COUNT = 5


def _debt_label(debt: PriorityDebt, index: int) -> str:
    return debt.creditor or f"Priority debt {index}"


def text_problem_of(assessment: Assessment) -> str | None:
    """The first free text of ``assessment`` that cannot be kept (``app.domain.text``), named
    as the officer sees it ("the note on Earnings: ..."); None when all of it can."""
    for line in assessment.lines:
        problem = text_problem(line.note)
        if problem is not None:
            return f"the note on {HEADINGS[line.heading].label}: {problem}"
    debts: tuple[tuple[str, Sequence[PriorityDebt | NonPriorityDebt]], ...] = (
        ("priority debt", assessment.priority_debts),
        ("other debt", assessment.non_priority_debts),
    )
    for kind, listed in debts:
        for number, debt in enumerate(listed, 1):
            for what, value in (("creditor", debt.creditor), ("note", debt.note)):
                problem = text_problem(value)
                if problem is not None:
                    return f"the {what} of {kind} {number}: {problem}"
    return None


def assess(assessment: Assessment) -> Budget:
    """Convert every line, total every group and section, and work out A3's figures."""
    converted = tuple(
        ConvertedLine(line, HEADINGS[line.heading], line.monthly_pence) for line in assessment.lines
    )
    groups = tuple(
        GroupTotal(g, tuple(c for c in converted if c.heading.group == g.key)) for g in GROUPS
    )
    by_section = {
        s: Explained.of(c.contribution for c in converted if c.heading.section == s)
        for s in SECTIONS
    }
    income, fixed, flexible = by_section[INCOME], by_section[FIXED], by_section[FLEXIBLE]
    outgoings = Explained.of(
        [fixed.as_part(SECTION_LABELS[FIXED]), flexible.as_part(SECTION_LABELS[FLEXIBLE])]
    )
    surplus = Explained.of([income.as_part("Income"), outgoings.as_part("Outgoings", negate=True)])
    savings = Contribution("Savings contribution", -assessment.savings_pence)
    admin_fee = Contribution("Debt admin fee", -assessment.admin_fee_pence)
    available = Explained.of([*surplus.parts, savings, admin_fee])
    others = Explained.of(
        Contribution(_debt_label(d, i), d.offer_pence)
        for i, d in enumerate(assessment.priority_debts, start=1)
    )
    max_monthly = Explained.of(
        [
            available.as_part("Available for priority debts"),
            *(Contribution(p.label, -p.pence, "other priority offer") for p in others.parts),
        ]
    )
    weekly = monthly_to_weekly_pence(max_monthly.pence)
    rent_offer = assessment.rent_offer_pence or 0
    non_priority = Explained.of(
        [
            *max_monthly.parts,
            Contribution("Rent-arrears offer", -rent_offer, "agreed offer off the rent arrears"),
        ]
    )
    return Budget(
        assessment=assessment,
        lines=converted,
        groups=groups,
        income=income,
        fixed=fixed,
        flexible=flexible,
        outgoings=outgoings,
        surplus=surplus,
        available_for_priority=available,
        other_priority_offers=others,
        max_rent_offer_monthly=max_monthly,
        max_rent_offer_weekly_pence=weekly,
        rent_offer_monthly_pence=rent_offer,
        available_for_non_priority=non_priority,
        drivers=_drivers(converted, others, savings, admin_fee) if max_monthly.pence < 0 else (),
    )


def _drivers(
    converted: tuple[ConvertedLine, ...],
    others: Explained,
    savings: Contribution,
    admin_fee: Contribution,
) -> tuple[Contribution, ...]:
    """The largest things taken from income (by heading), biggest first, ties by SFS order."""
    by_heading: dict[str, int] = {}
    for c in converted:
        if c.heading.section != INCOME:
            by_heading[c.heading.key] = by_heading.get(c.heading.key, 0) + c.monthly_pence
    candidates = [
        Contribution(HEADINGS[key].label, pence, SECTION_LABELS[HEADINGS[key].section])
        for key, pence in by_heading.items()
    ]
    candidates += [Contribution(p.label, p.pence, "priority offer") for p in others.parts]
    candidates += [
        Contribution(c.label, -c.pence, "deduction") for c in (savings, admin_fee) if c.pence
    ]
    ranked = sorted(
        (c for c in candidates if c.pence > 0), key=lambda c: -c.pence
    )  # stable: SFS order breaks ties
    return tuple(ranked[:DRIVER_COUNT])
