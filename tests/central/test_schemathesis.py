"""Schemathesis against the central service's OpenAPI description, on SQLite and PostgreSQL
(issue 11, the security review).

A real ``python -m central serve`` process (``tests.sync.server``) over a store seeded with
synthetic officers and cases (``tests.sync.central_seed``) answers the requests schemathesis
generates from the description of every route the service has (``central.api``: ``GET
/health``, ``POST /auth/signin``, ``GET /sync/pull``, ``GET /sync/check``, ``POST
/sync/push``): its coverage phase (boundary values of every parameter and body field, and
invalid ones: wrong types, missing, extra or out-of-range values, other methods), then random
valid and invalid requests. Two things are proved:

1. **No request answers 5xx**, and the service logs no unexpected error. The routes that take
   a device token get a real one, of a seeded officer's laptop signed in over HTTP, so the
   requests reach the handlers and the database, where 5xx hide (the test checks that pulls
   and checks answered and that pushed mutations were applied).
2. **No route but the public ones answers without a valid token.** ``/health`` and
   ``/auth/signin`` are public (``central.api``: no token needed; signing in is how a device
   gets one). Every other route answers 401 or 403, with an error body and nothing else, to
   every generated request sent with no token, with an ``Authorization`` value schemathesis
   made up, with the right token under another scheme, altered by a character or followed by
   more, with an expired token, with a revoked device's token and with the last token of an
   officer IT has disabled (each request with one of these in turn).

The description is the app's own (``create_app(engine).openapi()``; the service does not serve
it), with additions that only make the generated requests go deeper (``described``):

- ``/sync/push``'s body: the route reads it itself, once the token is known good
  (``central.api.read_push_request``), so FastAPI does not describe it. Here it is
  ``PushRequest`` with each mutation one of the intents the protocol knows and that intent's
  arguments model (``INTENT_ARGS``); invalid examples send other intents and arguments;
- ``X-Doorstep-Protocol`` is required and the version the service speaks in valid examples
  (the app's description says only "a string"), so that requests get past the protocol
  check; invalid examples leave it out or send other values;
- a steered copy (``Steer``) for the coverage phase and half the random examples: valid
  examples take the seeded officer's own case and arrangement ids, days around today, the
  action codes and some SFS headings, and for sign-in the seeded usernames, password and
  device ids, so that mutations are applied and sign-ins get in (or meet another officer's or
  a revoked device), rather than all being refused at their first check. The other random
  examples take any id, day and text the models allow;
- fuzzing dictionaries: every text and integer field of a body or a query is now and then a
  hostile value (a NUL, a direction override, quotes, 2**63 ...).

Each sign-in comes from a loopback address of its own (127.1.x.y), as from a laptop of its own,
so that the per-address throttle does not answer them all 429 before any reaches the database.

The test drives the generation itself (``schema.iter_coverage_cases`` and
``operation.as_strategy`` under ``hypothesis.given``) rather than through
``schemathesis.pytest.from_fixture``, whose runner breaks on pytest 9.2 (it uses
``Node._nodeid``, which pytest 9.2 no longer has), and so that one service per backend serves
every route's tests. Bounded and reproducible: a fixed seed for schemathesis, derandomized
Hypothesis, the same seeded ids on every run (days follow the date), no example database, no
deadline, and ``MAX_EXAMPLES`` random examples per route, description and mode. About 30 s
per backend on a quiet two-core machine, most of it the push route's ~900 coverage requests.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

from app.domain import sfs
from app.domain.case_actions import ACTION_KINDS
from app.domain.clock import SYSTEM_CLOCK
from app.protocol.messages import (
    HEADER_PROTOCOL,
    INTENT_ARGS,
    PROTOCOL_VERSION,
    MutationIn,
    PushRequest,
)
from app.sqlkit.utc import utcnow
from central.api import create_app
from central.devices import TOKEN_LIFETIME, enrol_device, revoke_device
from central.models import Arrangement, Device, Officer
from central.officers import disable_officer
from tests.sync.central_seed import seed_council
from tests.sync.server import HEADERS, RunningCentral, running_central

PASSWORD = "correct horse"
PUBLIC = frozenset({"/health", "/auth/signin"})
"""The routes that need no device token (``central.api``'s docstring)."""
GUARDED = ("/sync/pull", "/sync/check", "/sync/push")
REF = "#/components/schemas/{model}"
GENERATED = "an Authorization value schemathesis made up"
REFUSED = frozenset({401, 403})

# The same requests on every run: schemathesis derives each operation's seed from this one.
SEED = 20_251_011
MAX_EXAMPLES = 25
"""Random examples per operation and mode (valid, invalid), after the coverage phase's."""
RANDOM_CASES = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,  # the same examples on every run, in CI as here
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


@dataclass(frozen=True)
class Fuzzed:
    """A running service over a seeded store, the descriptions requests are generated from
    (schemathesis's ``OpenApiSchema``) and the tokens the tests send."""

    central: RunningCentral
    steered: Any
    """``described`` steered to the seeded store (the coverage phase and random examples)."""
    free: Any
    """``described`` as the models say, any id, day or text (random examples)."""
    tokenless: Any
    """``tokenless`` (property 2)."""
    token: str
    """The token of alice's laptop, signed in over HTTP."""
    refused_tokens: dict[str, str]
    """What a guarded route must refuse: a name for people, and the Authorization value."""


def _signin(central: RunningCentral, username: str, device_id: uuid.UUID) -> str:
    body = {"username": username, "password": PASSWORD, "device_id": str(device_id)}
    reply = httpx.post(f"{central.url}/auth/signin", json=body, headers=HEADERS, timeout=30)
    assert reply.status_code == 200, reply.text
    token: str = reply.json()["token"]
    return token


@dataclass(frozen=True)
class Steer:
    """What the steered description takes in valid examples instead of any value: the seeded
    officer's own ``cases`` and ``arrangements``, and for sign-in the seeded ``usernames``, the
    password and ``device_ids`` (never the fuzzed laptop's: a sign-in there would replace the
    token the tests use)."""

    cases: list[str]
    arrangements: list[str]
    usernames: list[str]
    device_ids: list[str]


def _push_body(components: dict[str, Any], steer: Steer | None) -> dict[str, Any]:
    """The JSON Schema of a push body (``PushRequest``), its models put in ``components``: each
    mutation one of the intents the protocol knows, with that intent's arguments; ``steer``ed,
    taking the seeded cases and arrangements, days around today, the action codes and some
    SFS headings (and one wrong code and heading), so that it can be applied."""
    today = SYSTEM_CLOCK.today()
    days = [(today + timedelta(days=n)).isoformat() for n in (-2, -1, 0)]
    mutation = MutationIn.model_json_schema(ref_template=REF)
    components.update(mutation.pop("$defs", {}))
    variants = []
    for intent, model in INTENT_ARGS.items():
        args = model.model_json_schema(ref_template=REF)
        components.update(args.pop("$defs", {}))
        props = args["properties"]
        if steer:
            props["tenancy_id"] = {"enum": steer.cases}
            if "supersedes_id" in props and model.__name__.endswith("ArrangementArgs"):
                props["supersedes_id"] = {"enum": [*steer.arrangements, None]}
            for name in ("on", "start_date", "made_on", "assessed_on"):
                if name in props:
                    props[name] = {"enum": days}
            if "until" in props:
                props["until"] = {"enum": [None, (today + timedelta(days=28)).isoformat()]}
            if "code" in props:
                props["code"] = {"enum": [*sorted(ACTION_KINDS), "not_a_code"]}
        variant = copy.deepcopy(mutation)
        variant["properties"]["intent"] = {"const": intent}
        variant["properties"]["args"] = args
        variant["title"] = f"MutationIn {intent}"
        variants.append(variant)
    push = PushRequest.model_json_schema(ref_template=REF)
    components.update(push.pop("$defs", {}))
    if steer:
        line = components["AssessmentLineIn"]["properties"]
        line["heading"] = {"enum": [*sorted(sfs.HEADINGS)[:8], "not a heading"]}
    push["properties"]["mutations"]["items"] = {"anyOf": variants}
    return push


def described(engine: Engine, steer: Steer | None = None) -> dict[str, Any]:
    """The service's OpenAPI description with the additions of the module docstring; with
    ``steer``, the steered one."""
    description = create_app(engine).openapi()
    components = description.setdefault("components", {}).setdefault("schemas", {})
    for item in description["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == HEADER_PROTOCOL:
                    parameter["required"] = True
                    parameter["schema"] = {"type": "string", "enum": [str(PROTOCOL_VERSION)]}
    push = description["paths"]["/sync/push"]["post"]
    assert "requestBody" not in push, "the push body is described now: drop the addition"
    body = {"schema": _push_body(components, steer)}
    push["requestBody"] = {"required": True, "content": {"application/json": body}}
    if steer:
        signin = components["SignInRequest"]["properties"]
        signin["username"] = {"enum": steer.usernames}
        signin["password"] = {"enum": [PASSWORD, "not the password"]}
        signin["device_id"] = {"enum": steer.device_ids}
    return description


def tokenless(engine: Engine) -> dict[str, Any]:
    """The description property 2 generates from: no protocol header (every request says it,
    so that the protocol check, which comes first, lets each through to the token's), and any
    ``PushRequest`` (no body is read without a good token)."""
    description = described(engine)
    for item in description["paths"].values():
        for operation in item.values():
            operation["parameters"] = [
                p for p in operation.get("parameters", []) if p["name"] != HEADER_PROTOCOL
            ]
    body = description["paths"]["/sync/push"]["post"]["requestBody"]["content"]
    body["application/json"]["schema"] = PushRequest.model_json_schema(ref_template=REF)
    return description


# Values that have broken services before (schemathesis's fuzzing dictionaries): a string or
# an integer in a request is, now and then, one of these instead of a generated one.
HOSTILE_TEXT = [
    "\x00",
    "a\x00b",
    "\u202e",
    "\r\nX-Injected: 1",
    "' OR '1'='1",
    "%_\\",
    "\U0001f600",
    "İ",
    " ",
    "../../etc/passwd",
]
HOSTILE_NUMBERS = [0, -1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**30]


def _leaves(schema: Any, components: dict[str, Any], path: str) -> Iterator[tuple[str, str]]:
    """(path, "string" or "integer") of every text and integer field under ``schema``, in
    schemathesis's binding syntax (``body.mutations[*].args.note``); ids, days and instants
    (a ``format``) and fixed values (an ``enum``) left out."""
    if not isinstance(schema, dict) or "enum" in schema or "const" in schema:
        return
    if "$ref" in schema:
        yield from _leaves(components[schema["$ref"].rsplit("/", 1)[-1]], components, path)
        return
    for branch in schema.get("anyOf", []):
        yield from _leaves(branch, components, path)
    for name, field in schema.get("properties", {}).items():
        yield from _leaves(field, components, f"{path}.{name}")
    if "items" in schema:
        yield from _leaves(schema["items"], components, f"{path}[*]")
    if schema.get("type") in ("string", "integer") and "format" not in schema and path != "body":
        yield path, schema["type"]


def _config(base_url: str, description: dict[str, Any]) -> SchemathesisConfig:
    """Schemathesis's settings for ``description``: every text and integer field of a body or
    a query is now and then one of the hostile values (its fuzzing dictionaries)."""
    components = description["components"]["schemas"]
    fields: dict[str, str] = {}
    for item in description["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                fields |= dict(_leaves(body["schema"], components, "body"))
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    query = parameter["schema"]
                    fields |= dict(_leaves(query, components, f"query.{parameter['name']}"))
    hostile = {"string": "hostile-text", "integer": "hostile-numbers"}
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,  # the coverage phase's choices
            "base-url": base_url,
            "cache": {"enabled": False},  # nothing written beside the tests, nothing reused
            "request-timeout": 30,
            "dictionaries": {
                "hostile-text": {"values": HOSTILE_TEXT},
                "hostile-numbers": {"values": HOSTILE_NUMBERS},
            },
            "parameters": {
                path: {"dictionary": hostile[kind], "probability": 0.1}
                for path, kind in sorted(fields.items())
            },
        }
    )


def _emptied_pg(url: str) -> str:
    """``url``'s database emptied, as ``central_url`` does for each test (tests/conftest.py)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def fuzzed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fuzzed]:
    """One service per backend for the module's tests (starting one takes seconds): a store
    with officers alice and bob (three cases each, with arrangements and actions) and carol
    (disabled), and alice's laptop signed in. PostgreSQL as ``central_url`` finds it
    (``pg_server_url``: skipped without DOORSTEP_TEST_PG_URL, failing when it is set and the
    server cannot be reached), emptied first."""
    folder = tmp_path_factory.mktemp(f"schemathesis-{request.param}")
    if request.param == "sqlite":
        store_url = f"sqlite:///{folder / 'central.sqlite'}"
    else:
        store_url = _emptied_pg(request.getfixturevalue("pg_server_url"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DOORSTEP_HOME", str(folder))  # as doorstep_home does for one test
        env.delenv("DOORSTEP_DATA_DIR", raising=False)
        with running_central(store_url, folder) as central:
            # The same ids on every run, so that the description, and so the requests
            # generated from it, are the same too.
            with pytest.MonkeyPatch.context() as same_ids:
                ids = random.Random(SEED)
                same_ids.setattr(uuid, "uuid4", lambda: uuid.UUID(int=ids.getrandbits(128)))
                fuzzed = _seeded(central)
            yield fuzzed


def _seeded(central: RunningCentral) -> Fuzzed:
    engine = central.engine
    seeded = seed_council(
        engine, officers=["alice", "bob", "carol"], cases_per_officer=3, recovery=True
    )
    token = _signin(central, "alice", uuid.uuid4())  # the laptop the fuzzing uses
    others = {name: uuid.uuid4() for name in ("alice", "bob", "expired", "revoked", "carol")}
    with Session(engine) as session, session.begin():
        officers = {o.username: o for o in session.scalars(select(Officer))}
        tokens = {
            name: enrol_device(
                session, officer=officers.get(name, officers["alice"]), device_id=device
            )
            for name, device in others.items()
        }
        session.get_one(Device, others["expired"]).token_issued_at = (
            utcnow() - TOKEN_LIFETIME - timedelta(minutes=1)
        )
        assert revoke_device(session, device_id=others["revoked"])
        disable_officer(session=session, username="carol")
        alices = [case.tenancy_id for case in seeded["alice"]]
        arrangements = session.scalars(
            select(Arrangement.id).where(Arrangement.tenancy_id.in_(alices))
        ).all()
    refused = {
        "an expired token": tokens["expired"],
        "a revoked device's token": tokens["revoked"],
        "a disabled officer's last token": tokens["carol"],
    }
    steer = Steer(
        cases=[str(case.tenancy_id) for case in seeded["alice"]],
        arrangements=[str(arrangement) for arrangement in arrangements],
        usernames=["alice", "bob", "carol", "nobody"],
        device_ids=[str(device) for device in others.values()],
    )
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    refused |= {
        "the right token under Basic": f"Basic {token}",
        "the right token altered by a character": f"Bearer {altered}",
        "the right token with more after it": f"Bearer {token} {token}",
    }
    schemas = {
        name: schemathesis.openapi.from_dict(description, config=_config(central.url, description))
        for name, description in (
            ("steered", described(engine, steer)),
            ("free", described(engine)),
            ("tokenless", tokenless(engine)),
        )
    }
    return Fuzzed(central, **schemas, token=token, refused_tokens=refused)


def _generated(schemas: list[Any], path: str, check: Callable[[Case], None]) -> int:
    """Run ``check`` on schemathesis's requests for the operation at ``path``: the coverage
    phase of the first of ``schemas`` (the boundary values of every parameter and body field,
    and invalid ones: wrong types, missing or extra fields, out-of-range numbers, other
    methods), then ``MAX_EXAMPLES`` random valid and as many invalid ones of each. How many it
    ran."""
    ran = 0
    for n, schema in enumerate(schemas):
        [operation] = [op.ok() for op in schema.get_all_operations() if op.ok().path == path]
        if n == 0:
            config = schema.config.generation_for(operation=operation, phase="coverage")
            for case in schema.iter_coverage_cases(
                operation, generation_modes=list(GenerationMode), generation_config=config
            ):
                check(case)
                ran += 1
        for mode in GenerationMode:

            @RANDOM_CASES
            @given(case=operation.as_strategy(generation_mode=mode))
            def random_case(case: Case) -> None:
                nonlocal ran
                check(case)
                ran += 1

            try:
                random_case()
            except Unsatisfiable:
                # Nothing of the operation can be invalid (GET /sync/check without the
                # protocol header takes only the token, any string): no invalid examples.
                assert mode is GenerationMode.NEGATIVE, path
    return ran


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connections made from ``address`` (a loopback one) rather than from 127.0.0.1."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def _laptops() -> Iterator[requests.Session]:
    """Sessions from 127.1.0.1, 127.1.0.2 ...: one laptop each, for the sign-in throttle."""
    for n in itertools.count(1):
        session = requests.Session()
        session.mount("http://", _FromAddress(f"127.1.{n // 250}.{n % 250 + 1}"))
        yield session


@pytest.mark.parametrize("path", sorted(PUBLIC) + list(GUARDED))
def test_no_request_answers_a_server_error(fuzzed: Fuzzed, path: str) -> None:
    """Property 1, one route at a time (the module docstring). Each sign-in comes from a
    loopback address of its own, as from a laptop of its own, so that the address's throttle
    (``central.throttle``: 20 failures) does not answer them all 429 unchecked: they reach the
    password check and the database."""
    token = {} if path in PUBLIC else {"Authorization": f"Bearer {fuzzed.token}"}
    laptops = _laptops()
    answered: Counter[int] = Counter()
    applied = 0

    def check(case: Case) -> None:
        nonlocal applied
        with next(laptops) if path == "/auth/signin" else contextlib.nullcontext() as session:
            response = case.call_and_validate(
                session=session, headers=token, checks=[not_a_server_error]
            )
        answered[response.status_code] += 1
        if path == "/sync/push" and response.status_code == 200:
            applied += sum(r["status"] == "applied" for r in response.json()["results"])

    assert _generated([fuzzed.steered, fuzzed.free], path, check) > MAX_EXAMPLES
    if path in GUARDED or path == "/auth/signin":  # past the token or the password check
        assert answered[200] > 0, answered
    if path == "/sync/push":  # and into the database
        assert applied > 0, answered


@pytest.mark.parametrize("path", GUARDED)
def test_no_guarded_route_answers_without_a_valid_token(fuzzed: Fuzzed, path: str) -> None:
    """Property 2, one route at a time (the module docstring). Each generated request is sent
    once, with the next of the ways of lacking a valid token in turn, so that every way meets
    every kind of request."""
    protocol = {HEADER_PROTOCOL: str(PROTOCOL_VERSION)}
    turns = [(GENERATED, ""), ("no token", ""), *fuzzed.refused_tokens.items()]
    sent: Counter[str] = Counter()

    def check(case: Case) -> None:
        if case.method.upper() != case.operation.method.upper():
            return  # another method: not this route (405 from any, token or not; property 1)
        name, value = turns[sum(sent.values()) % len(turns)]
        headers = {**protocol, **({"Authorization": value} if value else {})}
        if name != GENERATED and case.headers:  # a made-up value makes way for this turn's
            case.headers.pop("Authorization", None)  # (a dict that ignores case)
        response = case.call(headers=headers)
        if "Authorization" not in response.request.headers:
            name = "no token"  # a request generated without the header goes without it
        refused = response.status_code in REFUSED and set(response.json()) == {"code", "message"}
        assert refused, (
            f"{case.operation.label} with {name} answered {response.status_code}, not 401 or "
            f"403 with an error:\n{response.text[:500]}\n"
            f"Reproduce with: {case.as_curl_command(headers=headers)}"
        )
        sent[name] += 1

    assert _generated([fuzzed.tokenless], path, check) > MAX_EXAMPLES
    assert set(sent) == {name for name, _ in turns}, sent


def test_the_service_logged_no_unexpected_error(fuzzed: Fuzzed) -> None:
    """After the tests above (same module, same service): the service's log has no error
    that ``central.api.ContainErrors`` caught, nor a traceback (one after an answer began,
    or in uvicorn, would not show as a 5xx)."""
    log = fuzzed.central.log.read_text(errors="replace")
    assert "unexpected" not in log, log[-5_000:]
    assert "Traceback" not in log, log[-5_000:]


def test_every_route_is_public_or_guarded() -> None:
    """The tests above cover every route: the description's are the public ones and the
    guarded ones, and nothing else (a new route must be placed in one or the other)."""
    engine = create_engine("sqlite://")
    paths = set(create_app(engine).openapi()["paths"])
    engine.dispose()
    assert paths == PUBLIC | set(GUARDED)
