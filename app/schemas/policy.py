"""A council's recovery policy, read from TOML into the domain's :class:`RecoveryPolicy`.

The schema is written at the top of ``resources/recovery-policy.toml``; the rules that use it
are :mod:`app.domain.recovery`'s. Money is pounds as a string (``tolerance = "1.50"``) and the
date a TOML date (``effective_from = 2026-04-06``), as in the UC rates (:mod:`app.schemas.fields`).

A council installs its own policy file, so the spellings earlier versions of Doorstep read are
still read, so that no council's file stops working: money as whole pence under a key ending
``_pence`` (``tolerance_pence = 150``, ``min_arrears_pence``; never both spellings of one
figure) and the date quoted (``effective_from = "2026-04-06"``). The shipped file and the
schema use the spellings above.

:func:`parse_policy` refuses a policy naming every problem: the key, and for a stage its number
and code (``stage 3 (nosp) earliest_proceedings_days: missing``). Pure; safe on any thread.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from app.domain.case_actions import ACTION_KINDS
from app.domain.recovery import STAGE_CODES, STAGE_KINDS, TENURES, RecoveryPolicy, Stage
from app.pydantic_once import (
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
    model_validator,
)
from app.schemas.base import (
    Broken,
    Problem,
    SchemaError,
    StrictModel,
    field_at,
    keys_of,
    parse_toml,
    problems_of,
)
from app.schemas.fields import (
    AtLeastOne,
    Code,
    Count,
    Flag,
    Pence,
    Text,
    codes,
    day,
    one_of,
    whole,
)

_STAGE_CODES = tuple(sorted(STAGE_CODES))
#: Keys only a notice stage (``kind = "notice"``) may have.
_NOTICE_ONLY = ("earliest_proceedings_days", "valid_months")
#: The longest a council may let an idle laptop stay open (NCSC: lock soon; docs/security.md).
MAX_IDLE_LOCK_MINUTES = 30
#: The furthest ahead a council may let an arrangement's first payment fall: a quarter. Further
#: off, an "arrangement" holds the case (a kept one blocks escalation) while nothing is paid.
MAX_FIRST_PAYMENT_DAYS = 92
#: The most grace a promise to pay may have after its date (F3a), in days.
MAX_PROMISE_GRACE_DAYS = 14
#: The latest a broken promise's contact may be asked for, in working days after its grace.
MAX_BROKEN_PROMISE_CONTACT_DAYS = 10
#: The older spelling of money, still read but not suggested.
_OLDER_KEYS = frozenset({"tolerance_pence", "min_arrears_pence"})


class PolicyError(SchemaError):
    """A recovery policy that cannot be used; each problem names the key (and stage) and why."""


def _stage_code(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("missing (an action code such as letter_1 or nosp)")
    if value not in STAGE_CODES:
        what = (
            "an action code that cannot be a recovery stage"
            if value in ACTION_KINDS
            else "not an action code"
        )
        raise ValueError(f"{value!r} is {what} (one of {', '.join(_STAGE_CODES)})")
    return value


def _weeks(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"must be a number of weeks, got {value!r}")
    try:
        weeks = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"must be a number of weeks, got {value!r}") from None
    if not weeks.is_finite() or weeks < 0:
        raise ValueError(f"must be 0 or more weeks, got {value!r}")
    return weeks


def _version(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f'missing or empty (a string such as "2026-1"), got {value!r}')
    return value.strip()


def _effective_from(value: object) -> date:
    if isinstance(value, str):  # the older, quoted spelling: "2026-04-06"
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    return day(value)


def _words(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, got {value!r}")
    return value.strip()


#: The older spelling of money: whole pence under a key ending ``_pence``.
OlderPence = Annotated[int, whole(0, "a whole number of pence")]
Weeks = Annotated[Decimal, PlainValidator(_weeks)]
StageKind = Annotated[Code, one_of(STAGE_KINDS)]


def _check_one_spelling(table: StrictModel, key: str) -> None:
    if {key, f"{key}_pence"} <= table.model_fields_set:
        raise Broken(((key,), f"give either {key} or {key}_pence, not both"))


def _amount(table: StrictModel, key: str) -> int | None:
    """The amount under ``key`` (pounds), else under its older spelling ``key_pence``."""
    pounds: int | None = getattr(table, key)
    older: int | None = getattr(table, f"{key}_pence")
    return pounds if pounds is not None else older


class ArrangementsTable(StrictModel):
    """``[arrangements]``: the breach rule's grace and tolerance (F3) and the plans' limits."""

    grace_days: Count = 5
    tolerance: Pence | None = None
    tolerance_pence: OlderPence | None = None
    broken_contact_wait_days: Count = 7
    max_arrangement_weeks: AtLeastOne = 104
    first_payment_within_days: Annotated[int, whole(1, maximum=MAX_FIRST_PAYMENT_DAYS)] = 31

    @model_validator(mode="after")
    def _one_tolerance(self) -> ArrangementsTable:
        _check_one_spelling(self, "tolerance")
        return self


class BreathingSpaceTable(StrictModel):
    """``[breathing_space]``: the periods of C1, C2, C5 and C7, in days."""

    standard_days: AtLeastOne = 60
    mental_health_extra_days: Count = 30
    review_days: AtLeastOne = 20
    reminder_every_days: AtLeastOne = 28


class VulnerabilityTable(StrictModel):
    """``[vulnerability]``: the stage kinds held while a vulnerability is recorded (F4)."""

    holds: Annotated[frozenset[str], codes(STAGE_KINDS, "stage kinds")] = frozenset()


class SecurityTable(StrictModel):
    """``[security]``: how soon a laptop left open locks (docs/security.md)."""

    idle_lock_minutes: Annotated[int, whole(1, maximum=MAX_IDLE_LOCK_MINUTES)] = 5


class PromisesTable(StrictModel):
    """``[promises]``: promises to pay (F3a): the days' grace after a promise's date, and the
    broken-promise action, a contact within so many working days of the last day of grace.

    Bounded: a promise is for the coming days, so more than two weeks' grace would let a
    week's promise run for three; and a contact asked for more than two working weeks after the
    promise broke is no longer the prompt answer F3a asks for (use the ladder's waits).
    """

    grace_days: Annotated[int, whole(0, maximum=MAX_PROMISE_GRACE_DAYS)] = 2
    broken_contact_working_days: Annotated[
        int, whole(1, maximum=MAX_BROKEN_PROMISE_CONTACT_DAYS)
    ] = 2


class StageTable(StrictModel):
    """One ``[[stages]]`` table: a step of the ladder (see :class:`app.domain.recovery.Stage`)."""

    code: Annotated[str, PlainValidator(_stage_code)] = Field(
        description="an action code such as letter_1 or nosp"
    )
    label: Text
    kind: StageKind
    min_arrears: Pence | None = None
    min_arrears_pence: OlderPence | None = None
    min_weeks: Weeks | None = None
    threshold: Annotated[Code, one_of(("all", "any"))] = "all"
    wait_days: Count = 0
    escalates: Flag = True
    satisfied_by: Annotated[frozenset[str], codes(_STAGE_CODES, "stage codes")] = frozenset()
    requires_notice: Flag = False
    requires_breached_court_order: Flag = False
    despite_kept_arrangement: Flag = False
    tenures: Annotated[frozenset[str], codes(TENURES, "tenures")] = frozenset()
    earliest_proceedings_days: Count = 0
    valid_months: AtLeastOne = 12

    @model_validator(mode="after")
    def _notice_keys_and_one_amount(self) -> StageTable:
        if self.kind != "notice":
            given = [key for key in _NOTICE_ONLY if key in self.model_fields_set]
            if given:
                raise Broken(
                    *(((key,), 'only a notice stage (kind = "notice") has this') for key in given)
                )
        elif "earliest_proceedings_days" not in self.model_fields_set:
            raise Broken((("earliest_proceedings_days",), "missing (a notice stage needs it)"))
        _check_one_spelling(self, "min_arrears")
        return self

    def to_stage(self) -> Stage:
        """The domain's stage; ``satisfied_by`` always includes the stage's own code."""
        return Stage(
            code=self.code,
            label=self.label,
            kind=self.kind,
            min_arrears_pence=_amount(self, "min_arrears"),
            min_weeks=self.min_weeks,
            threshold=self.threshold,
            wait_days=self.wait_days,
            escalates=self.escalates,
            satisfied_by=self.satisfied_by | {self.code},
            requires_notice=self.requires_notice,
            requires_breached_court_order=self.requires_breached_court_order,
            despite_kept_arrangement=self.despite_kept_arrangement,
            tenures=self.tenures,
            earliest_proceedings_days=self.earliest_proceedings_days,
            valid_months=self.valid_months,
        )


class PolicyFile(StrictModel):
    """The whole file: a dated version of the policy, its settings and its ladder in order."""

    version: Annotated[str, PlainValidator(_version)] = Field(
        description='a string such as "2026-1"'
    )
    effective_from: Annotated[date, PlainValidator(_effective_from)] = Field(
        description="the date this version takes effect"
    )
    name: Annotated[str, PlainValidator(_words)] = ""
    description: Annotated[str, PlainValidator(_words)] = ""
    arrangements: ArrangementsTable = ArrangementsTable()
    breathing_space: BreathingSpaceTable = BreathingSpaceTable()
    vulnerability: VulnerabilityTable = VulnerabilityTable()
    security: SecurityTable = SecurityTable()
    promises: PromisesTable = PromisesTable()
    stages: tuple[StageTable, ...] = Field(default=(), validate_default=True)

    @field_validator("stages")
    @classmethod
    def _some_stages(cls, stages: tuple[StageTable, ...]) -> tuple[StageTable, ...]:
        if not stages:
            raise ValueError("at least one [[stages]] table is needed")
        return stages

    @model_validator(mode="after")
    def _ladder_holds_together(self) -> PolicyFile:
        """Each code counts for one stage only; one notice stage, before any that needs it."""
        seen: dict[str, int] = {}
        notice_at: int | None = None
        for index, stage in enumerate(self.stages):
            number = index + 1
            for code in sorted(stage.satisfied_by | {stage.code}):
                if code in seen:
                    key = "code" if code == stage.code else "satisfied_by"
                    raise Broken(
                        (("stages", index, key), f"{code!r} is already used by stage {seen[code]}")
                    )
                seen[code] = number
            if stage.kind == "notice":
                if notice_at is not None:
                    raise Broken(
                        (
                            ("stages", index, "kind"),
                            f"only one notice stage is allowed (stage {notice_at})",
                        )
                    )
                notice_at = number
            if stage.requires_notice and notice_at is None:
                raise Broken(
                    (("stages", index, "requires_notice"), "no earlier stage serves a notice")
                )
        return self

    def to_policy(self) -> RecoveryPolicy:
        """The domain's policy."""
        arrangements, breathing = self.arrangements, self.breathing_space
        tolerance = _amount(arrangements, "tolerance")
        return RecoveryPolicy(
            version=self.version,
            effective_from=self.effective_from,
            name=self.name,
            stages=tuple(stage.to_stage() for stage in self.stages),
            grace_days=arrangements.grace_days,
            tolerance_pence=0 if tolerance is None else tolerance,
            broken_contact_wait_days=arrangements.broken_contact_wait_days,
            max_arrangement_weeks=arrangements.max_arrangement_weeks,
            first_payment_within_days=arrangements.first_payment_within_days,
            breathing_space_days=breathing.standard_days,
            mental_health_extra_days=breathing.mental_health_extra_days,
            review_days=breathing.review_days,
            reminder_every_days=breathing.reminder_every_days,
            vulnerability_holds=self.vulnerability.holds,
            idle_lock_minutes=self.security.idle_lock_minutes,
            promise_grace_days=self.promises.grace_days,
            broken_promise_contact_working_days=self.promises.broken_contact_working_days,
        )


def parse_policy(toml_text: str) -> RecoveryPolicy:
    """A recovery policy from TOML text (the schema is in ``resources/recovery-policy.toml``).

    Raises :class:`PolicyError` naming, for every problem, the key - and the stage, as ``stage N
    (code)`` - and what is wrong: invalid TOML, a missing or unknown key, a wrong type, an
    unknown action code, a repeated code, money written as a number rather than a string of
    pounds, a court stage needing a notice that no earlier stage serves.
    """
    data = parse_toml(toml_text, "recovery policy", PolicyError)
    try:
        return PolicyFile.model_validate(data).to_policy()
    except ValidationError as exc:
        raise PolicyError([_say(problem, data) for problem in problems_of(exc)]) from None


def _say(problem: Problem, data: dict[str, Any]) -> str:
    """One problem as the policy's refusals read: ``stage 2 (nosp) kind: ...``."""
    return f"{_where(problem.at, data)}: {_words_for(problem)}"


def _where(at: tuple[str | int, ...], data: dict[str, Any]) -> str:
    if len(at) >= 2 and at[0] == "stages" and isinstance(at[1], int):
        raw = data["stages"][at[1]]
        code = raw.get("code") if isinstance(raw, dict) else None
        stage = f"stage {at[1] + 1}" + (f" ({code})" if isinstance(code, str) else "")
        return " ".join([stage, ".".join(map(str, at[2:]))]).rstrip()
    return ".".join(map(str, at))


def _words_for(problem: Problem) -> str:
    at, kind = problem.at, problem.kind
    if kind == "missing":
        field = field_at(PolicyFile, at)
        hint = field.description if field is not None else None
        return f"missing ({hint})" if hint else "missing"
    if kind == "extra_forbidden":
        keys = [key for key in keys_of(PolicyFile, at[:-1]) if key not in _OLDER_KEYS]
        return f"unknown key (expected one of {', '.join(keys)})"
    if kind == "model_type":
        table = "[[stages]]" if at[0] == "stages" else f"[{at[-1]}]"
        return f"must be a table ({table})"
    if kind in ("tuple_type", "list_type"):
        return "must be a list of [[stages]] tables"
    return problem.words
