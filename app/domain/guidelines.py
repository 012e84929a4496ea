"""SFS spending guidelines ("trigger figures") and the flags they raise (docs/rules.md A6, A7, W2).

Pure values and functions; safe on any thread. No figures ship with Doorstep: the guidelines
are licensed to SFS members, who import their table as CSV text; tests use fictional figures.

**The CSV** has a header and one row per figure::

    category,household_key,amount,effective_from
    food-housekeeping,base_2_adults,420.00,2026-04-06
    food-housekeeping,per_child,110.00,2026-04-06

- ``category``: a flexible-cost group of the SFS, by its data-entry key:
  ``communications-leisure``, ``food-housekeeping``, ``personal`` (the only categories that
  have guidelines, A6).
- ``household_key`` (see :data:`HOUSEHOLD_KEYS`): the household's guideline is a base by the
  number of adults (the client and any partner) plus increments:

  - ``base_1_adult`` for one adult, ``base_2_adults`` for two or more;
  - ``per_additional_adult`` for each adult beyond two and each other dependant;
  - ``per_child`` for each dependent child (under 16 or 16-18);
  - ``per_vehicle`` for each vehicle.

  Non-dependants add nothing (they pay their own way; their contribution is income). An
  increment the table does not list adds £0; a *base* it does not list means no guideline for
  that household, which is a warning, never a silent pass.
- ``amount``: pounds a month, at most two decimals (``420``, ``420.00``), never negative.
- ``effective_from``: ISO date. Rows sharing an ``effective_from`` make one table; an
  assessment uses the table with the latest ``effective_from`` on or before its date (A7: new
  figures apply from the first Monday in April).

**Flags.** A flexible category whose monthly total is above its guideline is flagged with the
amount over ("£45.00 above guideline: comment required"); at or below, nothing. With no table in
force on the assessment date the check says so ("no guideline table").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from app.domain.days import DayError, parse_day
from app.domain.display import format_pence
from app.domain.money import AmountError, parse_pounds
from app.domain.sfs import GROUPS_BY_KEY, Budget, Household

CATEGORIES: tuple[str, ...] = ("communications-leisure", "food-housekeeping", "personal")
BASE_1_ADULT = "base_1_adult"
BASE_2_ADULTS = "base_2_adults"
PER_ADDITIONAL_ADULT = "per_additional_adult"
PER_CHILD = "per_child"
PER_VEHICLE = "per_vehicle"
HOUSEHOLD_KEYS: tuple[str, ...] = (
    BASE_1_ADULT,
    BASE_2_ADULTS,
    PER_ADDITIONAL_ADULT,
    PER_CHILD,
    PER_VEHICLE,
)
CSV_COLUMNS: tuple[str, ...] = ("category", "household_key", "amount", "effective_from")
NO_TABLE = "no guideline table"


class GuidelineError(ValueError):
    """A guideline table that cannot be used; names the line and column when it came from CSV."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        where = ", ".join(
            part
            for part in (
                f"line {line}" if line is not None else "",
                f"column {column}" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.line = line
        self.column = column
        self.reason = message


@dataclass(frozen=True)
class GuidelineRow:
    """One figure of a licensed table: £/month for a category and household key, from a date."""

    category: str
    household_key: str
    amount_pence: int
    effective_from: date

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise GuidelineError(
                f"{self.category!r} is not one of {', '.join(CATEGORIES)}", column="category"
            )
        if self.household_key not in HOUSEHOLD_KEYS:
            raise GuidelineError(
                f"{self.household_key!r} is not one of {', '.join(HOUSEHOLD_KEYS)}",
                column="household_key",
            )
        if (
            not isinstance(self.amount_pence, int)
            or isinstance(self.amount_pence, bool)
            or self.amount_pence < 0
        ):
            raise GuidelineError("must be a whole number of pence >= 0", column="amount")


@dataclass(frozen=True)
class GuidelineTable:
    """The figures in force from one date: ``(category, household_key) -> pence a month``."""

    effective_from: date
    amounts: Mapping[tuple[str, str], int]

    def guideline_pence(self, category: str, household: Household) -> int | None:
        """The household's guideline for a category; None when the table has no base for it."""
        base_key = BASE_1_ADULT if household.adults == 1 else BASE_2_ADULTS
        base = self.amounts.get((category, base_key))
        if base is None:
            return None
        extra_adults = max(household.adults - 2, 0) + household.other_dependants
        return (
            base
            + extra_adults * self.amounts.get((category, PER_ADDITIONAL_ADULT), 0)
            + household.children * self.amounts.get((category, PER_CHILD), 0)
            + household.vehicles * self.amounts.get((category, PER_VEHICLE), 0)
        )


@dataclass(frozen=True)
class GuidelineSet:
    """Every dated table of a licence (all rows imported); pick one with :meth:`in_force`."""

    rows: tuple[GuidelineRow, ...] = ()
    _tables: tuple[GuidelineTable, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_date: dict[date, dict[tuple[str, str], int]] = {}
        for row in self.rows:
            amounts = by_date.setdefault(row.effective_from, {})
            key = (row.category, row.household_key)
            if key in amounts:
                raise GuidelineError(
                    f"{row.category} {row.household_key} from {row.effective_from} is given twice"
                )
            amounts[key] = row.amount_pence
        tables = tuple(GuidelineTable(day, by_date[day]) for day in sorted(by_date))
        object.__setattr__(self, "_tables", tables)

    @property
    def tables(self) -> tuple[GuidelineTable, ...]:
        """The tables, oldest first."""
        return self._tables

    def in_force(self, on: date) -> GuidelineTable | None:
        """The table with the latest ``effective_from`` on or before ``on`` (A7), or None."""
        found = None
        for table in self._tables:
            if table.effective_from <= on:
                found = table
        return found


def parse_guideline_csv(text: str) -> GuidelineSet:
    """A licensed table from CSV text (see the module docstring), or GuidelineError naming the
    line and column of the first problem."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header: list[str] | None = None
    rows: list[GuidelineRow] = []
    seen: dict[tuple[str, str, date], int] = {}
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            cells = [cell.strip() for cell in record]
            if header is None:
                if tuple(c.lower() for c in cells) != CSV_COLUMNS:
                    raise GuidelineError(
                        f"the header must be {','.join(CSV_COLUMNS)}, not {','.join(cells)}",
                        line=line,
                    )
                header = cells
                continue
            if len(cells) != len(CSV_COLUMNS):
                raise GuidelineError(
                    f"expected {len(CSV_COLUMNS)} columns, found {len(cells)}", line=line
                )
            row = _row(cells, line)
            key = (row.category, row.household_key, row.effective_from)
            if key in seen:
                raise GuidelineError(
                    f"{row.category} {row.household_key} from {row.effective_from} is already "
                    f"given on line {seen[key]}",
                    line=line,
                    column="household_key",
                )
            seen[key] = line
            rows.append(row)
    except csv.Error as exc:
        raise GuidelineError(f"not CSV: {exc}", line=reader.line_num) from None
    if header is None:
        raise GuidelineError("the file is empty (it needs a header and at least one row)")
    if not rows:
        raise GuidelineError("the table has a header but no rows")
    return GuidelineSet(tuple(rows))


def _row(cells: list[str], line: int) -> GuidelineRow:
    category, key, amount_text, day_text = cells
    try:
        amount = parse_pounds(amount_text)
    except AmountError as exc:
        raise GuidelineError(str(exc), line=line, column="amount") from None
    if amount < 0:
        raise GuidelineError(f"{amount_text!r} is negative", line=line, column="amount")
    try:
        day = parse_day(day_text)
    except DayError as exc:
        reason = exc.reason
        if not exc.out_of_range:
            reason = f"{day_text!r} is not a date (YYYY-MM-DD): {reason}"
        raise GuidelineError(reason, line=line, column="effective_from") from None
    try:
        return GuidelineRow(category, key, amount, day)
    except GuidelineError as exc:
        raise GuidelineError(exc.reason, line=line, column=exc.column) from None


@dataclass(frozen=True)
class GuidelineFlag:
    """A flexible category above its guideline: the officer must add a comment (A6)."""

    category: str
    actual_pence: int
    guideline_pence: int

    @property
    def label(self) -> str:
        """The category for people (``Communications and leisure``)."""
        return GROUPS_BY_KEY[self.category].label

    @property
    def over_pence(self) -> int:
        """How far above the guideline (> 0)."""
        return self.actual_pence - self.guideline_pence

    @property
    def message(self) -> str:
        """``£45.00 above guideline: comment required``."""
        return f"{format_pence(self.over_pence)} above guideline: comment required"


@dataclass(frozen=True)
class GuidelineCheck:
    """The flexible categories against the table in force: guidelines, flags and warnings.

    ``table_from`` is None when no table was in force (then ``warnings`` says so).
    """

    table_from: date | None
    guidelines: Mapping[str, int | None]
    flags: tuple[GuidelineFlag, ...]
    warnings: tuple[str, ...]


def check_guidelines(
    *,
    totals: Mapping[str, int],
    household: Household,
    table: GuidelineTable | None,
) -> GuidelineCheck:
    """Flag each flexible category whose monthly total (``totals[category]``) is above the
    household's guideline; warn when there is no table, or no figure for this household."""
    if table is None:
        return GuidelineCheck(None, {c: None for c in CATEGORIES}, (), (NO_TABLE,))
    guidelines = {c: table.guideline_pence(c, household) for c in CATEGORIES}
    flags: list[GuidelineFlag] = []
    warnings: list[str] = []
    for category in CATEGORIES:
        guideline = guidelines[category]
        label = GROUPS_BY_KEY[category].label
        if guideline is None:
            warnings.append(
                f"no guideline for {label.lower()} for {household.adults} adult(s) in the table "
                f"from {table.effective_from.isoformat()}"
            )
            continue
        actual = totals.get(category, 0)
        if actual > guideline:
            flags.append(GuidelineFlag(category, actual, guideline))
    return GuidelineCheck(table.effective_from, guidelines, tuple(flags), tuple(warnings))


def guideline_set(rows: Iterable[GuidelineRow]) -> GuidelineSet:
    """A :class:`GuidelineSet` from rows (GuidelineError when one is given twice)."""
    return GuidelineSet(tuple(rows))


def flag_comment(budget: Budget, category: str) -> str:
    """What the household says about a group's spending: the notes on its lines, joined (the
    comment a flag above the guideline needs, as the printed summary shows it)."""
    return "; ".join(c.line.note for c in budget.group(category).lines if c.line.note)


def uncommented_flags(check: GuidelineCheck, budget: Budget) -> tuple[GuidelineFlag, ...]:
    """The flags with no comment: spending above a guideline must say why before the
    assessment is finished (creditors accept it then, A6)."""
    return tuple(flag for flag in check.flags if not flag_comment(budget, flag.category))
