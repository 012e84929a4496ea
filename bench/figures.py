"""The measurements behind ``python -m bench``. Each prints its figures and returns nothing."""

from __future__ import annotations

import csv
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import keyring

from tests.memory_keyring import MemoryKeyring


def _line(label: str, value: str) -> None:
    print(f"  {label:<52} {value}")


@contextmanager
def _demo_export(tenancies: int, officers: int, seed: int) -> Iterator[Path]:
    from central.demo import write_demo

    with tempfile.TemporaryDirectory(prefix="doorstep-bench-") as tmp:
        out = Path(tmp) / "export"
        started = time.perf_counter()
        write_demo(tenancies=tenancies, officers=officers, seed=seed, out=out)
        _line("demo export written", f"{time.perf_counter() - started:.2f} s")
        yield out


def _ledger_count(export: Path) -> int:
    with (export / "transactions.csv").open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def _pg_base() -> str | None:
    return os.environ.get("DOORSTEP_BENCH_PG_URL") or os.environ.get("DOORSTEP_TEST_PG_URL")


@contextmanager
def _pg_database() -> Iterator[str | None]:
    base = _pg_base()
    if not base:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"doorstep_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _timed_import(url: str, export: Path) -> float:
    from central.db import open_store
    from central.importer import import_export

    engine = open_store(url)
    started = time.perf_counter()
    import_export(engine=engine, directory=export)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def _sqlcipher_floor(rows: list[tuple[object, ...]], create: str, insert: str) -> float:
    """A raw executemany of ``rows`` into a fresh SQLCipher database, committed."""
    import sqlcipher3.dbapi2 as sqlcipher

    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlcipher.connect(str(Path(tmp) / "floor.db"))
        conn.execute(f"PRAGMA key = \"x'{secrets.token_hex(32)}'\"")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(create)
        started = time.perf_counter()
        conn.executemany(insert, rows)
        conn.commit()
        elapsed = time.perf_counter() - started
        conn.close()
    return elapsed


def _ledger_rows(export: Path) -> list[tuple[object, ...]]:
    from app.domain.money import parse_pounds

    with (export / "transactions.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return [
            (
                uuid.uuid4().bytes,
                r["transaction_ref"],
                r["tenancy_ref"],
                r["posted_on"],
                r["type"],
                parse_pounds(r["amount"]),
                r.get("description"),
                n,
            )
            for n, r in enumerate(reader, start=1)
        ]


LEDGER_TABLE = (
    "CREATE TABLE ledger (id BLOB PRIMARY KEY, ref TEXT UNIQUE, tenancy TEXT, posted_on TEXT, "
    "type TEXT, amount INTEGER, description TEXT, seq INTEGER)"
)
LEDGER_INSERT = "INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?)"


def bench_import(*, tenancies: int, officers: int, seed: int) -> None:
    print(f"import: demo council of {tenancies:,} tenancies")
    with _demo_export(tenancies, officers, seed) as export, tempfile.TemporaryDirectory() as tmp:
        lines = _ledger_count(export)
        _line("ledger lines", f"{lines:,}")
        elapsed = _timed_import(f"sqlite:///{Path(tmp) / 'central.sqlite'}", export)
        _line("import into SQLite", f"{elapsed:.2f} s = {lines / elapsed:,.0f} lines/s")
        with _pg_database() as pg_url:
            if pg_url is None:
                _line("import into PostgreSQL", "skipped (set DOORSTEP_BENCH_PG_URL)")
            else:
                elapsed = _timed_import(pg_url, export)
                _line("import into PostgreSQL", f"{elapsed:.2f} s = {lines / elapsed:,.0f} lines/s")
        floor = _sqlcipher_floor(_ledger_rows(export), LEDGER_TABLE, LEDGER_INSERT)
        _line(
            "floor: raw executemany into SQLCipher", f"{floor:.2f} s = {lines / floor:,.0f} lines/s"
        )


def _start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    from demo.__main__ import free_port, start_service

    port = free_port()
    return start_service(url, port), f"http://127.0.0.1:{port}"


def _prepare_central(tmp: Path, export: Path) -> tuple[str, str]:
    from sqlalchemy.orm import Session

    from central.db import open_store
    from central.importer import import_export
    from central.officers import add_officer

    url = f"sqlite:///{tmp / 'central.sqlite'}"
    engine = open_store(url)
    import_export(engine=engine, directory=export)
    password = secrets.token_urlsafe(12)
    with Session(engine) as session, session.begin():
        add_officer(
            session=session, username="officer1", password=password, display_name="Bench Officer"
        )
    engine.dispose()
    return url, password


def _client_rows(data_dir: Path) -> dict[str, list[tuple[object, ...]]]:
    """Everything the bootstrap wrote, read back as raw rows (for the floor)."""
    from app.store.database import open_local_store

    store = open_local_store(data_dir)
    rows: dict[str, list[tuple[object, ...]]] = {}
    with store.engine.connect() as conn:
        for table in ("tenancy", "person", "ledger_entry", "arrangement", "case_action"):
            rows[table] = [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table}")]
    store.close()
    return rows


