"""The sync wire format, shared by the client and the central store (pydantic v2).

Protocol rules (see docs/design.md#sync):
- Every request carries ``X-Doorstep-Protocol`` (this module's ``PROTOCOL_VERSION``) and
  ``X-Doorstep-App``; a server outside its supported range answers 426 with an ``ErrorBody``
  and changes nothing.
- Authenticated requests carry ``Authorization: Bearer <device token>``.
- ``GET /sync/pull?cursor=C&limit=L&epoch=E`` answers a ``PullPage``: the officer's in-scope
  rows whose change number is above ``C``, at most about ``L`` of them, in change-number order.
  A case that entered the officer's scope after ``C`` arrives whole in that page; a case that
  left it is listed in ``removed_tenancy_ids``. ``next_cursor`` is the cursor to store with the
  page, in the same local transaction. An epoch that differs from the server's answers
  ``reset_required`` with no rows: the device must re-bootstrap.
  The page may also carry, for a person or ledger line whose tenancy row changed after the
  page's ``next_cursor``, that tenancy's newer row (so a device never holds a child without its
  parent); applying rows is idempotent, so a row that arrives again later does no harm.
- ``PullPage.remaining`` (optional, added in protocol 1 without a version change; None from a
  server that does not send it) is how many in-scope changes are still to come after this
  page: for progress only, never for correctness.
- ``GET /sync/check`` answers a ``ScopeCheck`` of the officer's whole scope, which the client
  compares with its own copy after a complete pull.
- ``POST /sync/push`` with a ``PushRequest`` (1 to ``MAX_PUSH_BATCH`` outbox mutations, in
  ``device_seq`` order) answers a ``PushResponse``: one ``MutationResult`` per mutation, in
  ``device_seq`` order. The server handles each mutation in its own transaction: it
  de-duplicates by (device, ``mutation_id``), authorises, validates the intent's arguments
  (a pydantic model here per intent, e.g. ``RecordCaseActionArgs``), applies and numbers it,
  and stores the result; a mutation sent again (a lost reply) answers the stored result and
  changes nothing. ``applied`` carries the change number (``seq``) the change got;
  ``conflict`` is applied with a conflict record kept; ``rejected`` is permanent, with a
  ``reason`` for people that names the argument at fault (an unknown intent, a case unknown to
  the server, bad arguments). All three are acknowledgements: the device removes the mutation
  from its outbox. A temporary failure (the database unavailable) answers 5xx for the whole
  batch, with the mutations before it already stored; the device keeps its outbox and sends the
  same mutations again later, in the same order (the ones already handled answer their stored
  result).

Version 2 added ``arrangements`` and ``actions`` to ``PullPage`` and their counts to
``ScopeCheck``. Replies are strict (``extra="forbid"``), so a version 1 app could not read
them: the server answers version 1 with 426 and a message to update, rather than replies the
app would reject as malformed.

Version 3 added ``supersedes_id``, ``source`` and ``made_on`` to ``ArrangementRow`` (arrangement
versions agreed on a device, pushed as ``arrangement.agree@1`` / ``arrangement.cancel@1``); a
version 2 app would reject those rows, so it gets 426 and a message to update.

Version 4 added ``assessments`` to ``PullPage`` and its count to ``ScopeCheck``: finished
income and expenditure assessments (``AssessmentRow``, the figures as entered in
``AssessmentContent``), pushed as ``assessment.add@1``, so the officer's other laptop and the
central store hold them; and ``assessment_id`` on ``ActionRow`` and ``case_action.record@1``
(a referral to debt advice names the assessment sent with it); and ``day_of_month`` on
``ArrangementRow`` and ``arrangement.agree@1`` (monthly terms kept to a UC pay day). A version
3 app gets 426.

Version 5 added what an officer records on a visit (``app.domain.visits``): ``contacts``,
``promises``, ``follow_ups`` and ``referrals`` to ``PullPage`` (``ContactRow``, ``PromiseRow``,
``FollowUpRow``, ``ReferralRow``, each with ``recorded_by``, the officer's name) and their counts
to ``ScopeCheck``, pushed as ``contact.record@1``, ``payment_promise.record@1``,
``follow_up.record@1`` and ``referral.record@1``. Each is append-only: a correction is a new
row whose ``supersedes_id`` names the one it replaces. It also added ``support_need`` and
``learned_from`` to ``ActionRow`` and ``case_action.record@1`` (a vulnerability's category and
source, ``app.domain.case_actions``; optional, so a mutation queued by a version 4 app still
reads). A version 4 app gets 426.

Push was added within version 2: it is a new route, and no shape that an existing route
answers changed. A server without it answers 404, which the device reports as a central store
that needs updating, keeping its outbox. ``MutationIn.before`` (the before-values of the fields
a mutation changes, for field-by-field merges) is optional and unused by the intents so far; it
is in the shape now so that a later intent needs no new version.

Every integer a device sends is bounded (``WIRE_INT_MAX`` for counters, ``_PENCE_MAX`` for
money, small ranges for counts and days), so the server refuses one out of range naming it.
What the server sends is bounded too, so that a reply the laptop's database or rules could not
take is refused whole (the client's ``BadReply``) rather than half-stored or failing later:
change numbers within 64 bits (``WireSeq``), money within £1bn either way (``WirePence``), days
within ``app.domain.days`` (``WireDay``: the HMS import and every push are held to the same
days), text without NUL (``WireText``), arrangement terms the rules can follow and assessment
figures they can read. Unknown fields are refused as well (``extra="forbid"``), deliberately:
a server that adds a field raises ``PROTOCOL_VERSION`` and answers older apps 426, so a reply
with a field this app does not know is not one it can trust to mean what it reads.

Wire rows name their fields after the central store's columns (``seq`` is the change number of
the row's current version); dates are ISO ``YYYY-MM-DD``, instants ISO 8601 with an offset,
money integer pence.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from app.domain import sfs
from app.domain.arrangement_watch import ArrangementError, ArrangementTerms, terms_made_on
from app.domain.case_actions import MAX_NOTE
from app.domain.days import EARLIEST_DAY, LATEST_DAY, day_problem
from app.domain.text import text_problem
from app.domain.visits import (
    CONTACT_HOW,
    CONTACT_OUTCOMES,
    FOLLOW_UP_STATES,
    MAX_NAME,
    MAX_TEXT,
    REFERRAL_KINDS,
    REFERRAL_OUTCOMES,
)
from app.protocol.intents import (
    ADD_ASSESSMENT,
    AGREE_ARRANGEMENT,
    CANCEL_ARRANGEMENT,
    RECORD_CASE_ACTION,
    RECORD_CONTACT,
    RECORD_FOLLOW_UP,
    RECORD_PROMISE,
    RECORD_REFERRAL,
)
from app.pydantic_once import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PydanticCustomError,
    model_validator,
)

PROTOCOL_VERSION = 5
HEADER_PROTOCOL = "X-Doorstep-Protocol"
HEADER_APP = "X-Doorstep-App"
DEFAULT_PAGE_LIMIT = 10_000
MAX_PAGE_LIMIT = 50_000
MAX_PUSH_BATCH = 200
#: A device keeps each push body within this many bytes, half of what the central store takes
#: (``central/body_limit.py``), so a batch of large changes (assessments with long notes) is
#: split rather than refused for its size every time.
MAX_PUSH_BYTES = 8 * 1024 * 1024
#: The largest integer a device may send: both central databases keep integers as 64-bit
#: BIGINT, so a larger one would fail there (a 500) instead of being refused here, naming it.
WIRE_INT_MAX = 2**63 - 1


#: The instants a device may send: its clock is wrong outside them (docs/design.md, Data).
EARLIEST_INSTANT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(2100, 1, 1, tzinfo=UTC)


def _kept_text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise PydanticCustomError("text", problem)
    return value


def _plausible_instant(value: datetime) -> datetime:
    # Compared, never converted: a far offset on a far date would overflow a conversion.
    if not EARLIEST_INSTANT <= value < LATEST_INSTANT:
        raise PydanticCustomError(
            "instant", "outside the years 2000 to 2099; check the laptop's date and time"
        )
    return value


def _kept_day(value: date) -> date:
    problem = day_problem(value)
    if problem is not None:
        raise PydanticCustomError("day", problem)
    return value


#: Free text a device sends: no control character, direction override or lone surrogate.
KeptText = Annotated[str, AfterValidator(_kept_text)]
#: A day a device sends: within the days Doorstep takes (``app.domain.days``), refused in its
#: words ("31 Dec 9999 is too far in the future ...").
KeptDay = Annotated[date, AfterValidator(_kept_day)]
#: An instant a device recorded: aware, and within the years 2000 to 2099.
DeviceInstant = Annotated[AwareDatetime, AfterValidator(_plausible_instant)]

# -- what the central store sends, bounded (checked by pydantic-core itself, at no cost a page
# can measure): what the laptop's database and rules cannot take is a BadReply, never stored.
_PENCE_MAX = 10**11  # £1bn: far above any household's figure, far below any integer limit
#: A day on the wire: within the days Doorstep takes (``app.domain.days``), as every way a day
#: enters the central store (the HMS import, a device's push) is checked.
WireDay = Annotated[date, Field(ge=EARLIEST_DAY, le=LATEST_DAY)]
#: Money in a row: integer pence within £1bn either way (the HMS import takes at most 2^31 - 1
#: pence, a device's push at most ``_PENCE_MAX``).
WirePence = Annotated[int, Field(ge=-_PENCE_MAX, le=_PENCE_MAX)]
#: A change number, a cursor or a count: what a 64-bit integer column holds.
WireSeq = Annotated[int, Field(ge=0, le=WIRE_INT_MAX)]
#: Text in a row: anything but NUL, which no central store holds (PostgreSQL cannot, and the
#: HMS import refuses it).
WireText = Annotated[str, Field(pattern=r"^[^\x00]*$")]


class WireModel(BaseModel):
    """Strict about unknown fields so that a malformed server reply is caught, not guessed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorBody(WireModel):
    """Any error answer: a stable code for programs and a message for people."""

    code: str  # protocol_unsupported, bad_credentials, token_invalid, bad_request, ...
    message: str


