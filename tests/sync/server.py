"""A real central service for tests: ``python -m central --url URL serve --port PORT`` in a
subprocess (over HTTPS when given a certificate and key), waited for on ``/health`` and always
stopped afterwards.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine

from app.protocol.messages import HEADER_APP, HEADER_PROTOCOL, PROTOCOL_VERSION
from central.db import open_store

ROOT = Path(__file__).resolve().parents[2]
HEADERS = {HEADER_PROTOCOL: str(PROTOCOL_VERSION), HEADER_APP: "doorstep-tests/0"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningCentral:
    """A central service process and an engine on the same store (for seeding and checks)."""

    url: str
    store_url: str
    engine: Engine
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@contextmanager
def running_central(
    store_url: str, log_dir: Path, *, tls: tuple[Path, Path] | None = None
) -> Iterator[RunningCentral]:
    """Migrate the store, start the service on a free port, wait for /health; stop it after.
    ``tls`` is a certificate and its key: the service then serves HTTPS, and is waited for
    trusting that certificate."""
    engine = open_store(store_url)
    port = free_port()
    log = log_dir / f"central-{port}.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "central", "--url", store_url, "serve", "--port", str(port)]
    if tls:
        command += ["--certfile", str(tls[0]), "--keyfile", str(tls[1])]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    scheme = "https" if tls else "http"
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=tls[0]) if tls else True
    server = RunningCentral(f"{scheme}://127.0.0.1:{port}", store_url, engine, process, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"central exited early:\n{log.read_text(errors='replace')}")
            try:
                reply = httpx.get(f"{server.url}/health", headers=HEADERS, timeout=2, verify=verify)
                if reply.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"central did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield server
    finally:
        server.stop()
        engine.dispose()
