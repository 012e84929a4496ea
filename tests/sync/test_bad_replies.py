"""Malformed replies from the central store (issue 11, fault tests): whatever comes back, the
sync stops with a ``SyncError`` whose message an officer can read, and nothing saved on the
laptop is lost or half-changed.

The replies come from a real HTTP server on a loopback port (:class:`BadServer`, a thread of
this process speaking raw HTTP over a socket, so that it can also send a length it never
honours, stream without end or cut the connection mid-body), in front of a real ``central
serve`` process that signed the laptop in and fills the pages it tampers with. Each laptop is
a real encrypted store that has pulled its caseload.

What is proved:

- a pull answered with something that is not JSON, JSON of the wrong shape, a field this
  version does not know, a value out of the protocol's bounds (money of 2^70 pence, a day in
  9999, text holding NUL, a change number above 64 bits, terms the rules cannot follow), a 500,
  a body longer than ``MAX_REPLY_BYTES`` (declared, streamed, or a compressed "bomb") or a body
  cut off by the connection: ``BadReply``/``ServerError``/``Offline`` saying what happened and
  where in the reply (never a value from it), and the local database exactly as it was;
- a push answered with any of those: the outbox and the action waiting in it exactly as they
  were (nothing acknowledged that the server did not acknowledge), and the next good sync
  sends it, applied once at the central store;
- the client never holds more of a reply than ``MAX_REPLY_BYTES``;
- ``python -m app sync`` says it in one line and exits 1, without a traceback.

Decision on fields this version does not know: they are refused, not ignored. The protocol
is strict (``extra="forbid"``, ``app.protocol.messages``): a server that adds a field raises the
protocol version and answers older apps 426 with a message to update, so an unknown field in
a reply means a server this app cannot trust to mean what it reads (a wrong address, a proxy,
a damaged reply), and nothing of it is used. Tested for a page, a row and a push result.
"""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import threading
import time
import tracemalloc
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.domain import sfs
from app.models import CaseAction, OutboxMutation
from app.paths import data_dir
from app.protocol.messages import HEADER_APP, HEADER_PROTOCOL
from app.services.actions import record_action
from app.services.enrolment import is_enrolled, sign_in
from app.services.sync import run_sync
from app.services.workspace import Workspace
from app.store.database import LocalStore, open_local_store
from app.sync.client import (
    MAX_REPLY_BYTES,
    BadReply,
    Offline,
    ServerError,
    SyncClient,
    SyncError,
)
from central.models import AppliedMutation
from central.models import CaseAction as CentralAction
from tests.sync.central_seed import SeededCase, seed_council
from tests.sync.server import RunningCentral, running_central
from tests.unit.test_app_cli import run_app, signin
from tests.workspaces import workspace_on

PASSWORD = "correct horse"
ON = date(2025, 2, 3)
HUGE = 200 * 1024 * 1024  # what the bad server claims or tries to send


# -- a server that answers badly ---------------------------------------------------------------


