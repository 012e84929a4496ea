"""One sync cycle: push the outbox, pull every page after the cursor, then check the copy
against the server (``docs/design.md#sync``: "A cycle is push, pull, then a count/hash check").

``run_sync`` first pushes the outbox (``app.sync.push``): in ``device_seq`` order, in batches,
each batch's answers applied in one local transaction; the first failure stops the whole cycle
with the unsent mutations still queued, in order, for the next one (nothing is pulled then).
A mutation the server rejected leaves the outbox too, its action marked with the reason.
Then it pulls pages until ``has_more`` is false, each page and its cursor committed in one
local transaction (so an interruption — a dropped connection, a crash, a progress callback
that raises — resumes from the last committed page with nothing duplicated). A page answering
``reset_required``, or a changed server epoch, wipes the caseload tables and the cursor (the
outbox is kept) and bootstraps again. Then ``GET /sync/check``: when the server's cursor equals
ours, its counts and balance must equal the local copy's; a mismatch re-bootstraps once and
checks again. If the server kept moving, the check is skipped (``check_ok`` is None).

Threading: blocking; run it off the GUI thread. ``progress(done, total, message)`` is called on
the calling (worker) thread after each committed batch pushed and each committed page pulled,
so it must not touch Qt widgets; it may raise to stop the sync (everything committed so far
stays).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import __version__
from app.models import (
    Arrangement,
    CaseAction,
    Contact,
    FollowUp,
    IncomeAssessment,
    LedgerEntry,
    PaymentPromise,
    Person,
    Referral,
    SyncState,
    Tenancy,
)
from app.protocol.messages import PullPage, ScopeCheck
from app.services.workspace import Progress, Workspace
from app.store.audit import record_event
from app.store.database import ERASED_MESSAGE, LocalStore
from app.store.errors import CaseloadErased
from app.sync.client import BadReply, NotSignedIn, ServerError, SyncClient, SyncError
from app.sync.errors import DeviceWiped
from app.sync.pull import apply_page, sync_state, wipe_caseload
from app.sync.push import Answered, PushedOutbox, push_outbox

log = logging.getLogger(__name__)

MAX_RESETS = 2
FIRST_PAGE_LIMIT = 2_000
CHECK_ROUNDS = 3


# The visit records the scope check counts, by its field (every version, as the server's).
_VISIT_COUNTS: tuple[tuple[str, type[Contact | PaymentPromise | FollowUp | Referral]], ...] = (
    ("contacts", Contact),
    ("promises", PaymentPromise),
    ("follow_ups", FollowUp),
    ("referrals", Referral),
)


@dataclass(frozen=True)
class SyncSummary:
    """What a sync cycle did; screens refresh the tenancies in ``changed_tenancy_ids``.

    ``pushed`` is how many outbox mutations the server answered (they left the outbox);
    ``rejected`` how many of those it refused (their actions carry the reason).
    """

    pages: int
    tenancies: int
    people: int
    ledger_lines: int
    removed: int
    cursor: int
    bootstrapped: bool
    check_ok: bool | None
    changed_tenancy_ids: frozenset[uuid.UUID]
    arrangements: int = 0
    actions: int = 0
    assessments: int = 0
    visit_records: int = 0
    pushed: int = 0
    rejected: int = 0


@dataclass
class _Cycle:
    store: LocalStore
    client: SyncClient
    progress: Progress | None
    page_limit: int | None
    pages: int = 0
    tenancies: int = 0
    people: int = 0
    ledger_lines: int = 0
    arrangements: int = 0
    actions: int = 0
    assessments: int = 0
    visit_records: int = 0
    removed: int = 0
    bootstrapped: bool = False
    resets: int = 0
    changed: set[uuid.UUID] = field(default_factory=set)
    pushed: PushedOutbox = field(default_factory=PushedOutbox)
    # The server's check, asked for while the last page of a pull is applied (see verify).
    check_ahead: Future[ScopeCheck] | None = None

    def _reset(self, epoch: str | None) -> None:
        self.resets += 1
        if self.resets > MAX_RESETS:
            raise ServerError(
                "The central store keeps asking this device to start again; sync stopped. "
                "Try again later or ask IT. Your unsent work is kept."
            )
        with self.store.transaction() as session:
            self.changed |= wipe_caseload(session, epoch=epoch)
        self.bootstrapped = True

    def push_all(self, *, officer_id: uuid.UUID, device_id: uuid.UUID | None) -> None:
        """Send the whole outbox (``app.sync.push``); a rejection is audited in the batch's
        transaction (ids only: the reason is kept on the action, not in the audit log)."""

        def audit(session: Session, answered: Sequence[Answered]) -> None:
            for item in answered:
                if item.result.status == "rejected":
                    record_event(
                        session,
                        event="sync.mutation_rejected",
                        officer_id=officer_id,
                        device_id=device_id,
                        entity_type="tenancy" if item.tenancy_id else None,
                        entity_id=item.tenancy_id,
                        detail={"mutation_id": item.mutation_id, "intent": item.intent[:60]},
                    )

        def progress(sent: int, total: int) -> None:
            if self.progress is not None:
                self.progress(sent, total, f"Sent {sent:,} of {total:,} changes")

        try:
            push_outbox(
                store=self.store,
                client=self.client,
                progress=progress,
                on_batch=audit,
                into=self.pushed,
            )
        finally:
            self.changed |= self.pushed.changed_tenancy_ids

    def pull_all(self) -> int:
        """Pull until the server has nothing more; returns the final cursor.

        While a page is being applied, the next one is already being fetched on a helper
        thread (the client is used by one thread at a time: only that helper while it runs).
        A prefetched page is used only if it starts exactly where the committed cursor now
        stands; otherwise it is dropped. While the last page is applied, the helper asks for
        the server's check that :meth:`verify` compares next.
        """
        # Leaving the block waits for a fetch in flight (bounded by the client's timeouts), so
        # no thread outlives the cycle.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="doorstep-prefetch") as pool:
            return self._pull_pages(pool)

    def _pull_pages(self, pool: ThreadPoolExecutor) -> int:
        ahead: tuple[int, str | None, Future[PullPage]] | None = None
        while True:
            with self.store.transaction() as session:
                state = sync_state(session)
                cursor, epoch = state.cursor, state.epoch
            if cursor == 0:
                self.bootstrapped = True
            if ahead is not None and ahead[:2] == (cursor, epoch):
                page = ahead[2].result()
            else:
                if ahead is not None:
                    ahead[2].cancel()
                page = self.client.pull(cursor, self._first_limit(), epoch)
            ahead = None
            if page.reset_required or (epoch is not None and page.epoch != epoch):
                self._reset(page.epoch)
                continue
            if (
                page.cursor != cursor
                or page.next_cursor < cursor
                or (page.has_more and page.next_cursor == cursor)
            ):
                raise BadReply(
                    "The central store sent a page that does not follow on from this device's "
                    "position; nothing of it was used. Try again later."
                )
            if page.has_more:
                future = pool.submit(
                    self.client.pull, page.next_cursor, self.page_limit, page.epoch
                )
                ahead = (page.next_cursor, page.epoch, future)
            else:
                self.check_ahead = pool.submit(self.client.check)
            with self.store.transaction() as session:
                applied = apply_page(session, page)
                if not page.has_more:
                    sync_state(session).bootstrapped = True
            self.pages += 1
            self.tenancies += applied.tenancies
            self.people += applied.people
            self.ledger_lines += applied.ledger_lines
            self.arrangements += applied.arrangements
            self.actions += applied.actions
            self.assessments += applied.assessments
            self.visit_records += applied.visit_records
            self.removed += applied.removed
            self.changed |= applied.changed_tenancy_ids
            if self.progress is not None:
                done = (
                    self.tenancies
                    + self.people
                    + self.ledger_lines
                    + self.arrangements
                    + self.actions
                    + self.assessments
                    + self.visit_records
                    + self.removed
                )
                total = done + page.remaining if page.remaining is not None else None
                if not page.has_more:
                    total = done
                self.progress(done, total, f"Downloaded {done:,} changes ({self.pages} pages)")
            if not page.has_more:
                return page.next_cursor

    def _first_limit(self) -> int | None:
        """The limit of a page fetched while nothing is being applied: small for the first page
        of a cycle (so applying starts early while the next, full page is fetched), else the
        caller's limit (None: the server's default)."""
        if self.page_limit is None and self.pages == 0:
            return FIRST_PAGE_LIMIT
        return self.page_limit

    def local_check(self) -> tuple[int, ScopeCheck]:
        """The local copy's counts, comparable with the server's ``ScopeCheck``.

        Actions, arrangement versions, finished assessments and visit records count when the
        server holds them (``server_seq`` set: pulled, acknowledged by a push, or a pending one
        the server has already sent back), on a case held here; not one waiting to be pushed,
        nor one the server rejected.
        """
        with self.store.transaction() as session:
            cursor = sync_state(session).cursor
            tenancies = session.execute(select(func.count()).select_from(Tenancy)).scalar_one()
            people = session.execute(select(func.count()).select_from(Person)).scalar_one()
            lines, balance = session.execute(
                select(func.count(), func.coalesce(func.sum(LedgerEntry.amount_pence), 0))
            ).one()
            arrangements = session.execute(
                select(func.count())
                .select_from(Arrangement)
                .join(Tenancy, Tenancy.id == Arrangement.tenancy_id)
                .where(Arrangement.server_seq > 0)
            ).scalar_one()
            actions = session.execute(
                select(func.count())
                .select_from(CaseAction)
                .join(Tenancy, Tenancy.id == CaseAction.tenancy_id)
                .where(CaseAction.server_seq > 0)
            ).scalar_one()
            assessments = session.execute(
                select(func.count())
                .select_from(IncomeAssessment)
                .join(Tenancy, Tenancy.id == IncomeAssessment.tenancy_id)
                .where(IncomeAssessment.server_seq > 0)
            ).scalar_one()
            visits = {
                name: session.execute(
                    select(func.count())
                    .select_from(model)
                    .join(Tenancy, Tenancy.id == model.tenancy_id)
                    .where(model.server_seq > 0)
                ).scalar_one()
                for name, model in _VISIT_COUNTS
            }
        return cursor, ScopeCheck(
            cursor=cursor,
            tenancies=int(tenancies),
            people=int(people),
            ledger_lines=int(lines),
            balance_pence=int(balance),
            arrangements=int(arrangements),
            actions=int(actions),
            assessments=int(assessments),
            contacts=int(visits["contacts"]),
            promises=int(visits["promises"]),
            follow_ups=int(visits["follow_ups"]),
            referrals=int(visits["referrals"]),
        )

    def _server_check(self) -> ScopeCheck:
        """The check asked for during the last pull (if any), else a fresh one.

        Asked for before the last page was applied, it may be ahead of the device; then its
        cursor differs from ours and :meth:`verify` pulls again, as for any later change.
        """
        ahead, self.check_ahead = self.check_ahead, None
        return ahead.result() if ahead is not None else self.client.check()

    def verify(self) -> bool | None:
        """Compare with the server's counts; one re-bootstrap on a mismatch."""
        rebootstrapped = False
        for _ in range(CHECK_ROUNDS):
            server = self._server_check()
            cursor, local = self.local_check()
            if server.cursor != cursor:
                self.pull_all()  # the server moved on meanwhile: catch up, then compare
                continue
            if server == local:
                return True
            if rebootstrapped:
                return False
            with self.store.transaction() as session:
                epoch = sync_state(session).epoch
            self._reset(epoch)
            self.pull_all()
            rebootstrapped = True
        return None