class SignInRequest(WireModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)
    device_id: uuid.UUID
    device_name: str = Field(default="", max_length=200)


class OfficerOut(WireModel):
    id: uuid.UUID
    username: str
    display_name: str


class SignInResponse(WireModel):
    """The device token is shown once; the server keeps only its hash."""

    token: str
    officer: OfficerOut
    epoch: str


class TenancyRow(WireModel):
    id: uuid.UUID
    seq: WireSeq
    ref: WireText
    address: WireText
    postcode: WireText
    tenure: WireText
    start_date: WireDay
    end_date: WireDay | None
    weekly_rent_pence: WirePence
    weekly_service_charge_pence: WirePence
    rent_weeks: WireSeq
    officer_id: uuid.UUID | None
    patch: WireText | None


class PersonRow(WireModel):
    id: uuid.UUID
    seq: WireSeq
    tenancy_id: uuid.UUID
    ref: WireText
    title: WireText | None
    first_name: WireText | None
    last_name: WireText
    date_of_birth: WireDay | None
    phone: WireText | None
    email: WireText | None
    is_lead: bool


class LedgerRow(WireModel):
    id: uuid.UUID
    seq: WireSeq
    tenancy_id: uuid.UUID
    ref: WireText
    posted_on: WireDay
    type: WireText
    amount_pence: WirePence
    description: WireText | None