@dataclass
class Request:
    """One request as the bad server read it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


Answer = Callable[[Request, socket.socket], None]
"""Writes the whole answer (status line, headers, body) to the socket, or misbehaves."""


@dataclass
class BadServer:
    """Raw HTTP on 127.0.0.1: each request is read, then answered by ``answers[path]`` (a path
    with no answer gets a 404 ``ErrorBody``). Every answer closes its connection."""

    answers: dict[str, Answer]
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    sent: int = 0  # bytes of body sent by the answers that stream

    @classmethod
    @contextmanager
    def running(cls, answers: dict[str, Answer]) -> Iterator[BadServer]:
        bad = cls(answers)

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                request = _read_request(sock)
                if request is None:
                    return
                bad.requests.append(request)
                answer = bad.answers.get(request.path)
                try:
                    if answer is None:
                        reply(404, {"code": "not_found", "message": "Not Found"})(request, sock)
                    else:
                        answer(request, sock)
                except OSError:
                    pass  # the client gave up: what a bad answer is for

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        with Server(("127.0.0.1", 0), Handler) as server:
            bad.url = f"http://127.0.0.1:{server.server_address[1]}"
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            try:
                yield bad
            finally:
                server.shutdown()
                thread.join(timeout=10)


def _read_request(sock: socket.socket) -> Request | None:
    reader = sock.makefile("rb")
    line = reader.readline().decode("latin-1").strip()
    if not line:
        return None
    method, target, _ = line.split(" ", 2)
    headers: dict[str, str] = {}
    while (header := reader.readline().decode("latin-1").strip()) != "":
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers.get("content-length", "0")))
    return Request(method, target, headers, body)


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} Whatever", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join([*lines, "Connection: close", "", ""])).encode("latin-1")


def raw(status: int, body: bytes, content_type: str = "application/json") -> Answer:
    """A whole answer with this body, its length given."""

    def answer(request: Request, sock: socket.socket) -> None:
        head = {"Content-Type": content_type, "Content-Length": str(len(body))}
        sock.sendall(_head(status, head) + body)

    return answer


def reply(status: int, document: object) -> Answer:
    """A whole answer with this JSON document."""
    return raw(status, json.dumps(document).encode("utf-8"))


def declared_huge() -> Answer:
    """Says the body is 200 MB long, then sends nothing and waits for the client to leave."""

    def answer(request: Request, sock: socket.socket) -> None:
        head = {"Content-Type": "application/json", "Content-Length": str(HUGE)}
        sock.sendall(_head(200, head) + b'{"epoch": "')
        sock.settimeout(20)
        while sock.recv(1024):
            pass

    return answer


def streamed_huge(bad: list[BadServer], *, gzip: bool = False) -> Answer:
    """200 MB of one endless JSON string, without a length (the body ends when the connection
    does); with ``gzip``, as a compressed body of about 200 KB that inflates to that."""
    chunk = b" " * (1024 * 1024)

    def answer(request: Request, sock: socket.socket) -> None:
        head = {"Content-Type": "application/json"}
        if gzip:
            head["Content-Encoding"] = "gzip"
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        sock.sendall(_head(200, head))
        pieces = [b'{"epoch": "'] + [chunk] * (HUGE // len(chunk))
        for piece in pieces:
            data = packer.compress(piece) if gzip else piece
            sock.sendall(data)
            bad[0].sent += len(data)

    return answer


def cut_mid_body(*, reset: bool) -> Answer:
    """Says 10,000 bytes, sends 100, then cuts the connection: a reset (RST) or a close."""

    def answer(request: Request, sock: socket.socket) -> None:
        head = {"Content-Type": "application/json", "Content-Length": "10000"}
        sock.sendall(_head(200, head) + b'{"epoch": "' + b"x" * 89)
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            sock.shutdown(socket.SHUT_WR)
        sock.close()

    return answer


def tampered(central: RunningCentral, change: Callable[[dict[str, Any]], None]) -> Answer:
    """The real central store's answer to the same request, changed by ``change`` (which edits
    the parsed JSON in place), sent as a 200."""

    def answer(request: Request, sock: socket.socket) -> None:
        keep = ("authorization", "content-type", HEADER_PROTOCOL.lower(), HEADER_APP.lower())
        headers = {k: v for k, v in request.headers.items() if k in keep}
        real = httpx.request(
            request.method,
            central.url + request.target,
            headers=headers,
            content=request.body or None,
            timeout=30,
        )
        assert real.status_code == 200, real.text
        document = real.json()
        change(document)
        reply(200, document)(request, sock)

    return answer


# -- the laptop and the central store -----------------------------------------------------------


@dataclass
class Council:
    central: RunningCentral
    cases: list[SeededCase]


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Council]:
    """One central service for the module (each test has its own laptop), alice's three cases."""
    folder = tmp_path_factory.mktemp("central")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DOORSTEP_HOME", str(folder))
        with running_central(f"sqlite:///{folder / 'central.sqlite'}", folder) as server:
            seeded = seed_council(server.engine, officers=["alice"], cases_per_officer=3)
            yield Council(server, seeded["alice"])


@pytest.fixture
def store(council: Council, tmp_path: Path) -> Iterator[LocalStore]:
    """A laptop signed in as alice that has pulled her caseload."""
    local = open_local_store(data_dir(tmp_path / "device"))
    sign_in(Workspace(local), server_url=council.central.url, username="alice", password=PASSWORD)
    run_sync(Workspace(local))
    yield local
    local.engine.dispose()