def run_sync(
    workspace: Workspace,
    *,
    progress: Progress | None = None,
    client: SyncClient | None = None,
    page_limit: int | None = None,
) -> SyncSummary:
    """One cycle: push, pull and the check. Raises ``SyncError`` subclasses with messages for
    people (what was committed before the error stays: pushed batches, pulled pages)."""
    store = workspace.store
    with store.transaction() as session:
        state = session.get(SyncState, 1)
        officer_id = state.officer_id if state else None
        device_id = state.device_id if state else None
        url = state.server_url if state else None
    token = store.secrets.device_token()
    if state is None or officer_id is None or not url or not token:
        raise NotSignedIn("This device is not signed in to the central store yet. Sign in first.")
    own_client = client is None
    http = client or SyncClient(url, token=token, app_version=__version__)
    if http.token is None:
        http.token = token
    cycle = _Cycle(store=store, client=http, progress=progress, page_limit=page_limit)
    try:
        cycle.push_all(officer_id=officer_id, device_id=device_id)
        cycle.pull_all()
        check_ok = cycle.verify()
    except DeviceWiped as exc:
        # IT withdrew the laptop: nothing more is sent or kept (no audit row either: the
        # database goes; the central store has recorded that it told the device).
        erased = store.erase()
        log.warning("device wiped by IT: %d files erased", erased)
        raise CaseloadErased(ERASED_MESSAGE) from exc
    except SyncError as exc:
        with store.transaction() as session:
            record_event(
                session,
                event="sync.failed",
                officer_id=officer_id,
                device_id=device_id,
                detail={
                    "error": type(exc).__name__,
                    "pages": cycle.pages,
                    "pushed": cycle.pushed.pushed,
                },
            )
        raise
    finally:
        if own_client:
            http.close()
    pushed = cycle.pushed
    with store.transaction() as session:
        cursor = sync_state(session).cursor
        if pushed.pushed:
            record_event(
                session,
                event="sync.pushed",
                officer_id=officer_id,
                device_id=device_id,
                detail={
                    "batches": pushed.batches,
                    "pushed": pushed.pushed,
                    "applied": pushed.applied,
                    "conflicts": pushed.conflicts,
                    "rejected": pushed.rejected,
                },
            )
        record_event(
            session,
            event="sync.pulled",
            officer_id=officer_id,
            device_id=device_id,
            detail={
                "pages": cycle.pages,
                "tenancies": cycle.tenancies,
                "people": cycle.people,
                "ledger_lines": cycle.ledger_lines,
                "arrangements": cycle.arrangements,
                "actions": cycle.actions,
                "assessments": cycle.assessments,
                "visit_records": cycle.visit_records,
                "removed": cycle.removed,
                "cursor": cursor,
                "bootstrapped": cycle.bootstrapped,
                "check_ok": check_ok,
            },
        )
    return SyncSummary(
        pages=cycle.pages,
        tenancies=cycle.tenancies,
        people=cycle.people,
        ledger_lines=cycle.ledger_lines,
        removed=cycle.removed,
        cursor=cursor,
        bootstrapped=cycle.bootstrapped,
        check_ok=check_ok,
        changed_tenancy_ids=frozenset(cycle.changed),
        arrangements=cycle.arrangements,
        actions=cycle.actions,
        assessments=cycle.assessments,
        visit_records=cycle.visit_records,
        pushed=pushed.pushed,
        rejected=pushed.rejected,
    )