class ArrangementRow(WireModel):
    """A version of a payment arrangement on a case, agreed in the HMS (``source`` "hms") or on
    a device (``source`` "device", ``made_on`` the day it was agreed); read-only on the device.
    ``supersedes_id`` names the version it replaced (which has then ended). Its terms must be
    ones the laptop's rules can follow (``ArrangementTerms``: a known kind, frequency and
    status, an instalment above 0, a day of the month only for monthly terms, ...)."""

    id: uuid.UUID
    seq: WireSeq
    tenancy_id: uuid.UUID
    ref: WireText
    kind: str
    start_date: WireDay
    frequency: str
    instalment_pence: WirePence
    starting_balance_pence: WirePence
    status: str
    supersedes_id: uuid.UUID | None = None
    source: WireText = "hms"
    made_on: WireDay | None = None
    day_of_month: int | None = None

    @model_validator(mode="after")
    def _terms_the_rules_follow(self) -> ArrangementRow:
        try:
            ArrangementTerms(
                ref=self.ref,
                kind=self.kind,
                start_date=self.start_date,
                frequency=self.frequency,
                instalment_pence=self.instalment_pence,
                starting_balance_pence=self.starting_balance_pence,
                status=self.status,
                made_on=terms_made_on(self.made_on, self.start_date),
                day_of_month=self.day_of_month,
            )
        except ArrangementError as exc:
            raise PydanticCustomError("arrangement", str(exc)) from None
        return self