def snapshot(store: LocalStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the laptop's database but the audit log (a failed sync is
    audited by design): what "nothing lost, nothing half-changed" is checked against."""
    with store.session() as session:
        tables = session.scalars(
            text("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ).all()
        return {
            table: sorted(
                (tuple(row) for row in session.execute(text(f'SELECT * FROM "{table}"'))), key=repr
            )
            for table in tables
            if table not in ("audit_event", "alembic_version")
        }


def client_for(store: LocalStore, bad: BadServer) -> SyncClient:
    return SyncClient(bad.url, token=store.secrets.device_token(), app_version="test")


def sync_through(store: LocalStore, bad: BadServer) -> SyncError:
    """One sync against the bad server; the error it ends with (it must end with one)."""
    with client_for(store, bad) as client, pytest.raises(SyncError) as caught:
        run_sync(Workspace(store), client=client)
    return caught.value


def assert_for_people(message: str, *absent: str) -> None:
    """A message an officer can read: words, no traceback, no exception names, none of
    ``absent`` (values from the reply)."""
    assert message[:1].isupper(), message
    assert message.endswith("."), message
    for word in ("Traceback", "Error(", "Errno", "pydantic", "httpx", "ValidationError"):
        assert word not in message, message
    for value in absent:
        assert value not in message, message


# -- a pull answered badly: nothing of it is used -----------------------------------------------


def _not_json(bad: list[BadServer], council: Council) -> Answer:
    return raw(200, b"<html><body>Service Temporarily Unavailable</body></html>", "text/html")


BAD_PULLS: list[tuple[str, Callable[[list[BadServer], Council], Answer], type[SyncError], str]] = [
    ("not JSON", _not_json, BadReply, "does not understand"),
    ("JSON, not an object", lambda b, c: reply(200, [1, 2, 3]), BadReply, "does not understand"),
    ("JSON null", lambda b, c: reply(200, None), BadReply, "does not understand"),
    (
        "an object of the wrong shape",
        lambda b, c: reply(200, {"epoch": 7, "tenancies": "all of them"}),
        BadReply,
        "does not understand",
    ),
    (
        "an error body with a 200",
        lambda b, c: reply(200, {"code": "ok", "message": "fine"}),
        BadReply,
        "does not understand",
    ),
    (
        "a 500 with a page of HTML",
        lambda b, c: raw(500, b"<h1>Internal Server Error</h1>", "text/html"),
        ServerError,
        "had a problem (HTTP 500)",
    ),
    (
        "a 500 with the protocol's error body",
        lambda b, c: reply(500, {"code": "internal", "message": "The database is unavailable."}),
        ServerError,
        "The database is unavailable.",
    ),
    (
        "a 502 from a proxy, empty",
        lambda b, c: raw(502, b"", "text/plain"),
        ServerError,
        "had a problem (HTTP 502)",
    ),
    ("a body cut off by a reset", lambda b, c: cut_mid_body(reset=True), Offline, "stopped"),
    ("a body cut off by a close", lambda b, c: cut_mid_body(reset=False), Offline, "stopped"),
    ("200 MB declared", lambda b, c: declared_huge(), BadReply, "too large"),
    ("200 MB streamed", lambda b, c: streamed_huge(b), BadReply, "too large"),
    ("200 MB inflated from gzip", lambda b, c: streamed_huge(b, gzip=True), BadReply, "too large"),
]


@pytest.mark.parametrize(
    ("answer", "error", "words"),
    [pytest.param(a, e, w, id=name) for name, a, e, w in BAD_PULLS],
)
def test_a_bad_pull_answer_is_said_and_leaves_the_laptop_as_it_was(
    council: Council,
    store: LocalStore,
    answer: Callable[[list[BadServer], Council], Answer],
    error: type[SyncError],
    words: str,
) -> None:
    before = snapshot(store)
    holder: list[BadServer] = []
    with BadServer.running({}) as bad:
        holder.append(bad)
        bad.answers["/sync/pull"] = answer(holder, council)
        started = time.monotonic()
        caught = sync_through(store, bad)
    assert type(caught) is error, caught
    assert words in str(caught)
    assert str(caught).startswith(f"The central store at {bad.url}")
    assert_for_people(str(caught), "Service Temporarily", "<h1>", "xxxxxxxx")
    assert time.monotonic() - started < 25  # refused, not waited out (30 s read timeout)
    assert snapshot(store) == before
    assert [r.path for r in bad.requests] == ["/sync/pull"]  # nothing asked after it


def test_the_client_never_holds_more_of_a_reply_than_its_limit(store: LocalStore) -> None:
    """The endless reply is read only up to ``MAX_REPLY_BYTES``: the client stops reading (the
    server's sending fails well before 200 MB) and its memory never holds much more."""
    holder: list[BadServer] = []
    with BadServer.running({}) as bad:
        holder.append(bad)
        bad.answers["/sync/pull"] = streamed_huge(holder)
        with client_for(store, bad) as client:
            tracemalloc.start()
            try:
                with pytest.raises(BadReply, match="too large"):
                    client.pull(0)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert bad.sent < MAX_REPLY_BYTES + 32 * 1024 * 1024  # what the socket buffers hold
    assert peak < 1.5 * MAX_REPLY_BYTES
    assert MAX_REPLY_BYTES < HUGE


# -- a pull page that parses, with one value the laptop cannot take ------------------------------

_TENANCY = "00000000-0000-4000-8000-000000000001"  # a new case the bad server adds


def _rows(tenancy_id: str, seq: int) -> dict[str, dict[str, Any]]:
    """One good row of each kind (synthetic), for the case ``tenancy_id``."""

    def new_id() -> str:
        return str(uuid.uuid4())

    heading = next(iter(sfs.HEADINGS))
    return {
        "tenancies": {
            "id": _TENANCY,
            "seq": seq,
            "ref": "TS-BAD-1",
            "address": "1 Imaginary Row\nNowhere Town",
            "postcode": "ZZ9 9ZZ",
            "tenure": "secure",
            "start_date": "2015-04-01",
            "end_date": None,
            "weekly_rent_pence": 10_000,
            "weekly_service_charge_pence": 0,
            "rent_weeks": 52,
            "officer_id": None,
            "patch": None,
        },
        "people": {
            "id": new_id(),
            "seq": seq,
            "tenancy_id": tenancy_id,
            "ref": "P-BAD-1",
            "title": None,
            "first_name": "Sam",
            "last_name": "Example",
            "date_of_birth": "1980-05-01",
            "phone": None,
            "email": None,
            "is_lead": False,
        },
        "ledger": {
            "id": new_id(),
            "seq": seq,
            "tenancy_id": tenancy_id,
            "ref": "L-BAD-1",
            "posted_on": "2025-01-06",
            "type": "RENT",
            "amount_pence": 10_000,
            "description": "Rent",
        },
        "arrangements": {
            "id": new_id(),
            "seq": seq,
            "tenancy_id": tenancy_id,
            "ref": "AR-BAD-1",
            "kind": "informal",
            "start_date": "2025-01-06",
            "frequency": "weekly",
            "instalment_pence": 1_000,
            "starting_balance_pence": 20_000,
            "status": "live",
            "supersedes_id": None,
            "source": "hms",
            "made_on": None,
            "day_of_month": None,
        },
        "actions": {
            "id": new_id(),
            "seq": seq,
            "tenancy_id": tenancy_id,
            "ref": "AC-BAD-1",
            "on_date": "2025-01-06",
            "code": "pause",
            "until": "2025-03-01",
            "note": "",
            "source": "hms",
            "officer_id": None,
            "recorded_at": None,
            "assessment_id": None,
        },
        "assessments": {
            "id": new_id(),
            "seq": seq,
            "tenancy_id": tenancy_id,
            "assessed_on": "2025-01-06",
            "source": "device",
            "supersedes_id": None,
            "officer_id": None,
            "finalised_at": "2025-01-06T10:00:00+00:00",
            "note": "",
            "content": {
                "household": {
                    "adults": 1,
                    "children_under_16": 0,
                    "children_16_18": 0,
                    "other_dependants": 0,
                    "non_dependants": 0,
                    "vehicles": 0,
                },
                "savings_pence": 0,
                "admin_fee_pence": 0,
                "rent_offer_pence": None,
                "lines": [
                    {"heading": heading, "amount_pence": 100_000, "frequency": "monthly"}
                ],
                "debts": [],
            },
        },
    }


MARKER = "Zyxwvut"  # in the bad text: never in a message

# (stream, field, bad value, the place the message names)
BAD_VALUES: list[tuple[str, str, str, object, str]] = [
    ("money 2^70 pence", "ledger", "amount_pence", 2**70, "ledger.0.amount_pence"),
    ("money -2^70 pence", "ledger", "amount_pence", -(2**70), "ledger.0.amount_pence"),
    ("money just over £1bn", "ledger", "amount_pence", 10**11 + 1, "ledger.0.amount_pence"),
    ("rent 2^70 pence", "tenancies", "weekly_rent_pence", 2**70, "weekly_rent_pence"),
    ("money as a float", "ledger", "amount_pence", 10.5, "ledger.0.amount_pence"),
    ("money as text", "ledger", "amount_pence", "£100.00", "ledger.0.amount_pence"),
    ("a posting dated 9999-12-31", "ledger", "posted_on", "9999-12-31", "ledger.0.posted_on"),
    ("an until of 9999-12-31", "actions", "until", "9999-12-31", "actions.0.until"),
    ("a birth in 1066", "people", "date_of_birth", "1066-10-14", "people.0.date_of_birth"),
    ("a day in year 10000", "ledger", "posted_on", "10000-01-01", "ledger.0.posted_on"),
    ("29 Feb of 2023", "ledger", "posted_on", "2023-02-29", "ledger.0.posted_on"),
    ("a name holding NUL", "people", "last_name", f"{MARKER}\x00Smith", "people.0.last_name"),
    ("a note holding NUL", "actions", "note", f"{MARKER}\x00", "actions.0.note"),
    ("a change number over 64 bits", "ledger", "seq", 2**64, "ledger.0.seq"),
    ("a negative change number", "ledger", "seq", -1, "ledger.0.seq"),
    ("a day of the month of 40", "arrangements", "day_of_month", 40, "day_of_month"),
    ("a frequency the rules lack", "arrangements", "frequency", "yearly", "frequency"),
    ("an instalment of 0", "arrangements", "instalment_pence", 0, "instalment_pence"),
    ("an arrangement kind unknown", "arrangements", "kind", "arrears", "kind"),
    ("an unknown field in a row", "ledger", "surprise", 1, "ledger.0.surprise"),
]


def _inject(
    council: Council, stream: str, name: str | None, value: object
) -> Callable[[dict[str, Any]], None]:
    """Adds one synthetic row of ``stream`` (its ``name`` set to ``value``) to a page."""

    def change(page: dict[str, Any]) -> None:
        rows = _rows(str(council.cases[0].tenancy_id), page["next_cursor"])
        row = rows[stream]
        if name is not None:
            row[name] = value
        page[stream] = [row, *page[stream]]

    return change


@pytest.mark.parametrize(
    ("stream", "name", "value", "where"),
    [pytest.param(s, n, v, w, id=label) for label, s, n, v, w in BAD_VALUES],
)
def test_a_page_with_a_value_out_of_bounds_is_refused_whole(
    council: Council, store: LocalStore, stream: str, name: str, value: object, where: str
) -> None:
    before = snapshot(store)
    with BadServer.running({}) as bad:
        bad.answers["/sync/pull"] = tampered(council.central, _inject(council, stream, name, value))
        caught = sync_through(store, bad)
    assert isinstance(caught, BadReply), caught
    message = str(caught)
    assert "does not understand (/sync/pull: " in message
    assert where in message
    assert_for_people(message, MARKER, "1180591620717411303424", "18446744073709551616")
    assert snapshot(store) == before


def test_a_page_with_a_field_this_version_does_not_know_is_refused(
    council: Council, store: LocalStore
) -> None:
    """The decision: an unknown field is refused, not ignored (see the module)."""
    before = snapshot(store)

    def add_field(page: dict[str, Any]) -> None:
        page["priority_cases"] = []

    with BadServer.running({}) as bad:
        bad.answers["/sync/pull"] = tampered(council.central, add_field)
        caught = sync_through(store, bad)
    assert isinstance(caught, BadReply)
    assert "priority_cases: Extra inputs are not permitted" in str(caught)
    assert snapshot(store) == before


@pytest.mark.parametrize("stream", sorted(_rows(_TENANCY, 1)))
def test_the_same_rows_with_good_values_are_taken(
    council: Council, store: LocalStore, stream: str
) -> None:
    """The control: each synthetic row above, unchanged, passes; so each refusal above is the
    bad value's and nothing else's."""
    with BadServer.running({}) as bad:
        bad.answers["/sync/pull"] = tampered(council.central, _inject(council, stream, None, 0))
        with client_for(store, bad) as client:
            with store.session() as session:
                cursor, epoch = session.execute(text("SELECT cursor, epoch FROM sync_state")).one()
            page = client.pull(cursor, epoch=epoch)
    assert len(getattr(page, stream)) == 1


def test_a_row_naming_a_case_the_laptop_does_not_hold_applies_nothing(
    council: Council, store: LocalStore
) -> None:
    """The right shape, the wrong case: a ledger line of a case neither in the page nor on the
    laptop is refused by the database's foreign key, and the page with it."""
    before = snapshot(store)

    def orphan(page: dict[str, Any]) -> None:
        row = _rows(str(uuid.uuid4()), page["next_cursor"])["ledger"]
        page["ledger"] = [row]

    with BadServer.running({}) as bad:
        bad.answers["/sync/pull"] = tampered(council.central, orphan)
        caught = sync_through(store, bad)
    assert isinstance(caught, BadReply), caught
    assert_for_people(str(caught))
    assert snapshot(store) == before


# -- a push answered badly: the outbox is kept ----------------------------------------------------


def _sent(request: Request) -> list[str]:
    return [m["mutation_id"] for m in json.loads(request.body)["mutations"]]


def _results(**extra: object) -> Answer:
    """A 200 answering each mutation sent ``applied``, each result with ``extra`` fields."""

    def answer(request: Request, sock: socket.socket) -> None:
        results = [
            {"mutation_id": m, "status": "applied", "reason": None, "seq": 5, **extra}
            for m in _sent(request)
        ]
        reply(200, {"results": results})(request, sock)

    return answer


def _one_too_many(request: Request, sock: socket.socket) -> None:
    results = [{"mutation_id": m, "status": "applied", "seq": 5} for m in _sent(request)]
    results.append({"mutation_id": str(uuid.uuid4()), "status": "applied", "seq": 6})
    reply(200, {"results": results})(request, sock)


def _applied_then_garbled(council: Council) -> Answer:
    """The real central store takes the push; its answer comes back with a change number no
    64-bit column holds: the laptop must not acknowledge on that answer."""

    def change(document: dict[str, Any]) -> None:
        for result in document["results"]:
            result["seq"] = 2**70

    return tampered(council.central, change)


BAD_PUSHES: list[tuple[str, Callable[[list[BadServer], Council], Answer], type[SyncError], str]] = [
    ("not JSON", _not_json, BadReply, "does not understand"),
    ("an empty body", lambda b, c: raw(200, b""), BadReply, "does not understand"),
    ("the wrong shape", lambda b, c: reply(200, {"results": {"all": "ok"}}), BadReply, "results"),
    ("an unknown field", lambda b, c: _results(surprise=True), BadReply, "results.0.surprise"),
    ("an unknown status", lambda b, c: _results(status="done"), BadReply, "results.0.status"),
    ("a change number of 2^70", lambda b, c: _results(seq=2**70), BadReply, "results.0.seq"),
    ("applied at the store, then 2^70", lambda b, c: _applied_then_garbled(c), BadReply, "seq"),
    (
        "a reason holding NUL",
        lambda b, c: _results(status="rejected", reason=f"{MARKER}\x00"),
        BadReply,
        "results.0.reason",
    ),
    (
        "an answer for a change not sent",
        lambda b, c: _one_too_many,
        BadReply,
        "did not answer exactly the changes sent",
    ),
    (
        "a 500 with a page of HTML",
        lambda b, c: raw(500, b"<h1>Internal Server Error</h1>", "text/html"),
        ServerError,
        "had a problem (HTTP 500)",
    ),
    ("a body cut off by a reset", lambda b, c: cut_mid_body(reset=True), Offline, "stopped"),
    ("200 MB declared", lambda b, c: declared_huge(), BadReply, "too large"),
]


@pytest.mark.parametrize(
    ("answer", "error", "words"),
    [pytest.param(a, e, w, id=name) for name, a, e, w in BAD_PUSHES],
)
def test_a_bad_push_answer_keeps_the_outbox_and_the_next_sync_sends_it_once(
    council: Council,
    store: LocalStore,
    answer: Callable[[list[BadServer], Council], Answer],
    error: type[SyncError],
    words: str,
) -> None:
    done = record_action(
        workspace_on(store, ON),
        tenancy_id=council.cases[1].tenancy_id,
        code="contact",
        on=ON,
        note="Spoke at the door",
    )
    with store.session() as session:
        mutation_id = session.scalars(select(OutboxMutation.id)).one()
    before = snapshot(store)
    holder: list[BadServer] = []
    with BadServer.running({}) as bad:
        holder.append(bad)
        bad.answers["/sync/push"] = answer(holder, council)
        caught = sync_through(store, bad)
    assert type(caught) is error, caught
    message = str(caught)
    assert words in message
    assert_for_people(message, MARKER, "1180591620717411303424", "<h1>")
    if error is not ServerError:
        assert "changes are kept on this laptop" in message or "changes stay queued" in message
    assert snapshot(store) == before  # nothing acknowledged, nothing half-done
    with store.session() as session:
        waiting = session.get(CaseAction, done.action_id)
        assert waiting is not None
        assert (waiting.pending, waiting.server_seq, waiting.sync_problem) == (True, 0, None)
    assert [r.path for r in bad.requests] == ["/sync/push"]  # nothing pulled after it

    summary = run_sync(Workspace(store))  # the real central store, answering well
    assert (summary.pushed, summary.rejected) == (1, 0)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMutation)) == 0
        kept = session.get(CaseAction, done.action_id)
        assert kept is not None
        assert not kept.pending
    with Session(council.central.engine) as session:
        held = session.scalars(select(CentralAction).where(CentralAction.id == done.action_id))
        assert len(held.all()) == 1  # applied once, even when the bad answer's was taken
        applied = session.scalars(
            select(AppliedMutation.status).where(AppliedMutation.mutation_id == mutation_id)
        ).all()
        assert applied == ["applied"]