def _floor_for(rows: dict[str, list[tuple[object, ...]]], schema_dir: Path) -> float:
    """Raw executemany of the same rows into the client's own (empty) SQLCipher schema."""
    from app.store.database import open_local_store

    store = open_local_store(schema_dir)
    total = 0.0
    raw = store.engine.raw_connection()
    try:
        started = time.perf_counter()
        for table, table_rows in rows.items():
            if table_rows:
                marks = ", ".join("?" * len(table_rows[0]))
                raw.cursor().executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows)
        raw.commit()
        total = time.perf_counter() - started
    finally:
        raw.close()
        store.close()
    return total


def bench_bootstrap(*, tenancies: int, officers: int, seed: int, runs: int = 3) -> None:
    """An empty device to a usable caseload, ``runs`` times in this process against one central
    service (a fresh device each time), beside the floor measured as many times; medians, as
    the machine is shared. The first run also pays for one-off work of the process (a TLS
    context, compiled statements)."""
    from app.services.enrolment import sign_in
    from app.services.sync import run_sync
    from app.services.workspace import open_workspace

    keyring.set_keyring(MemoryKeyring())
    print(f"bootstrap: empty device to a usable caseload (officer1 of {officers} officers)")
    with _demo_export(tenancies, officers, seed) as export, tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        url, password = _prepare_central(tmp, export)
        service, server = _start_server(url)
        times = []
        try:
            for run in range(runs):
                client = tmp / f"client{run}"
                client.mkdir()
                started = time.perf_counter()
                workspace = open_workspace(client)
                sign_in(workspace, server_url=server, username="officer1", password=password)
                summary = run_sync(workspace)
                workspace.close()
                times.append(time.perf_counter() - started)
        finally:
            service.terminate()
            service.wait(timeout=10)
        _line(
            "caseload",
            f"{summary.tenancies:,} tenancies, {summary.people:,} people, "
            f"{summary.ledger_lines:,} ledger lines, {summary.arrangements:,} arrangements, "
            f"{summary.actions:,} actions in {summary.pages} pages",
        )
        rows = _client_rows(tmp / "client0")
        floors = []
        for run in range(runs):
            (tmp / f"floor{run}").mkdir()
            floors.append(_floor_for(rows, tmp / f"floor{run}"))
        elapsed, floor = statistics.median(times), statistics.median(floors)
        _line(
            "bootstrap (sign-in + pull over HTTP + check)",
            f"median {elapsed:.2f} s of " + ", ".join(f"{t:.2f}" for t in times),
        )
        _line(
            "floor: raw executemany of the same rows",
            f"median {floor:.2f} s of " + ", ".join(f"{t:.2f}" for t in floors),
        )
        _line("bootstrap / floor (medians)", f"{elapsed / floor:.1f}x")


def bench_startup(*, tenancies: int, officers: int, seed: int) -> None:
    """Wall time from launching the client process to the caseload painted in its window."""
    keyring.set_keyring(MemoryKeyring())
    print("startup: process start to the caseload on screen (offscreen, demo key file)")
    with _demo_export(tenancies, officers, seed) as export, tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        url, password = _prepare_central(tmp, export)
        service, server = _start_server(url)
        client = tmp / "client"
        client.mkdir()
        try:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "app",
                    "--data-dir",
                    str(client),
                    "--allow-demo-key-file",
                    "signin",
                    "--server",
                    server,
                    "--user",
                    "officer1",
                    "--password-file",
                    str(_secret_file(tmp, password)),
                ],
                check=True,
                capture_output=True,
            )
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "app",
                    "--data-dir",
                    str(client),
                    "--allow-demo-key-file",
                    "sync",
                ],
                check=True,
                capture_output=True,
            )
        finally:
            service.terminate()
            service.wait(timeout=10)
        _time_startup(client)


STARTUP_RUNS = 15


def _time_startup(client: Path) -> None:
    """The app and the floor, started in turn ``STARTUP_RUNS`` times each on the same data."""
    # As installed: bytecode compiled once (pip and the frozen build ship it), whatever
    # PYTHONDONTWRITEBYTECODE says here; the first runs then pay no compiling.
    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(root / "app"), str(root / "bench")],
        check=True,
        capture_output=True,
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    times: dict[str, list[float]] = {"bench.startup_probe": [], "bench.startup_floor": []}
    rows: dict[str, int] = {}
    for _ in range(STARTUP_RUNS):
        for module, taken in times.items():
            launched = time.monotonic()
            out = subprocess.run(
                [sys.executable, "-m", module, str(client)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            taken.append(float(out[-1]) - launched)  # the child's monotonic clock is ours
            rows[module] = int(out[1])
    app, floor = times["bench.startup_probe"], times["bench.startup_floor"]
    _line(
        "caseload rows on screen (app / floor)",
        f"{rows['bench.startup_probe']:,} / {rows['bench.startup_floor']:,}",
    )
    _line(
        f"start to caseload painted, app (best / median of {STARTUP_RUNS})",
        f"{min(app):.2f} s / {statistics.median(app):.2f} s",
    )
    _line(
        f"the floor: PySide6 + SQLCipher only (best / median of {STARTUP_RUNS})",
        f"{min(floor):.2f} s / {statistics.median(floor):.2f} s",
    )
    _line(
        "app / floor (best; median)",
        f"{min(app) / min(floor):.1f}x; {statistics.median(app) / statistics.median(floor):.1f}x",
    )


def _secret_file(tmp: Path, password: str) -> Path:
    path = tmp / "password.txt"
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path