class ActionRow(WireModel):
    """A dated action on a case (``app.domain.case_actions`` codes), from the HMS
    (``source`` "hms") or recorded on a device (``source`` "device", with the officer and the
    instant it was recorded)."""

    id: uuid.UUID
    seq: WireSeq
    tenancy_id: uuid.UUID
    ref: WireText
    on_date: WireDay
    code: WireText
    until: WireDay | None
    note: WireText
    source: WireText
    officer_id: uuid.UUID | None
    recorded_at: AwareDatetime | None
    assessment_id: uuid.UUID | None = None
    support_need: WireText | None = None
    learned_from: WireText | None = None


# -- visit records (app.domain.visits) ------------------------------------------------------


def _code_of(choices: dict[str, str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        if value not in choices:
            raise PydanticCustomError("code", f"{value!r} is not {what} ({', '.join(choices)})")
        return value

    return AfterValidator(check)


ContactHow = Annotated[str, _code_of(CONTACT_HOW, "a way of making contact")]
ContactOutcome = Annotated[str, _code_of(CONTACT_OUTCOMES, "a contact outcome")]
FollowUpStatus = Annotated[str, _code_of(FOLLOW_UP_STATES, "a follow-up state")]
ReferralTo = Annotated[str, _code_of(REFERRAL_KINDS, "a referral")]
ReferralOutcome = Annotated[str, _code_of(REFERRAL_OUTCOMES, "a referral outcome")]


class _VisitRow(WireModel):
    """What every visit record carries on the wire (``app.models.visits.VisitRecordMixin``)."""

    id: uuid.UUID
    seq: WireSeq
    tenancy_id: uuid.UUID
    supersedes_id: uuid.UUID | None
    officer_id: uuid.UUID | None
    recorded_by: WireText
    recorded_at: AwareDatetime


class ContactRow(_VisitRow):
    on_date: WireDay
    how: ContactHow
    outcome: ContactOutcome
    spoke_to_person_id: uuid.UUID | None
    spoke_to_name: WireText
    note: WireText
    action_id: uuid.UUID | None


class PromiseRow(_VisitRow):
    contact_id: uuid.UUID | None
    made_on: WireDay
    due_on: WireDay
    amount_pence: int = Field(gt=0, le=_PENCE_MAX)
    withdrawn: bool


class FollowUpRow(_VisitRow):
    contact_id: uuid.UUID | None
    due_on: WireDay
    task: WireText
    status: FollowUpStatus


class ReferralRow(_VisitRow):
    to: ReferralTo
    on_date: WireDay
    reason: WireText
    outcome: ReferralOutcome
    outcome_on: WireDay | None
    outcome_note: WireText


# -- income and expenditure assessments (app.domain.sfs) -------------------------------------

# app.domain.sfs.Frequency's values
SfsFrequency = Literal["weekly", "fortnightly", "four-weekly", "monthly", "quarterly", "annual"]


class AssessmentHousehold(WireModel):
    adults: int = Field(ge=1, le=99)
    children_under_16: int = Field(ge=0, le=99)
    children_16_18: int = Field(ge=0, le=99)
    other_dependants: int = Field(ge=0, le=99)
    non_dependants: int = Field(ge=0, le=99)
    vehicles: int = Field(ge=0, le=99)


class AssessmentLineIn(WireModel):
    """One income or outgoing line as entered: an SFS heading, the amount and how often."""

    heading: KeptText = Field(min_length=1, max_length=60)
    amount_pence: int = Field(ge=0, le=_PENCE_MAX)
    frequency: SfsFrequency
    note: KeptText = Field(default="", max_length=MAX_NOTE)


class AssessmentDebtIn(WireModel):
    """A priority or non-priority debt (``ccj`` only for a non-priority one); offer monthly."""

    priority: bool
    creditor: KeptText = Field(default="", max_length=sfs.MAX_CREDITOR)
    owed_pence: int = Field(ge=0, le=_PENCE_MAX)
    offer_pence: int = Field(ge=0, le=_PENCE_MAX)
    ccj: bool = False
    note: KeptText = Field(default="", max_length=MAX_NOTE)


class _AssessedOn(WireModel):
    """The day an assessment is of, as ``AddAssessmentArgs`` will carry it (checked with the
    figures, so that a finished assessment is never queued with a day the store refuses)."""

    assessed_on: KeptDay


class AssessmentContent(WireModel):
    """The figures of a finished assessment as entered (monthly figures are always worked
    out again from these by ``app.domain.sfs``, never sent)."""

    household: AssessmentHousehold
    savings_pence: int = Field(ge=0, le=_PENCE_MAX)
    admin_fee_pence: int = Field(ge=0, le=_PENCE_MAX)
    rent_offer_pence: int | None = Field(default=None, ge=0, le=_PENCE_MAX)
    lines: list[AssessmentLineIn] = Field(min_length=1, max_length=500)
    debts: list[AssessmentDebtIn] = Field(default=[], max_length=200)

    @classmethod
    def of(cls, assessment: sfs.Assessment) -> AssessmentContent:
        """The figures of ``assessment``; raises pydantic's ValidationError, located from the
        top (``debts.0.creditor``, ``assessed_on``), for what is outside the wire's bounds."""
        _AssessedOn.model_validate({"assessed_on": assessment.assessed_on})
        household = assessment.household
        debts: list[dict[str, Any]] = [
            {
                "priority": True,
                "creditor": debt.creditor,
                "owed_pence": debt.owed_pence,
                "offer_pence": debt.offer_pence,
                "note": debt.note,
            }
            for debt in assessment.priority_debts
        ] + [
            {
                "priority": False,
                "creditor": debt.creditor,
                "owed_pence": debt.owed_pence,
                "offer_pence": debt.offer_pence,
                "ccj": debt.ccj,
                "note": debt.note,
            }
            for debt in assessment.non_priority_debts
        ]
        return cls.model_validate(
            {
                "household": {
                    "adults": household.adults,
                    "children_under_16": household.children_under_16,
                    "children_16_18": household.children_16_18,
                    "other_dependants": household.other_dependants,
                    "non_dependants": household.non_dependants,
                    "vehicles": household.vehicles,
                },
                "savings_pence": assessment.savings_pence,
                "admin_fee_pence": assessment.admin_fee_pence,
                "rent_offer_pence": assessment.rent_offer_pence,
                "lines": [
                    {
                        "heading": line.heading,
                        "amount_pence": line.amount_pence,
                        "frequency": line.frequency.value,
                        "note": line.note,
                    }
                    for line in assessment.lines
                ],
                "debts": debts,
            }
        )

    def assessment(self, assessed_on: date) -> sfs.Assessment:
        """These figures as ``app.domain.sfs`` input; raises ``sfs.SfsError`` naming what it
        refuses (a heading that is not on the SFS, a CCJ flag on a priority debt)."""
        for position, debt in enumerate(self.debts):
            if debt.priority and debt.ccj:
                raise sfs.SfsError(f"debts.{position}.ccj: a priority debt has no CCJ flag")
        lines = []
        for position, line in enumerate(self.lines):
            try:
                lines.append(
                    sfs.Line(
                        line.heading,
                        line.amount_pence,
                        sfs.parse_frequency(line.frequency),
                        line.note,
                    )
                )
            except sfs.SfsError as exc:
                raise sfs.SfsError(f"lines.{position}: {exc}") from None
        household = self.household
        return sfs.Assessment(
            assessed_on=assessed_on,
            household=sfs.Household(
                adults=household.adults,
                children_under_16=household.children_under_16,
                children_16_18=household.children_16_18,
                other_dependants=household.other_dependants,
                non_dependants=household.non_dependants,
                vehicles=household.vehicles,
            ),
            lines=tuple(lines),
            savings_pence=self.savings_pence,
            admin_fee_pence=self.admin_fee_pence,
            priority_debts=tuple(
                sfs.PriorityDebt(d.creditor, d.owed_pence, d.offer_pence, d.note)
                for d in self.debts
                if d.priority
            ),
            non_priority_debts=tuple(
                sfs.NonPriorityDebt(d.creditor, d.owed_pence, d.offer_pence, d.ccj, d.note)
                for d in self.debts
                if not d.priority
            ),
            rent_offer_pence=self.rent_offer_pence,
        )


class AssessmentRow(WireModel):
    """A finished income and expenditure assessment on a case (append-only: a later one names
    the one it replaced in ``supersedes_id``). ``source`` is "device" (made with the tenant)
    or "sfs-import" (a debt adviser's statement). Its figures must be ones the laptop's rules
    can read (``AssessmentContent.assessment``: SFS headings, no CCJ on a priority debt)."""

    id: uuid.UUID
    seq: WireSeq
    tenancy_id: uuid.UUID
    assessed_on: WireDay
    source: WireText
    supersedes_id: uuid.UUID | None
    officer_id: uuid.UUID | None
    finalised_at: AwareDatetime
    note: WireText
    content: AssessmentContent

    @model_validator(mode="after")
    def _figures_the_rules_read(self) -> AssessmentRow:
        try:
            self.content.assessment(self.assessed_on)
        except sfs.SfsError as exc:
            raise PydanticCustomError("assessment", f"content.{exc}") from None
        return self


class PullPage(WireModel):
    epoch: WireText
    cursor: WireSeq
    next_cursor: WireSeq
    has_more: bool
    reset_required: bool = False
    tenancies: list[TenancyRow] = []
    people: list[PersonRow] = []
    ledger: list[LedgerRow] = []
    arrangements: list[ArrangementRow] = []
    actions: list[ActionRow] = []
    assessments: list[AssessmentRow] = []
    contacts: list[ContactRow] = []
    promises: list[PromiseRow] = []
    follow_ups: list[FollowUpRow] = []
    referrals: list[ReferralRow] = []
    removed_tenancy_ids: list[uuid.UUID] = []
    remaining: WireSeq | None = None


class ScopeCheck(WireModel):
    """Counts and a balance checksum of everything in the officer's scope."""

    cursor: WireSeq
    tenancies: WireSeq
    people: WireSeq
    ledger_lines: WireSeq
    balance_pence: int = Field(ge=-WIRE_INT_MAX, le=WIRE_INT_MAX)
    arrangements: WireSeq
    actions: WireSeq
    assessments: WireSeq
    contacts: WireSeq
    promises: WireSeq
    follow_ups: WireSeq
    referrals: WireSeq


class Health(WireModel):
    status: str
    protocol_min: int
    protocol_max: int
    epoch: str


# -- push -----------------------------------------------------------------------------------

MutationStatus = Literal["applied", "conflict", "rejected"]


class MutationIn(WireModel):
    """One outbox mutation as the device sends it (``app.models.OutboxMutation``).

    ``intent`` is a versioned name (``app.protocol.intents``); ``args`` are checked by the server
    against that intent's model, so the envelope accepts any JSON object. The device clock
    (``device_time``) is for people and never orders anything: ``device_seq`` does.
    """

    mutation_id: uuid.UUID
    device_seq: int = Field(ge=1, le=WIRE_INT_MAX)
    intent: str = Field(min_length=1, max_length=80)
    args: dict[str, Any]
    entity_ids: list[uuid.UUID] = Field(default=[], max_length=20)
    base_version: int | None = Field(default=None, ge=0, le=WIRE_INT_MAX)
    before: dict[str, Any] | None = None
    device_time: AwareDatetime


class PushRequest(WireModel):
    mutations: list[MutationIn] = Field(min_length=1, max_length=MAX_PUSH_BATCH)


class MutationResult(WireModel):
    """What became of one mutation. ``seq`` is the change number of an applied change (None
    when rejected); ``reason`` says why a mutation was rejected or conflicted."""

    mutation_id: uuid.UUID
    status: MutationStatus
    reason: WireText | None = None
    seq: WireSeq | None = None


class PushResponse(WireModel):
    results: list[MutationResult]


class RecordCaseActionArgs(WireModel):
    """The arguments of ``case_action.record@1``: an action recorded on a device.

    ``action_id`` is the id the device gave the action (the central row's ``id``, and as text
    its ``ref``); ``code``, ``on`` and ``until`` follow ``app.domain.case_actions.check_action``;
    ``recorded_at`` is the device's instant of recording, kept for people.
    """

    action_id: uuid.UUID
    tenancy_id: uuid.UUID
    code: str = Field(min_length=1, max_length=40)
    on: KeptDay
    until: KeptDay | None
    note: KeptText = Field(max_length=MAX_NOTE)
    recorded_at: DeviceInstant
    assessment_id: uuid.UUID | None = None
    support_need: str | None = Field(default=None, max_length=24)
    learned_from: str | None = Field(default=None, max_length=24)


class AgreeArrangementArgs(WireModel):
    """The arguments of ``arrangement.agree@1``: a new arrangement version agreed on a device.

    ``arrangement_id`` is the id the device gave the version (the central row's ``id``, and as
    text its ``ref``); ``supersedes_id`` the version it replaces (None for a first one); the
    terms follow ``app.domain.arrangement_watch.ArrangementTerms``; ``made_on`` is the day it
    was agreed.
    """

    arrangement_id: uuid.UUID
    tenancy_id: uuid.UUID
    supersedes_id: uuid.UUID | None
    kind: Literal["informal", "court_order"]
    frequency: Literal["weekly", "fortnightly", "four_weekly", "monthly"]
    start_date: KeptDay
    instalment_pence: int = Field(gt=0, le=_PENCE_MAX)
    starting_balance_pence: int = Field(gt=0, le=_PENCE_MAX)
    made_on: KeptDay
    day_of_month: int | None = Field(default=None, ge=1, le=31)


class CancelArrangementArgs(WireModel):
    """The arguments of ``arrangement.cancel@1``: a version with status cancelled that
    supersedes ``supersedes_id`` (its terms copied), made on ``made_on``."""

    arrangement_id: uuid.UUID
    tenancy_id: uuid.UUID
    supersedes_id: uuid.UUID
    made_on: KeptDay


class AddAssessmentArgs(WireModel):
    """The arguments of ``assessment.add@1``: a finished assessment made on a device (or an
    adviser's statement imported there), with the id the device gave it. ``supersedes_id``
    names the case's assessment it replaces (None for a first one)."""

    assessment_id: uuid.UUID
    tenancy_id: uuid.UUID
    assessed_on: KeptDay
    source: Literal["device", "sfs-import"]
    supersedes_id: uuid.UUID | None
    finalised_at: DeviceInstant
    note: KeptText = Field(default="", max_length=MAX_NOTE)
    content: AssessmentContent


class _VisitArgs(WireModel):
    """What every visit record's intent carries: the id the device gave the version (the
    central row's ``id``), its case, the version it corrects (None for a first one) and the
    device's instant of recording."""

    tenancy_id: uuid.UUID
    supersedes_id: uuid.UUID | None = None
    recorded_at: DeviceInstant


class RecordContactArgs(_VisitArgs):
    """``contact.record@1``: a contact (``app.domain.visits``), perhaps naming the household
    member spoken to or another person, and the recovery action it served."""

    contact_id: uuid.UUID
    on: KeptDay
    how: ContactHow
    outcome: ContactOutcome
    spoke_to_person_id: uuid.UUID | None = None
    spoke_to_name: KeptText = Field(default="", max_length=MAX_NAME)
    note: KeptText = Field(default="", max_length=MAX_TEXT)
    action_id: uuid.UUID | None = None


class RecordPromiseArgs(_VisitArgs):
    """``payment_promise.record@1``: a promise to pay ``amount_pence`` by ``due_on``, made on
    ``made_on`` (during the contact ``contact_id``); ``withdrawn`` for a version that takes a
    promise back."""

    promise_id: uuid.UUID
    contact_id: uuid.UUID | None = None
    made_on: KeptDay
    due_on: KeptDay
    amount_pence: int = Field(gt=0, le=_PENCE_MAX)
    withdrawn: bool = False


class RecordFollowUpArgs(_VisitArgs):
    """``follow_up.record@1``: a dated task; a version with ``status`` done or cancelled closes
    the one it supersedes."""

    follow_up_id: uuid.UUID
    contact_id: uuid.UUID | None = None
    due_on: KeptDay
    task: KeptText = Field(min_length=1, max_length=MAX_TEXT)
    status: FollowUpStatus = "open"


class RecordReferralArgs(_VisitArgs):
    """``referral.record@1``: a referral made on ``on``, why, and its outcome once known (a
    later version superseding the first)."""

    referral_id: uuid.UUID
    to: ReferralTo
    on: KeptDay
    reason: KeptText = Field(default="", max_length=MAX_TEXT)
    outcome: ReferralOutcome = "pending"
    outcome_on: KeptDay | None = None
    outcome_note: KeptText = Field(default="", max_length=MAX_TEXT)


INTENT_ARGS: dict[str, type[WireModel]] = {
    RECORD_CASE_ACTION: RecordCaseActionArgs,
    AGREE_ARRANGEMENT: AgreeArrangementArgs,
    CANCEL_ARRANGEMENT: CancelArrangementArgs,
    ADD_ASSESSMENT: AddAssessmentArgs,
    RECORD_CONTACT: RecordContactArgs,
    RECORD_PROMISE: RecordPromiseArgs,
    RECORD_FOLLOW_UP: RecordFollowUpArgs,
    RECORD_REFERRAL: RecordReferralArgs,
}
"""The arguments model of every intent this version of the protocol knows."""