# -- a sign-in answered badly: nothing is enrolled ----------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(raw(200, b"<html>Sign in to the cafe Wi-Fi</html>", "text/html"), id="portal"),
        pytest.param(reply(200, {"token": "t", "officer": {}, "epoch": "e"}), id="wrong shape"),
        pytest.param(declared_huge(), id="200 MB declared"),
        pytest.param(cut_mid_body(reset=True), id="cut off"),
    ],
)
def test_a_bad_sign_in_answer_enrols_nothing(tmp_path: Path, answer: Answer) -> None:
    local = open_local_store(data_dir(tmp_path / "device"))
    try:
        workspace = Workspace(local)
        before = snapshot(local)
        with BadServer.running({"/auth/signin": answer}) as bad, pytest.raises(SyncError) as caught:
            sign_in(workspace, server_url=bad.url, username="alice", password=PASSWORD)
        assert isinstance(caught.value, BadReply | Offline), caught.value
        assert_for_people(str(caught.value), "cafe", PASSWORD)
        assert "changes" not in str(caught.value)  # a sign-in sends none
        assert not is_enrolled(workspace)
        assert local.secrets.device_token() is None
        assert snapshot(local) == before
    finally:
        local.engine.dispose()


# -- the command line says it in one line -------------------------------------------------------


def test_python_m_app_sync_says_a_bad_reply_in_one_line_and_exits_1(
    council: Council, tmp_path: Path
) -> None:
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    device = tmp_path / "cli-device"
    assert signin(council.central, password_file, device).returncode == 0
    assert run_app("sync", data_dir=device).returncode == 0
    holder: list[BadServer] = []
    answers: list[tuple[Answer, str]] = [
        (_not_json(holder, council), "does not understand"),
        (declared_huge(), "too large"),
        (cut_mid_body(reset=True), "stopped in the middle of its reply"),
        (tampered(council.central, _inject(council, "ledger", "amount_pence", 2**70)), "ledger"),
    ]
    with BadServer.running({}) as bad:
        holder.append(bad)
        for answer, words in answers:
            bad.answers["/sync/pull"] = answer
            done = run_app("--server", bad.url, "sync", data_dir=device)
            assert done.returncode == 1, done.stderr
            assert done.stdout == ""
            line = done.stderr.strip()
            assert "\n" not in line, done.stderr
            assert line.startswith("doorstep: The central store at "), line
            assert words in line
            assert "Traceback" not in done.stderr
