"""``python -m central serve --certfile --keyfile`` serves HTTPS: a real service process with a
self-signed certificate for 127.0.0.1, talked to by a client that trusts that certificate; and
the bad ways of asking for it, each refused with exit status 2 and a message naming what is
wrong."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import uuid
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from central.cli import main
from tests.sync.central_seed import seed_council
from tests.sync.server import HEADERS, running_central

PASSWORD = "correct horse"


def self_signed(folder: Path, name: str = "central") -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, signed by its own key, and that key (PEM files)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = folder / f"{name}.crt"
    key_path = folder / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_serve_with_a_certificate_speaks_https_only(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    store = f"sqlite:///{tmp_path / 'central.sqlite'}"
    with running_central(store, tmp_path, tls=(cert, key)) as central:
        seed_council(central.engine, officers=["alice"], cases_per_officer=1, password=PASSWORD)
        assert central.url.startswith("https://127.0.0.1:")
        trusting = ssl.create_default_context(cafile=cert)
        with httpx.Client(base_url=central.url, headers=HEADERS, verify=trusting) as client:
            body = {"username": "alice", "password": PASSWORD, "device_id": str(uuid.uuid4())}
            token = client.post("/auth/signin", json=body).json()["token"]
            check = client.get("/sync/check", headers={"Authorization": f"Bearer {token}"})
            assert check.status_code == 200
        # A client that does not trust the certificate cannot talk to it...
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{central.url}/health", headers=HEADERS)
        # ...and plain HTTP on the same port gets no answer.
        plain = central.url.replace("https://", "http://")
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{plain}/health", headers=HEADERS, timeout=5)
        assert central.process.poll() is None  # still serving
    ready = central.log.read_text(encoding="utf-8").splitlines()[0]
    assert ready == f"Doorstep central listening on {central.url}"


def serve(tmp_path: Path, *options: str) -> int:
    store = f"sqlite:///{tmp_path / 'central.sqlite'}"
    return main(["--url", store, "serve", "--port", "0", *options])


@pytest.mark.parametrize(
    ("given", "missing"), [("--certfile", "--keyfile"), ("--keyfile", "--certfile")]
)
def test_certificate_and_key_come_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, missing: str
) -> None:
    cert, key = self_signed(tmp_path)
    assert serve(tmp_path, given, str(cert if given == "--certfile" else key)) == 2
    error = capsys.readouterr().err
    assert f"{given} was given without {missing}" in error
    assert "Traceback" not in error


def test_a_missing_certificate_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, key = self_signed(tmp_path)
    absent = tmp_path / "absent.crt"
    assert serve(tmp_path, "--certfile", str(absent), "--keyfile", str(key)) == 2
    assert f"cannot read {absent}" in capsys.readouterr().err


def test_a_key_that_does_not_match_the_certificate_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert, _ = self_signed(tmp_path, "one")
    _, other_key = self_signed(tmp_path, "two")
    assert serve(tmp_path, "--certfile", str(cert), "--keyfile", str(other_key)) == 2
    assert "the key must match the certificate" in capsys.readouterr().err


def test_a_certificate_that_is_not_pem_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, key = self_signed(tmp_path)
    garbage = tmp_path / "garbage.crt"
    garbage.write_text("not a certificate\n", encoding="utf-8")
    assert serve(tmp_path, "--certfile", str(garbage), "--keyfile", str(key)) == 2
    assert "they must be PEM files" in capsys.readouterr().err
