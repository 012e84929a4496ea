"""What the sign-in dialog says, without Qt: what is wrong with a server address (naming the
field), how a good one is written, and why a sign-in failed."""

from __future__ import annotations

import pytest

from app.services.workspace import StoreError
from app.sync.client import AuthRejected, Offline
from app.ui.text.signin import (
    normalise_server_address,
    server_address_problem,
    sign_in_failure,
)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("", "Server address: enter the address"),
        ("   ", "Server address: enter the address"),
        ("doorstep.council.gov.uk", "Server address: it must start with https:// or http://"),
        ("ftp://doorstep.council.gov.uk", "Server address: it must start with https://"),
        ("https:/doorstep.council.gov.uk", "Server address: it must start with https://"),
        ("https://", "does not name a server"),
        ("https://door step.gov.uk", "Server address: it must not contain spaces"),
        ("https://bad_host!", "does not name a server"),
        ("https://host:99999", "Server address: the port “99999” must be a number"),
        ("https://host:8x", "Server address: the port “8x” must be a number"),
        ("https://host/sync/api", "Server address: give only the server"),
        ("https://host?x=1", "Server address: give only the server"),
        ("https://user@host", "Server address: leave out any user name"),
        # Issue 11: the password and token crossed a network in clear.
        ("http://doorstep.council.gov.uk", "Server address: plain http:// would send"),
        ("http://10.0.0.5:8765", "Server address: plain http:// would send"),
    ],
)
def test_server_address_problems(address: str, problem: str) -> None:
    found = server_address_problem(address)
    assert found is not None
    assert found.startswith(problem) or problem in found


@pytest.mark.parametrize(
    "address",
    [
        "https://doorstep.council.gov.uk",
        "http://127.0.0.1:8765",
        "https://doorstep.council.gov.uk:8443/",
        "HTTPS://Doorstep.Council.gov.uk",
        "http://localhost:8000",
        "http://[::1]:8000",
    ],
)
def test_good_server_addresses(address: str) -> None:
    assert server_address_problem(address) is None


def test_normalise_server_address() -> None:
    assert normalise_server_address(" https://host:8443/ ") == "https://host:8443"




def test_why_a_sign_in_failed() -> None:
    assert sign_in_failure(AuthRejected("The username or password is not right.")) == (
        "The username or password is not right."
    )
    assert sign_in_failure(Offline("Cannot reach the server.")) == "Cannot reach the server."
    assert sign_in_failure(StoreError("No keyring.")) == "No keyring."
    assert sign_in_failure(KeyError("token")) == (
        "Sign-in failed unexpectedly (KeyError: 'token')."
    )
